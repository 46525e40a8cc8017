//! JET steps over MQTT: subscribe to topics, then wait for an event that
//! matches.
//!
//! ```text
//!  jet: {subscribe: [...]} ─► JetSession::connect ─► rumqttc event loop task
//!                                                      │ PUBLISH ─► bounded queue (full: dropped, counted)
//!                                                      │ SUBACK, errors ─► control queue
//!  jet: {event: {topic, where}} ─► JetSession::expect ─► buffer of unmatched events
//!                                  (first match by topic filter and `where`, in arrival order)
//! ```
//!
//! Each `session:` name is one MQTT client. Every event received is
//! parsed with `confuzz_wire::jet` (the `jet-event` rules, and the topic
//! it was published on) as it arrives; its violations are reported by the
//! next JET step of that session, so every event is checked, matched or
//! not. Events that do not match stay buffered for later steps, so two
//! expectations may be met in either order.

use crate::model::{EventMatch, JetStep};
use crate::tls::TlsSettings;
use crate::vars::Vars;
use bytes::Bytes;
use confuzz_wire::Violation;
use confuzz_wire::jet::{parse_event, topic_matches, validate_topic_filter};
use confuzz_wire::violation::{Rule, Scope};
use rumqttc::{
    AsyncClient, Event, EventLoop, Incoming, QoS, SubscribeFilter, SubscribeReasonCode, Transport,
};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Events received but not yet matched, kept per session at most; the
/// oldest are dropped first.
pub const MAX_BUFFERED: usize = 1024;
/// The largest MQTT packet read (an event is small; 1 MiB is the event
/// parser's own limit).
pub const MAX_PACKET: usize = 1024 * 1024;
/// The MQTT keep-alive.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

/// An event payload that is not JSON cannot be checked at all.
pub const EVENT_NOT_JSON: Rule = Rule {
    id: "jet-event-json",
    reference: "JET Notification API",
    summary: "a notification is a JSON object {\"jet-event\": {...}}",
};

/// Where a target's MQTT broker is and how to log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqttBroker {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Speak TLS (`mqtts://`).
    pub tls: bool,
    /// User name, if the broker wants one.
    pub user: Option<String>,
    /// Its password (read from the environment by the targets file).
    pub password: Option<String>,
    /// How the broker's certificate is verified.
    pub tls_settings: TlsSettings,
}

impl MqttBroker {
    /// Reads `host:port`, `mqtt://host[:port]` (1883) or
    /// `mqtts://host[:port]` (8883).
    pub fn parse(address: &str) -> Result<MqttBroker, String> {
        let (rest, tls, default_port) = if let Some(r) = address.strip_prefix("mqtts://") {
            (r, true, 8883)
        } else if let Some(r) = address.strip_prefix("mqtt://") {
            (r, false, 1883)
        } else if address.contains("://") {
            return Err(format!(
                "{address:?}: the MQTT broker is mqtt://host:port or mqtts://host:port"
            ));
        } else {
            (address, false, 1883)
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if !p.contains(']') => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("{address:?}: {p:?} is not a port number"))?,
            ),
            _ => (rest, default_port),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() || host.contains(['/', '@']) {
            return Err(format!(
                "{address:?}: give the broker as host:port, e.g. 192.0.2.10:1883 or mqtts://192.0.2.10:8883"
            ));
        }
        Ok(MqttBroker {
            host: host.to_owned(),
            port,
            tls,
            user: None,
            password: None,
            tls_settings: TlsSettings::default(),
        })
    }

    /// `host:port` for messages.
    pub fn display(&self) -> String {
        format!(
            "{}://{}:{}",
            if self.tls { "mqtts" } else { "mqtt" },
            self.host,
            self.port
        )
    }
}

/// One event as received and read.
#[derive(Debug, Clone)]
pub struct Received {
    /// The topic it was published on.
    pub topic: String,
    /// The payload as received.
    pub payload: Bytes,
    /// The payload as JSON, when it is JSON.
    pub json: Option<serde_json::Value>,
}

impl Received {
    /// `topic` and payload, for reports.
    pub fn text(&self) -> String {
        format!(
            "topic {}\n{}",
            self.topic,
            String::from_utf8_lossy(&self.payload)
        )
    }

    fn summary(&self) -> String {
        let id = self
            .json
            .as_ref()
            .and_then(|j| j.pointer("/jet-event/event-id"))
            .and_then(|v| v.as_str())
            .unwrap_or("?");
        format!("{id} on {}", self.topic)
    }
}

