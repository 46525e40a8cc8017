//! NSO's JSON-RPC API on the simulated device: sessions, transactions,
//! subscriptions and the methods of NSO's manual, over the same device
//! state NETCONF edits.
//!
//! ```text
//!  HTTP (serve::http) ── cookie, peer, trace headers ──► Nso::call(method, params)
//!                                                        │ sessions (one device session each:
//!                                                        │  locks and commits are the device's)
//!                                                        │ transactions: a private copy of
//!                                                        │  running or candidate + the edits made
//!                                                        ▼
//!                                            SimDevice (Mutex<Device>) ◄── NETCONF
//! ```
//!
//! A transaction edits a copy; `commit` puts the copy (or, when the
//! datastore moved on meanwhile, the transaction's edits replayed on the
//! new content) into the candidate and runs the device's commit, so the
//! commit history, confirmed commits, NETCONF notifications and locks are
//! the ones NETCONF sees. Subscriptions read the device's commit history,
//! so commits made over NETCONF reach `comet` too.
//!
//! Modules: [`schema`] (modules, prefixes, keypath to tree), [`data`]
//! (reading and changing trees, changes, JSON), [`params`] (named params
//! and their errors), and the methods themselves.

pub mod data;
mod methods;
pub mod params;
pub mod schema;
pub mod schema_json;
mod trans;

use crate::config::LoginClass;
use crate::device::SessionId;
use crate::serve::SimDevice;
use confuzz_wire::jsonrpc::{ErrorData, ErrorObject, ErrorType};
use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

pub use trans::Trans;

/// How the JSON-RPC service behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsoOptions {
    /// A session unused this long is ended (NSO: 30 minutes).
    pub idle_timeout: Duration,
    /// The most transactions plus subscriptions one session may hold
    /// (NSO: 10000); beyond it `session.overload`.
    pub max_per_session: usize,
    /// How long `comet` waits for a message before answering `[]`.
    pub comet_timeout: Duration,
    /// The most sessions open at once; beyond it `login` fails.
    pub max_sessions: usize,
    /// What `get_system_setting` reports as the version.
    pub version: String,
}

impl Default for NsoOptions {
    fn default() -> Self {
        NsoOptions {
            idle_timeout: Duration::from_secs(30 * 60),
            max_per_session: 10_000,
            comet_timeout: Duration::from_secs(60),
            max_sessions: 256,
            version: "6.1.2".to_owned(),
        }
    }
}

/// A W3C Trace Context from the `traceparent` and `tracestate` headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceContext {
    /// `00-<trace-id>-<parent-id>-01`.
    pub traceparent: String,
    /// The vendor key-value list, if given.
    pub tracestate: Option<String>,
}

impl TraceContext {
    /// Reads the headers; `None` when `traceparent` is not
    /// `00-<32 hex>-<16 hex>-01` (NSO accepts only that version and flags).
    pub fn parse(traceparent: &str, tracestate: Option<&str>) -> Option<TraceContext> {
        let parts: Vec<&str> = traceparent.trim().split('-').collect();
        let hex = |s: &str, n: usize| {
            s.len() == n
                && s.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                && s.bytes().any(|b| b != b'0')
        };
        match parts.as_slice() {
            ["00", t, p, "01"] if hex(t, 32) && hex(p, 16) => Some(TraceContext {
                traceparent: traceparent.trim().to_owned(),
                tracestate: tracestate
                    .map(str::trim_start)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            }),
            _ => None,
        }
    }

    /// The trace-id part.
    pub fn trace_id(&self) -> &str {
        self.traceparent.get(3..35).unwrap_or("")
    }

    /// A fresh context (for validate_commit and apply called without one).
    pub fn generate(seed: u64) -> TraceContext {
        let a = mix(seed);
        let b = mix(a);
        TraceContext {
            traceparent: format!("00-{a:016x}{b:016x}-{:016x}-01", mix(b) | 1),
            tracestate: None,
        }
    }
}

fn mix(x: u64) -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(x);
    h.finish()
}

/// What a call brings besides its method and params.
#[derive(Debug, Clone)]
pub struct CallContext {
    /// The `sessionid` cookie, if any.
    pub cookie: Option<String>,
    /// The client's address, for session descriptions and messages.
    pub peer: String,
    /// HTTP Basic credentials, for `login` without params.
    pub basic_auth: Option<(String, String)>,
    /// The Trace Context headers, if any.
    pub trace: Option<TraceContext>,
    /// When the call arrived.
    pub now: Instant,
}

/// What a call did to the HTTP exchange besides its result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// A new session's cookie value (`Set-Cookie: sessionid=...`).
    pub set_cookie: Option<String>,
    /// The session ended or is unknown: tell the client to drop its cookie.
    pub clear_cookie: bool,
    /// A Trace Context the server made, to send back.
    pub trace: Option<TraceContext>,
}

