//! The commit engine: `<commit>` (with RFC 6241 §8.4 confirmed commit:
//! confirm-timeout, persist, persist-id), `<cancel-commit>`,
//! `<discard-changes>`, the rollback of an unconfirmed commit, and the
//! Junos commit history every commit is kept in.

use super::state::expect_children;
use super::{Answer, Cx, Device, PendingConfirm};
use crate::notify;
use crate::rpc_error;
use crate::tree;
use crate::validate;
use confuzz_wire::netconf::{ErrorType, RpcError};
use confuzz_wire::xml::Element;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One committed configuration in the history (rollback N).
#[derive(Debug, Clone)]
pub struct CommitRecord {
    /// The configuration committed.
    pub config: Arc<Element>,
    /// When, in Unix microseconds.
    pub unix_micros: i64,
    /// Who committed it.
    pub user: String,
    /// Through what (`netconf`, `junoscript`, `cli`).
    pub client: String,
    /// The commit comment (`<log>`), if any.
    pub comment: Option<String>,
}

/// One change of the running configuration, kept for the watchers of
/// commits (see [`Device::watch_commits`]): what was in force before, and
/// the history record of what is in force now.
#[derive(Debug, Clone)]
pub struct CommitChange {
    /// The running configuration before the commit.
    pub before: Arc<Element>,
    /// The new running configuration with its time, user, client and comment.
    pub record: CommitRecord,
}

/// What a commit request asks for.
#[derive(Debug, Default, Clone)]
pub(crate) struct CommitRequest {
    pub(crate) confirmed: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) persist: Option<String>,
    pub(crate) persist_id: Option<String>,
    pub(crate) comment: Option<String>,
    /// A Junos `commit confirmed`: any later commit confirms it and it
    /// survives the session.
    pub(crate) junos: bool,
}

impl Device {
    pub(crate) fn op_commit(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        let caps = self.config.capabilities;
        if !caps.candidate {
            return Err(rpc_error::not_supported(
                "commit",
                cx.path,
                "this device has no candidate datastore",
            ));
        }
        expect_children(
            cx.op,
            &["confirmed", "confirm-timeout", "persist", "persist-id"],
            cx.path,
        )?;
        let has = |n: &str| cx.op.child(n).is_some();
        if !caps.confirmed_commit
            && let Some(c) = cx.op.children.iter().find(|c| {
                matches!(
                    c.name.local.as_str(),
                    "confirmed" | "confirm-timeout" | "persist" | "persist-id"
                )
            })
        {
            return Err(rpc_error::not_supported(
                &c.name.local,
                &format!("{}/{}", cx.path, c.name.local),
                "this device does not implement :confirmed-commit",
            ));
        }
        let mut req = CommitRequest {
            confirmed: has("confirmed"),
            persist: cx.op.child("persist").map(|p| tree::text(p).to_owned()),
            persist_id: cx.op.child("persist-id").map(|p| tree::text(p).to_owned()),
            ..CommitRequest::default()
        };
        if let Some(t) = cx.op.child("confirm-timeout") {
            let v = tree::text(t);
            match v.parse::<u32>() {
                Ok(n) if n > 0 && !v.starts_with('+') => {
                    req.timeout = Some(Duration::from_secs(u64::from(n)));
                }
                _ => {
                    return Err(rpc_error::invalid_value(
                        ErrorType::Protocol,
                        "confirm-timeout",
                        &format!("{}/confirm-timeout", cx.path),
                        format!("confirm-timeout {v:?} is not a positive number of seconds"),
                    ));
                }
            }
        }
        Ok(match self.commit(cx.sid, cx.now, req, "netconf") {
            Ok(()) => Answer::ok(),
            Err(errors) => Answer::errors(errors),
        })
    }

    /// Commits the candidate (the engine behind `<commit>` and Junos
    /// `<commit-configuration>`).
    pub(crate) fn commit(
        &mut self,
        sid: u32,
        now: Instant,
        req: CommitRequest,
        client: &str,
    ) -> Result<(), Vec<RpcError>> {
        self.check_confirm_rights(sid, req.persist_id.as_deref(), "commit")
            .map_err(|e| vec![e])?;
        for ds in [super::Datastore::Running, super::Datastore::Candidate] {
            self.check_writable(ds, sid).map_err(|e| vec![e])?;
        }
        let problems = validate::check(&self.candidate);
        if !problems.is_empty() {
            return Err(super::netconf::problems_to_errors(problems));
        }
        let old = self.running.clone();
        let event = if req.confirmed {
            let timeout = req.timeout.unwrap_or(self.config.default_confirm_timeout);
            let (before, extend) = match self.pending.take() {
                Some(p) => (p.before, true),
                None => (old.clone(), false),
            };
            let owner = (req.persist.is_none() && !req.junos).then_some(sid);
            self.pending = Some(PendingConfirm {
                owner,
                persist: req.persist.clone(),
                deadline: now + timeout,
                before,
            });
            Some(if extend { "extend" } else { "start" })
        } else {
            self.pending.take().map(|_| "complete")
        };
        self.running = self.candidate.clone();
        self.candidate_dirty = false;
        self.record_commit(sid, now, &old, req.comment.clone(), client);
        if let Some(kind) = event {
            let timeout = self
                .pending
                .as_ref()
                .map(|p| p.deadline.saturating_duration_since(now).as_secs());
            self.emit_confirmed_event(sid, now, kind, timeout);
        }
        Ok(())
    }