enum Control {
    SubAck(Vec<SubscribeReasonCode>),
    Ended(String),
}

/// One MQTT client of a scenario.
pub struct JetSession {
    client: AsyncClient,
    events: mpsc::Receiver<(String, Bytes)>,
    control: mpsc::Receiver<Control>,
    buffer: VecDeque<Received>,
    /// Violations of events received since the last step took them.
    violations: Vec<Violation>,
    dropped: Arc<AtomicU64>,
    /// Events dropped from the full buffer.
    overflowed: u64,
    ended: Option<String>,
    broker: String,
    task: JoinHandle<()>,
}

impl Drop for JetSession {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl JetSession {
    /// Starts a client of `broker` (it connects in the background; the
    /// first subscribe waits for it).
    pub fn start(broker: &MqttBroker, client_id: &str, timeout: Duration) -> Result<Self, String> {
        let mut o = rumqttc::MqttOptions::new(client_id, broker.host.clone(), broker.port);
        o.set_keep_alive(KEEP_ALIVE);
        o.set_clean_session(true);
        o.set_max_packet_size(MAX_PACKET, MAX_PACKET);
        if let Some(user) = &broker.user {
            o.set_credentials(user.clone(), broker.password.clone().unwrap_or_default());
        }
        if broker.tls {
            let config = broker.tls_settings.client_config()?;
            o.set_transport(Transport::tls_with_config(
                rumqttc::TlsConfiguration::Rustls(config),
            ));
        }
        let (client, mut eventloop) = AsyncClient::new(o, 16);
        let mut net = rumqttc::NetworkOptions::new();
        net.set_connection_timeout(timeout.as_secs().max(1));
        eventloop.set_network_options(net);
        let (ev_tx, events) = mpsc::channel(MAX_BUFFERED);
        let (ctl_tx, control) = mpsc::channel(16);
        let dropped = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(pump(eventloop, ev_tx, ctl_tx, dropped.clone()));
        Ok(JetSession {
            client,
            events,
            control,
            buffer: VecDeque::new(),
            violations: Vec::new(),
            dropped,
            overflowed: 0,
            ended: None,
            broker: broker.display(),
            task,
        })
    }