/// A subscription (`subscribe_changes`).
#[derive(Debug)]
pub(crate) struct Subscription {
    pub(crate) comet_id: String,
    pub(crate) path: Option<schema::Resolved>,
    pub(crate) started: bool,
    pub(crate) hide_changes: bool,
    pub(crate) hide_values: bool,
    /// The running configuration the subscriber has been told about.
    pub(crate) seen: Option<Arc<confuzz_wire::xml::Element>>,
}

/// One logged-in client.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) user: String,
    pub(crate) class: LoginClass,
    pub(crate) sid: SessionId,
    pub(crate) peer: String,
    pub(crate) last: Instant,
    pub(crate) trans: BTreeMap<i64, Trans>,
    pub(crate) subs: BTreeMap<String, Subscription>,
    pub(crate) active_comets: HashSet<String>,
    pub(crate) waker: Arc<Notify>,
}

impl Session {
    fn load(&self) -> usize {
        self.trans.len() + self.subs.len()
    }
}

/// The JSON-RPC service's state: sessions by cookie. Lock it before the
/// device, never the other way round.
#[derive(Debug)]
pub struct Nso {
    pub(crate) options: NsoOptions,
    pub(crate) sessions: HashMap<String, Session>,
    next_th: i64,
    next_handle: u64,
    counter: u64,
    /// Who made the recent commits through JSON-RPC (running tree pointer,
    /// peer address), for the `ip` of subscription messages.
    pub(crate) committers: Vec<(usize, String)>,
}

impl Nso {
    /// A service with no sessions.
    pub fn new(options: NsoOptions) -> Self {
        Nso {
            options,
            sessions: HashMap::new(),
            next_th: 1,
            next_handle: 1,
            counter: 0,
            committers: Vec::new(),
        }
    }

    /// The options in force.
    pub fn options(&self) -> &NsoOptions {
        &self.options
    }

    /// How many sessions are logged in.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// The device session behind a cookie, if logged in.
    pub fn device_session(&self, cookie: &str) -> Option<SessionId> {
        self.sessions.get(cookie).map(|s| s.sid)
    }

    fn fresh_cookie(&mut self) -> String {
        loop {
            self.counter = self.counter.wrapping_add(1);
            let v = format!("sess{}", mix(self.counter));
            if !self.sessions.contains_key(&v) {
                return v;
            }
        }
    }

    pub(crate) fn fresh_th(&mut self) -> i64 {
        let th = self.next_th;
        self.next_th = self.next_th.wrapping_add(1).max(1);
        th
    }

    pub(crate) fn fresh_handle(&mut self) -> String {
        let h = self.next_handle;
        self.next_handle += 1;
        h.to_string()
    }

