//! The RFC 6241 operations other than commit: `<get>`, `<get-config>`,
//! `<edit-config>`, `<copy-config>`, `<delete-config>`, `<lock>`,
//! `<unlock>`, `<validate>`, `<kill-session>`.

use super::state::{Source, expect_children};
use super::{Answer, Cx, Datastore, Device};
use crate::edit::{self, EditOp, ErrorOption};
use crate::filter;
use crate::rpc_error;
use crate::tree;
use crate::validate;
use confuzz_wire::netconf::{ErrorType, RpcError};
use confuzz_wire::xml::Element;
use std::sync::Arc;

/// Validation problems as rpc-errors.
pub(crate) fn problems_to_errors(problems: Vec<validate::Problem>) -> Vec<RpcError> {
    problems
        .into_iter()
        .map(|p| rpc_error::invalid_config(&p.path, format!("{}: {}", p.edit_path, p.message)))
        .collect()
}

/// The configuration inside a `<config>` parameter: exactly one
/// `<configuration>` element.
pub(crate) fn inline_config(config: &Element, path: &str) -> Result<Element, RpcError> {
    let p = format!("{path}/config");
    let mut it = config.children.iter();
    let Some(root) = it.next() else {
        return Ok(Element::new("configuration"));
    };
    if let Some(extra) = it.next() {
        return Err(rpc_error::unknown_element(
            ErrorType::Application,
            &extra.name.local,
            &format!("{p}/{}", extra.name.local),
        ));
    }
    let rp = format!("{p}/{}", root.name.local);
    if !tree::is_native(root.namespace.as_deref()) {
        let ns = root.namespace.as_deref().unwrap_or("");
        return Err(rpc_error::unknown_namespace(
            ErrorType::Application,
            &root.name.local,
            ns,
            &rp,
        ));
    }
    if root.name.local != "configuration" {
        return Err(rpc_error::unknown_element(
            ErrorType::Application,
            &root.name.local,
            &rp,
        ));
    }
    if let Some(bad) = tree::misplaced(root) {
        let ns = bad.namespace.as_deref().unwrap_or("");
        return Err(rpc_error::unknown_namespace(
            ErrorType::Application,
            &bad.name.local,
            ns,
            &rp,
        ));
    }
    Ok(tree::normalized(root))
}

impl Device {
    fn select(data: Vec<&Element>, filter: Option<&Element>) -> Vec<Element> {
        match filter {
            None => data.into_iter().cloned().collect(),
            Some(f) => filter::subtree(&data, &f.children),
        }
    }

    pub(crate) fn op_get(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        expect_children(cx.op, &["filter", "with-defaults"], cx.path)?;
        let f = Self::filter_param(cx.op, cx.path)?;
        self.with_defaults_param(cx.op, cx.path)?;
        let state = self.netconf_state();
        let data = vec![self.running.as_ref(), &state];
        Ok(Answer::data(Self::select(data, f)))
    }

    pub(crate) fn op_get_config(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        expect_children(cx.op, &["source", "filter", "with-defaults"], cx.path)?;
        let Source::Store(ds) = self.source_param(cx.op, "source", cx.path, false)? else {
            return Err(rpc_error::missing_element(
                ErrorType::Protocol,
                "source",
                cx.path,
            ));
        };
        let f = Self::filter_param(cx.op, cx.path)?;
        self.with_defaults_param(cx.op, cx.path)?;
        Ok(Answer::data(Self::select(vec![self.datastore(ds)], f)))
    }

