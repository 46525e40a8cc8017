//! Responses and response batches.

use super::error_object::ErrorObject;
use super::id::Id;
use super::raw::{RawJson, write_key};
use super::request::InvalidItem;
use std::fmt;

/// A response: the id of its request and exactly one of result and error.
///
/// `result` and `error` are both optional so that a peer's response with
/// both or neither is kept as read (with a violation) and a simulated server
/// can send such a response on purpose; the constructors set exactly one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The id; `None` when the member is missing (a violation).
    pub id: Option<Id>,
    /// `result`, raw.
    pub result: Option<RawJson>,
    /// `error`.
    pub error: Option<ErrorObject>,
    /// Members beyond jsonrpc, id, result and error, in order.
    pub extra: Vec<(String, RawJson)>,
}

/// What a response says: a result or an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// The call succeeded with this result.
    Result(&'a RawJson),
    /// The call failed with this error.
    Error(&'a ErrorObject),
    /// The response has both or neither (a violation); nothing can be relied on.
    Malformed,
}

impl Response {
    /// A successful response with a raw result.
    pub fn result(id: impl Into<Id>, result: RawJson) -> Self {
        Response {
            id: Some(id.into()),
            result: Some(result),
            error: None,
            extra: Vec::new(),
        }
    }

    /// A successful response with a result built from a JSON value.
    pub fn result_value(id: impl Into<Id>, result: &serde_json::Value) -> Self {
        Response::result(id, RawJson::from_value(result))
    }

    /// An error response. Use [`Id::Null`] when the request's id could not be read.
    pub fn error(id: impl Into<Id>, error: ErrorObject) -> Self {
        Response {
            id: Some(id.into()),
            result: None,
            error: Some(error),
            extra: Vec::new(),
        }
    }

    /// The outcome: result, error, or malformed.
    pub fn outcome(&self) -> Outcome<'_> {
        match (&self.result, &self.error) {
            (Some(r), None) => Outcome::Result(r),
            (None, Some(e)) => Outcome::Error(e),
            _ => Outcome::Malformed,
        }
    }

    /// Appends the response as compact JSON: jsonrpc, id, result or error.
    pub fn write_json(&self, out: &mut String) {
        out.push_str("{\"jsonrpc\":\"2.0\"");
        let mut first = false;
        if let Some(id) = &self.id {
            write_key(out, &mut first, "id");
            id.write_json(out);
        }
        if let Some(result) = &self.result {
            write_key(out, &mut first, "result");
            out.push_str(result.get());
        }
        if let Some(error) = &self.error {
            write_key(out, &mut first, "error");
            error.write_json(out);
        }
        for (k, v) in &self.extra {
            write_key(out, &mut first, k);
            out.push_str(v.get());
        }
        out.push('}');
    }

    /// The response as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// One element of a response message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseItem {
    /// A response object (possibly with violations).
    Response(Response),
    /// Not an object.
    Invalid(InvalidItem),
}

impl ResponseItem {
    /// The response, when the element is an object.
    pub fn as_response(&self) -> Option<&Response> {
        match self {
            ResponseItem::Response(r) => Some(r),
            ResponseItem::Invalid(_) => None,
        }
    }

    /// Appends the item as JSON (invalid items as received).
    pub fn write_json(&self, out: &mut String) {
        match self {
            ResponseItem::Response(r) => r.write_json(out),
            ResponseItem::Invalid(i) => out.push_str(i.raw.get()),
        }
    }
}

/// A whole response message: one response or a batch (as the server sends it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// A single response.
    Single(ResponseItem),
    /// A batch of responses, in the order sent.
    Batch(Vec<ResponseItem>),
}

impl Outgoing {
    /// The response objects, in order.
    pub fn responses(&self) -> Vec<&Response> {
        match self {
            Outgoing::Single(item) => item.as_response().into_iter().collect(),
            Outgoing::Batch(items) => items.iter().filter_map(ResponseItem::as_response).collect(),
        }
    }

    /// Appends the message as JSON.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Outgoing::Single(item) => item.write_json(out),
            Outgoing::Batch(items) => super::write_batch(out, items, ResponseItem::write_json),
        }
    }

    /// The message as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl From<Response> for Outgoing {
    fn from(r: Response) -> Self {
        Outgoing::Single(ResponseItem::Response(r))
    }
}

impl From<Vec<Response>> for Outgoing {
    fn from(rs: Vec<Response>) -> Self {
        Outgoing::Batch(rs.into_iter().map(ResponseItem::Response).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jsonrpc::nso::ErrorType;

    #[test]
    fn writes_the_manual_login_failure() {
        let r = Response::error(1, ErrorObject::nso(ErrorType::MethodFailed));
        assert_eq!(
            r.to_json(),
            r#"{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"type":"rpc.method.failed","message":"Method failed"}}"#
        );
        assert!(matches!(r.outcome(), Outcome::Error(_)));
    }
}