    /// Refuses a commit or cancel that may not touch the pending confirmed
    /// commit (RFC 6241 §8.4.1).
    fn check_confirm_rights(
        &self,
        sid: u32,
        persist_id: Option<&str>,
        what: &str,
    ) -> Result<(), RpcError> {
        let path = format!("/rpc/{what}/persist-id");
        match (&self.pending, persist_id) {
            (None, Some(id)) => Err(rpc_error::invalid_value(
                ErrorType::Protocol,
                "persist-id",
                &path,
                format!("no confirmed commit with persist {id:?} is in progress"),
            )),
            (Some(p), id) => match (&p.persist, id) {
                (Some(want), Some(got)) if want == got => Ok(()),
                (Some(_), Some(got)) => Err(rpc_error::invalid_value(
                    ErrorType::Protocol,
                    "persist-id",
                    &path,
                    format!("persist-id {got:?} does not match the confirmed commit in progress"),
                )),
                (Some(_), None) => Err(rpc_error::missing_element(
                    ErrorType::Protocol,
                    "persist-id",
                    &format!("/rpc/{what}"),
                )
                .with_message(
                    "a confirmed commit with persist is in progress: give its <persist-id>",
                )),
                (None, Some(got)) => Err(rpc_error::invalid_value(
                    ErrorType::Protocol,
                    "persist-id",
                    &path,
                    format!(
                        "persist-id {got:?} given, but the confirmed commit in progress has no persist"
                    ),
                )),
                (None, None) => match p.owner {
                    Some(o) if o != sid => {
                        Err(rpc_error::in_use(o, "the confirmed commit in progress"))
                    }
                    _ => Ok(()),
                },
            },
            (None, None) => Ok(()),
        }
    }

    pub(crate) fn op_cancel_commit(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        let caps = self.config.capabilities;
        if !caps.candidate || !caps.confirmed_commit {
            return Err(rpc_error::not_supported(
                "cancel-commit",
                cx.path,
                "this device does not implement :confirmed-commit",
            ));
        }
        expect_children(cx.op, &["persist-id"], cx.path)?;
        if self.pending.is_none() {
            return Err(rpc_error::operation_failed(
                ErrorType::Protocol,
                "no confirmed commit is in progress",
            )
            .with_path(cx.path));
        }
        let id = cx.op.child("persist-id").map(tree::text);
        self.check_confirm_rights(cx.sid, id, "cancel-commit")?;
        self.rollback_pending(cx.now, "confirmed commit cancelled");
        Ok(Answer::ok())
    }

    pub(crate) fn op_discard_changes(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        if !self.config.capabilities.candidate {
            return Err(rpc_error::not_supported(
                "discard-changes",
                cx.path,
                "this device has no candidate datastore",
            ));
        }
        expect_children(cx.op, &[], cx.path)?;
        self.check_writable(super::Datastore::Candidate, cx.sid)?;
        self.candidate = self.running.clone();
        self.candidate_dirty = false;
        Ok(Answer::ok())
    }

    /// Puts back the configuration from before a confirmed commit.
    pub(crate) fn rollback_pending(&mut self, now: Instant, why: &str) {
        let Some(p) = self.pending.take() else { return };
        let old = std::mem::replace(&mut self.running, p.before);
        self.candidate = self.running.clone();
        self.candidate_dirty = false;
        self.record_commit(0, now, &old, Some(why.to_owned()), "confirmed-commit");
        let kind = if why.contains("cancel") {
            "cancel"
        } else {
            "timeout"
        };
        self.emit_confirmed_event(0, now, kind, None);
    }

    /// Adds the running configuration to the history and tells subscribers.
    pub(crate) fn record_commit(
        &mut self,
        sid: u32,
        now: Instant,
        old: &Arc<Element>,
        comment: Option<String>,
        client: &str,
    ) {
        let user = self
            .sessions
            .get(&sid)
            .map_or_else(|| "root".to_owned(), |s| s.user.clone());
        self.history.push_front(CommitRecord {
            config: self.running.clone(),
            unix_micros: self.wall(now),
            user: user.clone(),
            client: client.to_owned(),
            comment,
        });
        self.history.truncate(self.config.max_rollbacks.max(1));
        if self.commit_log_cap > 0
            && let Some(record) = self.history.front().cloned()
        {
            if self.commit_log.len() >= self.commit_log_cap {
                self.commit_log.pop_front();
                self.commit_log_dropped = self.commit_log_dropped.saturating_add(1);
            }
            self.commit_log.push_back(CommitChange {
                before: old.clone(),
                record,
            });
        }
        let event = notify::config_change_event(&user, sid, old, &self.running);
        self.publish(now, event);
    }

    fn emit_confirmed_event(&mut self, sid: u32, now: Instant, kind: &str, timeout: Option<u64>) {
        let user = self.sessions.get(&sid).map(|s| s.user.clone());
        let event = notify::confirmed_commit_event(user.as_deref(), sid, kind, timeout);
        self.publish(now, event);
    }
}