    pub(crate) fn op_edit_config(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        let op = cx.op;
        expect_children(
            op,
            &[
                "target",
                "default-operation",
                "test-option",
                "error-option",
                "config",
                "url",
            ],
            cx.path,
        )?;
        let Source::Store(ds) = self.source_param(op, "target", cx.path, false)? else {
            return Err(rpc_error::missing_element(
                ErrorType::Protocol,
                "target",
                cx.path,
            ));
        };
        let caps = self.config.capabilities;
        match ds {
            Datastore::Running if !caps.writable_running => {
                return Err(rpc_error::not_supported(
                    "running",
                    &format!("{}/target/running", cx.path),
                    "this device has no :writable-running; edit the candidate and commit",
                ));
            }
            Datastore::Startup => {
                return Err(rpc_error::not_supported(
                    "startup",
                    &format!("{}/target/startup", cx.path),
                    "edit-config cannot target startup; use copy-config",
                ));
            }
            _ => {}
        }
        let text_of = |name: &str| op.child(name).map(tree::text);
        let default_op = match text_of("default-operation") {
            None | Some("merge") => EditOp::Merge,
            Some("replace") => EditOp::Replace,
            Some("none") => EditOp::None,
            Some(other) => {
                return Err(rpc_error::invalid_value(
                    ErrorType::Protocol,
                    "default-operation",
                    &format!("{}/default-operation", cx.path),
                    format!("default-operation {other:?} is not merge, replace or none"),
                ));
            }
        };
        let test = match text_of("test-option") {
            None if caps.validate => "test-then-set",
            None => "set",
            Some(_) if !caps.validate => {
                return Err(rpc_error::unknown_element(
                    ErrorType::Protocol,
                    "test-option",
                    &format!("{}/test-option", cx.path),
                ));
            }
            Some(t @ ("test-then-set" | "set" | "test-only")) => t,
            Some(other) => {
                return Err(rpc_error::invalid_value(
                    ErrorType::Protocol,
                    "test-option",
                    &format!("{}/test-option", cx.path),
                    format!("test-option {other:?} is not test-then-set, set or test-only"),
                ));
            }
        };
        let option = match text_of("error-option") {
            None | Some("stop-on-error") => ErrorOption::StopOnError,
            Some("continue-on-error") => ErrorOption::ContinueOnError,
            Some("rollback-on-error") if caps.rollback_on_error => ErrorOption::RollbackOnError,
            Some("rollback-on-error") => {
                return Err(rpc_error::not_supported(
                    "error-option",
                    &format!("{}/error-option", cx.path),
                    "this device has no :rollback-on-error",
                ));
            }
            Some(other) => {
                return Err(rpc_error::invalid_value(
                    ErrorType::Protocol,
                    "error-option",
                    &format!("{}/error-option", cx.path),
                    format!(
                        "error-option {other:?} is not stop-on-error, continue-on-error or rollback-on-error"
                    ),
                ));
            }
        };
        if op.child("url").is_some() {
            return Err(rpc_error::not_supported(
                "url",
                &format!("{}/url", cx.path),
                "this device does not implement :url",
            ));
        }
        let Some(config) = op.child("config") else {
            return Err(rpc_error::missing_element(
                ErrorType::Protocol,
                "config",
                cx.path,
            ));
        };
        self.check_writable(ds, cx.sid)?;
        let before = self.datastore_arc(ds).clone();
        let mut work = (*before).clone();
        let out = edit::apply(
            &mut work,
            &config.children,
            default_op,
            option,
            &format!("{}/config", cx.path),
        );
        if !out.errors.is_empty() && option == ErrorOption::RollbackOnError {
            return Ok(Answer::errors(out.errors));
        }
        if test != "set" {
            let problems = validate::check(&work);
            if !problems.is_empty() {
                let mut errors = out.errors;
                errors.extend(problems_to_errors(problems));
                return Ok(Answer::errors(errors));
            }
        }
        if test == "test-only" {
            return Ok(if out.errors.is_empty() {
                Answer::ok()
            } else {
                Answer::errors(out.errors)
            });
        }
        if out.changed {
            self.store(ds, Arc::new(work), cx, "edit-config");
        }
        Ok(if out.errors.is_empty() {
            Answer::ok()
        } else {
            Answer::errors(out.errors)
        })
    }

