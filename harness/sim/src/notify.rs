//! RFC 5277 notifications: the `NETCONF` event stream, its bounded replay
//! log, `<create-subscription>` (filter, startTime/stopTime replay and the
//! RFC's error cases) and the RFC 6470 events the device raises:
//! `netconf-config-change` on every commit and `netconf-confirmed-commit`
//! for each step of a confirmed commit.

use crate::device::{Answer, Cx, Device};
use crate::diff;
use crate::filter;
use crate::rpc_error;
use crate::time::{UnixMicros, format_rfc3339, parse_rfc3339};
use crate::tree::{self, path_string};
use confuzz_wire::netconf::{
    BASE_NS, ErrorTag, ErrorType, NOTIFICATION_NS, Notification, RpcError,
};
use confuzz_wire::xml::{Element, RawElement};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The namespace of the RFC 6470 events.
pub const NOTIFICATIONS_NS: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications";
/// The namespace of `replayComplete` and `notificationComplete` (RFC 5277 §3.6).
pub const NETMOD_NOTIFICATION_NS: &str = "urn:ietf:params:xml:ns:netmod:notification";
/// The one stream the device offers.
pub const STREAM: &str = "NETCONF";

/// How many changed nodes one `netconf-config-change` lists at most.
const MAX_EDITS: usize = 64;

/// An event kept for replay.
#[derive(Debug, Clone)]
struct Stored {
    at: UnixMicros,
    event: Element,
}

/// The replay log of the `NETCONF` stream, oldest first, bounded.
#[derive(Debug, Clone)]
pub struct ReplayLog {
    cap: usize,
    events: VecDeque<Stored>,
}

impl ReplayLog {
    /// A log keeping at most `cap` events.
    pub fn new(cap: usize) -> Self {
        ReplayLog {
            cap,
            events: VecDeque::new(),
        }
    }

    fn push(&mut self, at: UnixMicros, event: Element) {
        if self.cap == 0 {
            return;
        }
        while self.events.len() >= self.cap {
            self.events.pop_front();
        }
        self.events.push_back(Stored { at, event });
    }

    /// How many events are kept.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether no event is kept.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// A rough count of the heap bytes held.
    pub fn approx_size(&self) -> usize {
        self.events
            .iter()
            .map(|s| std::mem::size_of::<Stored>() + tree::approx_size(&s.event))
            .sum()
    }
}

/// A session's subscription.
#[derive(Debug, Clone)]
pub struct Subscription {
    filter: Option<Element>,
    stop: Option<UnixMicros>,
}

impl Subscription {
    /// When the subscription's stopTime falls, on the caller's clock.
    pub(crate) fn stop_at(&self, start: Instant, start_unix_seconds: i64) -> Option<Instant> {
        let stop = self.stop?;
        let anchor = start_unix_seconds.saturating_mul(1_000_000);
        let after = u64::try_from(stop.saturating_sub(anchor)).unwrap_or(0);
        start.checked_add(Duration::from_micros(after))
    }

    fn passes(&self, event: &Element) -> bool {
        match &self.filter {
            None => true,
            Some(f) => !filter::subtree(&[event], &f.children).is_empty(),
        }
    }
}

fn ev(name: &str) -> Element {
    Element::in_ns(name, NOTIFICATIONS_NS)
}

fn leaf(name: &str, v: impl Into<String>) -> Element {
    ev(name).with_text(v)
}

fn changed_by(user: Option<&str>, sid: u32) -> Vec<Element> {
    match user {
        Some(u) if sid != 0 => vec![leaf("username", u), leaf("session-id", sid.to_string())],
        _ => vec![ev("server")],
    }
}

/// `netconf-config-change` for a commit from `old` to `new`.
pub fn config_change_event(user: &str, sid: u32, old: &Element, new: &Element) -> Element {
    let mut by = ev("changed-by");
    by.children = changed_by(Some(user), sid);
    let mut e = ev("netconf-config-change")
        .with_child(by)
        .with_child(leaf("datastore", "running"));
    for c in diff::changes(old, new, MAX_EDITS) {
        let target = path_string("/configuration", &c.steps);
        e.children.push(
            ev("edit")
                .with_child(leaf("target", target))
                .with_child(leaf("operation", c.kind.as_str())),
        );
    }
    e
}

/// `netconf-confirmed-commit` (`kind`: start, extend, complete, cancel, timeout).
pub fn confirmed_commit_event(
    user: Option<&str>,
    sid: u32,
    kind: &str,
    timeout: Option<u64>,
) -> Element {
    let mut e = ev("netconf-confirmed-commit");
    e.children = changed_by(user, sid);
    e.children.push(leaf("confirm-event", kind));
    if let Some(t) = timeout.filter(|_| matches!(kind, "start" | "extend")) {
        e.children.push(leaf("timeout", t.to_string()));
    }
    e
}

fn notification(at: UnixMicros, event: &Element) -> Notification {
    Notification::new(format_rfc3339(at), RawElement::from_element(event))
}

impl Device {
    fn deliver(&mut self, sid: u32, at: UnixMicros, event: &Element) {
        let max = self.config.max_pending_notifications.max(1);
        if let Some(s) = self.sessions.get_mut(&sid) {
            while s.outbox.len() >= max {
                s.outbox.pop_front();
            }
            s.outbox.push_back(notification(at, event));
        }
    }

    /// Logs `event` at `now` and queues it for every subscriber it passes.
    pub(crate) fn publish(&mut self, now: Instant, event: Element) {
        let at = self.wall(now);
        let to: Vec<u32> = self
            .sessions
            .iter()
            .filter(|(_, s)| {
                s.subscription
                    .as_ref()
                    .is_some_and(|sub| sub.stop.is_none_or(|stop| at <= stop) && sub.passes(&event))
            })
            .map(|(&id, _)| id)
            .collect();
        for id in to {
            self.deliver(id, at, &event);
        }
        self.replay.push(at, event);
    }

