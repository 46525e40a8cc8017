//! Transactions: a private copy of a datastore, the edits made to it, and
//! validation and commit through the device's commit engine.

use super::data::{self, DataError, LoadMode};
use super::schema::{self, Kind, LeafType, Resolved};
use super::{Nso, reason};
use crate::device::commit::CommitRequest;
use crate::device::{Datastore, Device, SessionId};
use crate::tree;
use crate::validate;
use confuzz_wire::jsonrpc::{ErrorObject, ErrorType, PathsMessage};
use confuzz_wire::netconf::{ErrorTag, RpcError};
use confuzz_wire::xml::Element;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One edit, kept so it can be replayed when the datastore moved on.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Set(Resolved, String, Option<Vec<String>>),
    Create(Resolved, String),
    Delete(Resolved, String),
    Load(Vec<Element>, LoadMode),
}

impl Op {
    pub(crate) fn apply(&self, root: &mut Element) -> Result<(), DataError> {
        match self {
            Op::Set(r, p, v) => data::set_value(root, r, p, v.clone()),
            Op::Create(r, p) => data::create(root, r, p),
            Op::Delete(r, p) => data::delete(root, r, p),
            Op::Load(tops, mode) => data::load(root, tops.clone(), *mode),
        }
    }
}

/// A transaction (`new_trans`).
#[derive(Debug)]
pub struct Trans {
    /// The handle.
    pub th: i64,
    /// The datastore it reads and commits to.
    pub db: Datastore,
    /// `read_write` rather than `read`.
    pub read_write: bool,
    /// `private`, `shared` or `exclusive`.
    pub conf_mode: String,
    /// The client's tag.
    pub tag: Option<String>,
    pub(crate) base: Arc<Element>,
    pub(crate) tree: Element,
    pub(crate) ops: Vec<Op>,
    /// validate_commit succeeded; it took the running lock when `Some(true)`.
    pub(crate) validate_lock: Option<bool>,
    pub(crate) trace: Option<super::TraceContext>,
}

impl Trans {
    pub(crate) fn new(
        th: i64,
        db: Datastore,
        read_write: bool,
        conf_mode: String,
        tag: Option<String>,
        base: Arc<Element>,
    ) -> Self {
        Trans {
            th,
            db,
            read_write,
            conf_mode,
            tag,
            tree: (*base).clone(),
            base,
            ops: Vec::new(),
            validate_lock: None,
            trace: None,
        }
    }

    /// Applies and records an edit.
    pub(crate) fn edit(&mut self, op: Op) -> Result<(), DataError> {
        op.apply(&mut self.tree)?;
        self.ops.push(op);
        self.validate_lock = self.validate_lock.filter(|_| false);
        Ok(())
    }

    /// Whether the copy differs from what it was taken from.
    pub fn modified(&self) -> bool {
        !tree::same_config(&self.tree, &self.base)
    }

    /// The changes made so far.
    pub fn changes(&self) -> Vec<data::Change> {
        data::changes(&self.base, &self.tree, None, 100_000)
    }
}

/// The checks a transaction must pass: the device's own (Junos) checks,
/// and in the example modules the types, every key leaf of a list entry
/// present and no two entries of a list with the same keys.
pub(crate) fn validate_tree(root: &Element) -> Vec<PathsMessage> {
    let mut out: Vec<PathsMessage> = validate::check(root)
        .into_iter()
        .map(|p| PathsMessage {
            paths: vec![p.edit_path],
            message: p.message,
        })
        .collect();
    for top in &root.children {
        let m = schema::module_of(top);
        if m.is_native() {
            continue;
        }
        check_example(m, "", top, &mut Vec::new(), &mut out);
    }
    if let Some(dhcp) = root.child_ns(schema::DHCP_NS, "dhcp") {
        let num = |n: &str| {
            dhcp.child(n)
                .and_then(|e| tree::text(e).parse::<u64>().ok())
        };
        if let (Some(max), Some(def)) = (num("max-lease-time"), num("default-lease-time"))
            && def > max
        {
            out.push(PathsMessage {
                paths: vec!["/dhcp:dhcp/default-lease-time".into()],
                message: format!(
                    "default-lease-time {def} must not be more than max-lease-time {max}"
                ),
            });
        }
    }
    out
}

