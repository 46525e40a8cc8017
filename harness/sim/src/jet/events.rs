//! The events of one commit: kernel events for the objects that appeared,
//! changed or went, then the syslog `UI_COMMIT_COMPLETED`.

use super::objects::{KernelObject, Reading, objects};
use crate::device::CommitChange;
use crate::time::UnixMicros;
use confuzz_wire::jet::kernel::UI_COMMIT_COMPLETED;
use confuzz_wire::jet::{JetEvent, KernelAttributes, Op, syslog_event};
use confuzz_wire::xml::Element;
use serde_json::{Map, Value};

/// The most kernel objects read from one configuration.
pub const MAX_OBJECTS: usize = 100_000;
/// The most events one commit produces (the syslog event is always among them).
pub const MAX_EVENTS: usize = 4096;

/// One event and the topic it is published on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The MQTT topic, e.g. `/junos/events/kernel/interfaces/ifd/add/ge-0/0/9`.
    pub topic: String,
    /// The event.
    pub event: JetEvent,
}

impl Published {
    /// The MQTT payload: the event's JSON.
    pub fn payload(&self) -> String {
        self.event.to_json()
    }
}

/// The events of one commit and what could not be turned into one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitEvents {
    /// The events, in publishing order: deletions (addresses before their
    /// interfaces, routes before their tables), additions (interfaces before
    /// their addresses, tables before their routes), changes, then
    /// `UI_COMMIT_COMPLETED`.
    pub events: Vec<Published>,
    /// Kernel events left out: beyond [`MAX_EVENTS`], or for an object
    /// whose name cannot be a topic (it holds an MQTT wildcard).
    pub omitted: usize,
}

/// The header of the events of one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventContext<'a> {
    /// The device's host name.
    pub hostname: &'a str,
    /// The commit's time (the device's wall clock).
    pub at: UnixMicros,
    /// Who committed.
    pub user: &'a str,
    /// Through what (`netconf`, `junoscript`, `jsonrpc`, `confirmed-commit`).
    pub client: &'a str,
    /// The commit comment, if any.
    pub comment: Option<&'a str>,
}

/// JET's time text, `YYYY-MM-DD-hh:mm:ss` (UTC), as Junos writes it in events.
pub fn jet_time(at: UnixMicros) -> String {
    let s = crate::time::format_rfc3339(at.div_euclid(1_000_000) * 1_000_000);
    s.trim_end_matches('Z').replacen('T', "-", 1)
}

/// The host name a configuration gives (`system host-name`), if any.
pub fn configured_hostname(config: &Element) -> Option<&str> {
    config
        .child("system")?
        .child("host-name")
        .map(crate::tree::text)
        .filter(|h| !h.is_empty())
}

fn kernel(object: &KernelObject, op: Op, host: &str, time: &str) -> Option<Published> {
    fn one<A: KernelAttributes>(a: &A, op: Op, host: &str, time: &str) -> Option<Published> {
        let topic = a.topic(op).ok()?.to_string();
        Some(Published {
            topic,
            event: a.event(op, host, time),
        })
    }
    match object {
        KernelObject::Ifd(a) => one(a, op, host, time),
        KernelObject::Ifl(a) => one(a, op, host, time),
        KernelObject::Iff(a) => one(a, op, host, time),
        KernelObject::Ifa(a) => one(a, op, host, time),
        KernelObject::Firewall(a) => one(a, op, host, time),
        KernelObject::Route(a) => one(a, op, host, time),
        KernelObject::RouteTable(a) => one(a, op, host, time),
    }
}

/// The events of a change from `before` to `after` (both `<configuration>` roots).
pub fn events_between(before: &Element, after: &Element, cx: &EventContext<'_>) -> CommitEvents {
    let old = objects(before, MAX_OBJECTS);
    let new = objects(after, MAX_OBJECTS);
    let time = jet_time(cx.at);
    let host = cx.hostname;
    let mut changes: Vec<(Op, &Reading)> = Vec::new();
    // Deletions children first, so an address goes before its interface.
    for (k, r) in old.iter().rev() {
        if !new.contains_key(k) {
            changes.push((Op::Delete, r));
        }
    }
    for (k, r) in &new {
        if !old.contains_key(k) {
            changes.push((Op::Add, r));
        }
    }
    for (k, r) in &new {
        if old.get(k).is_some_and(|o| o != r) {
            changes.push((Op::Change, r));
        }
    }
    let mut out = CommitEvents::default();
    for (op, r) in changes {
        if out.events.len() + 1 >= MAX_EVENTS {
            out.omitted += 1;
            continue;
        }
        match kernel(&r.object, op, host, &time) {
            Some(p) => out.events.push(p),
            None => out.omitted += 1,
        }
    }
    out.events.push(commit_completed(cx, &time));
    out
}

/// The events of one change of the running configuration, with the host
/// name the new configuration gives (or `default_hostname`).
pub fn events_for_commit(change: &CommitChange, default_hostname: &str) -> CommitEvents {
    let after = &change.record.config;
    let hostname = configured_hostname(after).unwrap_or(default_hostname);
    let cx = EventContext {
        hostname,
        at: change.record.unix_micros,
        user: &change.record.user,
        client: &change.record.client,
        comment: change.record.comment.as_deref(),
    };
    events_between(&change.before, after, &cx)
}

/// The syslog `UI_COMMIT_COMPLETED` event (severity `notice`, facility
/// `INTERACT`, like the message Junos logs after a commit).
fn commit_completed(cx: &EventContext<'_>, time: &str) -> Published {
    let mut attrs = Map::new();
    attrs.insert("username".into(), Value::from(cx.user));
    attrs.insert("client".into(), Value::from(cx.client));
    attrs.insert("message".into(), Value::from("commit complete"));
    if let Some(c) = cx.comment {
        attrs.insert("comment".into(), Value::from(c));
    }
    match syslog_event(
        UI_COMMIT_COMPLETED,
        cx.hostname,
        time,
        "notice",
        "INTERACT",
        &attrs,
    ) {
        Ok((topic, event)) => Published {
            topic: topic.to_string(),
            event,
        },
        // The event id is a constant without wildcards, so the topic is
        // always built; this arm only keeps the function total.
        Err(_) => Published {
            topic: format!("/junos/events/syslog/{UI_COMMIT_COMPLETED}"),
            event: JetEvent::default(),
        },
    }
}
