//! `<hello>`: capabilities and, from the server, the session-id (RFC 6241 §8.1).

use super::{BASE_1_0, BASE_1_1, BASE_NS, Ctx, rules, write_close, write_open};
use crate::xml::{Tag, XmlError, write_leaf};
use crate::{Scope, Span, Violation};

/// A `<hello>` message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hello {
    /// Capability URIs in the order announced, whitespace trimmed.
    pub capabilities: Vec<String>,
    /// The session-id, when present and a number (a server sends one, a
    /// client must not).
    pub session_id: Option<u32>,
}

impl Hello {
    /// A hello announcing `capabilities` and no session-id (a client's).
    pub fn new<I, S>(capabilities: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Hello {
            capabilities: capabilities.into_iter().map(Into::into).collect(),
            session_id: None,
        }
    }

    /// The same hello with a session-id (a server's).
    pub fn with_session_id(mut self, session_id: u32) -> Self {
        self.session_id = Some(session_id);
        self
    }

    /// Whether `uri` is announced; a capability's `?query` part is ignored,
    /// so `urn:ietf:params:netconf:capability:with-defaults:1.0` matches
    /// `...:with-defaults:1.0?basic-mode=explicit`.
    pub fn announces(&self, uri: &str) -> bool {
        self.capabilities
            .iter()
            .any(|c| c == uri || c.split_once('?').is_some_and(|(base, _)| base == uri))
    }

    /// Whether base:1.0 is announced.
    pub fn base_1_0(&self) -> bool {
        self.announces(BASE_1_0)
    }

    /// Whether base:1.1 is announced.
    pub fn base_1_1(&self) -> bool {
        self.announces(BASE_1_1)
    }

    /// Rules this hello breaks if a client sent it (a client sends no
    /// session-id).
    pub fn check_from_client(&self) -> Vec<Violation> {
        match self.session_id {
            Some(id) => vec![Violation::new(
                rules::HELLO_CLIENT_SESSION_ID,
                Scope::Session,
                format!("the client's <hello> carries session-id {id}"),
            )],
            None => Vec::new(),
        }
    }

    /// Rules this hello breaks if a server sent it (a server sends its
    /// session-id).
    pub fn check_from_server(&self) -> Vec<Violation> {
        match self.session_id {
            None => vec![Violation::new(
                rules::HELLO_SERVER_NO_SESSION_ID,
                Scope::Session,
                "the server's <hello> has no usable <session-id>",
            )],
            Some(_) => Vec::new(),
        }
    }

    /// Appends the hello as XML.
    pub fn write(&self, out: &mut Vec<u8>) {
        let name = write_open(out, None, "hello", Some(BASE_NS), None, &[]);
        out.extend_from_slice(b"<capabilities>");
        for c in &self.capabilities {
            write_leaf(out, "capability", c);
        }
        out.extend_from_slice(b"</capabilities>");
        if let Some(id) = self.session_id {
            write_leaf(out, "session-id", &id.to_string());
        }
        write_close(out, &name);
    }

    /// The hello as XML bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }
}

pub(super) fn read<'a>(cx: &mut Ctx<'a>, tag: &Tag<'a>) -> Result<Hello, XmlError> {
    cx.expect_ns(tag, BASE_NS, rules::BASE_NAMESPACE);
    let mut hello = Hello::default();
    let mut saw_capabilities = false;
    cx.children(tag, Some(rules::ELEMENT_ONLY_CONTENT), |cx, t| {
        match t.local {
            "capabilities" => {
                saw_capabilities = true;
                cx.expect_ns(&t, BASE_NS, rules::BASE_NAMESPACE);
                let caps = &mut hello.capabilities;
                cx.children(&t, Some(rules::ELEMENT_ONLY_CONTENT), |cx, c| {
                    if c.local != "capability" {
                        cx.push(
                            rules::UNKNOWN_ELEMENT,
                            c.span,
                            format!("<{}> inside <capabilities>", c.name),
                        );
                        return Ok(());
                    }
                    cx.expect_ns(&c, BASE_NS, rules::BASE_NAMESPACE);
                    let (text, end) = cx.r.text_of(&c)?;
                    let uri = super::trimmed(text);
                    if !looks_like_uri(&uri) {
                        cx.push(
                            rules::CAPABILITY_NOT_URI,
                            Span::new(c.span.start, end.span.end),
                            format!("capability {uri:?} is not a URI"),
                        );
                    }
                    caps.push(uri);
                    Ok(())
                })?;
            }
            "session-id" => {
                cx.expect_ns(&t, BASE_NS, rules::BASE_NAMESPACE);
                let (text, end) = cx.r.text_of(&t)?;
                let text = super::trimmed(text);
                let span = Span::new(t.span.start, end.span.end);
                match text.parse::<u32>() {
                    Ok(id) if !text.starts_with('+') => {
                        if id == 0 {
                            cx.push(rules::HELLO_BAD_SESSION_ID, span, "session-id 0");
                        }
                        hello.session_id = Some(id);
                    }
                    _ => cx.push(
                        rules::HELLO_BAD_SESSION_ID,
                        span,
                        format!(
                            "session-id {:?} is not a number from 1 to 4294967295",
                            crate::xml::clip(&text)
                        ),
                    ),
                }
            }
            _ => cx.push(
                rules::UNKNOWN_ELEMENT,
                t.span,
                format!("<{}> inside <hello>", t.name),
            ),
        }
        Ok(())
    })?;
    if !saw_capabilities || hello.capabilities.is_empty() {
        cx.push(
            rules::HELLO_NO_CAPABILITIES,
            tag.span,
            "the <hello> announces no capability",
        );
    }
    if !hello.base_1_0() && !hello.base_1_1() {
        cx.push(
            rules::HELLO_NO_BASE,
            tag.span,
            "neither urn:ietf:params:netconf:base:1.0 nor base:1.1 is announced",
        );
    }
    Ok(hello)
}

/// A URI has a scheme: a letter, then letters, digits, `+`, `-` or `.`,
/// then `:` and more, with no whitespace.
fn looks_like_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let mut b = scheme.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic())
        && b.all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        && !rest.is_empty()
        && !s.bytes().any(|c| c.is_ascii_whitespace())
}
