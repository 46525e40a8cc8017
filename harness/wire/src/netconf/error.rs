//! `<rpc-error>` with every RFC 6241 §4.3 field, and the error-type,
//! error-tag and error-severity values as enums that keep unknown values.

use super::{BASE_NS, Ctx, rules};
use crate::Span;
use crate::xml::{
    Attribute, RawElement, Tag, XML_NS, XmlError, escape_text, write_attr, write_leaf,
};
use bytes::Bytes;
use std::fmt;

macro_rules! token_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A value the RFC does not define, kept as written.
            Other(String),
        }

        impl $name {
            /// Every value the RFC defines.
            pub const KNOWN: &'static [$name] = &[$($name::$variant,)*];

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(s) => s,
                }
            }

            /// Reads a value (surrounding whitespace ignored).
            pub fn parse(s: &str) -> Self {
                match s.trim_matches([' ', '\t', '\r', '\n']) {
                    $($text => $name::$variant,)*
                    other => $name::Other(other.to_owned()),
                }
            }

            /// Whether the RFC defines this value.
            pub fn is_known(&self) -> bool {
                !matches!(self, $name::Other(_))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

token_enum!(
    /// The layer an error happened at (RFC 6241 §4.3 error-type).
    ErrorType {
        /// Secure transport layer.
        Transport = "transport",
        /// Messages layer.
        Rpc = "rpc",
        /// Operations layer.
        Protocol = "protocol",
        /// Content layer.
        Application = "application",
    }
);

token_enum!(
    /// The error condition (RFC 6241 Appendix A error-tag).
    ErrorTag {
        /// The resource is in use.
        InUse = "in-use",
        /// A bad value for a parameter.
        InvalidValue = "invalid-value",
        /// The request or response is too large.
        TooBig = "too-big",
        /// A mandatory attribute is missing.
        MissingAttribute = "missing-attribute",
        /// An attribute value is not correct.
        BadAttribute = "bad-attribute",
        /// An unexpected attribute.
        UnknownAttribute = "unknown-attribute",
        /// A mandatory element is missing.
        MissingElement = "missing-element",
        /// An element value is not correct.
        BadElement = "bad-element",
        /// An unexpected element.
        UnknownElement = "unknown-element",
        /// An unexpected namespace.
        UnknownNamespace = "unknown-namespace",
        /// Access to the operation, resource or data is denied.
        AccessDenied = "access-denied",
        /// The lock is held by another session.
        LockDenied = "lock-denied",
        /// Out of resources.
        ResourceDenied = "resource-denied",
        /// Rolling back failed.
        RollbackFailed = "rollback-failed",
        /// The data already exists.
        DataExists = "data-exists",
        /// The data does not exist.
        DataMissing = "data-missing",
        /// The operation is not supported.
        OperationNotSupported = "operation-not-supported",
        /// The operation failed for a reason no other tag covers.
        OperationFailed = "operation-failed",
        /// Some of the operation failed (deprecated).
        PartialOperation = "partial-operation",
        /// The message could not be parsed (base:1.1).
        MalformedMessage = "malformed-message",
    }
);

token_enum!(
    /// How bad an error is (RFC 6241 §4.3 error-severity).
    ErrorSeverity {
        /// An error.
        Error = "error",
        /// A warning (no standard error-tag uses it, but servers send it).
        Warning = "warning",
    }
);

impl ErrorTag {
    /// The error-types Appendix A allows with this tag (empty for unknown tags).
    pub fn allowed_types(&self) -> &'static [ErrorType] {
        use ErrorTag::*;
        use ErrorType::{Application as A, Protocol as P, Rpc as R, Transport as T};
        match self {
            InUse
            | InvalidValue
            | MissingElement
            | BadElement
            | UnknownElement
            | UnknownNamespace
            | AccessDenied
            | RollbackFailed
            | OperationNotSupported => &[P, A],
            TooBig | ResourceDenied => &[T, R, P, A],
            MissingAttribute | BadAttribute | UnknownAttribute | OperationFailed => &[R, P, A],
            LockDenied => &[P],
            DataExists | DataMissing | PartialOperation => &[A],
            MalformedMessage => &[R],
            Other(_) => &[],
        }
    }

    /// The error-info children Appendix A requires with this tag.
    pub fn required_info(&self) -> &'static [&'static str] {
        use ErrorTag::*;
        match self {
            MissingAttribute | BadAttribute | UnknownAttribute => &["bad-attribute", "bad-element"],
            MissingElement | BadElement | UnknownElement => &["bad-element"],
            UnknownNamespace => &["bad-element", "bad-namespace"],
            LockDenied => &["session-id"],
            _ => &[],
        }
    }
}

