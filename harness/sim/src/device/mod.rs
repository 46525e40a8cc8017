//! The device: datastores, sessions, locks, the commit engine and the
//! dispatch of every operation.
//!
//! [`Device`] is sans-IO and single-threaded: the caller owns it (behind a
//! mutex or in an actor when several connections share it), hands it each
//! `<rpc>` with the time it arrived, and moves the replies and
//! notifications it produces. The verbs follow the rest of the house:
//!
//! - [`Device::open_session`] / [`Device::close_session`]: a transport
//!   session starts or ends (locks are released, an unconfirmed commit
//!   without persist is rolled back).
//! - [`Device::handle_rpc`]: one `<rpc>` in, its `<rpc-reply>` out.
//! - [`Device::handle_timeout`] / [`Device::poll_timeout`]: confirmed-commit
//!   expiry and subscription stop times.
//! - [`Device::poll_notification`]: notifications to send on a session.
//! - [`Device::poll_killed`]: sessions ended by `<kill-session>`, which the
//!   transport must drop.
//! - [`Device::watch_commits`] / [`Device::poll_commit`]: every change of
//!   the running configuration (commits, rollbacks of confirmed commits,
//!   writes to running), for those that turn changes into events (JET).

pub(crate) mod commit;
pub(crate) mod netconf;
pub(crate) mod state;

pub use commit::{CommitChange, CommitRecord};

use crate::config::{DeviceConfig, LoginClass};
use crate::notify::{ReplayLog, Subscription};
use crate::rpc_error;
use crate::seed;
use crate::tree;
use confuzz_wire::Span;
use confuzz_wire::netconf::{
    BASE_NS, ErrorTag, ErrorType, NOTIFICATION_NS, Notification, Rpc, RpcError, RpcReply,
};
use confuzz_wire::xml::{Element, QName, RawElement};
use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

/// A NETCONF session-id (RFC 6241 §8.1: a positive number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub u32);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A configuration datastore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Datastore {
    /// The configuration in force.
    Running,
    /// The configuration being prepared (`:candidate`).
    Candidate,
    /// The configuration loaded at boot (`:startup`).
    Startup,
}

impl Datastore {
    /// The element name (`running`, `candidate`, `startup`).
    pub fn as_str(self) -> &'static str {
        match self {
            Datastore::Running => "running",
            Datastore::Candidate => "candidate",
            Datastore::Startup => "startup",
        }
    }

    fn index(self) -> usize {
        match self {
            Datastore::Running => 0,
            Datastore::Candidate => 1,
            Datastore::Startup => 2,
        }
    }
}

/// Why the device refused to open a session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// No such user is configured.
    #[error("no user {0:?} on this device; add it to DeviceConfig::users")]
    UnknownUser(String),
    /// The session limit is reached.
    #[error("{0} sessions are open, the most this device allows; close one first")]
    TooManySessions(usize),
}

/// How a reply is built from what an operation produced.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    ok: bool,
    data: Option<Vec<Element>>,
    body: Vec<Element>,
    errors: Vec<RpcError>,
}

impl Answer {
    pub(crate) fn ok() -> Self {
        Answer {
            ok: true,
            ..Answer::default()
        }
    }

    pub(crate) fn data(content: Vec<Element>) -> Self {
        Answer {
            data: Some(content),
            ..Answer::default()
        }
    }

    pub(crate) fn body(content: Vec<Element>) -> Self {
        Answer {
            body: content,
            ..Answer::default()
        }
    }

    pub(crate) fn error(e: RpcError) -> Self {
        Answer {
            errors: vec![e],
            ..Answer::default()
        }
    }

    pub(crate) fn errors(errors: Vec<RpcError>) -> Self {
        Answer {
            errors,
            ..Answer::default()
        }
    }

    /// Adds a body element to whatever else the answer holds.
    pub(crate) fn with_body(mut self, el: Element) -> Self {
        self.body.push(el);
        self
    }

    /// Adds warnings or errors to whatever else the answer holds.
    pub(crate) fn with_errors(mut self, mut errors: Vec<RpcError>) -> Self {
        self.errors.append(&mut errors);
        self
    }
}

impl From<RpcError> for Answer {
    fn from(e: RpcError) -> Self {
        Answer::error(e)
    }
}

impl From<Result<Answer, RpcError>> for Answer {
    fn from(r: Result<Answer, RpcError>) -> Self {
        r.unwrap_or_else(Answer::error)
    }
}

/// A session's state on the device.
#[derive(Debug)]
pub(crate) struct SessionState {
    pub(crate) user: String,
    pub(crate) class: LoginClass,
    pub(crate) subscription: Option<Subscription>,
    pub(crate) outbox: VecDeque<Notification>,
}

