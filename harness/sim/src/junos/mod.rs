//! The Junos flavour of the device (seeds 000 and 001): operational
//! requests (`<get-chassis-inventory>`, `<get-software-information>`), the
//! configuration requests (`<lock-configuration>`, `<load-configuration>`
//! in xml, text and set formats, `<commit-configuration>`,
//! `<unlock-configuration>`, `<get-configuration>`), the rollback history
//! (`<get-rollback-information>`, `rollback="N"`, `compare="rollback"`),
//! and `<xnm:error>`/`<xnm:warning>` for the Junos XML protocol.
//!
//! Inside NETCONF the device answers problems with `<rpc-error>`, as Junos
//! does; [`to_xnm`] turns them into the `<xnm:error>`/`<xnm:warning>` a
//! junoscript session carries.

pub mod compare;
mod engine;
pub mod session;
pub mod set;
pub mod text;

use crate::device::commit::CommitRequest;
use crate::device::{Answer, Cx, Datastore, Device};
use crate::edit::{self, EditOp, ErrorOption};
use crate::rpc_error;
use crate::seed;
use crate::time::format_junos;
use crate::tree;
use crate::validate;
use confuzz_wire::junos::{
    ConfigPayload, LoadAction, LoadFormat, Request, XnmDiagnostic, XnmSeverity, junos_namespace,
};
use confuzz_wire::netconf::{ErrorSeverity, ErrorTag, ErrorType, RpcError};
use confuzz_wire::xml::{Attribute, Element, QName};
use std::sync::Arc;
use std::time::Duration;

/// An `<rpc-error>` as the `<xnm:error>` or `<xnm:warning>` a Junos XML
/// protocol session reports it with.
pub fn to_xnm(e: &RpcError) -> XnmDiagnostic {
    let severity = if e.error_severity == Some(ErrorSeverity::Warning) {
        XnmSeverity::Warning
    } else {
        XnmSeverity::Error
    };
    let message = e
        .error_message
        .as_ref()
        .map(|m| m.text.clone())
        .or_else(|| e.error_tag.as_ref().map(|t| t.to_string()))
        .unwrap_or_default();
    let mut d = XnmDiagnostic::new(severity, message);
    d.source_daemon = Some("mgd".into());
    d.edit_path = e.error_path.clone();
    d.token = e.error_info.as_ref().and_then(|i| i.bad_element.clone());
    d
}

fn warning(why: impl Into<String>) -> RpcError {
    rpc_error::operation_failed(ErrorType::Application, why).warning()
}

fn junos_attr(release: &str, local: &str, value: String) -> Attribute {
    Attribute {
        name: QName::prefixed("junos", local),
        namespace: Some(junos_namespace(release)),
        value,
    }
}

fn load_results(errors: usize) -> Element {
    let mut r = Element::new("load-configuration-results");
    if errors == 0 {
        r.children.push(Element::new("load-success"));
    } else {
        r.children
            .push(Element::new("load-error-count").with_text(errors.to_string()));
    }
    r
}

impl Device {
    pub(crate) fn junos_op(&mut self, cx: &Cx<'_>) -> Answer {
        let parsed = Request::from_element(cx.op);
        if let Some(v) = parsed
            .violations
            .iter()
            .find(|v| v.level == confuzz_wire::Level::Error)
        {
            return rpc_error::invalid_value(
                ErrorType::Protocol,
                &cx.op.name.local,
                cx.path,
                v.detail.clone(),
            )
            .into();
        }
        match parsed.message {
            Request::GetChassisInventory(r) => Answer::body(vec![seed::chassis_inventory(
                &self.config,
                r.detail || r.extensive,
            )]),
            Request::GetSoftwareInformation(_) => {
                let host = self
                    .running
                    .child("system")
                    .and_then(|s| s.child_text("host-name"))
                    .unwrap_or(&self.config.hostname)
                    .to_owned();
                Answer::body(vec![seed::software_information(&self.config, &host)])
            }
            Request::LockConfiguration => match self.lock(Datastore::Candidate, cx.sid) {
                Ok(()) => Answer::ok(),
                Err(e) => e.into(),
            },
            Request::UnlockConfiguration => match self.unlock(Datastore::Candidate, cx.sid) {
                Ok(()) => Answer::ok(),
                Err(e) => e.into(),
            },
            Request::LoadConfiguration(l) => self.load_configuration(cx, l),
            Request::CommitConfiguration(c) => self.commit_configuration(cx, c),
            Request::RequestEndSession => {
                self.end_session(cx.sid, cx.now);
                Answer::body(vec![Element::new("end-session")])
            }
            Request::Other(el) => match el.name.local.as_str() {
                "get-configuration" => self.get_configuration(cx).into(),
                "get-rollback-information" => self.get_rollback_information(cx).into(),
                other => rpc_error::not_supported(
                    other,
                    cx.path,
                    format!("<{other}> is not an operation of this device"),
                )
                .into(),
            },
        }
    }

