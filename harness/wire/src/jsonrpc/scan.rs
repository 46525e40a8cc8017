//! One bounded, non-recursive pass over JSON text for what serde_json lets
//! through silently: nesting deeper than the caller allows, lone UTF-16
//! surrogates in `\u` escapes, names repeated within one object, and numbers
//! beyond the double range.
//!
//! The pass runs before the real parse, over text that may not be JSON at
//! all: on anything it does not expect it stops quietly and leaves the
//! syntax error to serde_json, which says it better. It keeps one small frame
//! per open container (bounded by `max_depth`) and one entry per name of the
//! open objects (bounded by the input size the caller already limited).

use super::JsonRpcError;
use super::rules;
use crate::violation::{Scope, Span, Violation};
use std::borrow::Cow;

/// What to look for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ScanOptions {
    /// Deepest nesting of arrays and objects allowed.
    pub max_depth: usize,
    /// Report names repeated within one object.
    pub duplicate_keys: bool,
    /// Report numbers beyond the range of a double.
    pub number_range: bool,
}

#[derive(Clone, Copy)]
enum Frame {
    Object {
        keys_start: usize,
        key: (usize, usize),
    },
    Array {
        index: usize,
    },
}

#[derive(Clone, Copy)]
struct Key {
    /// Byte range of the name including its quotes.
    start: usize,
    end: usize,
    escaped: bool,
}

enum Str {
    /// The string ends before this offset; `escaped` when it holds a `\`.
    End(usize, bool),
    /// Not a well-formed string: stop and let the parser report it.
    Stop,
}

/// Scans `text`; offsets in violations and errors are `base` plus the offset in `text`.
pub(crate) fn scan(
    text: &str,
    base: usize,
    opts: ScanOptions,
    out: &mut Vec<Violation>,
) -> Result<(), JsonRpcError> {
    Scanner {
        b: text.as_bytes(),
        text,
        base,
        opts,
        stack: Vec::new(),
        keys: Vec::new(),
        out,
    }
    .run()
}

struct Scanner<'a, 'o> {
    b: &'a [u8],
    text: &'a str,
    base: usize,
    opts: ScanOptions,
    stack: Vec<Frame>,
    keys: Vec<Key>,
    out: &'o mut Vec<Violation>,
}

impl Scanner<'_, '_> {
    fn ws(&self, mut i: usize) -> usize {
        while matches!(self.b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            i += 1;
        }
        i
    }