/// A confirmed commit awaiting its confirmation.
#[derive(Debug, Clone)]
pub(crate) struct PendingConfirm {
    /// The session that must confirm; `None` when any session may (persist,
    /// or a Junos `commit confirmed`), which also survives the session.
    pub(crate) owner: Option<u32>,
    /// The persist token (RFC 6241 §8.4.1).
    pub(crate) persist: Option<String>,
    /// When the configuration is rolled back.
    pub(crate) deadline: Instant,
    /// The running configuration before the first confirmed commit.
    pub(crate) before: Arc<Element>,
}

/// The simulated device. See the module docs for the verbs.
#[derive(Debug)]
pub struct Device {
    pub(crate) config: DeviceConfig,
    pub(crate) start: Instant,
    pub(crate) running: Arc<Element>,
    pub(crate) candidate: Arc<Element>,
    pub(crate) startup: Arc<Element>,
    /// The candidate was changed since the last commit or discard.
    pub(crate) candidate_dirty: bool,
    pub(crate) sessions: BTreeMap<u32, SessionState>,
    next_session: u32,
    pub(crate) locks: [Option<u32>; 3],
    pub(crate) pending: Option<PendingConfirm>,
    pub(crate) history: VecDeque<CommitRecord>,
    pub(crate) replay: ReplayLog,
    killed: VecDeque<SessionId>,
    /// Changes of running not yet polled; kept only while watched.
    pub(crate) commit_log: VecDeque<CommitChange>,
    pub(crate) commit_log_cap: usize,
    pub(crate) commit_log_dropped: u64,
}

/// What an operation needs the user's class to allow.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    Nothing,
    View,
    Configure,
    Kill,
}

fn need(op: &str) -> Option<Need> {
    Some(match op {
        "close-session" | "request-end-session" => Need::Nothing,
        "get"
        | "get-config"
        | "validate"
        | "create-subscription"
        | "get-chassis-inventory"
        | "get-software-information"
        | "get-route-engine-information"
        | "get-configuration"
        | "get-rollback-information" => Need::View,
        "edit-config"
        | "copy-config"
        | "delete-config"
        | "lock"
        | "unlock"
        | "commit"
        | "discard-changes"
        | "cancel-commit"
        | "lock-configuration"
        | "unlock-configuration"
        | "load-configuration"
        | "commit-configuration" => Need::Configure,
        "kill-session" => Need::Kill,
        _ => return None,
    })
}

/// Whether `op` is a Junos operation (answered only with the Junos capability).
fn is_junos_op(op: &str) -> bool {
    matches!(
        op,
        "get-chassis-inventory"
            | "get-software-information"
            | "get-route-engine-information"
            | "get-configuration"
            | "get-rollback-information"
            | "lock-configuration"
            | "unlock-configuration"
            | "load-configuration"
            | "commit-configuration"
            | "request-end-session"
    )
}

impl Device {
    /// A device built from `config`, with its clock anchored at `now`
    /// (wall-clock `config.start_unix_seconds`).
    pub fn new(config: DeviceConfig, now: Instant) -> Self {
        let initial = Arc::new(seed::initial_configuration(&config));
        let mut history = VecDeque::new();
        history.push_back(CommitRecord {
            config: initial.clone(),
            unix_micros: config.start_unix_seconds.saturating_mul(1_000_000),
            user: "root".into(),
            client: "cli".into(),
            comment: Some("initial configuration".into()),
        });
        let replay = ReplayLog::new(config.replay_log_len);
        Device {
            start: now,
            running: initial.clone(),
            candidate: initial.clone(),
            startup: initial,
            candidate_dirty: false,
            sessions: BTreeMap::new(),
            next_session: 1,
            locks: [None; 3],
            pending: None,
            history,
            replay,
            killed: VecDeque::new(),
            commit_log: VecDeque::new(),
            commit_log_cap: 0,
            commit_log_dropped: 0,
            config,
        }
    }

    /// A device with the default configuration.
    pub fn with_defaults(now: Instant) -> Self {
        Self::new(DeviceConfig::default(), now)
    }

    /// How the device was built.
    pub fn config(&self) -> &DeviceConfig {
        &self.config
    }

    /// The capability URIs for the server's `<hello>`.
    pub fn capabilities(&self) -> Vec<String> {
        self.config.capabilities.uris()
    }

    /// Whether `user` / `password` is an account of this device.
    pub fn authenticate(&self, user: &str, password: &str) -> bool {
        self.config
            .user(user)
            .is_some_and(|u| u.password == password)
    }

