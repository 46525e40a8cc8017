//! A peer's deviation from a protocol rule, as data.
//!
//! Decoders and parsers do not fail on a broken rule when the stream can still
//! be read: they report a [`Violation`] naming the rule, and the caller decides
//! (strict mode stops, lenient mode records and goes on). Reports, snapshots and
//! `confuzz decode` print violations; they are never panics.

use serde::Serialize;
use std::fmt;

/// A protocol rule a peer can break.
///
/// Each module that checks rules declares them as `pub const` items, so the
/// list of rules grows with the code that checks them and every rule has one
/// stable identifier for reports, snapshots and scenario expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Rule {
    /// Stable kebab-case identifier, e.g. `chunk-size-leading-zero`.
    pub id: &'static str,
    /// Where the rule is written, e.g. `RFC 6242 §4.2`.
    pub reference: &'static str,
    /// One line on what the rule requires.
    pub summary: &'static str,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self.reference, self.id)
    }
}

/// What a violation spoils: the rest of the session, or one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The byte stream or the session state is affected (framing, hello order).
    Session,
    /// Only the message it was found in is affected.
    Message,
}

/// How bad a violation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Allowed by the rule's text but discouraged (`SHOULD NOT`), e.g. a null JSON-RPC id.
    Warning,
    /// Forbidden by the rule's text (`MUST`, ABNF).
    Error,
}

/// Half-open byte range `start..end`.
///
/// Framing violations count from the first byte of the stream; message
/// violations count from the first byte of the message payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// First byte of the offending bytes.
    pub start: u64,
    /// One past the last offending byte.
    pub end: u64,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: u64, end: u64) -> Self {
        Span { start, end }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// One broken rule, where it was broken, and what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The rule that was broken.
    pub rule: Rule,
    /// What the violation spoils.
    pub scope: Scope,
    /// How bad it is.
    pub level: Level,
    /// The offending bytes, where they can be pointed at.
    pub span: Option<Span>,
    /// What was seen, in words a user can act on (e.g. `chunk-size "007" has a leading zero`).
    pub detail: String,
}

impl Violation {
    /// An error-level violation of `rule` with no span.
    pub fn new(rule: Rule, scope: Scope, detail: impl Into<String>) -> Self {
        Violation {
            rule,
            scope,
            level: Level::Error,
            span: None,
            detail: detail.into(),
        }
    }

    /// The same violation, pointing at `span`.
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    /// The same violation, downgraded to a warning.
    pub fn warning(mut self) -> Self {
        self.level = Level::Warning;
        self
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        write!(f, "{level}: {}", self.rule)?;
        if let Some(span) = self.span {
            write!(f, " at bytes {span}")?;
        }
        write!(f, ": {}", self.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule {
        id: "chunk-size-leading-zero",
        reference: "RFC 6242 §4.2",
        summary: "chunk-size starts with a non-zero digit",
    };

    #[test]
    fn display_names_rule_reference_span_and_detail() {
        let v = Violation::new(
            RULE,
            Scope::Session,
            "chunk-size \"007\" has a leading zero",
        )
        .at(Span::new(10, 15));
        assert_eq!(
            v.to_string(),
            "error: RFC 6242 §4.2 [chunk-size-leading-zero] at bytes 10..15: chunk-size \"007\" has a leading zero"
        );
    }

    #[test]
    fn warning_display_says_warning_and_omits_missing_span() {
        let v = Violation::new(RULE, Scope::Message, "x").warning();
        assert_eq!(
            v.to_string(),
            "warning: RFC 6242 §4.2 [chunk-size-leading-zero]: x"
        );
    }
}
