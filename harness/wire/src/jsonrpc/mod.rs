//! JSON-RPC 2.0 (jsonrpc.org/specification) with the dialect of Cisco NSO's
//! JSON-RPC API.
//!
//! NSO speaks JSON-RPC 2.0 over HTTP `POST /jsonrpc`. Its dialect adds a
//! literal `type` token to every error object (`rpc.method.failed`,
//! `session.invalid_sessionid`, `db.locked`, ...; application errors all share
//! code -32000), puts details in `error.data` (`param`, `sessions`, `errors`),
//! takes params by name only, and addresses data with keypaths
//! (`/ncs:devices/device{"ex 0"}/config`, see [`keypath`]).
//!
//! ```text
//!  bytes ──► parse_request / parse_response ──► Parsed { value, violations }
//!            (size, UTF-8, depth, surrogates,     Incoming = request | batch
//!             repeated names, then the envelope)  Outgoing = response | batch
//!  value ──► to_json() ──► bytes                  (parse(write(x)) == x)
//! ```
//!
//! Parsing is lenient: a broken rule becomes a [`Violation`]
//! naming it (see [`rules`]) and whatever can be read is kept, so a recorder
//! can log a misbehaving server and a simulated server can still answer.
//! Bytes that cannot be read as JSON at all are a [`JsonRpcError`], which
//! also says which NSO error a server answers with
//! ([`JsonRpcError::to_error_object`]).
//!
//! `params`, `result` and `error.data` stay raw ([`RawJson`]) while parsing:
//! one pass validates the whole message and indexes the envelope, and a
//! large `show_config` result is then copied, not built into a tree, so
//! numbers are never rounded. Materialize with
//! [`RawJson::to_value`] or [`RawJson::deserialize`].
//!
//! Writers emit compact JSON with `"jsonrpc":"2.0"` first; what a parse kept
//! (including a response with both or neither of result and error) is
//! written back as it was read, so fault plans can send broken responses on
//! purpose.

mod correlate;
mod envelope;
mod error_object;
pub mod fuzz;
mod id;
pub mod keypath;
mod nso;
mod parse;
mod raw;
mod request;
mod response;
pub mod rules;
mod scan;

pub use correlate::{Correlation, correlate};
pub use error_object::{
    APPLICATION_ERROR, ErrorData, ErrorObject, INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST,
    METHOD_NOT_FOUND, PARSE_ERROR, PathsMessage,
};
pub use id::{Id, IdNumber};
pub use keypath::{Keypath, KeypathError, KeypathNode, parse_keypath, quote_key};
pub use nso::{ErrorType, INTEGER_PARAMS};
pub use parse::{
    ParseOptions, parse_request, parse_request_with, parse_response, parse_response_with,
};
pub use raw::{JsonKind, RawJson};
pub use request::{Incoming, InvalidItem, Request, RequestItem};
pub use response::{Outcome, Outgoing, Response, ResponseItem};

pub(crate) use envelope::offset_in;
pub(crate) use parse::prepare;
pub(crate) use raw::{write_key, write_str};
pub(crate) use scan::{ScanOptions, children, members};

use crate::violation::{Level, Violation};

/// Appends `items` as a JSON array, each written by `write`: the batch form
/// shared by request and response messages.
fn write_batch<T>(out: &mut String, items: &[T], write: impl Fn(&T, &mut String)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write(item, out);
    }
    out.push(']');
}

/// A parsed value and the rules it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// What could be read.
    pub value: T,
    /// Every broken rule, in the order found.
    pub violations: Vec<Violation>,
}

impl<T> Parsed<T> {
    /// True when no rule was broken at all.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }

    /// True when no error-level rule was broken (warnings allowed).
    pub fn is_valid(&self) -> bool {
        self.violations.iter().all(|v| v.level < Level::Error)
    }

    /// Ids of the broken rules, in order (handy in tests and reports).
    pub fn rule_ids(&self) -> Vec<&'static str> {
        self.violations.iter().map(|v| v.rule.id).collect()
    }
}

/// Bytes that cannot be read as a JSON-RPC message at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonRpcError {
    /// The message is larger than the caller's limit; it was not read.
    #[error(
        "message of {size} bytes exceeds the limit of {limit} bytes: raise ParseOptions::max_size if the peer is trusted (NSO answers rpc.request.too_big)"
    )]
    TooLarge {
        /// Size of the message.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Bytes that are not UTF-8 (RFC 8259 §8.1).
    #[error(
        "invalid UTF-8 at byte {offset}: JSON exchanged between systems is UTF-8 (RFC 8259 §8.1); fix the peer's encoder"
    )]
    InvalidUtf8 {
        /// First byte that is not valid UTF-8.
        offset: usize,
    },
    /// A `\u` escape of half a UTF-16 surrogate pair (RFC 8259 §8.2).
    #[error(
        "lone UTF-16 surrogate {escape} at byte {offset}: \\uD800-\\uDBFF must be followed by \\uDC00-\\uDFFF (RFC 8259 §8.2); escape both halves or send the character as UTF-8"
    )]
    LoneSurrogate {
        /// The backslash of the escape.
        offset: usize,
        /// The escape, e.g. `\uD800`.
        escape: String,
    },
    /// Arrays and objects nested deeper than the caller's limit.
    #[error(
        "nesting deeper than {limit} levels at byte {offset}: flatten the value or raise ParseOptions::max_depth"
    )]
    TooDeep {
        /// The bracket that went one level too deep.
        offset: usize,
        /// The limit.
        limit: usize,
    },
    /// The text ends inside a value (NSO: `rpc.request.eof_parse_error`).
    #[error("JSON ends early at byte {offset}: {message}; send the whole body")]
    Truncated {
        /// Where the text ends.
        offset: usize,
        /// What the parser expected.
        message: String,
    },
    /// Not JSON (NSO: `rpc.request.parse_error`).
    #[error("invalid JSON at byte {offset} (line {line}, column {column}): {message}")]
    Syntax {
        /// Byte offset of the problem.
        offset: usize,
        /// Line, from 1.
        line: usize,
        /// Column in bytes, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl JsonRpcError {
    /// The byte offset the error points at, when it has one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            JsonRpcError::TooLarge { .. } => None,
            JsonRpcError::InvalidUtf8 { offset }
            | JsonRpcError::LoneSurrogate { offset, .. }
            | JsonRpcError::TooDeep { offset, .. }
            | JsonRpcError::Truncated { offset, .. }
            | JsonRpcError::Syntax { offset, .. } => Some(*offset),
        }
    }

    /// The NSO error a server answers this message with (id null).
    pub fn to_error_object(&self) -> ErrorObject {
        match self {
            JsonRpcError::TooLarge { .. } => ErrorObject::nso(ErrorType::RequestTooBig),
            JsonRpcError::Truncated { .. } => ErrorObject::nso(ErrorType::RequestEofParseError),
            _ => ErrorObject::parse_error(),
        }
    }
}