    pub(crate) fn datastore_arc(&self, ds: Datastore) -> &Arc<Element> {
        match ds {
            Datastore::Running => &self.running,
            Datastore::Candidate => &self.candidate,
            Datastore::Startup => &self.startup,
        }
    }

    /// Puts `config` into `ds`: the candidate becomes dirty, running is
    /// committed (history, notification), startup is replaced.
    pub(crate) fn store(&mut self, ds: Datastore, config: Arc<Element>, cx: &Cx<'_>, how: &str) {
        match ds {
            Datastore::Candidate => {
                self.candidate_dirty =
                    !Arc::ptr_eq(&config, &self.running) && *config != *self.running;
                self.candidate = config;
            }
            Datastore::Startup => self.startup = config,
            Datastore::Running => {
                let old = std::mem::replace(&mut self.running, config);
                if !self.candidate_dirty {
                    self.candidate = self.running.clone();
                }
                self.record_commit(cx.sid, cx.now, &old, Some(how.to_owned()), "netconf");
            }
        }
    }

    pub(crate) fn op_copy_config(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        expect_children(cx.op, &["target", "source", "with-defaults"], cx.path)?;
        let Source::Store(target) = self.source_param(cx.op, "target", cx.path, false)? else {
            return Err(rpc_error::missing_element(
                ErrorType::Protocol,
                "target",
                cx.path,
            ));
        };
        let source = self.source_param(cx.op, "source", cx.path, true)?;
        if target == Datastore::Running && !self.config.capabilities.writable_running {
            return Err(rpc_error::not_supported(
                "running",
                &format!("{}/target/running", cx.path),
                "this device has no :writable-running; copy to the candidate and commit",
            ));
        }
        let config = match source {
            Source::Store(s) if s == target => {
                return Err(rpc_error::invalid_value(
                    ErrorType::Protocol,
                    s.as_str(),
                    &format!("{}/source", cx.path),
                    "source and target are the same datastore",
                ));
            }
            Source::Store(s) => self.datastore_arc(s).clone(),
            Source::Config(c) => Arc::new(inline_config(&c, &format!("{}/source", cx.path))?),
        };
        self.check_writable(target, cx.sid)?;
        if target == Datastore::Running {
            let problems = validate::check(&config);
            if !problems.is_empty() {
                return Ok(Answer::errors(problems_to_errors(problems)));
            }
        }
        self.store(target, config, cx, "copy-config");
        Ok(Answer::ok())
    }

    pub(crate) fn op_delete_config(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        expect_children(cx.op, &["target"], cx.path)?;
        let Source::Store(ds) = self.source_param(cx.op, "target", cx.path, false)? else {
            return Err(rpc_error::missing_element(
                ErrorType::Protocol,
                "target",
                cx.path,
            ));
        };
        if ds != Datastore::Startup {
            return Err(rpc_error::invalid_value(
                ErrorType::Protocol,
                ds.as_str(),
                &format!("{}/target/{}", cx.path, ds.as_str()),
                format!("the {} datastore cannot be deleted", ds.as_str()),
            ));
        }
        self.check_writable(ds, cx.sid)?;
        self.startup = Arc::new(Element::new("configuration"));
        Ok(Answer::ok())
    }

    pub(crate) fn op_lock(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        expect_children(cx.op, &["target"], cx.path)?;
        let Source::Store(ds) = self.source_param(cx.op, "target", cx.path, false)? else {
            return Err(rpc_error::missing_element(
                ErrorType::Protocol,
                "target",
                cx.path,
            ));
        };
        self.lock(ds, cx.sid)?;
        Ok(Answer::ok())
    }