    fn rollback_config(&self, n: u32, path: &str) -> Result<Arc<Element>, RpcError> {
        self.history
            .get(n as usize)
            .map(|h| h.config.clone())
            .ok_or_else(|| {
                rpc_error::invalid_value(
                    ErrorType::Application,
                    "rollback",
                    path,
                    format!(
                        "rollback {n} does not exist: the history holds 0 to {}",
                        self.history.len().saturating_sub(1)
                    ),
                )
            })
    }

    fn load_configuration(
        &mut self,
        cx: &Cx<'_>,
        l: confuzz_wire::junos::LoadConfiguration,
    ) -> Answer {
        if let Err(e) = self.check_writable(Datastore::Candidate, cx.sid) {
            return e.into();
        }
        if l.url.is_some() {
            return rpc_error::not_supported(
                "load-configuration",
                cx.path,
                "loading from a url is not supported; send the configuration inline",
            )
            .into();
        }
        if let Some(n) = l.rollback {
            return match self.rollback_config(n, cx.path) {
                Ok(c) => {
                    self.set_candidate(c);
                    Answer::body(vec![load_results(0)])
                }
                Err(e) => Answer::error(e).with_body(load_results(1)),
            };
        }
        let action = l.action.clone().unwrap_or(LoadAction::Merge);
        let text_like = matches!(
            l.payload,
            Some(ConfigPayload::Text(_) | ConfigPayload::Set(_))
        );
        let (default_op, edits, mut notes) = match l.payload {
            Some(ConfigPayload::Xml(c)) => (EditOp::Merge, vec![c], Vec::new()),
            Some(ConfigPayload::Text(t)) => match text::parse(&t) {
                Ok(c) => (EditOp::Merge, vec![c], Vec::new()),
                Err(e) => return self.load_syntax_error(cx, &e),
            },
            Some(ConfigPayload::Set(t)) => match set::parse(&t) {
                Ok(cmds) => (
                    EditOp::Merge,
                    cmds.into_iter().map(|c| c.tree).collect(),
                    Vec::new(),
                ),
                Err(e) => return self.load_syntax_error(cx, &e),
            },
            Some(ConfigPayload::Json(_)) => {
                return rpc_error::not_supported(
                    "configuration-json",
                    cx.path,
                    "JSON configuration is not supported; use xml, text or set",
                )
                .into();
            }
            None => {
                return rpc_error::missing_element(ErrorType::Protocol, "configuration", cx.path)
                    .into();
            }
        };
        if l.format == Some(LoadFormat::Json) {
            return rpc_error::not_supported(
                "load-configuration",
                cx.path,
                "format json is not supported",
            )
            .into();
        }
        let mut work = if matches!(action, LoadAction::Override | LoadAction::Update) {
            let mut fresh = Element::new("configuration");
            if text_like {
                // Text and set hold only Junos configuration: the modules'
                // data beside it stays.
                fresh.children = tree::module_part(&self.candidate);
            }
            fresh
        } else {
            (*self.candidate).clone()
        };
        let out = edit::apply(
            &mut work,
            &edits,
            default_op,
            ErrorOption::ContinueOnError,
            &format!("{}/configuration", cx.path),
        );
        let mut errors = Vec::new();
        for e in out.errors {
            if e.error_tag == Some(ErrorTag::DataMissing) {
                notes.push(warning(format!(
                    "statement not found: {}",
                    e.error_path.as_deref().unwrap_or("")
                )));
            } else {
                errors.push(e);
            }
        }
        if !errors.is_empty() {
            let n = errors.len();
            errors.extend(notes);
            return Answer::errors(errors).with_body(load_results(n));
        }
        if *self.candidate != work {
            self.set_candidate(Arc::new(work));
        }
        Answer::body(vec![load_results(0)]).with_errors(notes)
    }

