//! The hardened XML layer every NETCONF and Junos XML message goes through.
//!
//! Management-protocol peers are attack surface: replies have carried XXE
//! payloads to client libraries, entity bombs have exhausted servers, and
//! crafted nesting and text sizes have crashed C parsers. So the rules here
//! are fixed, not options:
//!
//! - **No DTD, no entity expansion.** A `<!DOCTYPE` is an error
//!   ([`XmlError::Doctype`]) naming billion laughs and XXE. Only `&amp;`
//!   `&lt;` `&gt;` `&apos;` `&quot;` and character references are resolved,
//!   in text and attribute values alike; any other `&name;` is
//!   [`XmlError::UndeclaredEntity`].
//! - **Characters.** The whole input is checked once, up front, against
//!   UTF-8 and the XML `Char` production: overlong forms, lone continuation
//!   bytes, CESU-8 surrogates, bytes `F5..FF`, NUL and the other C0 controls
//!   are errors with their byte offset.
//! - **Limits.** Size, depth, attributes per element, attribute value length,
//!   text length, name length and element count are bounded by [`XmlLimits`]
//!   with defaults that accept real device output and refuse the known
//!   resource attacks.
//! - **No recursion driven by input.** The reader keeps explicit stacks; the
//!   tree builder and both writers are loops.
//!
//! Layers: [`XmlReader`] is the pull reader (quick-xml tokenizing, borrowed
//! events, no allocation per event), [`Element`] an owned tree for
//! datastores and typed Junos messages, [`RawElement`] an element kept as the
//! bytes it arrived as (zero copy from a [`bytes::Bytes`] input) for
//! payloads such as `<data>`. Payloads are checked by a separate scanner
//! (`XmlReader::skip_raw`) that applies the same rules and limits without
//! producing events, several times faster than tokenizing; the fuzz oracles
//! hold it to accepting exactly what the event reader accepts.

mod chars;
mod error;
mod escape;
mod names;
pub(crate) mod raw;
mod reader;
mod scan;
mod tree;

pub use error::XmlError;
pub use escape::{escape_attr, escape_text};
pub use raw::RawElement;
pub use reader::{Attr, Attrs, Declaration, End, Tag, XmlEvent, XmlReader};
pub use tree::Element;

pub(crate) use error::clip;
pub(crate) use escape::push_text;

use std::fmt;

/// The namespace the `xml:` prefix is always bound to.
pub const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
/// The namespace of `xmlns` and `xmlns:*` attributes.
pub const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// Bounds on what a document may contain.
///
/// The defaults accept any message a real device sends in practice and
/// refuse the known resource attacks: libxml2's limits (depth 256, text
/// nodes of 10,000,000 bytes) are the reference most NETCONF stacks share,
/// so documents outside them would not interoperate anyway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XmlLimits {
    /// Largest document, in bytes. Default 64 MiB.
    pub max_size: usize,
    /// Deepest element nesting (the root is depth 1). Default 256.
    pub max_depth: usize,
    /// Most attributes, namespace declarations included, on one element.
    /// Default 256.
    pub max_attributes: usize,
    /// Longest attribute value as written, in bytes. Default 64 KiB.
    pub max_attribute_len: usize,
    /// Longest run of character data between two tags, in bytes.
    /// Default 10,000,000.
    pub max_text_len: usize,
    /// Longest element or attribute name, in bytes. Default 1024.
    pub max_name_len: usize,
    /// Most elements in a tree built by [`Element::parse`]. Default 1,000,000.
    pub max_elements: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        XmlLimits {
            max_size: 64 << 20,
            max_depth: 256,
            max_attributes: 256,
            max_attribute_len: 64 << 10,
            max_text_len: 10_000_000,
            max_name_len: 1024,
            max_elements: 1_000_000,
        }
    }
}

/// A qualified name: optional prefix and local part.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct QName {
    /// The prefix, e.g. `nc` in `nc:rpc`.
    pub prefix: Option<String>,
    /// The local part, e.g. `rpc`.
    pub local: String,
}

impl QName {
    /// An unprefixed name.
    pub fn local(local: impl Into<String>) -> Self {
        QName {
            prefix: None,
            local: local.into(),
        }
    }

    /// A prefixed name.
    pub fn prefixed(prefix: impl Into<String>, local: impl Into<String>) -> Self {
        QName {
            prefix: Some(prefix.into()),
            local: local.into(),
        }
    }

    /// Splits a name as written (`p:l` or `l`).
    pub fn parse(name: &str) -> Self {
        match name.split_once(':') {
            Some((p, l)) => QName::prefixed(p, l),
            None => QName::local(name),
        }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.prefix {
            Some(p) => write!(f, "{p}:{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// An attribute with its value unescaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Attribute {
    /// The name as written.
    pub name: QName,
    /// Its namespace: `None` for unprefixed attributes,
    /// [`XMLNS_NS`] for namespace declarations.
    pub namespace: Option<String>,
    /// The value, references resolved.
    pub value: String,
}

impl Attribute {
    /// An unprefixed attribute.
    pub fn new(local: impl Into<String>, value: impl Into<String>) -> Self {
        Attribute {
            name: QName::local(local),
            namespace: None,
            value: value.into(),
        }
    }

    /// A namespace declaration: `xmlns="uri"` when `prefix` is `None`,
    /// `xmlns:prefix="uri"` otherwise.
    pub fn xmlns(prefix: Option<&str>, uri: impl Into<String>) -> Self {
        Attribute {
            name: match prefix {
                Some(p) => QName::prefixed("xmlns", p),
                None => QName::local("xmlns"),
            },
            namespace: Some(XMLNS_NS.to_owned()),
            value: uri.into(),
        }
    }

    /// Whether this is a namespace declaration.
    pub fn is_xmlns(&self) -> bool {
        self.name.prefix.as_deref() == Some("xmlns")
            || (self.name.prefix.is_none() && self.name.local == "xmlns")
    }

    /// The prefix a namespace declaration binds (`Some(None)` for the
    /// default namespace), or `None` if this is not a declaration.
    pub fn declares(&self) -> Option<Option<&str>> {
        if self.name.prefix.as_deref() == Some("xmlns") {
            Some(Some(self.name.local.as_str()))
        } else if self.name.prefix.is_none() && self.name.local == "xmlns" {
            Some(None)
        } else {
            None
        }
    }
}

/// A namespace binding in scope: `prefix` (`None` for the default
/// namespace) to `uri` (empty to undeclare the default namespace).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NsBinding {
    /// The prefix, `None` for the default namespace.
    pub prefix: Option<String>,
    /// The namespace URI.
    pub uri: String,
}

/// Writes an attribute ` name="value"` (escaped).
pub(crate) fn write_attr(out: &mut Vec<u8>, name: &str, value: &str) {
    out.push(b' ');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"=\"");
    escape_attr(out, value);
    out.push(b'"');
}

/// Writes an element holding only text: `<name>text</name>`.
pub(crate) fn write_leaf(out: &mut Vec<u8>, name: &str, text: &str) {
    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
    escape_text(out, text);
    out.extend_from_slice(b"</");
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
}

#[cfg(test)]
mod tests;