    /// Takes the lock on `ds` for `sid` (RFC 6241 §7.5).
    pub(crate) fn lock(&mut self, ds: Datastore, sid: u32) -> Result<(), RpcError> {
        if let Some(h) = self.locks[ds.index()] {
            return Err(rpc_error::lock_denied(
                h,
                format!(
                    "the {} datastore is already locked by session {h}",
                    ds.as_str()
                ),
            ));
        }
        if ds == Datastore::Candidate && self.candidate_dirty {
            return Err(rpc_error::lock_denied(
                0,
                "the candidate holds changes not yet committed or discarded; commit or <discard-changes/> first",
            ));
        }
        if ds == Datastore::Running
            && let Some(p) = &self.pending
            && p.owner.is_some_and(|o| o != sid)
        {
            return Err(rpc_error::lock_denied(
                p.owner.unwrap_or(0),
                "another session has a confirmed commit in progress",
            ));
        }
        self.locks[ds.index()] = Some(sid);
        Ok(())
    }

    pub(crate) fn op_unlock(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        expect_children(cx.op, &["target"], cx.path)?;
        let Source::Store(ds) = self.source_param(cx.op, "target", cx.path, false)? else {
            return Err(rpc_error::missing_element(
                ErrorType::Protocol,
                "target",
                cx.path,
            ));
        };
        self.unlock(ds, cx.sid)?;
        Ok(Answer::ok())
    }

    /// Releases `sid`'s lock on `ds` (RFC 6241 §7.6).
    pub(crate) fn unlock(&mut self, ds: Datastore, sid: u32) -> Result<(), RpcError> {
        match self.locks[ds.index()] {
            Some(h) if h == sid => {
                self.locks[ds.index()] = None;
                Ok(())
            }
            Some(h) => Err(rpc_error::operation_failed(
                ErrorType::Protocol,
                format!(
                    "the {} datastore is locked by session {h}, not by this session",
                    ds.as_str()
                ),
            )
            .with_info(confuzz_wire::netconf::ErrorInfo {
                session_id: Some(h.to_string()),
                ..Default::default()
            })),
            None => Err(rpc_error::operation_failed(
                ErrorType::Protocol,
                format!("the {} datastore is not locked", ds.as_str()),
            )),
        }
    }

    pub(crate) fn op_validate(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        if !self.config.capabilities.validate {
            return Err(rpc_error::not_supported(
                "validate",
                cx.path,
                "this device does not implement :validate",
            ));
        }
        expect_children(cx.op, &["source"], cx.path)?;
        let config = match self.source_param(cx.op, "source", cx.path, true)? {
            Source::Store(ds) => self.datastore_arc(ds).clone(),
            Source::Config(c) => Arc::new(inline_config(&c, &format!("{}/source", cx.path))?),
        };
        let problems = validate::check(&config);
        Ok(if problems.is_empty() {
            Answer::ok()
        } else {
            Answer::errors(problems_to_errors(problems))
        })
    }

    pub(crate) fn op_kill_session(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        expect_children(cx.op, &["session-id"], cx.path)?;
        let Some(id) = cx.op.child("session-id") else {
            return Err(rpc_error::missing_element(
                ErrorType::Protocol,
                "session-id",
                cx.path,
            ));
        };
        let p = format!("{}/session-id", cx.path);
        let value = tree::text(id);
        let target = match value.parse::<u32>() {
            Ok(n) if n > 0 && !value.starts_with('+') => n,
            _ => {
                return Err(rpc_error::invalid_value(
                    ErrorType::Protocol,
                    "session-id",
                    &p,
                    format!("session-id {value:?} is not a positive number"),
                ));
            }
        };
        if target == cx.sid {
            return Err(rpc_error::invalid_value(
                ErrorType::Protocol,
                "session-id",
                &p,
                "a session cannot kill itself; use <close-session/>",
            ));
        }
        if !self.sessions.contains_key(&target) {
            return Err(rpc_error::invalid_value(
                ErrorType::Protocol,
                "session-id",
                &p,
                format!("no session {target} is open"),
            ));
        }
        self.end_session(target, cx.now);
        self.queue_kill(target);
        Ok(Answer::ok())
    }
}