    /// Ends the subscriptions whose stopTime has passed.
    pub(crate) fn end_due_subscriptions(&mut self, now: Instant) {
        let at = self.wall(now);
        let due: Vec<u32> = self
            .sessions
            .iter()
            .filter(|(_, s)| {
                s.subscription
                    .as_ref()
                    .and_then(|x| x.stop)
                    .is_some_and(|stop| stop <= at)
            })
            .map(|(&id, _)| id)
            .collect();
        for id in due {
            self.deliver(
                id,
                at,
                &Element::in_ns("notificationComplete", NETMOD_NOTIFICATION_NS),
            );
            if let Some(s) = self.sessions.get_mut(&id) {
                s.subscription = None;
            }
        }
    }

    pub(crate) fn op_create_subscription(&mut self, cx: &Cx<'_>) -> Result<Answer, RpcError> {
        if !self.config.capabilities.notification {
            return Err(rpc_error::not_supported(
                "create-subscription",
                cx.path,
                "this device does not implement RFC 5277 notifications",
            ));
        }
        let param = |name: &str| -> Result<Option<&Element>, RpcError> {
            let mut found = None;
            for c in cx.op.children.iter().filter(|c| c.name.local == name) {
                if found.is_some() {
                    return Err(rpc_error::bad_element(
                        ErrorType::Protocol,
                        name,
                        &format!("{}/{name}", cx.path),
                        format!("<{name}> given more than once"),
                    ));
                }
                found = Some(c);
            }
            Ok(found)
        };
        let stream = param("stream")?;
        let filter_el = param("filter")?;
        let start_el = param("startTime")?;
        let stop_el = param("stopTime")?;
        for c in &cx.op.children {
            let p = format!("{}/{}", cx.path, c.name.local);
            if !matches!(
                c.namespace.as_deref(),
                None | Some(NOTIFICATION_NS) | Some(BASE_NS)
            ) {
                let ns = c.namespace.as_deref().unwrap_or("");
                return Err(rpc_error::unknown_namespace(
                    ErrorType::Protocol,
                    &c.name.local,
                    ns,
                    &p,
                ));
            }
            if !matches!(
                c.name.local.as_str(),
                "stream" | "filter" | "startTime" | "stopTime"
            ) {
                return Err(rpc_error::unknown_element(
                    ErrorType::Protocol,
                    &c.name.local,
                    &p,
                ));
            }
        }
        if self
            .sessions
            .get(&cx.sid)
            .is_some_and(|s| s.subscription.is_some())
        {
            return Err(RpcError::new(ErrorType::Protocol, ErrorTag::InUse)
                .with_path(cx.path)
                .with_message("this session already has a subscription"));
        }
        if let Some(s) = stream
            && tree::text(s) != STREAM
        {
            return Err(rpc_error::invalid_value(
                ErrorType::Protocol,
                "stream",
                &format!("{}/stream", cx.path),
                format!("no stream {:?}; this device offers {STREAM}", tree::text(s)),
            ));
        }
        if let Some(f) = filter_el {
            match f.attr("type") {
                None | Some("subtree") => {}
                Some(t) => {
                    return Err(rpc_error::bad_attribute(
                        ErrorType::Protocol,
                        "type",
                        "filter",
                        &format!("{}/filter", cx.path),
                        format!("filter type {t:?} is not supported; use subtree"),
                    ));
                }
            }
        }
        let time = |el: Option<&Element>, name: &str| -> Result<Option<UnixMicros>, RpcError> {
            el.map(|e| {
                parse_rfc3339(tree::text(e)).ok_or_else(|| {
                    rpc_error::bad_element(
                        ErrorType::Protocol,
                        name,
                        &format!("{}/{name}", cx.path),
                        format!("{name} {:?} is not an RFC 3339 date-time", tree::text(e)),
                    )
                })
            })
            .transpose()
        };
        let start = time(start_el, "startTime")?;
        let stop = time(stop_el, "stopTime")?;
        let now = self.wall(cx.now);
        match (start, stop) {
            (None, Some(_)) => {
                return Err(
                    rpc_error::missing_element(ErrorType::Protocol, "startTime", cx.path)
                        .with_message("stopTime given without startTime"),
                );
            }
            (Some(s), _) if s > now => {
                return Err(rpc_error::bad_element(
                    ErrorType::Protocol,
                    "startTime",
                    &format!("{}/startTime", cx.path),
                    "startTime is in the future",
                ));
            }
            (Some(s), Some(e)) if e < s => {
                return Err(rpc_error::bad_element(
                    ErrorType::Protocol,
                    "stopTime",
                    &format!("{}/stopTime", cx.path),
                    "stopTime is earlier than startTime",
                ));
            }
            _ => {}
        }
        let sub = Subscription {
            filter: filter_el.cloned(),
            stop,
        };
        if let Some(from) = start {
            let replay: Vec<(UnixMicros, Element)> = self
                .replay
                .events
                .iter()
                .filter(|e| e.at >= from && stop.is_none_or(|s| e.at <= s) && sub.passes(&e.event))
                .map(|e| (e.at, e.event.clone()))
                .collect();
            for (at, e) in replay {
                self.deliver(cx.sid, at, &e);
            }
            self.deliver(
                cx.sid,
                now,
                &Element::in_ns("replayComplete", NETMOD_NOTIFICATION_NS),
            );
        }
        if let Some(s) = self.sessions.get_mut(&cx.sid) {
            s.subscription = Some(sub);
        }
        self.end_due_subscriptions(cx.now);
        Ok(Answer::ok())
    }
}
