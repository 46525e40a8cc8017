//! Raw JSON values kept as text, and the small JSON writer every type uses.
//!
//! `params`, `result` and `error.data` stay raw while parsing: a 100 KiB
//! `show_config` result is validated and copied, never built into a tree.
//! Keeping the text also keeps numbers exact (no float rounding), so a value
//! written back is byte-for-byte what was read.

use super::JsonRpcError;
use super::scan::{ScanOptions, scan};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::fmt;

/// A JSON value kept as its original text (validated, never re-formatted).
///
/// Two `RawJson` are equal when their texts are equal: `{"a":1}` and
/// `{ "a": 1 }` differ. Materialize with [`RawJson::to_value`] or
/// [`RawJson::deserialize`] when the content is needed.
#[derive(Clone)]
pub struct RawJson(Box<str>);

impl RawJson {
    /// Validates `text` as one JSON value (nesting up to 128 levels, no lone
    /// surrogates) and keeps it as is.
    pub fn from_string(text: String) -> Result<Self, JsonRpcError> {
        let opts = ScanOptions {
            max_depth: 128,
            duplicate_keys: false,
            number_range: false,
        };
        scan(&text, 0, opts, 0, &mut Vec::new())?;
        Ok(RawJson(text.into_boxed_str()))
    }

    /// The JSON text of `value` (compact).
    pub fn from_value(value: &serde_json::Value) -> Self {
        let mut text = String::new();
        write_value(&mut text, value);
        RawJson(text.into_boxed_str())
    }

    /// The JSON `null`.
    pub fn null() -> Self {
        RawJson("null".into())
    }

    /// The empty object `{}`, NSO's usual result for commands that return nothing.
    pub fn empty_object() -> Self {
        RawJson("{}".into())
    }

    /// Keeps `text`, which the caller has validated as one JSON value.
    pub(crate) fn from_raw(text: &str) -> Self {
        RawJson(text.into())
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        &self.0
    }

    /// The value as a `serde_json::Value` (subject to serde_json's recursion
    /// limit of 128 and its number range).
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(&self.0)
    }

    /// The value read into any deserializable type.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.0)
    }

    /// The value as a `serde_json` raw value (validated again by serde_json).
    pub fn to_raw_value(&self) -> Result<Box<RawValue>, serde_json::Error> {
        RawValue::from_string(self.0.to_string())
    }

    /// What kind of JSON value this is, from its first byte.
    pub fn kind(&self) -> JsonKind {
        JsonKind::of(self.get())
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawJson({})", self.get())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl From<Box<RawValue>> for RawJson {
    fn from(raw: Box<RawValue>) -> Self {
        RawJson(raw.get().into())
    }
}

impl From<&serde_json::Value> for RawJson {
    fn from(value: &serde_json::Value) -> Self {
        RawJson::from_value(value)
    }
}

impl From<serde_json::Value> for RawJson {
    fn from(value: serde_json::Value) -> Self {
        RawJson::from_value(&value)
    }
}

/// The six kinds of JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonKind {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// `-1.5e3`
    Number,
    /// `true` or `false`
    Bool,
    /// `null`
    Null,
}

impl JsonKind {
    /// The kind of the (valid) JSON text `text`, from its first non-space byte.
    pub fn of(text: &str) -> JsonKind {
        match text
            .trim_start_matches([' ', '\t', '\n', '\r'])
            .as_bytes()
            .first()
        {
            Some(b'{') => JsonKind::Object,
            Some(b'[') => JsonKind::Array,
            Some(b'"') => JsonKind::String,
            Some(b't' | b'f') => JsonKind::Bool,
            Some(b'n') | None => JsonKind::Null,
            Some(_) => JsonKind::Number,
        }
    }

    /// The kind in words, for violation details.
    pub fn name(self) -> &'static str {
        match self {
            JsonKind::Object => "an object",
            JsonKind::Array => "an array",
            JsonKind::String => "a string",
            JsonKind::Number => "a number",
            JsonKind::Bool => "a boolean",
            JsonKind::Null => "null",
        }
    }
}

/// Appends `s` as a JSON string literal, escaped the way serde_json escapes
/// (quote, backslash and control characters; nothing else).
pub(crate) fn write_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        if let Some(chunk) = s.get(start..i) {
            out.push_str(chunk);
        }
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    if let Some(chunk) = s.get(start..) {
        out.push_str(chunk);
    }
    out.push('"');
}

/// Appends `value` as compact JSON.
pub(crate) fn write_value(out: &mut String, value: &serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, k);
                out.push(':');
                write_value(out, v);
            }
            out.push('}');
        }
    }
}

/// Appends `"key":` (with a leading comma unless `first`).
pub(crate) fn write_key(out: &mut String, first: &mut bool, key: &str) {
    if !*first {
        out.push(',');
    }
    *first = false;
    write_str(out, key);
    out.push(':');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_str_escapes_like_serde_json() {
        for s in [
            "plain",
            "q\"b\\",
            "nl\n\r\t\u{8}\u{c}",
            "\u{1}\u{1f}",
            "ünï/cödé",
        ] {
            let mut out = String::new();
            write_str(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap_or_default());
        }
    }

    #[test]
    fn raw_json_equality_is_textual() {
        let a = RawJson::from_string("{\"a\":1}".into()).ok();
        let b = RawJson::from_string("{ \"a\": 1 }".into()).ok();
        assert!(a.is_some() && b.is_some());
        assert_ne!(a, b);
    }

    #[test]
    fn from_value_writes_compact_json() {
        let v = serde_json::json!({"th": 2, "path": "/d:config", "list": [true, null]});
        assert_eq!(
            RawJson::from_value(&v).get(),
            serde_json::to_string(&v).unwrap_or_default()
        );
    }
}