/// error-message and its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMessage {
    /// The message text, whitespace kept.
    pub text: String,
    /// `xml:lang`, when given.
    pub lang: Option<String>,
}

/// `<error-info>`: the content as received, plus the children RFC 6241
/// defines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorInfo {
    /// Attributes of `<error-info>` (namespace declarations the content may
    /// rely on), in order.
    pub attributes: Vec<Attribute>,
    /// The content between `<error-info>` and `</error-info>` as received.
    /// When empty, the writer builds the content from the fields below.
    pub raw: Bytes,
    /// `session-id` (with lock-denied: the lock holder, 0 if not NETCONF).
    pub session_id: Option<String>,
    /// `bad-attribute`.
    pub bad_attribute: Option<String>,
    /// `bad-element`.
    pub bad_element: Option<String>,
    /// `bad-namespace`.
    pub bad_namespace: Option<String>,
    /// `ok-element` (partial-operation).
    pub ok_element: Vec<String>,
    /// `err-element` (partial-operation).
    pub err_element: Vec<String>,
    /// `noop-element` (partial-operation).
    pub noop_element: Vec<String>,
}

impl ErrorInfo {
    /// Whether the child `local` (one of the RFC 6241 names) is present.
    pub fn has(&self, local: &str) -> bool {
        match local {
            "session-id" => self.session_id.is_some(),
            "bad-attribute" => self.bad_attribute.is_some(),
            "bad-element" => self.bad_element.is_some(),
            "bad-namespace" => self.bad_namespace.is_some(),
            "ok-element" => !self.ok_element.is_empty(),
            "err-element" => !self.err_element.is_empty(),
            "noop-element" => !self.noop_element.is_empty(),
            _ => false,
        }
    }

    fn write_content(&self, out: &mut Vec<u8>, p: &str) {
        if !self.raw.is_empty() {
            out.extend_from_slice(&self.raw);
            return;
        }
        let one = [
            ("session-id", &self.session_id),
            ("bad-attribute", &self.bad_attribute),
            ("bad-element", &self.bad_element),
            ("bad-namespace", &self.bad_namespace),
        ];
        for (name, v) in one {
            if let Some(v) = v {
                write_leaf(out, &format!("{p}{name}"), v);
            }
        }
        for (name, list) in [
            ("ok-element", &self.ok_element),
            ("err-element", &self.err_element),
            ("noop-element", &self.noop_element),
        ] {
            for v in list {
                write_leaf(out, &format!("{p}{name}"), v);
            }
        }
    }
}

/// One `<rpc-error>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RpcError {
    /// The prefix the element was written with (its children are written
    /// with the same one).
    pub prefix: Option<String>,
    /// Attributes of `<rpc-error>` (namespace declarations that error-info
    /// or unknown children rely on), in order.
    pub attributes: Vec<Attribute>,
    /// error-type (mandatory).
    pub error_type: Option<ErrorType>,
    /// error-tag (mandatory).
    pub error_tag: Option<ErrorTag>,
    /// error-severity (mandatory).
    pub error_severity: Option<ErrorSeverity>,
    /// error-app-tag.
    pub error_app_tag: Option<String>,
    /// error-path: an XPath to the element at fault.
    pub error_path: Option<String>,
    /// error-message.
    pub error_message: Option<ErrorMessage>,
    /// error-info.
    pub error_info: Option<ErrorInfo>,
    /// Children RFC 6241 does not define, kept raw.
    pub extra: Vec<RawElement>,
}

impl RpcError {
    /// An error of `error_type` and `error_tag`, severity error.
    pub fn new(error_type: ErrorType, error_tag: ErrorTag) -> Self {
        RpcError {
            error_type: Some(error_type),
            error_tag: Some(error_tag),
            error_severity: Some(ErrorSeverity::Error),
            ..RpcError::default()
        }
    }

    /// The error a base:1.1 server sends for a message it cannot parse
    /// (RFC 6241 Appendix A: error-tag malformed-message, error-type rpc).
    pub fn malformed_message() -> Self {
        RpcError::new(ErrorType::Rpc, ErrorTag::MalformedMessage)
    }

    /// The same error with severity warning.
    pub fn warning(mut self) -> Self {
        self.error_severity = Some(ErrorSeverity::Warning);
        self
    }

    /// The same error with an error-message.
    pub fn with_message(mut self, text: impl Into<String>) -> Self {
        self.error_message = Some(ErrorMessage {
            text: text.into(),
            lang: None,
        });
        self
    }

