//! `<xnm:error>` and `<xnm:warning>`: how the Junos XML protocol server
//! reports a problem with a request.

use super::{XNM_NS, rules};
use crate::xml::{Attribute, Element, NsBinding, QName};
use crate::{Scope, Violation};

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum XnmSeverity {
    /// `<xnm:error>`: the request failed.
    Error,
    /// `<xnm:warning>`: the request went through with a remark.
    Warning,
}

impl XnmSeverity {
    /// `error` or `warning`, the element's local name.
    pub fn as_str(self) -> &'static str {
        match self {
            XnmSeverity::Error => "error",
            XnmSeverity::Warning => "warning",
        }
    }
}

/// An `<xnm:error>` or `<xnm:warning>` with its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XnmDiagnostic {
    /// Which of the two.
    pub severity: XnmSeverity,
    /// The prefix the element is written with (`xnm` as Junos writes it).
    pub prefix: Option<String>,
    /// Attributes of the element (namespace declarations included), in order.
    pub attributes: Vec<Attribute>,
    /// `source-daemon`: the process that reported it, e.g. `mgd`.
    pub source_daemon: Option<String>,
    /// `filename`: the file being loaded, e.g. `terminal`.
    pub filename: Option<String>,
    /// `line-number`.
    pub line_number: Option<String>,
    /// `column`.
    pub column: Option<String>,
    /// `token`: the token at fault.
    pub token: Option<String>,
    /// `edit-path`, e.g. `[edit system login]`.
    pub edit_path: Option<String>,
    /// `statement`: the configuration statement at fault.
    pub statement: Option<String>,
    /// `message`: what happened.
    pub message: Option<String>,
    /// `re-name`: the Routing Engine, e.g. `re0`.
    pub re_name: Option<String>,
}

const FIELDS: [&str; 9] = [
    "source-daemon",
    "filename",
    "line-number",
    "column",
    "token",
    "edit-path",
    "statement",
    "message",
    "re-name",
];

impl XnmDiagnostic {
    /// A diagnostic with only a message, declaring its namespaces on itself
    /// as Junos does.
    pub fn new(severity: XnmSeverity, message: impl Into<String>) -> Self {
        XnmDiagnostic {
            severity,
            prefix: Some("xnm".to_owned()),
            attributes: vec![
                Attribute::xmlns(None, XNM_NS),
                Attribute::xmlns(Some("xnm"), XNM_NS),
            ],
            source_daemon: None,
            filename: None,
            line_number: None,
            column: None,
            token: None,
            edit_path: None,
            statement: None,
            message: Some(message.into()),
            re_name: None,
        }
    }

    fn fields(&self) -> [&Option<String>; 9] {
        [
            &self.source_daemon,
            &self.filename,
            &self.line_number,
            &self.column,
            &self.token,
            &self.edit_path,
            &self.statement,
            &self.message,
            &self.re_name,
        ]
    }

    fn fields_mut(&mut self) -> [&mut Option<String>; 9] {
        [
            &mut self.source_daemon,
            &mut self.filename,
            &mut self.line_number,
            &mut self.column,
            &mut self.token,
            &mut self.edit_path,
            &mut self.statement,
            &mut self.message,
            &mut self.re_name,
        ]
    }

    /// Whether `el` is an `xnm:error` or `xnm:warning`.
    pub fn is(el: &Element) -> bool {
        el.namespace.as_deref() == Some(XNM_NS)
            && matches!(el.name.local.as_str(), "error" | "warning")
    }

    /// Reads a diagnostic element (children matched by local name; their
    /// text trimmed), with a violation if it has no message.
    pub fn from_element(el: &Element) -> (XnmDiagnostic, Vec<Violation>) {
        let severity = if el.name.local == "warning" {
            XnmSeverity::Warning
        } else {
            XnmSeverity::Error
        };
        let mut d = XnmDiagnostic::new(severity, "");
        d.message = None;
        d.attributes.clone_from(&el.attributes);
        d.prefix = el.name.prefix.clone();
        for c in &el.children {
            if let Some(k) = FIELDS.iter().position(|f| *f == c.name.local) {
                let slot = &mut d.fields_mut()[k];
                if slot.is_none() {
                    **slot = Some(c.text.trim_matches([' ', '\t', '\r', '\n']).to_owned());
                }
            }
        }
        let mut v = Vec::new();
        if d.message.is_none() {
            v.push(Violation::new(
                rules::XNM_MISSING_MESSAGE,
                Scope::Message,
                format!("<{}> without <message>", el.name),
            ));
        }
        (d, v)
    }

    /// The diagnostic as an element placed where `scope` is in force: its
    /// children are put in the default namespace in force inside it, so
    /// writing adds no declaration beyond what binds the element's prefix.
    pub fn to_element_in(&self, scope: &[NsBinding]) -> Element {
        let default = self
            .attributes
            .iter()
            .rev()
            .find(|a| a.declares() == Some(None))
            .map(|a| a.value.clone())
            .or_else(|| {
                scope
                    .iter()
                    .rev()
                    .find(|b| b.prefix.is_none())
                    .map(|b| b.uri.clone())
            })
            .filter(|v| !v.is_empty());
        let mut el = Element {
            name: QName {
                prefix: self.prefix.clone(),
                local: self.severity.as_str().to_owned(),
            },
            namespace: Some(XNM_NS.to_owned()),
            attributes: self.attributes.clone(),
            ..Element::default()
        };
        for (name, value) in FIELDS.iter().zip(self.fields()) {
            if let Some(v) = value {
                el.children.push(Element {
                    name: QName::local(*name),
                    namespace: default.clone(),
                    text: v.clone(),
                    ..Element::default()
                });
            }
        }
        el
    }

    /// Appends the diagnostic as XML.
    pub fn write(&self, out: &mut Vec<u8>) {
        self.write_in(out, &[]);
    }

    /// Appends the diagnostic as XML where `scope` is in force.
    pub fn write_in(&self, out: &mut Vec<u8>, scope: &[NsBinding]) {
        self.to_element_in(scope).write_in(out, scope);
    }
}
