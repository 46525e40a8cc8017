//! The one pass every JSON message goes through: a complete RFC 8259
//! validator that also checks what generic parsers let through silently
//! (nesting deeper than the caller allows, lone UTF-16 surrogates in `\u`
//! escapes, names repeated within one object, numbers beyond the double
//! range) and indexes the values near the top, so the envelope is read
//! without a second pass over a large `result`.
//!
//! No recursion: one small frame per open container (bounded by
//! `max_depth`), one entry per name of the open objects, one entry per
//! indexed value (bounded by the input size the caller already limited).
//! Strings are skipped eight bytes at a time.

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

/// One indexed value: its nesting depth (0 for the top value), the name it
/// has in its object (quotes included), and its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub depth: usize,
    pub key: Option<KeySpan>,
    pub start: usize,
    pub end: usize,
}

/// A member name: byte range including the quotes, whether it holds
/// escapes, and a tag (length and first bytes) that tells most names apart
/// without comparing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeySpan {
    pub start: usize,
    pub end: usize,
    pub escaped: bool,
    tag: u64,
}

/// Length and first eight bytes of a name, in one word.
#[inline]
fn tag_of(name: &[u8]) -> u64 {
    let n = name.len();
    let word = match name.get(..8) {
        Some(first) => {
            let mut w = [0u8; 8];
            w.copy_from_slice(first);
            u64::from_le_bytes(w)
        }
        None => name
            .iter()
            .rev()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)),
    };
    word ^ ((n as u64) << 56)
}

/// Objects with more names than this are checked by sorting when they close.
const SMALL_OBJECT: usize = 16;

impl KeySpan {
    /// The name, unescaped.
    pub fn name(self, text: &str) -> Cow<'_, str> {
        let quoted = text.get(self.start..self.end).unwrap_or("\"\"");
        if self.escaped {
            match serde_json::from_str::<String>(quoted) {
                Ok(s) => Cow::Owned(s),
                Err(_) => Cow::Borrowed(quoted),
            }
        } else {
            Cow::Borrowed(quoted.get(1..quoted.len().saturating_sub(1)).unwrap_or(""))
        }
    }
}

#[derive(Clone, Copy)]
enum Kind {
    Object { keys_start: usize },
    Array { index: usize },
}

#[derive(Clone, Copy)]
struct Frame {
    kind: Kind,
    /// One bit per name hash of the object's first names: most objects are
    /// checked for repeats without comparing names at all.
    bloom: u64,
    /// The current member name (objects).
    key: Option<KeySpan>,
    /// The container's own entry, to patch its end.
    entry: Option<usize>,
}

/// Validates `text` (already UTF-8) as one JSON value and indexes the values
/// of depth `0..=index_depth`. Offsets in violations and errors are `base`
/// plus the offset in `text`; offsets in entries are within `text`.
pub(crate) fn scan(
    text: &str,
    base: usize,
    opts: ScanOptions,
    index_depth: usize,
    out: &mut Vec<Violation>,
) -> Result<Vec<Entry>, JsonRpcError> {
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        base,
        opts,
        index_depth,
        stack: Vec::with_capacity(8),
        keys: Vec::with_capacity(if opts.duplicate_keys { 16 } else { 0 }),
        entries: Vec::with_capacity(8),
        out,
    };
    s.run()?;
    Ok(s.entries)
}