    /// Subscribes to `filters` and waits for the broker's SUBACK; a
    /// refused filter is an error.
    pub async fn subscribe(&mut self, filters: &[String]) -> Result<(), String> {
        for f in filters {
            validate_topic_filter(f).map_err(|e| format!("topic filter {f:?}: {e}"))?;
        }
        self.client
            .subscribe_many(
                filters
                    .iter()
                    .map(|f| SubscribeFilter::new(f.clone(), QoS::AtLeastOnce)),
            )
            .await
            .map_err(|e| format!("MQTT subscribe to {}: {e}", self.broker))?;
        match self.control.recv().await {
            Some(Control::SubAck(codes)) => {
                let refused: Vec<&String> = filters
                    .iter()
                    .zip(&codes)
                    .filter(|(_, c)| matches!(c, SubscribeReasonCode::Failure))
                    .map(|(f, _)| f)
                    .collect();
                if refused.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "the broker {} refused the subscription to {refused:?}",
                        self.broker
                    ))
                }
            }
            Some(Control::Ended(e)) => {
                self.ended = Some(e.clone());
                Err(e)
            }
            None => Err(format!("the MQTT client of {} stopped", self.broker)),
        }
    }

    /// Violations of the events read so far (taken out), with a note of
    /// events lost to full queues. Events still queued are left for the
    /// next step that reads them, so a violation lands on the `event` step
    /// that waited, not on a `subscribe` that raced with the event.
    pub fn take_violations(&mut self) -> (Vec<Violation>, Option<String>) {
        let lost = self.dropped.swap(0, Ordering::Relaxed) + std::mem::take(&mut self.overflowed);
        let note = (lost > 0).then(|| {
            format!("{lost} event(s) were dropped unread: more arrived than the runner keeps ({MAX_BUFFERED})")
        });
        (std::mem::take(&mut self.violations), note)
    }

    /// Takes what arrived without waiting.
    fn drain(&mut self) {
        while let Ok((topic, payload)) = self.events.try_recv() {
            self.receive(topic, payload);
        }
        while let Ok(c) = self.control.try_recv() {
            if let Control::Ended(e) = c {
                self.ended = Some(e);
            }
        }
    }

    fn receive(&mut self, topic: String, payload: Bytes) {
        let json = match parse_event(&payload) {
            Ok(parsed) => {
                self.violations.extend(parsed.violations);
                self.violations.extend(parsed.value.check_topic(&topic));
                serde_json::from_slice(&payload).ok()
            }
            Err(e) => {
                self.violations.push(Violation::new(
                    EVENT_NOT_JSON,
                    Scope::Message,
                    format!("the event on {topic} cannot be read: {e}"),
                ));
                None
            }
        };
        if self.buffer.len() >= MAX_BUFFERED {
            self.buffer.pop_front();
            self.overflowed += 1;
        }
        self.buffer.push_back(Received {
            topic,
            payload,
            json,
        });
    }

    /// The first event (buffered or arriving within `within`) that
    /// `matcher` selects, taken out of the buffer.
    pub async fn expect(
        &mut self,
        matcher: &EventMatch,
        vars: &Vars,
        within: Duration,
    ) -> Result<Received, String> {
        let filter = vars.expand(matcher.topic.as_deref().unwrap_or("#"))?;
        validate_topic_filter(&filter).map_err(|e| format!("topic filter {filter:?}: {e}"))?;
        self.drain();
        let deadline = tokio::time::Instant::now() + within;
        let mut seen = 0;
        loop {
            while seen < self.buffer.len() {
                if let Some(r) = self.buffer.get(seen)
                    && matches(r, &filter, matcher, vars)?
                {
                    return self
                        .buffer
                        .remove(seen)
                        .ok_or_else(|| "the event vanished".to_owned());
                }
                seen += 1;
            }
            if let Some(e) = &self.ended {
                return Err(format!("{e}; no matching event before it ended"));
            }
            tokio::select! {
                got = self.events.recv() => match got {
                    Some((topic, payload)) => self.receive(topic, payload),
                    None => self.ended = Some(format!("the MQTT client of {} stopped", self.broker)),
                },
                c = self.control.recv() => match c {
                    Some(Control::Ended(e)) => self.ended = Some(e),
                    Some(Control::SubAck(_)) => {}
                    None => self.ended = Some(format!("the MQTT client of {} stopped", self.broker)),
                },
                _ = tokio::time::sleep_until(deadline) => {
                    return Err(self.not_found(&filter, matcher, within));
                }
            }
        }
    }

    fn not_found(&self, filter: &str, matcher: &EventMatch, within: Duration) -> String {
        let mut msg = format!(
            "no event on {filter}{} within {within:?}",
            if matcher.where_.is_empty() {
                String::new()
            } else {
                format!(
                    " with {}",
                    matcher
                        .where_
                        .iter()
                        .map(describe_assertion)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
        if self.buffer.is_empty() {
            msg.push_str("; no other event is waiting");
        } else {
            let last: Vec<String> = self
                .buffer
                .iter()
                .rev()
                .take(10)
                .map(Received::summary)
                .collect();
            msg.push_str(&format!(
                "; {} other event(s) waiting, the latest: {}",
                self.buffer.len(),
                last.join("; ")
            ));
        }
        msg
    }
}

fn describe_assertion(a: &crate::model::Assertion) -> String {
    let mut parts = vec![a.path.clone()];
    if let Some(v) = &a.equals {
        parts.push(format!("= {v:?}"));
    }
    if let Some(v) = &a.contains {
        parts.push(format!("contains {v:?}"));
    }
    if let Some(v) = &a.matches {
        parts.push(format!("~ /{v}/"));
    }
    if let Some(v) = a.exists {
        parts.push(if v { "exists" } else { "absent" }.to_owned());
    }
    if let Some(v) = a.count {
        parts.push(format!("count {v}"));
    }
    parts.join(" ")
}

/// Whether `r` is on a topic `filter` matches and passes every `where`
/// check. A check that cannot be evaluated (a bad regex) is an error.
fn matches(r: &Received, filter: &str, m: &EventMatch, vars: &Vars) -> Result<bool, String> {
    if !topic_matches(filter, &r.topic) {
        return Ok(false);
    }
    let Some(json) = &r.json else {
        return Ok(m.where_.is_empty());
    };
    for a in &m.where_ {
        if let Err(e) = crate::jsonrpc::check_assertion(a, json, vars) {
            if e.contains("`matches`") || e.contains("not a JSON pointer") {
                return Err(e);
            }
            return Ok(false);
        }
    }
    Ok(true)
}

/// Reads the broker until the connection ends: events into `events` (a
/// full queue drops and counts), SUBACKs and the end into `control`.
async fn pump(
    mut eventloop: EventLoop,
    events: mpsc::Sender<(String, Bytes)>,
    control: mpsc::Sender<Control>,
    dropped: Arc<AtomicU64>,
) {
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Incoming::Publish(p))) => {
                if events.try_send((p.topic, p.payload)).is_err() {
                    dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok(Event::Incoming(Incoming::SubAck(s))) => {
                let _ = control.send(Control::SubAck(s.return_codes)).await;
            }
            Ok(_) => {}
            Err(e) => {
                let broker = format!(
                    "{}:{}",
                    eventloop.mqtt_options.broker_address().0,
                    eventloop.mqtt_options.broker_address().1
                );
                let _ = control
                    .send(Control::Ended(format!(
                        "the MQTT connection to {broker} failed: {e}"
                    )))
                    .await;
                return;
            }
        }
    }
}

