//! The one error type of the XML layer.
//!
//! Every variant carries the byte offset where the problem was seen (counted
//! from the first byte of the parsed input) and its message ends with what to
//! do about it, so `confuzz decode` can print it as is.

use thiserror::Error;

/// Why a message could not be read at all.
///
/// A broken protocol *rule* in a readable message is a
/// [`Violation`](crate::Violation), not an `XmlError`; this type is for input
/// that is not well-formed XML, is over a limit, or is not a message the
/// parser knows.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum XmlError {
    /// The input is longer than [`XmlLimits::max_size`](super::XmlLimits::max_size).
    #[error(
        "message of {size} bytes is over the limit of {limit} bytes; raise XmlLimits::max_size if the peer is trusted to send documents this large"
    )]
    TooLarge {
        /// Size of the input.
        size: u64,
        /// The limit it broke.
        limit: usize,
    },
    /// A `<!DOCTYPE>` was found. DTDs are never read: internal entities give
    /// billion-laughs expansion (CWE-776) and external entities give XXE.
    #[error(
        "DOCTYPE at byte {offset} rejected: a DTD enables entity expansion (billion laughs, CWE-776) and external entities (XXE); NETCONF and Junos XML never need one, remove the DOCTYPE"
    )]
    Doctype {
        /// Offset of `<!DOCTYPE`.
        offset: u64,
    },
    /// A reference to an entity other than the five predefined ones.
    #[error(
        "undeclared entity &{name}; at byte {offset}: only &amp; &lt; &gt; &apos; &quot; and character references are resolved (no DTD entities, guarding against billion laughs and XXE); escape a literal '&' as &amp;"
    )]
    UndeclaredEntity {
        /// Offset of the `&`.
        offset: u64,
        /// The entity name (cut to 64 bytes).
        name: String,
    },
    /// A malformed character reference, or one naming a character XML forbids.
    #[error(
        "bad character reference &{reference}; at byte {offset}: it must be &#N; or &#xH; naming an XML Char (not U+0000, not a surrogate, not U+FFFE/U+FFFF)"
    )]
    InvalidCharRef {
        /// Offset of the `&`.
        offset: u64,
        /// The text between `&` and `;` (cut to 64 bytes).
        reference: String,
    },
    /// Bytes that are not UTF-8.
    #[error(
        "invalid UTF-8 at byte {offset} ({reason}); NETCONF and Junos XML are UTF-8: re-encode the document, or find the corrupted bytes"
    )]
    InvalidUtf8 {
        /// Offset of the first byte of the bad sequence.
        offset: u64,
        /// What is wrong with it, e.g. `overlong encoding C0 AF`.
        reason: String,
    },
    /// A code point the XML `Char` production does not allow (NUL, most C0
    /// controls, U+FFFE, U+FFFF).
    #[error(
        "character U+{code_point:04X} at byte {offset} is not allowed in XML (W3C XML 1.0 §2.2 Char); remove it, or send binary data base64-encoded"
    )]
    InvalidChar {
        /// Offset of the character.
        offset: u64,
        /// The code point.
        code_point: u32,
    },
    /// Elements nested deeper than [`XmlLimits::max_depth`](super::XmlLimits::max_depth).
    #[error(
        "element at byte {offset} is nested deeper than {limit} levels; raise XmlLimits::max_depth if such documents are expected"
    )]
    TooDeep {
        /// Offset of the start tag that went over.
        offset: u64,
        /// The limit.
        limit: usize,
    },
    /// More attributes on one element than [`XmlLimits::max_attributes`](super::XmlLimits::max_attributes).
    #[error(
        "element at byte {offset} has more than {limit} attributes; raise XmlLimits::max_attributes if such elements are expected"
    )]
    TooManyAttributes {
        /// Offset of the start tag.
        offset: u64,
        /// The limit.
        limit: usize,
    },
    /// An attribute value longer than [`XmlLimits::max_attribute_len`](super::XmlLimits::max_attribute_len).
    #[error(
        "attribute value at byte {offset} is longer than {limit} bytes; raise XmlLimits::max_attribute_len if such values are expected"
    )]
    AttributeTooLong {
        /// Offset of the value.
        offset: u64,
        /// The limit.
        limit: usize,
    },
    /// A run of character data longer than [`XmlLimits::max_text_len`](super::XmlLimits::max_text_len).
    #[error(
        "text node starting at byte {offset} is longer than {limit} bytes; raise XmlLimits::max_text_len if such text is expected"
    )]
    TextTooLong {
        /// Offset where the text run starts.
        offset: u64,
        /// The limit.
        limit: usize,
    },
    /// An element or attribute name longer than [`XmlLimits::max_name_len`](super::XmlLimits::max_name_len).
    #[error(
        "name at byte {offset} is longer than {limit} bytes; raise XmlLimits::max_name_len if such names are expected"
    )]
    NameTooLong {
        /// Offset of the name.
        offset: u64,
        /// The limit.
        limit: usize,
    },
    /// More elements than [`XmlLimits::max_elements`](super::XmlLimits::max_elements)
    /// while building a tree.
    #[error(
        "more than {limit} elements when building a tree (element at byte {offset}); raise XmlLimits::max_elements if such documents are expected"
    )]
    TooManyElements {
        /// Offset of the element that went over.
        offset: u64,
        /// The limit.
        limit: usize,
    },
    /// The same attribute twice on one element.
    #[error(
        "attribute {name} repeated at byte {offset}; an attribute may appear once per element (W3C XML 1.0 §3.1), remove the duplicate"
    )]
    DuplicateAttribute {
        /// Offset of the second occurrence.
        offset: u64,
        /// The attribute name.
        name: String,
    },
    /// A namespace prefix used without an `xmlns:prefix` declaration in scope.
    #[error(
        "prefix {prefix:?} at byte {offset} is not bound to a namespace; declare it with xmlns:{prefix}=\"...\" on this element or an ancestor"
    )]
    UnboundPrefix {
        /// Offset of the name using the prefix.
        offset: u64,
        /// The prefix.
        prefix: String,
    },
    /// A namespace declaration the Namespaces in XML rules forbid.
    #[error("bad namespace declaration at byte {offset}: {detail}")]
    BadNamespaceDeclaration {
        /// Offset of the attribute.
        offset: u64,
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// An element or attribute name that is not an XML Name.
    #[error(
        "{name:?} at byte {offset} is not a valid XML name; names start with a letter, '_' or ':' and hold no spaces or punctuation such as '<', '&', '\"'"
    )]
    InvalidName {
        /// Offset of the name.
        offset: u64,
        /// The name (cut to 64 bytes).
        name: String,
    },
    /// An attribute that cannot be read: no `=`, no quotes, no space before it.
    #[error("malformed attribute at byte {offset}: {detail}")]
    BadAttribute {
        /// Offset where reading failed.
        offset: u64,
        /// What was expected.
        detail: &'static str,
    },
    /// A `<` inside an attribute value.
    #[error("'<' inside an attribute value at byte {offset}; escape it as &lt;")]
    LtInAttribute {
        /// Offset of the `<`.
        offset: u64,
    },
    /// `]]>` in character data.
    #[error("']]>' in character data at byte {offset} (W3C XML 1.0 §2.4); escape the '>' as &gt;")]
    CdataEndInText {
        /// Offset of `]]>`.
        offset: u64,
    },
    /// An end tag that does not close the element open at that point.
    #[error(
        "end tag </{found}> at byte {offset} does not match the open element <{expected}>; close elements in the reverse order they were opened"
    )]
    MismatchedEndTag {
        /// Offset of the end tag.
        offset: u64,
        /// Name of the open element.
        expected: String,
        /// Name in the end tag.
        found: String,
    },
    /// An end tag with no open element.
    #[error("end tag </{found}> at byte {offset} closes nothing; remove it")]
    UnexpectedEndTag {
        /// Offset of the end tag.
        offset: u64,
        /// Name in the end tag.
        found: String,
    },
    /// The input ended inside an element.
    #[error(
        "input ends before element <{name}> opened at byte {offset} is closed; the message is truncated or an end tag is missing"
    )]
    UnclosedElement {
        /// Offset of the open element's start tag.
        offset: u64,
        /// Its name.
        name: String,
    },
    /// No element at all.
    #[error(
        "no root element (input ends at byte {offset}); a message is one XML element, e.g. <rpc-reply>"
    )]
    NoRootElement {
        /// Where the input ended.
        offset: u64,
    },
    /// A second top-level element, or text outside the root element.
    #[error(
        "content after the root element at byte {offset}; a message is exactly one element, send the rest as its own message"
    )]
    ContentAfterRoot {
        /// Offset of the extra content.
        offset: u64,
    },
    /// Non-whitespace text, or a reference, outside the root element.
    #[error(
        "text outside the root element at byte {offset}; only whitespace, comments and processing instructions may surround it"
    )]
    TextOutsideRoot {
        /// Offset of the text.
        offset: u64,
    },
    /// An XML declaration that is not the very first thing in the input, or
    /// one that cannot be read.
    #[error("XML declaration at byte {offset}: {detail}")]
    BadDeclaration {
        /// Offset of `<?xml`.
        offset: u64,
        /// What is wrong and how to fix it.
        detail: String,
    },
    /// Any other syntax error reported by the tokenizer.
    #[error("malformed XML at byte {offset}: {detail}; check the markup around that byte")]
    Syntax {
        /// Offset of the markup that failed.
        offset: u64,
        /// The tokenizer's description.
        detail: String,
    },
    /// Well-formed XML that is not the message the caller asked for.
    #[error("unexpected <{found}> at byte {offset}: expected {expected}")]
    UnexpectedElement {
        /// Offset of the start tag.
        offset: u64,
        /// Name found (cut to 64 bytes).
        found: String,
        /// What would have been accepted.
        expected: &'static str,
    },
}

