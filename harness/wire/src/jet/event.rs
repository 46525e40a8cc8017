//! The `jet-event` notification JSON: a header and attributes.
//!
//! ```text
//! {"jet-event": {"event-id": "KERNEL_EVENT_IFD_ADD", "hostname": "mydevice",
//!                "time": "2016-01-07", "severity": "info", "facility": "KERNEL",
//!                "attributes": {"name": "ge-0/0/0", "snmp-id": 520, "flags": 8}}}
//! ```
//!
//! Kernel (rtsock) events have severity `info` and facility `KERNEL`; syslog
//! events carry the severity and facility of the Junos syslog message. The
//! attributes depend on the topic (see [`super::kernel`]).

use super::JetError;
use super::kernel::{Family, parse_kernel_event_id};
use super::rules;
use super::topic::{Sel, parse_topic};
use crate::jsonrpc::{JsonKind, Parsed, RawJson, ScanOptions};
use crate::violation::{Rule, Scope, Span, Violation};

/// The member that wraps every event.
pub const WRAPPER: &str = "jet-event";

/// A JET notification event.
///
/// Header fields are optional so that a publisher's broken event is kept as
/// read (with violations); the constructors fill them all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JetEvent {
    /// `event-id`, e.g. `KERNEL_EVENT_IFD_ADD` or `UI_COMMIT_COMPLETED`.
    pub event_id: Option<String>,
    /// `hostname` of the device.
    pub hostname: Option<String>,
    /// `time`, as the device writes it (formats vary: `2016-01-07`, `2019-01-22-14:59:06`).
    pub time: Option<String>,
    /// `severity`, e.g. `info`.
    pub severity: Option<String>,
    /// `facility`, e.g. `KERNEL`.
    pub facility: Option<String>,
    /// `attributes`, raw (numbers kept exact).
    pub attributes: Option<RawJson>,
    /// Members of the event beyond the documented ones, in order.
    pub extra: Vec<(String, RawJson)>,
}

/// Limits for parsing an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventOptions {
    /// Largest event accepted, in bytes.
    pub max_size: usize,
    /// Deepest nesting accepted.
    pub max_depth: usize,
}

impl Default for EventOptions {
    /// 1 MiB and depth 128 (events are small).
    fn default() -> Self {
        EventOptions {
            max_size: 1024 * 1024,
            max_depth: 128,
        }
    }
}

impl JetEvent {
    /// An event with every header field and attributes set.
    pub fn new(
        event_id: impl Into<String>,
        hostname: impl Into<String>,
        time: impl Into<String>,
        severity: impl Into<String>,
        facility: impl Into<String>,
        attributes: RawJson,
    ) -> Self {
        JetEvent {
            event_id: Some(event_id.into()),
            hostname: Some(hostname.into()),
            time: Some(time.into()),
            severity: Some(severity.into()),
            facility: Some(facility.into()),
            attributes: Some(attributes),
            extra: Vec::new(),
        }
    }

    /// A kernel event: severity `info`, facility `KERNEL`.
    pub fn kernel(
        event_id: &str,
        hostname: &str,
        time: &str,
        attributes: &serde_json::Map<String, serde_json::Value>,
    ) -> Self {
        JetEvent::new(
            event_id,
            hostname,
            time,
            "info",
            "KERNEL",
            RawJson::from_value(&serde_json::Value::Object(attributes.clone())),
        )
    }

    /// The attributes materialized, when present and an object.
    pub fn attributes_map(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        self.attributes.as_ref()?.deserialize().ok()
    }

    /// One attribute, when present.
    pub fn attribute(&self, name: &str) -> Option<serde_json::Value> {
        self.attributes_map()?.remove(name)
    }