    fn run(&mut self) -> Result<(), JsonRpcError> {
        let mut i = 0;
        'value: loop {
            i = self.ws(i);
            match self.b.get(i) {
                Some(b'{') => {
                    self.open(i)?;
                    let keys_start = self.keys.len();
                    self.stack.push(Frame::Object {
                        keys_start,
                        key: (0, 0),
                    });
                    i = self.ws(i + 1);
                    if self.b.get(i) == Some(&b'}') {
                        self.close_object();
                        i += 1;
                    } else {
                        match self.key(i)? {
                            Some(next) => {
                                i = next;
                                continue 'value;
                            }
                            None => return Ok(()),
                        }
                    }
                }
                Some(b'[') => {
                    self.open(i)?;
                    self.stack.push(Frame::Array { index: 0 });
                    i = self.ws(i + 1);
                    if self.b.get(i) == Some(&b']') {
                        self.stack.pop();
                        i += 1;
                    } else {
                        continue 'value;
                    }
                }
                Some(b'"') => match self.string(i)? {
                    Str::End(end, _) => i = end,
                    Str::Stop => return Ok(()),
                },
                Some(b'-' | b'0'..=b'9') => i = self.number(i),
                Some(b't' | b'f' | b'n') => {
                    while self.b.get(i).is_some_and(u8::is_ascii_alphabetic) {
                        i += 1;
                    }
                }
                _ => return Ok(()),
            }
            // After a value: a comma, or the end of the enclosing container.
            loop {
                i = self.ws(i);
                let next = self.b.get(i).copied();
                match (self.stack.last_mut(), next) {
                    (None, _) => return Ok(()),
                    (Some(Frame::Object { .. }), Some(b',')) => match self.key(self.ws(i + 1))? {
                        Some(after) => {
                            i = after;
                            continue 'value;
                        }
                        None => return Ok(()),
                    },
                    (Some(Frame::Object { .. }), Some(b'}')) => {
                        self.close_object();
                        i += 1;
                    }
                    (Some(Frame::Array { index }), Some(b',')) => {
                        *index += 1;
                        i += 1;
                        continue 'value;
                    }
                    (Some(Frame::Array { .. }), Some(b']')) => {
                        self.stack.pop();
                        i += 1;
                    }
                    _ => return Ok(()),
                }
            }
        }
    }

    fn open(&self, i: usize) -> Result<(), JsonRpcError> {
        if self.stack.len() >= self.opts.max_depth {
            return Err(JsonRpcError::TooDeep {
                offset: self.base + i,
                limit: self.opts.max_depth,
            });
        }
        Ok(())
    }

    /// Reads `"name" :` at `i`; returns the offset after the colon.
    fn key(&mut self, i: usize) -> Result<Option<usize>, JsonRpcError> {
        if self.b.get(i) != Some(&b'"') {
            return Ok(None);
        }
        let (end, escaped) = match self.string(i)? {
            Str::End(end, escaped) => (end, escaped),
            Str::Stop => return Ok(None),
        };
        if let Some(Frame::Object { key, .. }) = self.stack.last_mut() {
            *key = (i, end);
        }
        if self.opts.duplicate_keys {
            self.keys.push(Key {
                start: i,
                end,
                escaped,
            });
        }
        let colon = self.ws(end);
        if self.b.get(colon) != Some(&b':') {
            return Ok(None);
        }
        Ok(Some(colon + 1))
    }

    /// Skips the string starting with the quote at `i`, checking `\u` escapes.
    fn string(&self, i: usize) -> Result<Str, JsonRpcError> {
        let mut at = i + 1;
        let mut escaped = false;
        loop {
            let Some(rest) = self.b.get(at..) else {
                return Ok(Str::Stop);
            };
            let Some(k) = memchr::memchr2(b'"', b'\\', rest) else {
                return Ok(Str::Stop);
            };
            let j = at + k;
            if self.b.get(j) == Some(&b'"') {
                return Ok(Str::End(j + 1, escaped));
            }
            escaped = true;
            match self.b.get(j + 1) {
                Some(b'u') => {
                    let Some(unit) = self.hex4(j + 2) else {
                        return Ok(Str::Stop);
                    };
                    at = j + 6;
                    if (0xD800..0xDC00).contains(&unit) {
                        let low = if self.b.get(at) == Some(&b'\\')
                            && self.b.get(at + 1) == Some(&b'u')
                        {
                            self.hex4(at + 2)
                        } else {
                            None
                        };
                        match low {
                            Some(0xDC00..=0xDFFF) => at += 6,
                            _ => {
                                return Err(JsonRpcError::LoneSurrogate {
                                    offset: self.base + j,
                                    escape: format!("\\u{unit:04X}"),
                                });
                            }
                        }
                    } else if (0xDC00..0xE000).contains(&unit) {
                        return Err(JsonRpcError::LoneSurrogate {
                            offset: self.base + j,
                            escape: format!("\\u{unit:04X}"),
                        });
                    }
                }
                Some(_) => at = j + 2,
                None => return Ok(Str::Stop),
            }
        }
    }

    fn hex4(&self, i: usize) -> Option<u32> {
        let digits = self.b.get(i..i + 4)?;
        let mut v = 0u32;
        for d in digits {
            v = v * 16 + char::from(*d).to_digit(16)?;
        }
        Some(v)
    }

    fn number(&mut self, start: usize) -> usize {
        let mut i = start;
        while matches!(
            self.b.get(i),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        ) {
            i += 1;
        }
        let long = i - start > 15;
        if self.opts.number_range
            && (long
                || self
                    .b
                    .get(start..i)
                    .is_some_and(|n| n.iter().any(|c| matches!(c, b'e' | b'E'))))
        {
            self.check_range(start, i);
        }
        i
    }

    fn check_range(&mut self, start: usize, end: usize) {
        let Some(text) = self.text.get(start..end) else {
            return;
        };
        if text.parse::<f64>().is_ok_and(f64::is_infinite) {
            let shown: String = text.chars().take(24).collect();
            let more = if text.len() > 24 { "..." } else { "" };
            self.out.push(
                Violation::new(
                    rules::NUMBER_OUT_OF_RANGE,
                    Scope::Message,
                    format!(
                        "number {shown}{more} ({} characters) at {} overflows a double; most parsers fail or read infinity",
                        text.len(),
                        self.path()
                    ),
                )
                .at(self.span(start, end))
                .warning(),
            );
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new((self.base + start) as u64, (self.base + end) as u64)
    }

    /// `$.params.th[2]`-style path of the value being read (names shown raw).
    fn path(&self) -> String {
        let mut p = String::from("$");
        for frame in &self.stack {
            match *frame {
                Frame::Object { key: (s, e), .. } => {
                    let name = self.text.get(s + 1..e.saturating_sub(1)).unwrap_or("");
                    p.push('.');
                    p.push_str(name);
                }
                Frame::Array { index } => {
                    p.push('[');
                    p.push_str(&index.to_string());
                    p.push(']');
                }
            }
        }
        p
    }

    fn close_object(&mut self) {
        let Some(Frame::Object { keys_start, .. }) = self.stack.last().copied() else {
            self.stack.pop();
            return;
        };
        if self.opts.duplicate_keys && self.keys.len() > keys_start + 1 {
            self.report_duplicates(keys_start);
        }
        self.keys.truncate(keys_start);
        self.stack.pop();
    }

    fn name(&self, k: Key) -> Cow<'_, str> {
        let quoted = self.text.get(k.start..k.end).unwrap_or("\"\"");
        if k.escaped {
            match serde_json::from_str::<String>(quoted) {
                Ok(s) => Cow::Owned(s),
                Err(_) => Cow::Borrowed(quoted),
            }
        } else {
            Cow::Borrowed(quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or(""))
        }
    }

    fn report_duplicates(&mut self, keys_start: usize) {
        let keys: Vec<Key> = self.keys.get(keys_start..).unwrap_or(&[]).to_vec();
        let mut repeats: Vec<(usize, usize)> = Vec::new(); // (first, repeat) indices into `keys`
        if keys.len() <= 8 {
            for j in 1..keys.len() {
                for i in 0..j {
                    if self.name(keys[i]) == self.name(keys[j]) {
                        repeats.push((i, j));
                        break;
                    }
                }
            }
        } else {
            let mut sorted: Vec<(Cow<'_, str>, usize)> = keys
                .iter()
                .enumerate()
                .map(|(n, k)| (self.name(*k), n))
                .collect();
            sorted.sort();
            for pair in sorted.windows(2) {
                if let [(a, ia), (b, ib)] = pair
                    && a == b
                {
                    repeats.push((*ia, *ib));
                }
            }
        }
        // The object's own frame is still on the stack; its path is its parents'.
        let object_path = {
            let top = self.stack.pop();
            let p = self.path();
            if let Some(top) = top {
                self.stack.push(top);
            }
            p
        };
        for (first, repeat) in repeats {
            let (k0, k1) = (keys[first], keys[repeat]);
            let name = self.name(k1).into_owned();
            self.out.push(
                Violation::new(
                    rules::DUPLICATE_KEY,
                    Scope::Message,
                    format!(
                        "name \"{name}\" appears again in the object at {object_path} (first at byte {}); \
                         parsers differ on which value wins (this reader keeps the last): send each name once",
                        self.base + k0.start
                    ),
                )
                .at(self.span(k1.start, k1.end))
                .warning(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Result<(), JsonRpcError>, Vec<Violation>) {
        let mut out = Vec::new();
        let opts = ScanOptions {
            max_depth: 128,
            duplicate_keys: true,
            number_range: true,
        };
        let r = scan(text, 0, opts, &mut out);
        (r, out)
    }

    #[test]
    fn finds_duplicate_names_in_small_and_large_objects() {
        let (r, v) = run(r#"{"method":"login","method":"logout"}"#);
        assert!(r.is_ok());
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].span, Some(Span::new(18, 26)));
        let many: String = (0..20).map(|i| format!("\"k{i}\":1,")).collect();
        let (_, v) = run(&format!("{{{many}\"k7\":2}}"));
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].detail.contains("\"k7\""));
    }

    #[test]
    fn escaped_and_plain_names_compare_by_value() {
        let (_, v) = run(r#"{"params":{"th":1,"\u0074h":2}}"#);
        assert_eq!(v.len(), 1);
        assert!(v[0].detail.contains("$.params"), "{}", v[0].detail);
    }

    #[test]
    fn same_name_in_sibling_objects_is_fine() {
        let (_, v) = run(r#"[{"a":1},{"a":2},{"b":{"a":3}}]"#);
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn lone_surrogates_are_errors_and_pairs_are_fine() {
        assert!(matches!(
            run(r#"{"user":"\uD800"}"#).0,
            Err(JsonRpcError::LoneSurrogate { offset: 9, .. })
        ));
        assert!(matches!(
            run(r#"["\uDFFF"]"#).0,
            Err(JsonRpcError::LoneSurrogate { .. })
        ));
        assert!(matches!(
            run(r#"["\uD800\u0041"]"#).0,
            Err(JsonRpcError::LoneSurrogate { .. })
        ));
        assert!(run(r#"["\uD83D\uDE00", "\\uD800"]"#).0.is_ok());
    }

    #[test]
    fn depth_is_bounded_without_recursion() {
        let deep = "[".repeat(100_000);
        assert!(matches!(
            run(&deep).0,
            Err(JsonRpcError::TooDeep {
                offset: 128,
                limit: 128
            })
        ));
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(run(&ok).0.is_ok());
    }

    #[test]
    fn numbers_beyond_double_range_are_reported() {
        let (_, v) = run(&format!(
            r#"{{"th":1e999999,"x":{},"y":1e308,"z":12345678901234567890}}"#,
            "9".repeat(400)
        ));
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(v[0].detail.contains("$.th"));
    }

    #[test]
    fn garbage_stops_quietly() {
        for text in [
            "{",
            "{\"a",
            "{\"a\" 1}",
            "[1,,2]",
            "\"\\u12",
            "}",
            "{\"a\":1,}",
            "\u{0}",
        ] {
            assert!(run(text).0.is_ok(), "{text}");
        }
    }
}