impl XmlError {
    /// The byte offset the error points at.
    pub fn offset(&self) -> u64 {
        use XmlError::*;
        match self {
            TooLarge { .. } => 0,
            Doctype { offset }
            | UndeclaredEntity { offset, .. }
            | InvalidCharRef { offset, .. }
            | InvalidUtf8 { offset, .. }
            | InvalidChar { offset, .. }
            | TooDeep { offset, .. }
            | TooManyAttributes { offset, .. }
            | AttributeTooLong { offset, .. }
            | TextTooLong { offset, .. }
            | NameTooLong { offset, .. }
            | TooManyElements { offset, .. }
            | DuplicateAttribute { offset, .. }
            | UnboundPrefix { offset, .. }
            | BadNamespaceDeclaration { offset, .. }
            | InvalidName { offset, .. }
            | BadAttribute { offset, .. }
            | LtInAttribute { offset }
            | CdataEndInText { offset }
            | MismatchedEndTag { offset, .. }
            | UnexpectedEndTag { offset, .. }
            | UnclosedElement { offset, .. }
            | NoRootElement { offset }
            | ContentAfterRoot { offset }
            | TextOutsideRoot { offset }
            | BadDeclaration { offset, .. }
            | Syntax { offset, .. }
            | UnexpectedElement { offset, .. } => *offset,
        }
    }