    /// Appends the event as compact JSON, wrapped in `jet-event`.
    pub fn write_json(&self, out: &mut String) {
        out.push_str("{\"jet-event\":{");
        let mut first = true;
        let fields = [
            ("event-id", &self.event_id),
            ("hostname", &self.hostname),
            ("time", &self.time),
            ("severity", &self.severity),
            ("facility", &self.facility),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                crate::jsonrpc::write_key(out, &mut first, name);
                crate::jsonrpc::write_str(out, v);
            }
        }
        if let Some(a) = &self.attributes {
            crate::jsonrpc::write_key(out, &mut first, "attributes");
            out.push_str(a.get());
        }
        for (k, v) in &self.extra {
            crate::jsonrpc::write_key(out, &mut first, k);
            out.push_str(v.get());
        }
        out.push_str("}}");
    }

    /// The event as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }

    /// Violations of publishing this event on `topic`: the topic must be of
    /// the event's family and operation (kernel events) or name its event id
    /// (syslog events).
    pub fn check_topic(&self, topic: &str) -> Vec<Violation> {
        let mut out = Vec::new();
        let Some(id) = self.event_id.as_deref() else {
            return out;
        };
        let mismatch =
            |detail: String| Violation::new(rules::TOPIC_MISMATCH, Scope::Message, detail);
        let parsed = match parse_topic(topic) {
            Ok(t) => t,
            Err(e) => {
                out.push(mismatch(format!(
                    "event {id} published on {topic:?}, which is not a JET topic: {e}"
                )));
                return out;
            }
        };
        match (parse_kernel_event_id(id), &parsed) {
            (Some((family, op)), t) => {
                let topic_family = Family::of_topic(t);
                let op_ok = matches!(t.op(), Some(Sel::Is(o)) if *o == op);
                if topic_family != Some(family) || !op_ok {
                    out.push(mismatch(format!(
                        "event {id} published on {topic:?}; expected a {} topic with operation {}",
                        family.topic_name(),
                        op.as_str()
                    )));
                }
            }
            (
                None,
                super::topic::Topic::Syslog {
                    event_id: Sel::Is(e),
                },
            ) if e == id => {}
            (None, _) => out.push(mismatch(format!(
                "event {id} published on {topic:?}; syslog events go to /junos/events/syslog/{id}"
            ))),
        }
        out
    }
}

/// Parses a `jet-event` notification with default limits.
pub fn parse_event(input: &[u8]) -> Result<Parsed<JetEvent>, JetError> {
    parse_event_with(input, &EventOptions::default())
}

/// Parses a `jet-event` notification, leniently: broken rules become
/// violations and whatever can be read is kept.
pub fn parse_event_with(input: &[u8], opts: &EventOptions) -> Result<Parsed<JetEvent>, JetError> {
    let mut out = Vec::new();
    let scan = ScanOptions {
        max_depth: opts.max_depth,
        duplicate_keys: true,
        number_range: true,
    };
    let (text, entries) = crate::jsonrpc::prepare(input, opts.max_size, scan, 1, &mut out)?;
    let top = entries
        .first()
        .and_then(|e| text.get(e.start..e.end))
        .unwrap_or("null");
    if !top.starts_with('{') {
        return Err(JetError::NotAnObject {
            found: JsonKind::of(top).name(),
        });
    }
    let outer = crate::jsonrpc::children(text, &entries, 0);
    let mut cx = Cx { text, out };
    let mut inner = None;
    let mut others = Vec::new();
    for (name, value) in outer {
        if name == WRAPPER {
            inner = Some(value);
        } else {
            others.push((name, value));
        }
    }
    let body = match inner {
        Some(v) => {
            for (name, value) in &others {
                cx.warn(
                    rules::UNKNOWN_MEMBER,
                    value,
                    format!("member \"{name}\" beside \"jet-event\" is dropped"),
                );
            }
            match crate::jsonrpc::members(v) {
                Some(m) => m,
                None => {
                    cx.push(
                        rules::FIELD_TYPE,
                        v,
                        format!("\"jet-event\" is {}, not an object", JsonKind::of(v).name()),
                    );
                    Vec::new()
                }
            }
        }
        None => {
            cx.push(
                rules::EVENT_WRAPPER,
                top,
                "event is not wrapped in {\"jet-event\": {...}}; the header is read from the top level".into(),
            );
            others
        }
    };
    let event = cx.event(top, body);
    Ok(Parsed {
        value: event,
        violations: cx.out,
    })
}

struct Cx<'a> {
    text: &'a str,
    out: Vec<Violation>,
}