    /// The same error with an error-app-tag.
    pub fn with_app_tag(mut self, tag: impl Into<String>) -> Self {
        self.error_app_tag = Some(tag.into());
        self
    }

    /// The same error with an error-path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.error_path = Some(path.into());
        self
    }

    /// The same error with error-info.
    pub fn with_info(mut self, info: ErrorInfo) -> Self {
        self.error_info = Some(info);
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.error_severity != Some(ErrorSeverity::Warning)
    }

    /// Appends the rpc-error as a standalone element (declaring the base
    /// namespace).
    pub fn write(&self, out: &mut Vec<u8>) {
        self.write_in(out, &|_| None);
    }

    /// Appends the rpc-error where `outer` resolves the prefixes in scope
    /// (`None` asks for the default namespace); the base namespace is
    /// declared when it is not already bound to the prefix used.
    pub(crate) fn write_in(
        &self,
        out: &mut Vec<u8>,
        outer: &dyn Fn(Option<&str>) -> Option<String>,
    ) {
        let prefix = self.prefix.as_deref();
        let own = self
            .attributes
            .iter()
            .find(|a| a.declares() == Some(prefix));
        let bound = match own {
            Some(a) => Some(a.value.clone()),
            None => outer(prefix),
        };
        let p = prefix.map(|p| format!("{p}:")).unwrap_or_default();
        let name = format!("{p}rpc-error");
        out.push(b'<');
        out.extend_from_slice(name.as_bytes());
        for a in &self.attributes {
            write_attr(out, &a.name.to_string(), &a.value);
        }
        if own.is_none() && bound.as_deref() != Some(BASE_NS) {
            match prefix {
                Some(x) => write_attr(out, &format!("xmlns:{x}"), BASE_NS),
                None => write_attr(out, "xmlns", BASE_NS),
            }
        }
        out.push(b'>');
        let leaf = |out: &mut Vec<u8>, local: &str, text: &str| {
            write_leaf(out, &format!("{p}{local}"), text)
        };
        if let Some(v) = &self.error_type {
            leaf(out, "error-type", v.as_str());
        }
        if let Some(v) = &self.error_tag {
            leaf(out, "error-tag", v.as_str());
        }
        if let Some(v) = &self.error_severity {
            leaf(out, "error-severity", v.as_str());
        }
        if let Some(v) = &self.error_app_tag {
            leaf(out, "error-app-tag", v);
        }
        if let Some(v) = &self.error_path {
            leaf(out, "error-path", v);
        }
        if let Some(m) = &self.error_message {
            out.extend_from_slice(format!("<{p}error-message").as_bytes());
            if let Some(lang) = &m.lang {
                write_attr(out, "xml:lang", lang);
            }
            out.push(b'>');
            escape_text(out, &m.text);
            out.extend_from_slice(format!("</{p}error-message>").as_bytes());
        }
        if let Some(info) = &self.error_info {
            out.extend_from_slice(format!("<{p}error-info").as_bytes());
            for a in &info.attributes {
                write_attr(out, &a.name.to_string(), &a.value);
            }
            out.push(b'>');
            info.write_content(out, &p);
            out.extend_from_slice(format!("</{p}error-info>").as_bytes());
        }
        for e in &self.extra {
            e.write(out);
        }
        out.extend_from_slice(b"</");
        out.extend_from_slice(name.as_bytes());
        out.push(b'>');
    }
}