    /// The same error with its offset moved by `base`, for errors found in a
    /// slice of a larger stream.
    pub fn shifted(mut self, base: u64) -> Self {
        use XmlError::*;
        match &mut self {
            TooLarge { .. } => {}
            Doctype { offset }
            | UndeclaredEntity { offset, .. }
            | InvalidCharRef { offset, .. }
            | InvalidUtf8 { offset, .. }
            | InvalidChar { offset, .. }
            | TooDeep { offset, .. }
            | TooManyAttributes { offset, .. }
            | AttributeTooLong { offset, .. }
            | TextTooLong { offset, .. }
            | NameTooLong { offset, .. }
            | TooManyElements { offset, .. }
            | DuplicateAttribute { offset, .. }
            | UnboundPrefix { offset, .. }
            | BadNamespaceDeclaration { offset, .. }
            | InvalidName { offset, .. }
            | BadAttribute { offset, .. }
            | LtInAttribute { offset }
            | CdataEndInText { offset }
            | MismatchedEndTag { offset, .. }
            | UnexpectedEndTag { offset, .. }
            | UnclosedElement { offset, .. }
            | NoRootElement { offset }
            | ContentAfterRoot { offset }
            | TextOutsideRoot { offset }
            | BadDeclaration { offset, .. }
            | Syntax { offset, .. }
            | UnexpectedElement { offset, .. } => *offset = offset.saturating_add(base),
        }
        self
    }
}

/// `s` cut to at most 64 bytes on a char boundary, for error messages.
pub(crate) fn clip(s: &str) -> String {
    if s.len() <= 64 {
        return s.to_owned();
    }
    let mut end = 64;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doctype_message_names_billion_laughs_and_xxe() {
        let e = XmlError::Doctype { offset: 3 };
        let s = e.to_string();
        assert!(s.contains("billion laughs") && s.contains("XXE") && s.contains("byte 3"));
    }

    #[test]
    fn shifted_moves_offset() {
        let e = XmlError::InvalidChar {
            offset: 2,
            code_point: 0,
        };
        assert_eq!(e.shifted(10).offset(), 12);
    }

    #[test]
    fn clip_cuts_on_char_boundary() {
        let s = "é".repeat(40);
        let c = clip(&s);
        assert!(c.ends_with("...") && c.len() <= 67);
    }
}