    /// Opens a session for `user` (already authenticated by the transport).
    pub fn open_session(&mut self, user: &str) -> Result<SessionId, SimError> {
        let account = self
            .config
            .user(user)
            .ok_or_else(|| SimError::UnknownUser(user.to_owned()))?;
        if self.sessions.len() >= self.config.max_sessions {
            return Err(SimError::TooManySessions(self.sessions.len()));
        }
        let class = account.class;
        let mut id = self.next_session;
        while id == 0 || self.sessions.contains_key(&id) {
            id = id.wrapping_add(1);
        }
        self.next_session = id.wrapping_add(1);
        self.sessions.insert(
            id,
            SessionState {
                user: user.to_owned(),
                class,
                subscription: None,
                outbox: VecDeque::new(),
            },
        );
        Ok(SessionId(id))
    }

    /// Whether `session` is open.
    pub fn is_open(&self, session: SessionId) -> bool {
        self.sessions.contains_key(&session.0)
    }

    /// The ids of the open sessions, in order.
    pub fn sessions(&self) -> Vec<SessionId> {
        self.sessions.keys().map(|&k| SessionId(k)).collect()
    }

    /// Ends `session`: its locks are released and a confirmed commit it made
    /// without `persist` is rolled back (RFC 6241 §8.4.1). Idempotent.
    pub fn close_session(&mut self, session: SessionId, now: Instant) {
        self.end_session(session.0, now);
    }

    pub(crate) fn end_session(&mut self, id: u32, now: Instant) {
        if self.sessions.remove(&id).is_none() {
            return;
        }
        for l in &mut self.locks {
            if *l == Some(id) {
                *l = None;
            }
        }
        if self.pending.as_ref().is_some_and(|p| p.owner == Some(id)) {
            self.rollback_pending(now, "confirmed commit's session ended");
        }
    }

    /// The next session ended by `<kill-session>`; the transport must drop
    /// it. Call after every `handle_rpc`.
    pub fn poll_killed(&mut self) -> Option<SessionId> {
        self.killed.pop_front()
    }

    /// Keeps every later change of the running configuration for
    /// [`Device::poll_commit`], at most `cap` unpolled ones (the oldest is
    /// dropped and counted beyond that). `0` stops keeping them and forgets
    /// those kept.
    pub fn watch_commits(&mut self, cap: usize) {
        self.commit_log_cap = cap;
        if cap == 0 {
            self.commit_log.clear();
        }
        while self.commit_log.len() > cap {
            self.commit_log.pop_front();
            self.commit_log_dropped = self.commit_log_dropped.saturating_add(1);
        }
    }

    /// The oldest change of the running configuration not yet polled
    /// (only kept after [`Device::watch_commits`]).
    pub fn poll_commit(&mut self) -> Option<CommitChange> {
        self.commit_log.pop_front()
    }

    /// How many changes were dropped because nobody polled them in time.
    pub fn commits_dropped(&self) -> u64 {
        self.commit_log_dropped
    }

    /// The next notification to send on `session`.
    pub fn poll_notification(&mut self, session: SessionId) -> Option<Notification> {
        self.sessions.get_mut(&session.0)?.outbox.pop_front()
    }