/// What a JET step produced, for the checks.
#[derive(Debug, Default)]
pub struct Outcome {
    /// What was done (the subscription, or the event awaited).
    pub sent: Option<String>,
    /// The event: its topic and payload.
    pub received: Option<String>,
    /// The event's JSON (`null` when it is not JSON).
    pub json: Option<serde_json::Value>,
    /// Violations of every event received since the session's last step.
    pub violations: Vec<Violation>,
    /// Notes that do not fail the step (events dropped unread).
    pub notes: Vec<String>,
}

/// Client ids must be unique per broker: a second client with the same
/// id makes the broker drop the first.
static CLIENTS: AtomicU64 = AtomicU64::new(0);

/// Runs one `jet` step on session `session` of `sessions`, starting the
/// session's MQTT client of `broker` on its first step.
pub async fn act(
    sessions: &mut std::collections::HashMap<String, JetSession>,
    broker: impl FnOnce() -> Result<MqttBroker, String>,
    session: &str,
    step: &JetStep,
    vars: &Vars,
    limit: Duration,
) -> Result<Outcome, (Outcome, String)> {
    let mut out = Outcome::default();
    if let Some(filters) = &step.subscribe {
        let mut expanded = Vec::with_capacity(filters.len());
        for f in filters {
            expanded.push(vars.expand(f).map_err(|e| (Outcome::default(), e))?);
        }
        out.sent = Some(format!("SUBSCRIBE {}", expanded.join(" ")));
        if !sessions.contains_key(session) {
            let broker = broker().map_err(|e| (Outcome::default(), e))?;
            let id = format!(
                "confuzz-{}-{}",
                std::process::id(),
                CLIENTS.fetch_add(1, Ordering::Relaxed)
            );
            let s = JetSession::start(&broker, &id, limit).map_err(|e| (Outcome::default(), e))?;
            sessions.insert(session.to_owned(), s);
        }
        let Some(s) = sessions.get_mut(session) else {
            return Err((out, "the JET session is gone".into()));
        };
        let r = s.subscribe(&expanded).await;
        let (v, note) = s.take_violations();
        out.violations = v;
        out.notes.extend(note);
        return r.map(|()| out).map_err(|e| (Outcome::default(), e));
    }
    let Some(m) = &step.event else {
        return Err((
            out,
            "the jet step names no `subscribe` and no `event`".into(),
        ));
    };
    let Some(s) = sessions.get_mut(session) else {
        return Err((
            out,
            format!("jet session {session:?} has not subscribed to anything"),
        ));
    };
    out.sent = Some(format!(
        "wait for an event on {}",
        m.topic.as_deref().unwrap_or("#")
    ));
    let within = step.within.map(|d| d.0).unwrap_or(limit);
    let r = s.expect(m, vars, within).await;
    let (v, note) = s.take_violations();
    out.violations = v;
    out.notes.extend(note);
    match r {
        Ok(ev) => {
            out.received = Some(ev.text());
            out.json = Some(ev.json.unwrap_or(serde_json::Value::Null));
            Ok(out)
        }
        Err(e) => Err((out, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_addresses_take_scheme_host_and_port() {
        let b = MqttBroker::parse("192.0.2.10:1883").unwrap();
        assert_eq!(
            (b.host.as_str(), b.port, b.tls),
            ("192.0.2.10", 1883, false)
        );
        let b = MqttBroker::parse("mqtts://jet.example").unwrap();
        assert_eq!(
            (b.host.as_str(), b.port, b.tls),
            ("jet.example", 8883, true)
        );
        let b = MqttBroker::parse("mqtt://[::1]:11883").unwrap();
        assert_eq!((b.host.as_str(), b.port), ("::1", 11883));
        assert!(MqttBroker::parse("http://x:1").is_err());
        assert!(MqttBroker::parse("x:notaport").is_err());
        assert!(MqttBroker::parse("u@x:1").is_err());
    }
}
