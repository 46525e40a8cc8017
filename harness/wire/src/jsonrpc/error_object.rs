//! The error object of a response, with NSO's `type` token and `data`.

use super::nso::ErrorType;
use super::raw::{RawJson, write_key, write_str};
use serde::{Deserialize, Serialize};

/// JSON-RPC 2.0 §5.1: invalid JSON was received.
pub const PARSE_ERROR: i64 = -32700;
/// JSON-RPC 2.0 §5.1: the JSON is not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// JSON-RPC 2.0 §5.1: the method does not exist.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// JSON-RPC 2.0 §5.1: invalid method parameters.
pub const INVALID_PARAMS: i64 = -32602;
/// JSON-RPC 2.0 §5.1: internal JSON-RPC error.
pub const INTERNAL_ERROR: i64 = -32603;
/// The code of every NSO application error (the `type` token tells them apart).
pub const APPLICATION_ERROR: i64 = -32000;

/// The `error` member of a response.
///
/// Every field is optional so that a peer's broken error object is kept as
/// read (with violations); the constructors always fill `code` and `message`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorObject {
    /// The integer code; `None` when missing or not an integer.
    pub code: Option<i64>,
    /// The message; `None` when missing or not a string.
    pub message: Option<String>,
    /// NSO's `type` token; `None` when missing or not a string.
    pub kind: Option<ErrorType>,
    /// The `data` member, raw.
    pub data: Option<RawJson>,
    /// Members beyond code, message, type and data, in order.
    pub extra: Vec<(String, RawJson)>,
}

/// The fields NSO puts in `error.data`, all optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ErrorData {
    /// The offending param of a `rpc.method.*params*` error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// A free-text reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The sessions holding a lock (`db.locked`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<Vec<String>>,
    /// Conflicting users (`trans.resolve_needed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<String>>,
    /// Validation errors (`trans.validation_failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<PathsMessage>>,
    /// The path of an invalid action result (`action.invalid_result`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// One validation error or warning: the keypaths involved and a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PathsMessage {
    /// Keypaths the message is about.
    #[serde(default)]
    pub paths: Vec<String>,
    /// What is wrong.
    #[serde(default)]
    pub message: String,
}

impl ErrorObject {
    /// A plain JSON-RPC error (no NSO type).
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ErrorObject {
            code: Some(code),
            message: Some(message.into()),
            ..ErrorObject::default()
        }
    }

    /// An NSO error of `kind`, with the code and message NSO sends with it.
    pub fn nso(kind: ErrorType) -> Self {
        ErrorObject {
            code: Some(kind.default_code()),
            message: Some(kind.default_message().to_owned()),
            kind: Some(kind),
            ..ErrorObject::default()
        }
    }

    /// `rpc.request.parse_error`, code -32700.
    pub fn parse_error() -> Self {
        ErrorObject::nso(ErrorType::RequestParseError)
    }

    /// `rpc.request.invalid`, code -32600 (also the answer to an empty batch).
    pub fn invalid_request() -> Self {
        ErrorObject::nso(ErrorType::RequestInvalid)
    }

    /// `rpc.method.not_found`, code -32601.
    pub fn method_not_found() -> Self {
        ErrorObject::nso(ErrorType::MethodNotFound)
    }

    /// `rpc.method.invalid_params` naming `param`, code -32602.
    pub fn invalid_params(param: &str) -> Self {
        ErrorObject::params(ErrorType::MethodInvalidParams, param)
    }

    /// A `rpc.method.*params*` error of `kind` naming `param` in `data.param`.
    pub fn params(kind: ErrorType, param: &str) -> Self {
        ErrorObject::nso(kind).with_data(&ErrorData {
            param: Some(param.to_owned()),
            ..ErrorData::default()
        })
    }

    /// `rpc.internal_error`, code -32603.
    pub fn internal_error() -> Self {
        ErrorObject::nso(ErrorType::InternalError)
    }

    /// `db.locked`, with the locking sessions in `data.sessions`.
    pub fn db_locked(sessions: Vec<String>) -> Self {
        ErrorObject::nso(ErrorType::DbLocked).with_data(&ErrorData {
            sessions: Some(sessions),
            ..ErrorData::default()
        })
    }

    /// `trans.validation_failed`, with `data.errors`.
    pub fn validation_failed(errors: Vec<PathsMessage>) -> Self {
        ErrorObject::nso(ErrorType::TransValidationFailed).with_data(&ErrorData {
            errors: Some(errors),
            ..ErrorData::default()
        })
    }

    /// The same error with `data` set from `data`.
    pub fn with_data(mut self, data: &ErrorData) -> Self {
        self.data = serde_json::to_value(data)
            .ok()
            .map(|v| RawJson::from_value(&v));
        self
    }

    /// The same error with `data` set to raw JSON.
    pub fn with_raw_data(mut self, data: RawJson) -> Self {
        self.data = Some(data);
        self
    }

    /// The same error with another message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// `data` read as NSO's fields, when it is an object of the right shape.
    pub fn data_fields(&self) -> Option<ErrorData> {
        self.data.as_ref().and_then(|d| d.deserialize().ok())
    }

    /// `data.param`, when present and a string.
    pub fn param(&self) -> Option<String> {
        let members = super::scan::members(self.data.as_ref()?.get())?;
        let (_, raw) = members
            .into_iter()
            .rev()
            .find(|(name, _)| name == "param")?;
        serde_json::from_str(raw).ok()
    }

    /// Appends the error object as JSON.
    pub fn write_json(&self, out: &mut String) {
        out.push('{');
        let mut first = true;
        if let Some(code) = self.code {
            write_key(out, &mut first, "code");
            out.push_str(&code.to_string());
        }
        if let Some(kind) = &self.kind {
            write_key(out, &mut first, "type");
            write_str(out, kind.as_str());
        }
        if let Some(message) = &self.message {
            write_key(out, &mut first, "message");
            write_str(out, message);
        }
        if let Some(data) = &self.data {
            write_key(out, &mut first, "data");
            out.push_str(data.get());
        }
        for (k, v) in &self.extra {
            write_key(out, &mut first, k);
            out.push_str(v.get());
        }
        out.push('}');
    }

    /// The error object as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nso_unexpected_params_matches_the_manual() {
        let e = ErrorObject::params(ErrorType::MethodUnexpectedParams, "foo");
        assert_eq!(
            e.to_json(),
            r#"{"code":-32602,"type":"rpc.method.unexpected_params","message":"Unexpected params","data":{"param":"foo"}}"#
        );
        assert_eq!(e.param().as_deref(), Some("foo"));
    }

    #[test]
    fn db_locked_carries_sessions() {
        let e = ErrorObject::db_locked(vec!["admin tcp (cli from 192.245.2.3)".into()]);
        assert_eq!(e.code, Some(APPLICATION_ERROR));
        let data = e.data_fields().unwrap_or_default();
        assert_eq!(data.sessions.map(|s| s.len()), Some(1));
    }
}