impl<'a> Cx<'a> {
    fn span(&self, s: &str) -> Span {
        let start = crate::jsonrpc::offset_in(self.text, s) as u64;
        Span::new(start, start + s.len() as u64)
    }

    fn push(&mut self, rule: Rule, at: &str, detail: String) {
        let span = self.span(at);
        self.out
            .push(Violation::new(rule, Scope::Message, detail).at(span));
    }

    fn warn(&mut self, rule: Rule, at: &str, detail: String) {
        let span = self.span(at);
        self.out.push(
            Violation::new(rule, Scope::Message, detail)
                .at(span)
                .warning(),
        );
    }

    fn event(
        &mut self,
        whole: &'a str,
        members: Vec<(std::borrow::Cow<'a, str>, &'a str)>,
    ) -> JetEvent {
        let mut e = JetEvent::default();
        let mut raw_fields: [Option<&str>; 6] = [None; 6];
        const NAMES: [&str; 6] = [
            "event-id",
            "hostname",
            "time",
            "severity",
            "facility",
            "attributes",
        ];
        for (name, value) in members {
            match NAMES.iter().position(|n| *n == name) {
                Some(i) => raw_fields[i] = Some(value),
                None => match e.extra.iter_mut().find(|(k, _)| *k == name) {
                    Some(slot) => slot.1 = RawJson::from_raw(value),
                    None => {
                        self.warn(
                            rules::UNKNOWN_MEMBER,
                            value,
                            format!("member \"{name}\" is not an event header field"),
                        );
                        e.extra.push((name.into_owned(), RawJson::from_raw(value)));
                    }
                },
            }
        }
        let mut strings: [Option<String>; 5] = Default::default();
        for (i, slot) in strings.iter_mut().enumerate() {
            match raw_fields[i] {
                None => self.push(
                    rules::FIELD_MISSING,
                    whole,
                    format!("event has no \"{}\"", NAMES[i]),
                ),
                Some(raw) => match serde_json::from_str::<String>(raw) {
                    Ok(s) => *slot = Some(s),
                    Err(_) => self.push(
                        rules::FIELD_TYPE,
                        raw,
                        format!(
                            "\"{}\" is {}, not a string",
                            NAMES[i],
                            JsonKind::of(raw).name()
                        ),
                    ),
                },
            }
        }
        let [event_id, hostname, time, severity, facility] = strings;
        e.event_id = event_id;
        e.hostname = hostname;
        e.time = time;
        e.severity = severity;
        e.facility = facility;
        match raw_fields[5] {
            None => self.push(
                rules::FIELD_MISSING,
                whole,
                "event has no \"attributes\"".into(),
            ),
            Some(raw) => {
                if JsonKind::of(raw) != JsonKind::Object {
                    self.push(
                        rules::FIELD_TYPE,
                        raw,
                        format!(
                            "\"attributes\" is {}, not an object",
                            JsonKind::of(raw).name()
                        ),
                    );
                }
                e.attributes = Some(RawJson::from_raw(raw));
            }
        }
        self.kernel_checks(whole, &e, raw_fields[5]);
        e
    }

    fn kernel_checks(&mut self, whole: &str, e: &JetEvent, attributes: Option<&'a str>) {
        let Some((family, _)) = e.event_id.as_deref().and_then(parse_kernel_event_id) else {
            return;
        };
        let id = e.event_id.as_deref().unwrap_or_default();
        let severity_ok = e
            .severity
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("info"));
        let facility_ok = e
            .facility
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("KERNEL"));
        if !severity_ok || !facility_ok {
            self.warn(
                rules::KERNEL_HEADER,
                whole,
                format!(
                    "kernel event {id} has severity {:?} and facility {:?}; expected info and KERNEL",
                    e.severity.as_deref().unwrap_or(""),
                    e.facility.as_deref().unwrap_or("")
                ),
            );
        }
        let Some(raw) = attributes else { return };
        let Some(m) = crate::jsonrpc::members(raw) else {
            return;
        };
        for want in family.attribute_names() {
            if !m.iter().any(|(k, _)| k == want) {
                self.warn(
                    rules::ATTRIBUTE_MISSING,
                    raw,
                    format!("{id} event has no \"{want}\" attribute"),
                );
            }
        }
    }
}
