//! Requests, notifications and request batches.

use super::id::Id;
use super::raw::{RawJson, write_key, write_str};
use std::fmt;

/// A request (with an id) or a notification (without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method name.
    pub method: String,
    /// `params`, raw; `None` when absent.
    pub params: Option<RawJson>,
    /// The id; `None` makes this a notification, which gets no response.
    pub id: Option<Id>,
    /// Members beyond jsonrpc, method, params and id, in order.
    pub extra: Vec<(String, RawJson)>,
}

impl Request {
    /// A request for `method` with `id` and no params.
    pub fn new(id: impl Into<Id>, method: impl Into<String>) -> Self {
        Request {
            method: method.into(),
            params: None,
            id: Some(id.into()),
            extra: Vec::new(),
        }
    }

    /// A notification (no id) for `method`.
    pub fn notification(method: impl Into<String>) -> Self {
        Request {
            method: method.into(),
            params: None,
            id: None,
            extra: Vec::new(),
        }
    }

    /// The same request with `params` set from a JSON value.
    pub fn with_params(mut self, params: &serde_json::Value) -> Self {
        self.params = Some(RawJson::from_value(params));
        self
    }

    /// The same request with raw `params`.
    pub fn with_raw_params(mut self, params: RawJson) -> Self {
        self.params = Some(params);
        self
    }

    /// True when the request has no id.
    pub fn is_notification(&self) -> bool {
        self.id.is_none()
    }

    /// The params materialized, or `Null` when absent.
    pub fn params_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        match &self.params {
            Some(p) => p.to_value(),
            None => Ok(serde_json::Value::Null),
        }
    }

    /// Appends the request as compact JSON, members in the order NSO clients
    /// send them: jsonrpc, id, method, params.
    pub fn write_json(&self, out: &mut String) {
        out.push_str("{\"jsonrpc\":\"2.0\"");
        let mut first = false;
        if let Some(id) = &self.id {
            write_key(out, &mut first, "id");
            id.write_json(out);
        }
        write_key(out, &mut first, "method");
        write_str(out, &self.method);
        if let Some(params) = &self.params {
            write_key(out, &mut first, "params");
            out.push_str(params.get());
        }
        for (k, v) in &self.extra {
            write_key(out, &mut first, k);
            out.push_str(v.get());
        }
        out.push('}');
    }

    /// The request as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// One element of a request message: a request, or something that could not
/// be read as one (the server answers it with an Invalid Request error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestItem {
    /// A readable request or notification.
    Request(Request),
    /// Not a request: not an object, no string method, or an id of a wrong type.
    Invalid(InvalidItem),
}

/// A batch element or message that is not a valid request or response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidItem {
    /// The id, when one of a valid type could be read (to echo in the error response).
    pub id: Option<Id>,
    /// The element as received.
    pub raw: RawJson,
}

impl RequestItem {
    /// The request, when readable.
    pub fn as_request(&self) -> Option<&Request> {
        match self {
            RequestItem::Request(r) => Some(r),
            RequestItem::Invalid(_) => None,
        }
    }

    /// Appends the item as JSON (invalid items as received).
    pub fn write_json(&self, out: &mut String) {
        match self {
            RequestItem::Request(r) => r.write_json(out),
            RequestItem::Invalid(i) => out.push_str(i.raw.get()),
        }
    }
}

/// A whole request message: one request or a batch (as the server receives it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A single request or notification.
    Single(RequestItem),
    /// A batch, in order (possibly empty, which is a violation).
    Batch(Vec<RequestItem>),
}

impl Incoming {
    /// The readable requests, in order.
    pub fn requests(&self) -> Vec<&Request> {
        match self {
            Incoming::Single(item) => item.as_request().into_iter().collect(),
            Incoming::Batch(items) => items.iter().filter_map(RequestItem::as_request).collect(),
        }
    }

    /// Appends the message as JSON.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Incoming::Single(item) => item.write_json(out),
            Incoming::Batch(items) => super::write_batch(out, items, RequestItem::write_json),
        }
    }

    /// The message as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

impl From<Request> for Incoming {
    fn from(r: Request) -> Self {
        Incoming::Single(RequestItem::Request(r))
    }
}

impl From<Vec<Request>> for Incoming {
    fn from(rs: Vec<Request>) -> Self {
        Incoming::Batch(rs.into_iter().map(RequestItem::Request).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_members_in_client_order() {
        let r = Request::new(1, "login")
            .with_params(&serde_json::json!({"user": "admin", "passwd": "admin"}));
        assert_eq!(
            r.to_json(),
            r#"{"jsonrpc":"2.0","id":1,"method":"login","params":{"passwd":"admin","user":"admin"}}"#
        );
        assert_eq!(
            Request::notification("logout").to_json(),
            r#"{"jsonrpc":"2.0","method":"logout"}"#
        );
    }
}