    /// When [`Device::handle_timeout`] must next be called, if ever.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let confirm = self.pending.as_ref().map(|p| p.deadline);
        let stops = self
            .sessions
            .values()
            .filter_map(|s| s.subscription.as_ref())
            .filter_map(|s| s.stop_at(self.start, self.config.start_unix_seconds));
        confirm.into_iter().chain(stops).min()
    }

    /// Acts on what is due at `now`: a confirmed commit not confirmed in time
    /// is rolled back, subscriptions whose stopTime passed end.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.pending.as_ref().is_some_and(|p| p.deadline <= now) {
            self.rollback_pending(now, "confirmed commit timed out");
        }
        self.end_due_subscriptions(now);
    }

    /// The running configuration.
    pub fn running(&self) -> &Element {
        &self.running
    }

    /// The candidate configuration.
    pub fn candidate(&self) -> &Element {
        &self.candidate
    }

    /// The startup configuration.
    pub fn startup(&self) -> &Element {
        &self.startup
    }

    /// A datastore's configuration.
    pub fn datastore(&self, ds: Datastore) -> &Element {
        match ds {
            Datastore::Running => &self.running,
            Datastore::Candidate => &self.candidate,
            Datastore::Startup => &self.startup,
        }
    }

    /// The session holding the lock on `ds`, if any.
    pub fn lock_holder(&self, ds: Datastore) -> Option<SessionId> {
        self.locks[ds.index()].map(SessionId)
    }

    /// Whether a confirmed commit awaits confirmation.
    pub fn confirm_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// The commit history, newest (rollback 0, the running configuration) first.
    pub fn history(&self) -> impl Iterator<Item = &CommitRecord> {
        self.history.iter()
    }

    /// A rough count of the heap bytes the device holds: datastores (shared
    /// trees counted once), history, sessions and the replay log.
    pub fn approx_memory(&self) -> usize {
        let mut seen: Vec<*const Element> = Vec::new();
        let mut total = std::mem::size_of::<Device>();
        let trees = [&self.running, &self.candidate, &self.startup]
            .into_iter()
            .chain(self.history.iter().map(|h| &h.config))
            .chain(self.pending.iter().map(|p| &p.before));
        for t in trees {
            let p = Arc::as_ptr(t);
            if !seen.contains(&p) {
                seen.push(p);
                total += tree::approx_size(t);
            }
        }
        total += self.history.len() * std::mem::size_of::<CommitRecord>();
        total += self
            .sessions
            .values()
            .map(|s| std::mem::size_of::<SessionState>() + s.user.len() + s.outbox.len() * 256)
            .sum::<usize>();
        total + self.replay.approx_size()
    }

    /// Wall-clock microseconds at `now`.
    pub(crate) fn wall(&self, now: Instant) -> crate::time::UnixMicros {
        let since = now.saturating_duration_since(self.start).as_micros();
        let since = i64::try_from(since).unwrap_or(i64::MAX);
        self.config
            .start_unix_seconds
            .saturating_mul(1_000_000)
            .saturating_add(since)
    }

    /// Answers one `<rpc>` from `session`, received at `now`. The reply
    /// echoes every attribute of the rpc (RFC 6241 §4.2).
    pub fn handle_rpc(&mut self, session: SessionId, now: Instant, rpc: &Rpc) -> RpcReply {
        let answer = self.answer(session.0, now, rpc);
        build_reply(rpc, answer)
    }

    fn answer(&mut self, sid: u32, now: Instant, rpc: &Rpc) -> Answer {
        let Some(s) = self.sessions.get(&sid) else {
            return rpc_error::operation_failed(
                ErrorType::Protocol,
                format!("session {sid} is not open"),
            )
            .into();
        };
        let (class, user, subscribed) = (s.class, s.user.clone(), s.subscription.is_some());
        if rpc.message_id.is_none() {
            return rpc_error::missing_attribute(ErrorType::Rpc, "message-id", "rpc").into();
        }
        // An envelope in no namespace is accepted, as Junos does; one in
        // another namespace is not NETCONF.
        if let Some(ns) = rpc.namespace.as_deref().filter(|n| *n != BASE_NS) {
            return rpc_error::unknown_namespace(ErrorType::Rpc, "rpc", ns, "/rpc").into();
        }
        let Some(raw) = &rpc.operation else {
            return rpc_error::missing_element(ErrorType::Rpc, "rpc", "/rpc")
                .with_message("the <rpc> holds no operation")
                .into();
        };
        let op = match raw.to_element(&tree::limits()) {
            Ok(op) => op,
            Err(e) => {
                return RpcError::new(ErrorType::Rpc, ErrorTag::TooBig)
                    .with_path(format!("/rpc/{}", raw.name.local))
                    .with_message(format!("the operation cannot be read: {e}"))
                    .into();
            }
        };
        let name = op.name.local.clone();
        let caps = self.config.capabilities;
        let ns = op.namespace.as_deref();
        let junos_ns = ns.is_some_and(|n| n.starts_with("http://xml.juniper.net/"));
        match ns {
            None | Some(BASE_NS) | Some(NOTIFICATION_NS) => {}
            Some(_) if junos_ns && caps.junos => {}
            Some(other) => {
                return rpc_error::unknown_namespace(ErrorType::Protocol, &name, other, "/rpc")
                    .into();
            }
        }
        let path = format!("/rpc/{name}");
        let Some(needed) = need(&name) else {
            return rpc_error::not_supported(
                &name,
                &path,
                format!("<{name}> is not an operation of this device"),
            )
            .into();
        };
        let notif_op = name == "create-subscription";
        if notif_op != (ns == Some(NOTIFICATION_NS)) || (is_junos_op(&name) && !caps.junos) {
            return rpc_error::not_supported(
                &name,
                &path,
                format!(
                    "<{name}> in namespace {:?} is not an operation of this device",
                    ns.unwrap_or("")
                ),
            )
            .into();
        }
        let allowed = match needed {
            Need::Nothing => true,
            Need::View => class.may_view(),
            Need::Configure => class.may_configure(),
            Need::Kill => class.may_kill(),
        };
        if !allowed {
            return rpc_error::access_denied(&name, &user, class.as_str()).into();
        }
        if subscribed
            && !caps.interleave
            && !matches!(name.as_str(), "close-session" | "kill-session")
        {
            return rpc_error::operation_failed(
                ErrorType::Protocol,
                "this session has a notification subscription and the device does not support :interleave; only <close-session> is accepted",
            )
            .into();
        }
        let cx = Cx {
            sid,
            now,
            op: &op,
            path: &path,
        };
        self.dispatch(&cx)
    }

    fn dispatch(&mut self, cx: &Cx<'_>) -> Answer {
        match cx.op.name.local.as_str() {
            "get" => self.op_get(cx).into(),
            "get-config" => self.op_get_config(cx).into(),
            "edit-config" => self.op_edit_config(cx).into(),
            "copy-config" => self.op_copy_config(cx).into(),
            "delete-config" => self.op_delete_config(cx).into(),
            "lock" => self.op_lock(cx).into(),
            "unlock" => self.op_unlock(cx).into(),
            "validate" => self.op_validate(cx).into(),
            "close-session" => match state::expect_children(cx.op, &[], cx.path) {
                Ok(()) => {
                    self.end_session(cx.sid, cx.now);
                    Answer::ok()
                }
                Err(e) => e.into(),
            },
            "kill-session" => self.op_kill_session(cx).into(),
            "commit" => self.op_commit(cx).into(),
            "discard-changes" => self.op_discard_changes(cx).into(),
            "cancel-commit" => self.op_cancel_commit(cx).into(),
            "create-subscription" => self.op_create_subscription(cx).into(),
            "get-route-engine-information" => self.op_route_engine_information(cx.now),
            _ => self.junos_op(cx),
        }
    }

    pub(crate) fn queue_kill(&mut self, id: u32) {
        self.killed.push_back(SessionId(id));
    }
}

