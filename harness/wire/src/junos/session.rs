//! The session envelope: the `<?xml?>` declaration, the `<junoscript>` start
//! tag with its version attributes, and `</junoscript>`.

use super::rules;
use crate::netconf::Parsed;
use crate::xml::{Attribute, Element, NsBinding, XmlError, XmlLimits, write_attr};
use crate::{Scope, Violation};

/// The declaration each side sends first.
pub const DECLARATION: &[u8] = b"<?xml version=\"1.0\" encoding=\"us-ascii\"?>";
/// What closes the session (after `<end-session/>`).
pub const SESSION_END: &[u8] = b"</junoscript>";

/// The `<junoscript ...>` start tag that opens a session.
///
/// All attributes are kept in order; the ones the protocol defines have
/// accessors. The server's carries `xmlns` (the `xnm` namespace) and
/// `xmlns:junos`, which every element of the session inherits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SessionStart {
    /// Attributes in document order.
    pub attributes: Vec<Attribute>,
}

impl SessionStart {
    /// A client's start tag: `<junoscript version="1.0" release=... hostname=...>`.
    pub fn client(release: Option<&str>, hostname: Option<&str>) -> Self {
        let mut attributes = vec![Attribute::new("version", "1.0")];
        if let Some(r) = release {
            attributes.push(Attribute::new("release", r));
        }
        if let Some(h) = hostname {
            attributes.push(Attribute::new("hostname", h));
        }
        SessionStart { attributes }
    }

    /// A server's start tag for `release` on `hostname`, with the `xnm`
    /// default namespace and the release's `junos` namespace.
    pub fn server(release: &str, hostname: &str) -> Self {
        SessionStart {
            attributes: vec![
                Attribute::xmlns(None, super::XNM_NS),
                Attribute::xmlns(
                    Some("junos"),
                    super::junos_namespace(&release_schema(release)),
                ),
                Attribute::new("os", "JUNOS"),
                Attribute::new("release", release),
                Attribute::new("hostname", hostname),
                Attribute::new("version", "1.0"),
            ],
        }
    }

    fn get(&self, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name.prefix.is_none() && a.name.local == local)
            .map(|a| a.value.as_str())
    }

    /// `version`: the protocol version (1.0).
    pub fn version(&self) -> Option<&str> {
        self.get("version")
    }

    /// `release`: the Junos release, e.g. `20.4R3.8`.
    pub fn release(&self) -> Option<&str> {
        self.get("release")
    }

    /// `hostname`.
    pub fn hostname(&self) -> Option<&str> {
        self.get("hostname")
    }

    /// `os`, e.g. `JUNOS`.
    pub fn os(&self) -> Option<&str> {
        self.get("os")
    }

    /// The namespace bindings the start tag declares, inherited by every
    /// element of the session.
    pub fn scope(&self) -> Vec<NsBinding> {
        let mut out: Vec<NsBinding> = Vec::new();
        for a in &self.attributes {
            if let Some(p) = a.declares() {
                let prefix = p.map(str::to_owned);
                out.retain(|b| b.prefix != prefix);
                out.push(NsBinding {
                    prefix,
                    uri: a.value.clone(),
                });
            }
        }
        out
    }

    /// Parses a start tag (`<junoscript ...>`, as cut from the stream).
    pub fn parse(tag: &[u8], limits: &XmlLimits) -> Result<Parsed<SessionStart>, XmlError> {
        let mut doc = Vec::with_capacity(tag.len() + SESSION_END.len());
        doc.extend_from_slice(tag);
        if !tag.ends_with(b"/>") {
            doc.extend_from_slice(SESSION_END);
        }
        let el = Element::parse(&doc, limits)?;
        if el.name.local != "junoscript" || el.name.prefix.is_some() {
            return Err(XmlError::UnexpectedElement {
                offset: 0,
                found: crate::xml::clip(&el.name.to_string()),
                expected: "<junoscript>, the start of a Junos XML protocol session",
            });
        }
        let start = SessionStart {
            attributes: el.attributes,
        };
        let mut violations = Vec::new();
        match start.version() {
            None => violations.push(Violation::new(
                rules::JUNOSCRIPT_VERSION,
                Scope::Session,
                "<junoscript> has no version attribute",
            )),
            Some(v) if v.split('.').next() != Some("1") => violations.push(Violation::new(
                rules::JUNOSCRIPT_VERSION_UNSUPPORTED,
                Scope::Session,
                format!("junoscript version {v:?}"),
            )),
            Some(_) => {}
        }
        Ok(Parsed {
            message: start,
            violations,
        })
    }

    /// Appends `<junoscript ...>` (the element stays open).
    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"<junoscript");
        for a in &self.attributes {
            write_attr(out, &a.name.to_string(), &a.value);
        }
        out.push(b'>');
    }
}

/// The schema part of a release for the `junos` namespace: Junos uses the
/// release with its last build number dropped and `R0`, e.g. `20.4R3.8` ->
/// `20.4R0`.
fn release_schema(release: &str) -> String {
    match release.split_once('R') {
        Some((train, _)) => format!("{train}R0"),
        None => release.to_owned(),
    }
}

/// Writes the declaration `<?xml version="1.0" encoding="us-ascii"?>` and a
/// newline.
pub fn write_declaration(out: &mut Vec<u8>) {
    out.extend_from_slice(DECLARATION);
    out.push(b'\n');
}