    fn load_syntax_error(&self, cx: &Cx<'_>, e: &text::ParseError) -> Answer {
        let err = rpc_error::bad_element(
            ErrorType::Application,
            e.token.as_deref().unwrap_or("configuration"),
            cx.path,
            format!("syntax error at line {}: {}", e.line, e.message),
        );
        Answer::error(err).with_body(load_results(1))
    }

    fn set_candidate(&mut self, c: Arc<Element>) {
        self.candidate_dirty = *c != *self.running;
        self.candidate = c;
    }

    fn commit_configuration(
        &mut self,
        cx: &Cx<'_>,
        c: confuzz_wire::junos::CommitConfiguration,
    ) -> Answer {
        let release = self.config.schema_release();
        let re = |flag: &str| {
            let mut r = Element::new("routing-engine");
            r.attributes
                .push(junos_attr(&release, "style", "normal".into()));
            r.with_child(Element::new("name").with_text("re0"))
                .with_child(Element::new(flag))
        };
        if c.at_time.is_some() {
            return rpc_error::not_supported(
                "at-time",
                &format!("{}/at-time", cx.path),
                "commit at a later time is not supported",
            )
            .into();
        }
        if c.check {
            let problems = validate::check(&self.candidate);
            if !problems.is_empty() {
                return Answer::errors(crate::device::netconf::problems_to_errors(problems));
            }
            return Answer::body(vec![
                Element::new("commit-results").with_child(re("commit-check-success")),
            ]);
        }
        let req = CommitRequest {
            confirmed: c.confirmed,
            timeout: c
                .confirm_timeout
                .map(|m| Duration::from_secs(u64::from(m) * 60))
                .or(c.confirmed.then_some(Duration::from_secs(600))),
            comment: c.comment.clone(),
            junos: true,
            ..CommitRequest::default()
        };
        match self.commit(cx.sid, cx.now, req, "junoscript") {
            Ok(()) => {
                let body = Element::new("commit-results").with_child(re("commit-success"));
                if c.confirmed {
                    let mins = c.confirm_timeout.unwrap_or(10);
                    return Answer::body(vec![body]).with_errors(vec![warning(format!(
                        "commit confirmed will be automatically rolled back in {mins} minutes unless confirmed"
                    ))]);
                }
                Answer::body(vec![body])
            }
            Err(errors) => Answer::errors(errors),
        }
    }

