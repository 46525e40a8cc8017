//! The JSON-RPC `id`: a string, a number or null.

use super::raw::write_str;
use std::fmt;

/// A request or response id.
///
/// Numbers keep their text, so `1`, `1.0` and `1e0` stay distinct (the
/// specification asks servers to echo the id unchanged) and a 400-digit id
/// reads and writes without loss.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Id {
    /// `null`: discouraged in requests; the id of replies to unreadable requests.
    Null,
    /// A number, as written.
    Number(IdNumber),
    /// A string.
    String(String),
}

impl Id {
    /// Appends the id as JSON.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Id::Null => out.push_str("null"),
            Id::Number(n) => out.push_str(n.as_str()),
            Id::String(s) => write_str(out, s),
        }
    }

    /// The id as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// The id as an `i64`, when it is an integer number in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Id::Number(n) => n.as_i64(),
            _ => None,
        }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

impl From<i64> for Id {
    fn from(n: i64) -> Self {
        Id::Number(IdNumber(n.to_string().into_boxed_str()))
    }
}

impl From<u64> for Id {
    fn from(n: u64) -> Self {
        Id::Number(IdNumber(n.to_string().into_boxed_str()))
    }
}

impl From<i32> for Id {
    fn from(n: i32) -> Self {
        Id::from(i64::from(n))
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Self {
        Id::String(s.to_owned())
    }
}

impl From<String> for Id {
    fn from(s: String) -> Self {
        Id::String(s)
    }
}

/// A numeric id, kept as its JSON text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(Box<str>);

impl IdNumber {
    /// `text` when it is a JSON number (RFC 8259 §6 grammar), else `None`.
    pub fn new(text: &str) -> Option<Self> {
        is_json_number(text).then(|| IdNumber(text.into()))
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when written without fraction or exponent (`12`, `-3`).
    pub fn is_integer(&self) -> bool {
        !self.0.contains(['.', 'e', 'E'])
    }

    /// The value as an `i64`, when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.0.parse().ok()
        } else {
            None
        }
    }

    /// The value as an `f64` (infinite when out of range).
    pub fn as_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }
}

/// True when `text` is exactly one JSON number:
/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
pub(crate) fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if b.first() == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            while matches!(b.get(i), Some(b'0'..=b'9')) {
                i += 1;
            }
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while matches!(b.get(i), Some(b'0'..=b'9')) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_number_grammar() {
        for ok in [
            "0",
            "-0",
            "12",
            "1.5",
            "1e9",
            "1E+9",
            "-1.0e-3",
            &"9".repeat(400),
        ] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "+1", "1x", "NaN", "0x10"] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn integer_and_fraction_are_kept_apart() {
        let one = IdNumber::new("1");
        let one_point_zero = IdNumber::new("1.0");
        assert!(one.as_ref().is_some_and(IdNumber::is_integer));
        assert!(one_point_zero.as_ref().is_some_and(|n| !n.is_integer()));
        assert_ne!(one, one_point_zero);
        assert_eq!(Id::from(7).to_json(), "7");
        assert_eq!(Id::from("a\"b").to_json(), "\"a\\\"b\"");
    }
}