    /// Ends sessions idle past the timeout.
    pub fn expire(&mut self, dev: &SimDevice, now: Instant) {
        let idle = self.options.idle_timeout;
        let stale: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, s)| now.saturating_duration_since(s.last) >= idle)
            .map(|(k, _)| k.clone())
            .collect();
        for k in stale {
            self.end(dev, &k, now);
        }
    }

    /// Ends the session of `cookie` (its locks are released).
    pub(crate) fn end(&mut self, dev: &SimDevice, cookie: &str, now: Instant) {
        if let Some(s) = self.sessions.remove(cookie) {
            dev.lock().close_session(s.sid, now);
            dev.unregister(s.sid);
            dev.changed();
        }
    }

    /// Logs `user` in and returns the cookie value.
    pub(crate) fn open(
        &mut self,
        dev: &SimDevice,
        user: &str,
        peer: &str,
        now: Instant,
    ) -> Result<String, ErrorObject> {
        if self.sessions.len() >= self.options.max_sessions {
            return Err(reason(
                ErrorType::SessionOverload,
                format!(
                    "{} JSON-RPC sessions are open, the most allowed; log one out",
                    self.sessions.len()
                ),
            ));
        }
        let (sid, class) = {
            let mut d = dev.lock();
            let class = d
                .config()
                .user(user)
                .map(|u| u.class)
                .ok_or_else(|| ErrorObject::nso(ErrorType::MethodFailed))?;
            let sid = d
                .open_session(user)
                .map_err(|e| reason(ErrorType::MethodFailed, e.to_string()))?;
            (sid, class)
        };
        let waker = dev.register(sid);
        let cookie = self.fresh_cookie();
        self.sessions.insert(
            cookie.clone(),
            Session {
                user: user.to_owned(),
                class,
                sid,
                peer: peer.to_owned(),
                last: now,
                trans: BTreeMap::new(),
                subs: BTreeMap::new(),
                active_comets: HashSet::new(),
                waker,
            },
        );
        Ok(cookie)
    }

    /// The session of a call, touched; the session errors otherwise.
    pub(crate) fn session(
        &mut self,
        cx: &CallContext,
        fx: &mut Effects,
    ) -> Result<&mut Session, ErrorObject> {
        let Some(c) = cx.cookie.as_deref() else {
            return Err(ErrorObject::nso(ErrorType::SessionMissingSessionid));
        };
        match self.sessions.get_mut(c) {
            Some(s) => {
                s.last = cx.now;
                Ok(s)
            }
            None => {
                fx.clear_cookie = true;
                Err(ErrorObject::nso(ErrorType::SessionInvalidSessionid))
            }
        }
    }

    /// Refuses one more transaction or subscription past the limit.
    pub(crate) fn check_load(&self, s: &Session) -> Result<(), ErrorObject> {
        if s.load() >= self.options.max_per_session {
            return Err(reason(
                ErrorType::SessionOverload,
                format!(
                    "only {} commands/subscriptions are allowed per session",
                    self.options.max_per_session
                ),
            ));
        }
        Ok(())
    }

    /// How the holder of a device lock is described in `db.locked`.
    pub(crate) fn describe(&self, dev: &crate::Device, holder: u32) -> String {
        if let Some(s) = self.sessions.values().find(|s| s.sid.0 == holder) {
            return format!("{} jsonrpc (http from {}) session {holder}", s.user, s.peer);
        }
        match dev.sessions.get(&holder) {
            Some(s) => format!("{} netconf session {holder}", s.user),
            None if holder == 0 => "the candidate holds uncommitted changes".to_owned(),
            None => format!("session {holder}"),
        }
    }

    /// `db.locked` naming the holder.
    pub(crate) fn locked(&self, dev: &crate::Device, holder: u32) -> ErrorObject {
        ErrorObject::db_locked(vec![self.describe(dev, holder)])
    }

    /// The waker and whether the comet channel is free, to start a long poll.
    pub fn comet_begin(
        &mut self,
        cx: &CallContext,
        comet_id: &str,
    ) -> Result<Arc<Notify>, ErrorObject> {
        let mut fx = Effects::default();
        let s = self.session(cx, &mut fx)?;
        if !s.active_comets.insert(comet_id.to_owned()) {
            return Err(ErrorObject::nso(ErrorType::CometDuplicatedChannel));
        }
        Ok(s.waker.clone())
    }

    /// Ends a long poll on `comet_id`.
    pub fn comet_end(&mut self, cookie: &str, comet_id: &str) {
        if let Some(s) = self.sessions.get_mut(cookie) {
            s.active_comets.remove(comet_id);
        }
    }

    /// The messages waiting on `comet_id` (subscription messages for the
    /// commits since each subscription last reported).
    pub fn comet_poll(
        &mut self,
        dev: &SimDevice,
        cookie: &str,
        comet_id: &str,
    ) -> Vec<serde_json::Value> {
        let committers = self.committers.clone();
        let Some(s) = self.sessions.get_mut(cookie) else {
            return Vec::new();
        };
        let d = dev.lock();
        let mut out = Vec::new();
        for (handle, sub) in s.subs.iter_mut() {
            if !sub.started || sub.comet_id != comet_id {
                continue;
            }
            let Some(seen) = sub.seen.clone() else {
                sub.seen = Some(d.running.clone());
                continue;
            };
            if Arc::ptr_eq(&seen, &d.running) {
                continue;
            }
            // The commits since `seen`, oldest first; when `seen` fell out
            // of the history, one step from it to the running configuration.
            let hist: Vec<&crate::CommitRecord> = d.history().collect();
            let newer = hist.iter().position(|r| Arc::ptr_eq(&r.config, &seen));
            let mut steps: Vec<(Arc<confuzz_wire::xml::Element>, &crate::CommitRecord)> =
                Vec::new();
            match newer {
                Some(n) => {
                    let mut prev = seen.clone();
                    for r in hist.iter().take(n).rev() {
                        steps.push((prev, r));
                        prev = r.config.clone();
                    }
                }
                None => {
                    if let Some(r) = hist.first() {
                        steps.push((seen.clone(), r));
                    }
                }
            }
            for (old, rec) in steps {
                let changes = data::changes(&old, &rec.config, sub.path.as_ref(), 10_000);
                if changes.is_empty() {
                    continue;
                }
                let ptr = Arc::as_ptr(&rec.config) as usize;
                let ip = committers
                    .iter()
                    .find(|(p, _)| *p == ptr)
                    .map_or_else(|| "127.0.0.1".to_owned(), |(_, ip)| ip.clone());
                let mut msg = serde_json::json!({
                    "db": "running",
                    "user": rec.user,
                    "ip": ip,
                });
                if !sub.hide_changes {
                    msg["changes"] = serde_json::Value::Array(
                        changes.iter().map(|c| c.to_json(sub.hide_values)).collect(),
                    );
                }
                out.push(serde_json::json!({"handle": handle, "message": msg}));
            }
            sub.seen = Some(d.running.clone());
        }
        out
    }
}

/// An error of `kind` with `data.reason`.
pub(crate) fn reason(kind: ErrorType, why: impl Into<String>) -> ErrorObject {
    ErrorObject::nso(kind).with_data(&ErrorData {
        reason: Some(why.into()),
        ..ErrorData::default()
    })
}

pub use methods::METHODS;
