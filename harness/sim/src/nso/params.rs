//! Reading a method's named params, with NSO's error for each way they can
//! be wrong (`rpc.method.unexpected_params`, `missing_params`,
//! `invalid_params_type`, `invalid_params`, `unknown_params_value`, each
//! with `data.param`).
//!
//! Each member is kept raw until asked for, so a number beyond the double
//! range (`"th": 1e999999`) is an `invalid_params_type` for that param and
//! not a failure of the whole message.

use confuzz_wire::jsonrpc::{ErrorObject, ErrorType, RawJson};
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// A method's params by name.
#[derive(Debug, Default)]
pub struct Params {
    members: BTreeMap<String, Box<RawValue>>,
}

fn err(kind: ErrorType, param: &str) -> ErrorObject {
    ErrorObject::params(kind, param)
}

/// The text of a JSON integer that fits an `i64`, refusing `1.0`, `1e3`
/// and `-0`.
fn integer(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || t == "-0" {
        return None;
    }
    t.parse().ok()
}

impl Params {
    /// Reads `params`: absent or `null` is no params; anything but an
    /// object is `rpc.method.invalid_params` (NSO takes params by name).
    pub fn read(params: Option<&RawJson>) -> Result<Params, ErrorObject> {
        let Some(raw) = params else {
            return Ok(Params::default());
        };
        let text = raw.get().trim();
        if text == "null" {
            return Ok(Params::default());
        }
        if !text.starts_with('{') {
            return Err(err(ErrorType::MethodInvalidParams, "params")
                .with_message("Invalid params: params must be an object of named params"));
        }
        let members: BTreeMap<String, Box<RawValue>> = serde_json::from_str(text)
            .map_err(|_| err(ErrorType::MethodInvalidParams, "params"))?;
        Ok(Params { members })
    }

    /// Refuses any param not in `allowed`.
    pub fn only(&self, allowed: &[&str]) -> Result<(), ErrorObject> {
        match self.members.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(err(ErrorType::MethodUnexpectedParams, k)),
            None => Ok(()),
        }
    }

    /// Whether `name` was given (and not `null`).
    pub fn has(&self, name: &str) -> bool {
        self.members.get(name).is_some_and(|v| v.get() != "null")
    }

    /// Whether no param at all was given.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    fn raw(&self, name: &str) -> Option<&str> {
        self.members
            .get(name)
            .map(|v| v.get())
            .filter(|v| *v != "null")
    }

    /// An optional integer param.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ErrorObject> {
        match self.raw(name) {
            None => Ok(None),
            Some(t) => integer(t)
                .map(Some)
                .ok_or_else(|| err(ErrorType::MethodInvalidParamsType, name)),
        }
    }

    /// A required integer param.
    pub fn req_int(&self, name: &str) -> Result<i64, ErrorObject> {
        self.int(name)?
            .ok_or_else(|| err(ErrorType::MethodMissingParams, name))
    }

    /// An optional string param.
    pub fn str(&self, name: &str) -> Result<Option<String>, ErrorObject> {
        match self.raw(name) {
            None => Ok(None),
            Some(t) => serde_json::from_str::<String>(t)
                .map(Some)
                .map_err(|_| err(ErrorType::MethodInvalidParamsType, name)),
        }
    }

    /// A required string param.
    pub fn req_str(&self, name: &str) -> Result<String, ErrorObject> {
        self.str(name)?
            .ok_or_else(|| err(ErrorType::MethodMissingParams, name))
    }

    /// An optional boolean param.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ErrorObject> {
        match self.raw(name) {
            None => Ok(None),
            Some(t) => serde_json::from_str::<bool>(t)
                .map(Some)
                .map_err(|_| err(ErrorType::MethodInvalidParamsType, name)),
        }
    }

    /// An optional string param that must be one of `values`.
    pub fn choice(&self, name: &str, values: &[&str]) -> Result<Option<String>, ErrorObject> {
        match self.str(name)? {
            Some(v) if !values.contains(&v.as_str()) => {
                Err(err(ErrorType::MethodUnknownParamsValue, name))
            }
            v => Ok(v),
        }
    }

    /// A param as a JSON value (`None` when absent; `Some(Null)` when null).
    pub fn value(&self, name: &str) -> Result<Option<Value>, ErrorObject> {
        match self.members.get(name) {
            None => Ok(None),
            Some(v) => serde_json::from_str(v.get())
                .map(Some)
                .map_err(|_| err(ErrorType::MethodInvalidParamsType, name)),
        }
    }

    /// An optional array of strings.
    pub fn strings(&self, name: &str) -> Result<Option<Vec<String>>, ErrorObject> {
        match self.raw(name) {
            None => Ok(None),
            Some(t) => serde_json::from_str::<Vec<String>>(t)
                .map(Some)
                .map_err(|_| err(ErrorType::MethodInvalidParamsType, name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Params {
        Params::read(Some(&RawJson::from_string(text.into()).unwrap())).unwrap()
    }

    #[test]
    fn integers_refuse_fractions_exponents_and_negative_zero() {
        let ps = p(r#"{"a":1.0,"b":1e999999,"c":-0,"d":42,"e":"7"}"#);
        for n in ["a", "b", "c", "e"] {
            let e = ps.int(n).unwrap_err();
            assert_eq!(e.kind, Some(ErrorType::MethodInvalidParamsType));
            assert_eq!(e.param().as_deref(), Some(n));
        }
        assert_eq!(ps.int("d").unwrap(), Some(42));
        assert_eq!(
            ps.req_int("th").unwrap_err().kind,
            Some(ErrorType::MethodMissingParams)
        );
    }

    #[test]
    fn array_params_are_invalid_params() {
        let e = Params::read(Some(&RawJson::from_string("[1,2]".into()).unwrap())).unwrap_err();
        assert_eq!(e.kind, Some(ErrorType::MethodInvalidParams));
        assert_eq!(e.param().as_deref(), Some("params"));
    }
}