/// What an operation handler gets.
pub(crate) struct Cx<'a> {
    pub(crate) sid: u32,
    pub(crate) now: Instant,
    pub(crate) op: &'a Element,
    pub(crate) path: &'a str,
}

/// The `<data>` element of a reply whose envelope uses `prefix`.
fn data_element(prefix: Option<&str>, content: Vec<u8>) -> RawElement {
    let name = match prefix {
        Some(p) => format!("{p}:data"),
        None => "data".to_owned(),
    };
    let mut raw = Vec::with_capacity(content.len() + 2 * name.len() + 5);
    raw.push(b'<');
    raw.extend_from_slice(name.as_bytes());
    raw.push(b'>');
    let start = raw.len();
    raw.extend_from_slice(&content);
    let end = raw.len();
    raw.extend_from_slice(b"</");
    raw.extend_from_slice(name.as_bytes());
    raw.push(b'>');
    RawElement {
        name: QName {
            prefix: prefix.map(str::to_owned),
            local: "data".into(),
        },
        namespace: Some(BASE_NS.to_owned()),
        span: Span::new(0, raw.len() as u64),
        raw: raw.into(),
        content: start..end,
        scope: Vec::new(),
    }
}

/// Writes a content element for a reply: native nodes carry no namespace
/// and take the reply's default one, as on a Junos device.
fn content_bytes(els: &[Element], out: &mut Vec<u8>) {
    for e in els {
        let mut e = e.clone();
        tree::set_native_ns(&mut e, None);
        e.write(out);
    }
}

fn build_reply(rpc: &Rpc, answer: Answer) -> RpcReply {
    let mut reply = RpcReply::for_rpc(rpc);
    if reply.namespace.is_none() || reply.namespace.as_deref() != Some(BASE_NS) {
        // A reply always speaks the base namespace, whatever the rpc did.
        reply.namespace = Some(BASE_NS.to_owned());
        reply.prefix = None;
        reply.attributes.retain(|a| a.declares() != Some(None));
    }
    let has_error = answer.errors.iter().any(RpcError::is_error);
    reply.errors = answer.errors;
    if let Some(d) = answer.data {
        let mut bytes = Vec::new();
        content_bytes(&d, &mut bytes);
        reply.data = Some(data_element(reply.prefix.as_deref(), bytes));
    }
    for b in &answer.body {
        let mut b = b.clone();
        tree::set_native_ns(&mut b, None);
        reply.other.push(RawElement::from_element(&b));
    }
    let empty = reply.data.is_none() && reply.other.is_empty();
    reply.ok = !has_error && empty && (answer.ok || reply.errors.is_empty());
    reply
}