pub(super) fn read<'a>(cx: &mut Ctx<'a>, tag: &Tag<'a>) -> Result<RpcError, XmlError> {
    cx.expect_ns(tag, BASE_NS, rules::BASE_NAMESPACE);
    let ns = cx.r.namespace(tag).map(str::to_owned);
    let (_, attributes) = cx.envelope_attributes_all(tag);
    let mut e = RpcError {
        prefix: (!tag.prefix.is_empty()).then(|| tag.prefix.to_owned()),
        attributes,
        ..RpcError::default()
    };
    let mut spans: [Option<Span>; 3] = [None; 3];
    let end = cx.children(tag, Some(rules::ELEMENT_ONLY_CONTENT), |cx, t| {
        if cx.r.namespace(&t) != ns.as_deref() {
            e.extra.push(cx.raw(&t)?);
            return Ok(());
        }
        match t.local {
            "error-type" => {
                spans[0] = Some(t.span);
                e.error_type = Some(ErrorType::parse(&cx.leaf(&t)?));
            }
            "error-tag" => {
                spans[1] = Some(t.span);
                e.error_tag = Some(ErrorTag::parse(&cx.leaf(&t)?));
            }
            "error-severity" => {
                spans[2] = Some(t.span);
                e.error_severity = Some(ErrorSeverity::parse(&cx.leaf(&t)?));
            }
            "error-app-tag" => e.error_app_tag = Some(cx.leaf(&t)?),
            "error-path" => e.error_path = Some(cx.leaf(&t)?),
            "error-message" => {
                let lang =
                    cx.r.attributes(&t)
                        .find(|a| a.local == "lang" && cx.r.attr_namespace(a) == Some(XML_NS))
                        .map(|a| a.value().into_owned());
                let (text, _) = cx.r.text_of(&t)?;
                e.error_message = Some(ErrorMessage { text, lang });
            }
            "error-info" => e.error_info = Some(read_info(cx, &t)?),
            _ => {
                cx.push(
                    rules::UNKNOWN_ELEMENT,
                    t.span,
                    format!("<{}> inside <rpc-error>", t.name),
                );
                e.extra.push(cx.raw(&t)?);
            }
        }
        Ok(())
    })?;
    let whole = Span::new(tag.span.start, end.span.end);
    check(cx, &e, whole, spans);
    Ok(e)
}

fn read_info<'a>(cx: &mut Ctx<'a>, tag: &Tag<'a>) -> Result<ErrorInfo, XmlError> {
    let (_, attributes) = cx.envelope_attributes_all(tag);
    let mut info = ErrorInfo {
        attributes,
        ..ErrorInfo::default()
    };
    let ns = cx.r.namespace(tag).map(str::to_owned);
    let end = cx.children(tag, None, |cx, t| {
        if cx.r.namespace(&t) != ns.as_deref() {
            return Ok(());
        }
        match t.local {
            "session-id" => info.session_id = Some(cx.leaf(&t)?),
            "bad-attribute" => info.bad_attribute = Some(cx.leaf(&t)?),
            "bad-element" => info.bad_element = Some(cx.leaf(&t)?),
            "bad-namespace" => info.bad_namespace = Some(cx.leaf(&t)?),
            "ok-element" => info.ok_element.push(cx.leaf(&t)?),
            "err-element" => info.err_element.push(cx.leaf(&t)?),
            "noop-element" => info.noop_element.push(cx.leaf(&t)?),
            _ => {}
        }
        Ok(())
    })?;
    if !tag.empty {
        info.raw = cx.src.bytes(Span::new(tag.span.end, end.span.start));
    }
    Ok(info)
}

fn check(cx: &mut Ctx<'_>, e: &RpcError, whole: Span, spans: [Option<Span>; 3]) {
    let missing: Vec<&str> = [
        ("error-type", e.error_type.is_none()),
        ("error-tag", e.error_tag.is_none()),
        ("error-severity", e.error_severity.is_none()),
    ]
    .iter()
    .filter(|(_, m)| *m)
    .map(|(n, _)| *n)
    .collect();
    if !missing.is_empty() {
        cx.push(
            rules::ERROR_MISSING_FIELD,
            whole,
            format!("<rpc-error> has no {}", missing.join(", ")),
        );
    }
    if let Some(ErrorType::Other(v)) = &e.error_type {
        let at = spans[0].unwrap_or(whole);
        cx.push(rules::UNKNOWN_ERROR_TYPE, at, format!("error-type {v:?}"));
    }
    if let Some(ErrorSeverity::Other(v)) = &e.error_severity {
        let at = spans[2].unwrap_or(whole);
        cx.push(
            rules::UNKNOWN_ERROR_SEVERITY,
            at,
            format!("error-severity {v:?}"),
        );
    }
    let Some(tag) = &e.error_tag else { return };
    let at = spans[1].unwrap_or(whole);
    if let ErrorTag::Other(v) = tag {
        cx.push(rules::UNKNOWN_ERROR_TAG, at, format!("error-tag {v:?}"));
        return;
    }
    if let Some(t) = &e.error_type
        && t.is_known()
        && !tag.allowed_types().contains(t)
    {
        cx.warn(
            rules::ERROR_TAG_TYPE,
            at,
            format!("error-tag {tag} with error-type {t}"),
        );
    }
    let lacking: Vec<&str> = tag
        .required_info()
        .iter()
        .copied()
        .filter(|n| !e.error_info.as_ref().is_some_and(|i| i.has(n)))
        .collect();
    if !lacking.is_empty() {
        cx.warn(
            rules::ERROR_INFO_MISSING,
            whole,
            format!("error-tag {tag} without error-info {}", lacking.join(", ")),
        );
    }
}