    fn get_configuration(&self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        let op = cx.op;
        let cfg: Arc<Element> = match op.attr("database") {
            None | Some("candidate") => self.candidate.clone(),
            Some("committed") => self.running.clone(),
            Some(other) => {
                return Err(rpc_error::bad_attribute(
                    ErrorType::Protocol,
                    "database",
                    "get-configuration",
                    cx.path,
                    format!("database {other:?} is not candidate or committed"),
                ));
            }
        };
        let rollback = match op.attr("rollback") {
            None => None,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if n <= 49 => Some(n),
                _ => {
                    return Err(rpc_error::bad_attribute(
                        ErrorType::Protocol,
                        "rollback",
                        "get-configuration",
                        cx.path,
                        format!("rollback {v:?} is not 0 to 49"),
                    ));
                }
            },
        };
        match op.attr("compare") {
            None => {}
            Some("rollback") => {
                let old = self.rollback_config(rollback.unwrap_or(0), cx.path)?;
                let out = compare::compare(&old, &cfg);
                return Ok(Answer::body(vec![configuration_output(out)]));
            }
            Some(other) => {
                return Err(rpc_error::bad_attribute(
                    ErrorType::Protocol,
                    "compare",
                    "get-configuration",
                    cx.path,
                    format!("compare {other:?} is not rollback"),
                ));
            }
        }
        let cfg = match rollback {
            Some(n) => self.rollback_config(n, cx.path)?,
            None => cfg,
        };
        let selected = match op.children.iter().find(|c| c.name.local == "configuration") {
            Some(f) => crate::filter::subtree(&[&cfg], std::slice::from_ref(f))
                .into_iter()
                .next()
                .unwrap_or_else(|| Element::new("configuration")),
            None => (*cfg).clone(),
        };
        let body = match op.attr("format") {
            None | Some("xml") => {
                let release = self.config.schema_release();
                let mut c = selected;
                let at = self.history.front().map_or(0, |h| h.unix_micros);
                c.attributes.push(junos_attr(
                    &release,
                    "changed-seconds",
                    (at / 1_000_000).to_string(),
                ));
                c.attributes
                    .push(junos_attr(&release, "changed-localtime", format_junos(at)));
                c
            }
            Some("text") => Element::new("configuration-text").with_text(text::write(&selected)),
            Some("set") => Element::new("configuration-set").with_text(set::write(&selected)),
            Some(other) => {
                return Err(rpc_error::bad_attribute(
                    ErrorType::Protocol,
                    "format",
                    "get-configuration",
                    cx.path,
                    format!("format {other:?} is not xml, text or set"),
                ));
            }
        };
        Ok(Answer::body(vec![body]))
    }

    fn get_rollback_information(&self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        crate::device::state::expect_children(cx.op, &["rollback", "compare", "format"], cx.path)?;
        let num = |name: &str| -> Result<Option<u32>, RpcError> {
            match cx.op.child(name).map(tree::text) {
                None => Ok(None),
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n <= 49)
                    .map(Some)
                    .ok_or_else(|| {
                        rpc_error::invalid_value(
                            ErrorType::Protocol,
                            name,
                            &format!("{}/{name}", cx.path),
                            format!("{name} {v:?} is not 0 to 49"),
                        )
                    }),
            }
        };
        let n = num("rollback")?.unwrap_or(0);
        let cmp = num("compare")?;
        let cfg = self.rollback_config(n, cx.path)?;
        let release = self.config.schema_release();
        let mut history = Element::new("rollback-history");
        if let Some(h) = self.history.get(n as usize) {
            let mut dt = Element::new("date-time").with_text(format_junos(h.unix_micros));
            dt.attributes.push(junos_attr(
                &release,
                "seconds",
                (h.unix_micros / 1_000_000).to_string(),
            ));
            let mut e = Element::new("rollback-history-entry")
                .with_child(Element::new("sequence-number").with_text(n.to_string()))
                .with_child(Element::new("user-name").with_text(h.user.clone()))
                .with_child(Element::new("client").with_text(h.client.clone()))
                .with_child(dt);
            if let Some(c) = &h.comment {
                e.children
                    .push(Element::new("comment").with_text(c.clone()));
            }
            history.children.push(e);
        }
        let mut info = Element::new("rollback-information").with_child(history);
        match (cmp, cx.op.child("format").map(tree::text)) {
            (Some(m), _) => {
                let old = self.rollback_config(m, cx.path)?;
                info.children
                    .push(configuration_output(compare::compare(&old, &cfg)));
            }
            (None, Some("xml")) => info.children.push((*cfg).clone()),
            (None, _) => info.children.push(configuration_output(text::write(&cfg))),
        }
        Ok(Answer::body(vec![info]))
    }
}

fn configuration_output(text: String) -> Element {
    Element::new("configuration-information")
        .with_child(Element::new("configuration-output").with_text(text))
}