/// The members of `text`, an already validated JSON value: names and raw
/// values, in order, repeats included; `None` when it is not an object.
pub(crate) fn members(text: &str) -> Option<Vec<(Cow<'_, str>, &str)>> {
    if !text
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{')
    {
        return None;
    }
    let opts = ScanOptions {
        max_depth: usize::MAX,
        duplicate_keys: false,
        number_range: false,
    };
    let entries = scan(text, 0, opts, 1, &mut Vec::new()).ok()?;
    Some(children(text, &entries, 0))
}

/// The direct children of entry `parent`, as (name, raw value); names are
/// empty for array elements.
pub(crate) fn children<'a>(
    text: &'a str,
    entries: &[Entry],
    parent: usize,
) -> Vec<(Cow<'a, str>, &'a str)> {
    let Some(p) = entries.get(parent) else {
        return Vec::new();
    };
    entries
        .iter()
        .skip(parent + 1)
        .take_while(|e| e.depth > p.depth)
        .filter(|e| e.depth == p.depth + 1)
        .map(|e| {
            let name = e.key.map_or(Cow::Borrowed(""), |k| k.name(text));
            (name, text.get(e.start..e.end).unwrap_or("null"))
        })
        .collect()
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// A mask whose lowest set bit (if any) is the high bit of the first byte
/// that is `"`, `\` or a control character (higher bits may be false alarms).
#[inline]
fn special(chunk: u64) -> u64 {
    let quote = chunk ^ (ONES * u64::from(b'"'));
    let backslash = chunk ^ (ONES * u64::from(b'\\'));
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = chunk.wrapping_sub(ONES * 0x20) & !chunk;
    (zero_byte(quote) | zero_byte(backslash) | control) & HIGH
}

struct Scanner<'a, 'o> {
    b: &'a [u8],
    text: &'a str,
    base: usize,
    opts: ScanOptions,
    index_depth: usize,
    stack: Vec<Frame>,
    keys: Vec<KeySpan>,
    entries: Vec<Entry>,
    out: &'o mut Vec<Violation>,
}

impl Scanner<'_, '_> {
    #[inline]
    fn ws(&self, mut i: usize) -> usize {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(i) {
            i += 1;
        }
        i
    }

    fn syntax(&self, i: usize, message: &str) -> JsonRpcError {
        let prefix = self.b.get(..i).unwrap_or(self.b);
        let line = 1 + memchr::memchr_iter(b'\n', prefix).count();
        let column = i - memchr::memrchr(b'\n', prefix).map_or(0, |nl| nl + 1) + 1;
        JsonRpcError::Syntax {
            offset: self.base + i,
            line,
            column,
            message: message.to_owned(),
        }
    }

    fn eof(&self, message: &str) -> JsonRpcError {
        JsonRpcError::Truncated {
            offset: self.base + self.b.len(),
            message: message.to_owned(),
        }
    }

    fn begin(&mut self, i: usize) -> Option<usize> {
        let depth = self.stack.len();
        if depth > self.index_depth {
            return None;
        }
        let key = self.stack.last().and_then(|f| f.key);
        self.entries.push(Entry {
            depth,
            key,
            start: i,
            end: i,
        });
        Some(self.entries.len() - 1)
    }

    fn end(&mut self, entry: Option<usize>, i: usize) {
        if let Some(e) = entry.and_then(|n| self.entries.get_mut(n)) {
            e.end = i;
        }
    }

    fn run(&mut self) -> Result<(), JsonRpcError> {
        let mut i = 0;
        'value: loop {
            i = self.ws(i);
            let entry = self.begin(i);
            match self.b.get(i) {
                None => return Err(self.eof("the text ends where a value should start")),
                Some(b'{') => {
                    self.open(i)?;
                    let keys_start = self.keys.len();
                    self.stack.push(Frame {
                        kind: Kind::Object { keys_start },
                        bloom: 0,
                        key: None,
                        entry,
                    });
                    i = self.ws(i + 1);
                    match self.b.get(i) {
                        Some(b'}') => i = self.close(i),
                        Some(b'"') => {
                            i = self.key(i)?;
                            continue 'value;
                        }
                        None => return Err(self.eof("the text ends inside an object")),
                        Some(_) => {
                            return Err(
                                self.syntax(i, "expected a member name in double quotes or '}'")
                            );
                        }
                    }
                }
                Some(b'[') => {
                    self.open(i)?;
                    self.stack.push(Frame {
                        kind: Kind::Array { index: 0 },
                        bloom: 0,
                        key: None,
                        entry,
                    });
                    i = self.ws(i + 1);
                    if self.b.get(i) == Some(&b']') {
                        i = self.close(i);
                    } else {
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    i = self.string(i)?.0;
                    self.end(entry, i);
                }
                Some(b'-' | b'0'..=b'9') => {
                    i = self.number(i)?;
                    self.end(entry, i);
                }
                Some(b't') => {
                    i = self.literal(i, b"true")?;
                    self.end(entry, i);
                }
                Some(b'f') => {
                    i = self.literal(i, b"false")?;
                    self.end(entry, i);
                }
                Some(b'n') => {
                    i = self.literal(i, b"null")?;
                    self.end(entry, i);
                }
                Some(_) => return Err(self.syntax(i, "expected a JSON value")),
            }
            // After a value: a comma, the end of the enclosing container, or the end of the text.
            loop {
                i = self.ws(i);
                let next = self.b.get(i).copied();
                let Some(frame) = self.stack.last_mut() else {
                    if next.is_some() {
                        return Err(self.syntax(i, "trailing characters after the JSON value"));
                    }
                    return Ok(());
                };
                match (frame.kind, next) {
                    (Kind::Object { .. }, Some(b',')) => {
                        i = self.ws(i + 1);
                        match self.b.get(i) {
                            Some(b'"') => {
                                i = self.key(i)?;
                                continue 'value;
                            }
                            Some(b'}') => {
                                return Err(
                                    self.syntax(i, "trailing comma before '}' (remove the comma)")
                                );
                            }
                            None => return Err(self.eof("the text ends inside an object")),
                            Some(_) => {
                                return Err(
                                    self.syntax(i, "expected a member name in double quotes")
                                );
                            }
                        }
                    }
                    (Kind::Array { index }, Some(b',')) => {
                        frame.kind = Kind::Array { index: index + 1 };
                        i = self.ws(i + 1);
                        if self.b.get(i) == Some(&b']') {
                            return Err(
                                self.syntax(i, "trailing comma before ']' (remove the comma)")
                            );
                        }
                        continue 'value;
                    }
                    (Kind::Object { .. }, Some(b'}')) | (Kind::Array { .. }, Some(b']')) => {
                        i = self.close(i)
                    }
                    (Kind::Object { .. }, None) => {
                        return Err(self.eof("the text ends inside an object"));
                    }
                    (Kind::Array { .. }, None) => {
                        return Err(self.eof("the text ends inside an array"));
                    }
                    (Kind::Object { .. }, Some(_)) => {
                        return Err(self.syntax(i, "expected ',' or '}' after a member value"));
                    }
                    (Kind::Array { .. }, Some(_)) => {
                        return Err(self.syntax(i, "expected ',' or ']' after an array element"));
                    }
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

    /// Closes the container whose closing bracket is at `i`; returns `i + 1`.
    fn close(&mut self, i: usize) -> usize {
        if let Some(frame) = self.stack.last().copied() {
            if let Kind::Object { keys_start } = frame.kind {
                if self.opts.duplicate_keys && self.keys.len() > keys_start + SMALL_OBJECT {
                    self.check_large_object(keys_start);
                }
                self.keys.truncate(keys_start);
            }
            self.end(frame.entry, i + 1);
        }
        self.stack.pop();
        i + 1
    }

    /// Reads `"name" :` at `i`; returns the offset after the colon.
    fn key(&mut self, i: usize) -> Result<usize, JsonRpcError> {
        let (end, escaped) = self.string(i)?;
        let mut key = KeySpan {
            start: i,
            end,
            escaped,
            tag: 0,
        };
        if self.opts.duplicate_keys {
            key.tag = if escaped {
                let name = key.name(self.text);
                tag_of(name.as_bytes())
            } else {
                tag_of(self.b.get(i + 1..end - 1).unwrap_or(&[]))
            };
            self.check_small_object(key);
            self.keys.push(key);
        }
        if let Some(frame) = self.stack.last_mut() {
            frame.key = Some(key);
        }
        let colon = self.ws(end);
        match self.b.get(colon) {
            Some(b':') => Ok(colon + 1),
            None => Err(self.eof("the text ends after a member name")),
            Some(_) => Err(self.syntax(colon, "expected ':' after the member name")),
        }
    }

    /// Reads the string whose opening quote is at `i`; returns the offset
    /// after it and whether it holds an escape.
    #[inline]
    fn string(&self, i: usize) -> Result<(usize, bool), JsonRpcError> {
        let mut at = i + 1;
        let mut escaped = false;
        loop {
            // Eight bytes at a time; the lowest flagged byte of a word is exact.
            while let Some(bytes) = self.b.get(at..at + 8) {
                let mut word = [0u8; 8];
                word.copy_from_slice(bytes);
                let mask = special(u64::from_le_bytes(word));
                if mask != 0 {
                    at += (mask.trailing_zeros() / 8) as usize;
                    break;
                }
                at += 8;
            }
            // At a special byte, or within the last seven bytes of the text.
            loop {
                match self.b.get(at) {
                    None => return Err(self.eof("the text ends inside a string")),
                    Some(b'"') => return Ok((at + 1, escaped)),
                    Some(b'\\') => {
                        escaped = true;
                        at = self.escape(at)?;
                        break;
                    }
                    Some(c) if *c < 0x20 => {
                        return Err(self.syntax(
                            at,
                            "control character inside a string: escape it (\\n, \\t, \\u0000 ...)",
                        ));
                    }
                    Some(_) => at += 1,
                }
            }
        }
    }

    /// Checks the escape whose backslash is at `j`; returns the offset after it.
    fn escape(&self, j: usize) -> Result<usize, JsonRpcError> {
        match self.b.get(j + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(j + 2),
            Some(b'u') => {
                let unit = self.hex4(j + 2)?;
                let lone = || JsonRpcError::LoneSurrogate {
                    offset: self.base + j,
                    escape: format!("\\u{unit:04X}"),
                };
                if (0xD800..0xDC00).contains(&unit) {
                    let next = j + 6;
                    if self.b.get(next) == Some(&b'\\') && self.b.get(next + 1) == Some(&b'u') {
                        let low = self.hex4(next + 2)?;
                        if (0xDC00..0xE000).contains(&low) {
                            return Ok(next + 6);
                        }
                    }
                    Err(lone())
                } else if (0xDC00..0xE000).contains(&unit) {
                    Err(lone())
                } else {
                    Ok(j + 6)
                }
            }
            None => Err(self.eof("the text ends inside an escape")),
            Some(_) => Err(self.syntax(
                j,
                "invalid escape: use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX",
            )),
        }
    }

    fn hex4(&self, i: usize) -> Result<u32, JsonRpcError> {
        let mut v = 0u32;
        for k in i..i + 4 {
            match self.b.get(k).and_then(|d| char::from(*d).to_digit(16)) {
                Some(d) => v = v * 16 + d,
                None if k >= self.b.len() => {
                    return Err(self.eof("the text ends inside a \\u escape"));
                }
                None => return Err(self.syntax(k, "\\u must be followed by four hex digits")),
            }
        }
        Ok(v)
    }

    fn digits(&self, mut i: usize) -> usize {
        while let Some(b'0'..=b'9') = self.b.get(i) {
            i += 1;
        }
        i
    }

    /// Reads `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self, start: usize) -> Result<usize, JsonRpcError> {
        let mut i = start;
        if self.b.get(i) == Some(&b'-') {
            i += 1;
        }
        match self.b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => i = self.digits(i + 1),
            None => return Err(self.eof("the text ends inside a number")),
            Some(_) => return Err(self.syntax(i, "invalid number: a digit must follow '-'")),
        }
        let mut exponent = false;
        if self.b.get(i) == Some(&b'.') {
            let after = self.digits(i + 1);
            if after == i + 1 {
                return Err(self.syntax(
                    i + 1,
                    "invalid number: digits must follow the decimal point",
                ));
            }
            i = after;
        }
        if let Some(b'e' | b'E') = self.b.get(i) {
            exponent = true;
            i += 1;
            if let Some(b'+' | b'-') = self.b.get(i) {
                i += 1;
            }
            let after = self.digits(i);
            if after == i {
                return Err(self.syntax(i, "invalid number: digits must follow the exponent"));
            }
            i = after;
        }
        if self.opts.number_range && (exponent || i - start > 15) {
            self.check_range(start, i);
        }
        Ok(i)
    }

    fn literal(&self, i: usize, word: &[u8]) -> Result<usize, JsonRpcError> {
        let end = i + word.len();
        match self.b.get(i..end) {
            Some(s) if s == word => Ok(end),
            _ if end > self.b.len() && self.b.get(i..).is_some_and(|s| word.starts_with(s)) => {
                Err(self.eof("the text ends inside a literal"))
            }
            _ => Err(self.syntax(
                i,
                "expected a JSON value (true, false and null are lowercase)",
            )),
        }
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
                        self.path(self.stack.len())
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

    /// `$.params.th[2]`-style path through the first `frames` open containers.
    fn path(&self, frames: usize) -> String {
        let mut p = String::from("$");
        for frame in self.stack.iter().take(frames) {
            match (frame.kind, frame.key) {
                (Kind::Object { .. }, Some(k)) => {
                    p.push('.');
                    p.push_str(&k.name(self.text));
                }
                (Kind::Array { index }, _) => {
                    p.push('[');
                    p.push_str(&index.to_string());
                    p.push(']');
                }
                (Kind::Object { .. }, None) => {}
            }
        }
        p
    }

    fn same_name(&self, a: KeySpan, b: KeySpan) -> bool {
        if !a.escaped && !b.escaped {
            return a.tag == b.tag && self.b.get(a.start..a.end) == self.b.get(b.start..b.end);
        }
        a.name(self.text) == b.name(self.text)
    }

    /// Checks a new name against the first names of its object, by bloom
    /// bit first (no comparison for most names).
    fn check_small_object(&mut self, key: KeySpan) {
        let Some(frame) = self.stack.last_mut() else {
            return;
        };
        let Kind::Object { keys_start } = frame.kind else {
            return;
        };
        let count = self.keys.len() - keys_start;
        if count >= SMALL_OBJECT {
            return;
        }
        let bit = 1u64 << (key.tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58);
        let maybe = frame.bloom & bit != 0;
        frame.bloom |= bit;
        if !maybe {
            return;
        }
        let first = self
            .keys
            .get(keys_start..)
            .unwrap_or(&[])
            .iter()
            .find(|k| self.same_name(**k, key))
            .copied();
        if let Some(first) = first {
            let path = self.path(self.stack.len().saturating_sub(1));
            self.report_repeat(&path, first, key);
        }
    }

    /// Checks the names past the first [`SMALL_OBJECT`] of a closing object
    /// by sorting (bounded cost however many names there are).
    fn check_large_object(&mut self, keys_start: usize) {
        let keys = self.keys.get(keys_start..).unwrap_or(&[]);
        let mut sorted: Vec<(Cow<'_, str>, usize)> = keys
            .iter()
            .enumerate()
            .map(|(n, k)| (k.name(self.text), n))
            .collect();
        sorted.sort();
        let mut repeats: Vec<(KeySpan, KeySpan)> = Vec::new();
        for pair in sorted.windows(2) {
            if let [(a, ia), (b, ib)] = pair
                && a == b
                && *ib >= SMALL_OBJECT
                && let (Some(ka), Some(kb)) = (keys.get(*ia), keys.get(*ib))
            {
                repeats.push((*ka, *kb));
            }
        }
        if repeats.is_empty() {
            return;
        }
        let path = self.path(self.stack.len().saturating_sub(1));
        for (first, repeat) in repeats {
            self.report_repeat(&path, first, repeat);
        }
    }

    fn report_repeat(&mut self, object_path: &str, first: KeySpan, repeat: KeySpan) {
        let name = repeat.name(self.text).into_owned();
        let violation = Violation::new(
            rules::DUPLICATE_KEY,
            Scope::Message,
            format!(
                "name \"{name}\" appears again in the object at {object_path} (first at byte {}); \
                 parsers differ on which value wins (this reader keeps the last): send each name once",
                self.base + first.start
            ),
        )
        .at(self.span(repeat.start, repeat.end))
        .warning();
        self.out.push(violation);
    }
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