fn check_example(
    m: &schema::Module,
    parent: &str,
    e: &Element,
    steps: &mut Vec<schema::Step>,
    out: &mut Vec<PathsMessage>,
) {
    let step = data::step_of(m, parent, e);
    let names = schema::list_keys(m, parent, &e.name.local).unwrap_or_default();
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|k| !step.keys.iter().any(|(have, _)| have == k))
        .collect();
    steps.push(step);
    if !missing.is_empty() {
        out.push(PathsMessage {
            paths: vec![schema::keypath_text(m, steps)],
            message: format!(
                "{} entry lacks its key leaf {}: every entry needs {}",
                e.name.local,
                missing.join(" and "),
                names.join(", ")
            ),
        });
    }
    match schema::example_kind(m, parent, &e.name.local) {
        None => out.push(PathsMessage {
            paths: vec![schema::keypath_text(m, steps)],
            message: format!("{} is not in module {}", e.name.local, m.name),
        }),
        Some(Kind::Leaf(LeafType::Uint32)) if tree::text(e).parse::<u32>().is_err() => {
            out.push(PathsMessage {
                paths: vec![schema::keypath_text(m, steps)],
                message: format!("{:?} is not a uint32", tree::text(e)),
            });
        }
        Some(Kind::Leaf(_)) => {}
        Some(_) => {
            let mut entries = std::collections::HashSet::new();
            for c in &e.children {
                check_example(m, &e.name.local, c, steps, out);
                if schema::list_keys(m, &e.name.local, &c.name.local).is_none() {
                    continue;
                }
                let step = data::step_of(m, &e.name.local, c);
                if !entries.insert(step.clone()) {
                    steps.push(step);
                    out.push(PathsMessage {
                        paths: vec![schema::keypath_text(m, steps)],
                        message: format!("two {} entries have the same keys", c.name.local),
                    });
                    steps.pop();
                }
            }
        }
    }
    steps.pop();
}

/// What a commit asks for, from its params and flags.
#[derive(Debug, Default)]
pub(crate) struct CommitParams {
    pub(crate) timeout: Option<Duration>,
    pub(crate) dry_run: Option<String>,
    pub(crate) comment: Option<String>,
}

impl Nso {
    /// Commits `t` for device session `sid`: the copy (or its edits replayed
    /// on the datastore's current content) goes to the candidate and the
    /// device commits it.
    pub(crate) fn commit_trans(
        &self,
        dev: &mut Device,
        sid: SessionId,
        t: &Trans,
        p: &CommitParams,
        now: Instant,
    ) -> Result<(), ErrorObject> {
        let current = dev.datastore_arc_of(t.db);
        let new = if Arc::ptr_eq(&current, &t.base) {
            t.tree.clone()
        } else {
            let mut root = (*current).clone();
            for op in &t.ops {
                op.apply(&mut root).map_err(|e| {
                    reason(
                        ErrorType::TransResolveNeeded,
                        format!(
                            "the {} datastore changed since the transaction began: {e}",
                            t.db.as_str()
                        ),
                    )
                })?;
            }
            root
        };
        if p.timeout.is_some() && t.db != Datastore::Candidate {
            return Err(ErrorObject::nso(
                ErrorType::TransConfirmedCommitIsOnlyValidForCandidate,
            ));
        }
        if t.db == Datastore::Running && dev.candidate_dirty {
            return Err(ErrorObject::db_locked(vec![
                "the candidate holds uncommitted changes of another session; commit or discard them first".into(),
            ]));
        }
        for ds in [Datastore::Running, Datastore::Candidate] {
            if let Some(h) = dev.locked_by_other(ds, sid.0) {
                return Err(self.locked(dev, h));
            }
        }
        let problems = validate_tree(&new);
        if !problems.is_empty() {
            return Err(ErrorObject::validation_failed(problems));
        }
        let saved = (dev.candidate.clone(), dev.candidate_dirty);
        dev.candidate = Arc::new(new);
        dev.candidate_dirty = true;
        let req = CommitRequest {
            confirmed: p.timeout.is_some(),
            timeout: p.timeout,
            comment: p.comment.clone(),
            ..CommitRequest::default()
        };
        match dev.commit(sid.0, now, req, "jsonrpc") {
            Ok(()) => Ok(()),
            Err(errors) => {
                dev.candidate = saved.0;
                dev.candidate_dirty = saved.1;
                Err(self.device_error(dev, &errors))
            }
        }
    }

    /// The NSO error for what the device's commit engine refused.
    pub(crate) fn device_error(&self, dev: &Device, errors: &[RpcError]) -> ErrorObject {
        let first = errors.first();
        let holder = first
            .and_then(|e| e.error_info.as_ref())
            .and_then(|i| i.session_id.as_deref())
            .and_then(|s| s.trim().parse::<u32>().ok());
        let text = first.and_then(|e| e.error_message.as_ref()).map_or_else(
            || "the device refused the commit".to_owned(),
            |m| m.text.clone(),
        );
        match first.and_then(|e| e.error_tag.clone()) {
            Some(ErrorTag::InUse | ErrorTag::LockDenied) if dev.pending.is_some() => {
                reason(ErrorType::TransConfirmedCommitInProgress, text)
            }
            Some(ErrorTag::InUse | ErrorTag::LockDenied) => self.locked(dev, holder.unwrap_or(0)),
            _ => reason(ErrorType::MethodFailed, text),
        }
    }
}

impl Device {
    /// The shared tree of `ds`.
    pub(crate) fn datastore_arc_of(&self, ds: Datastore) -> Arc<Element> {
        match ds {
            Datastore::Running => self.running.clone(),
            Datastore::Candidate => self.candidate.clone(),
            Datastore::Startup => self.startup.clone(),
        }
    }
}
