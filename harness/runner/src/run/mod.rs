//! Running scenarios against targets.
//!
//! Each scenario runs against each selected target. On the built-in
//! device every scenario gets a fresh simulated device on loopback (see
//! `builtin.rs`), so scenarios run
//! concurrently without sharing state. On a real target the scenarios run
//! one after another. The first failing step skips the rest of its
//! scenario.

// An action's error carries what was sent and received so far, built once
// per failing step; boxing it would buy nothing on this cold path.
#![allow(clippy::result_large_err)]

use crate::builtin::{Builtin, Wanted, start_builtin};
use crate::http::{HttpClient, HttpUrl};
use crate::junoscript::{Incoming, JunosClient};
use crate::model::{Channel, Expect, Scenario, Step};
use crate::parse::{payload_text, step_name};
use crate::target::{Target, TargetKind};
use crate::vars::Vars;

mod checks;
mod outcome;

use confuzz_net::{Limits, NetError, NetconfClient};
use confuzz_wire::Violation;
use confuzz_wire::netconf::{BASE_1_0, BASE_1_1};
use confuzz_wire::session::{Event, SessionConfig};
use confuzz_wire::xml::{Element, XmlLimits};
pub use outcome::{RunOptions, ScenarioOutcome, Status, StepOutcome, SuiteOutcome};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many runs [`run_suite`] makes: each scenario on each target that
/// accepts its tags.
pub fn planned_runs(scenarios: &[Scenario], targets: &[Target]) -> usize {
    targets
        .iter()
        .map(|t| scenarios.iter().filter(|s| t.accepts(&s.tags)).count())
        .sum()
}

/// Runs every scenario against every target that accepts its tags, at
/// most `options.jobs` at once; `progress` is called as each finishes (in
/// the order they finish). The outcome lists them in scenario order per
/// target.
pub async fn run_suite(
    scenarios: &[Scenario],
    targets: &[Target],
    options: &RunOptions,
    progress: impl Fn(&ScenarioOutcome),
) -> SuiteOutcome {
    let start = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(options.jobs.max(1)));
    let options = Arc::new(options.clone());
    let mut tasks = tokio::task::JoinSet::new();
    let mut runs: Vec<(&Scenario, &Target)> = Vec::new();
    for target_ref in targets {
        let target = Arc::new(target_ref.clone());
        // A real device runs one scenario at a time (they share its state).
        let serial = Arc::new(tokio::sync::Mutex::new(()));
        for scenario in scenarios.iter().filter(|s| target.accepts(&s.tags)) {
            let index = runs.len();
            runs.push((scenario, target_ref));
            let scenario = Arc::new(scenario.clone());
            let (target, options, sem, serial) =
                (target.clone(), options.clone(), sem.clone(), serial.clone());
            tasks.spawn(async move {
                // The target's turn first, then a slot: a scenario queued
                // behind its device's lock holds no slot another target could use.
                let _one = match target.kind {
                    TargetKind::Remote { .. } | TargetKind::JsonRpcOnly => {
                        Some(serial.lock_owned().await)
                    }
                    TargetKind::Builtin(_) => None,
                };
                let _permit = sem.acquire_owned().await;
                (index, run_scenario(&scenario, &target, &options).await)
            });
        }
    }
    let mut done: Vec<Option<ScenarioOutcome>> = vec![None; runs.len()];
    let mut failed_tasks = 0;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, o)) => {
                progress(&o);
                if let Some(slot) = done.get_mut(index) {
                    *slot = Some(o);
                }
            }
            Err(_) => failed_tasks += 1,
        }
    }
    // A run whose task failed (a panic) is reported, not lost.
    let out: Vec<ScenarioOutcome> = done
        .into_iter()
        .zip(&runs)
        .map(|(o, (s, t))| {
            o.unwrap_or_else(|| {
                let o = ScenarioOutcome {
                    scenario: s.name.clone(),
                    file: s.file.clone(),
                    target: t.name.clone(),
                    steps: Vec::new(),
                    setup_error: Some(format!(
                        "the run stopped unexpectedly ({failed_tasks} run(s) did); this is a bug in confuzz"
                    )),
                    elapsed_ms: 0,
                };
                progress(&o);
                o
            })
        })
        .collect();
    SuiteOutcome {
        scenarios: out,
        elapsed_ms: start.elapsed().as_millis(),
    }
}

enum Sess {
    Netconf(Box<NetconfClient>),
    Junos(Box<JunosClient>),
}

/// What an action produced, for the checks.
#[derive(Default)]
struct Got {
    sent: Option<String>,
    received: Option<String>,
    tree: Option<Element>,
    /// A JSON-RPC reply (the object, or a batch's replies in call order).
    json: Option<serde_json::Value>,
    violations: Vec<Violation>,
    /// The session ended as part of the action.
    closed: bool,
    /// Notes for the report that do not fail the step.
    notes: Vec<String>,
    /// How a JET gRPC call ended.
    grpc: Option<crate::grpc::Answer>,
}

struct Ctx<'a> {
    scenario: &'a Scenario,
    target: &'a Target,
    options: &'a RunOptions,
    builtin: Option<&'a Builtin>,
    sessions: HashMap<String, Sess>,
    /// JSON-RPC sessions: one HTTP client and cookie jar each.
    http: HashMap<String, HttpClient>,
    /// JET sessions: one MQTT client each.
    jet: HashMap<String, crate::jet::JetSession>,
    /// JET gRPC sessions: one channel each.
    grpc: HashMap<String, confuzz_net::grpc::JetClient>,
    vars: Vars,
}

/// Runs one scenario against one target.
pub async fn run_scenario(
    scenario: &Scenario,
    target: &Target,
    options: &RunOptions,
) -> ScenarioOutcome {
    let start = Instant::now();
    let mut outcome = ScenarioOutcome {
        scenario: scenario.name.clone(),
        file: scenario.file.clone(),
        target: target.name.clone(),
        steps: Vec::new(),
        setup_error: None,
        elapsed_ms: 0,
    };
    let builtin = match &target.kind {
        TargetKind::Builtin(config) => {
            let wanted = Wanted {
                junoscript: scenario.channels.contains(&Channel::Junoscript),
                jsonrpc: scenario.channels.contains(&Channel::Jsonrpc),
                jet: scenario.channels.contains(&Channel::Jet),
            };
            match start_builtin(config, wanted).await {
                Ok(b) => Some(b),
                Err(e) => {
                    outcome.setup_error = Some(e);
                    return outcome;
                }
            }
        }
        TargetKind::Remote { .. } | TargetKind::JsonRpcOnly => None,
    };
    let mut ctx = Ctx {
        scenario,
        target,
        options,
        builtin: builtin.as_ref(),
        sessions: HashMap::new(),
        http: HashMap::new(),
        jet: HashMap::new(),
        grpc: HashMap::new(),
        vars: Vars {
            captured: Default::default(),
            target: target.vars.clone(),
            defaults: scenario.vars.clone(),
            captured_json: Default::default(),
        },
    };
    let limit = scenario
        .timeout
        .map(|d| d.0)
        .unwrap_or(options.scenario_timeout);
    let deadline = Instant::now() + limit;
    let mut failed = false;
    for (i, spanned) in scenario.steps.iter().enumerate() {
        let step = &spanned.value;
        let name = step_name(i, step);
        let action = step.actions().first().copied().unwrap_or("").to_owned();
        if failed {
            outcome
                .steps
                .push(StepOutcome::new(name, action, Status::Skip));
            continue;
        }
        let t0 = Instant::now();
        let step_limit = step_limit(step, options.step_timeout);
        let remaining = deadline.saturating_duration_since(Instant::now());
        let limit = step_limit.min(remaining);
        let mut so = StepOutcome::new(name.clone(), action, Status::Pass);
        let result = match tokio::time::timeout(limit, ctx.act(step, limit)).await {
            Ok(r) => r,
            Err(_) if remaining <= step_limit => Err((
                Got::default(),
                format!("the scenario's time limit ({limit:?}) ran out during this step"),
            )),
            Err(_) => Err((
                Got::default(),
                format!("the step did not finish within its time limit of {limit:?}"),
            )),
        };
        match result {
            Ok(got) => {
                so.sent = got.sent.clone();
                so.received = got.received.clone();
                so.notes.extend(got.notes.iter().cloned());
                if let Err(e) = ctx.check(step, &name, &got, &mut so) {
                    so.status = Status::Fail;
                    so.failure = Some(e);
                }
            }
            Err((got, e)) => {
                so.sent = got.sent;
                so.received = got.received;
                so.notes.extend(got.notes);
                so.status = Status::Fail;
                so.failure = Some(e);
            }
        }
        so.elapsed_ms = t0.elapsed().as_millis();
        failed = so.status == Status::Fail;
        outcome.steps.push(so);
    }
    // Close what the scenario left open, politely and briefly.
    for (_, s) in ctx.sessions.drain() {
        if let Sess::Netconf(c) = s {
            let _ = tokio::time::timeout(Duration::from_secs(1), c.close()).await;
        }
    }
    drop(builtin);
    outcome.elapsed_ms = start.elapsed().as_millis();
    outcome
}

/// A step's time limit: its own `timeout`, or the default raised to
/// cover a longer `within` of the event or notification it waits for.
fn step_limit(step: &Step, default: Duration) -> Duration {
    if let Some(t) = step.timeout {
        return t.0;
    }
    let within = step
        .jet
        .as_ref()
        .and_then(|j| j.within)
        .or(step.notification.as_ref().and_then(|n| n.within))
        .or(step.closed.as_ref().and_then(|n| n.within));
    match within {
        Some(w) if w.0 >= default => w.0 + Duration::from_secs(1),
        _ => default,
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn expand_capability(c: &str) -> String {
    match c {
        "base:1.0" => BASE_1_0.to_owned(),
        "base:1.1" => BASE_1_1.to_owned(),
        other => other.to_owned(),
    }
}

type ActResult = Result<Got, (Got, String)>;

fn fail<T>(got: Got, message: impl Into<String>) -> Result<T, (Got, String)> {
    Err((got, message.into()))
}

impl Ctx<'_> {
    fn payload(&self, p: &crate::model::Payload) -> Result<String, (Got, String)> {
        let t = payload_text(&self.scenario.file, p).map_err(|e| (Got::default(), e))?;
        self.vars.expand(&t).map_err(|e| (Got::default(), e))
    }

    async fn act(&mut self, step: &Step, limit: Duration) -> ActResult {
        let session = step.session().to_owned();
        if let Some(h) = &step.hello {
            return self.hello(&session, h).await;
        }
        if let Some(p) = &step.rpc {
            let op = self.payload(p)?;
            let expect_closed = matches!(step.expect, Some(Expect::Closed));
            return self.rpc(&session, op, expect_closed, limit).await;
        }
        if let Some(p) = &step.raw {
            let msg = self.payload(p)?;
            return self.raw(&session, msg).await;
        }
        if let Some(p) = &step.bytes {
            let bytes = crate::bytes::payload_bytes(&self.scenario.file, p, &self.vars)
                .map_err(|e| (Got::default(), e))?;
            let until_closed = matches!(step.expect, Some(Expect::Closed));
            let Some(Sess::Netconf(c)) = self.sessions.get_mut(&session) else {
                return fail(
                    Got::default(),
                    format!("session {session:?} is not an open NETCONF session"),
                );
            };
            let a = crate::bytes::send(c, &bytes, until_closed, limit).await;
            if a.closed {
                self.sessions.remove(&session);
            }
            let got = Got {
                sent: Some(crate::report::shown_bytes(&bytes)),
                received: a.reply.as_deref().map(text),
                tree: a
                    .reply
                    .as_deref()
                    .and_then(|r| Element::parse(r, &XmlLimits::default()).ok()),
                violations: a.violations,
                closed: a.closed,
                ..Got::default()
            };
            return match a.error {
                Some(e) => fail(got, e),
                None => Ok(got),
            };
        }
        if let Some(w) = &step.notification {
            let within = w.within.map(|d| d.0).unwrap_or(limit);
            let Some(Sess::Netconf(c)) = self.sessions.get_mut(&session) else {
                return fail(
                    Got::default(),
                    format!("session {session:?} is not a NETCONF session"),
                );
            };
            return match c.next_notification(within).await {
                Ok(Some(n)) => {
                    let raw = n.to_bytes();
                    let tree = Element::parse(&raw, &XmlLimits::default()).ok();
                    Ok(Got {
                        received: Some(text(&raw)),
                        tree,
                        violations: c.take_violations(),
                        ..Got::default()
                    })
                }
                Ok(None) => fail(
                    Got::default(),
                    format!("no <notification> within {within:?}"),
                ),
                Err(e) => fail(Got::default(), format!("waiting for a notification: {e}")),
            };
        }
        if let Some(w) = &step.closed {
            let within = w.within.map(|d| d.0).unwrap_or(limit);
            let Some(s) = self.sessions.remove(&session) else {
                return fail(Got::default(), format!("session {session:?} is not open"));
            };
            return match s {
                Sess::Netconf(mut c) => {
                    let mut got = Got::default();
                    match tokio::time::timeout(within, wait_closed(&mut c, &mut got.violations))
                        .await
                    {
                        Ok(()) => {
                            got.closed = true;
                            Ok(got)
                        }
                        Err(_) => fail(got, format!("the session was still open after {within:?}")),
                    }
                }
                Sess::Junos(mut c) => match c.read(within).await {
                    Ok(Incoming::End) => Ok(Got::default()),
                    Ok(Incoming::Element(raw, _)) => fail(
                        Got {
                            received: Some(text(&raw)),
                            ..Got::default()
                        },
                        "the session sent a message instead of ending",
                    ),
                    Err(e) => fail(Got::default(), e),
                },
            };
        }
        if let Some(d) = &step.wait {
            tokio::time::sleep(d.0).await;
            return Ok(Got::default());
        }
        if let Some(j) = &step.jsonrpc {
            return self.jsonrpc(&session, j, limit).await;
        }
        if let Some(call) = step.jet.as_ref().and_then(|j| j.grpc.as_ref()) {
            return self.grpc(&session, call, limit).await;
        }
        if let Some(j) = &step.jet {
            let broker = || match (self.builtin, &self.target.mqtt) {
                (Some(b), _) => b
                    .mqtt
                    .map(|a| crate::jet::MqttBroker {
                        host: a.ip().to_string(),
                        port: a.port(),
                        tls: false,
                        user: None,
                        password: None,
                        tls_settings: Default::default(),
                    })
                    .ok_or_else(|| "the built-in device serves no MQTT".to_owned()),
                (None, Some(m)) => Ok(m.clone()),
                (None, None) => Err(format!(
                    "channel jet not available on target {}: give it an `mqtt-broker` in the targets file",
                    self.target.name
                )),
            };
            let to_got = |o: crate::jet::Outcome| Got {
                sent: o.sent,
                received: o.received,
                json: o.json,
                violations: o.violations,
                notes: o.notes,
                ..Got::default()
            };
            return match crate::jet::act(&mut self.jet, broker, &session, j, &self.vars, limit)
                .await
            {
                Ok(o) => Ok(to_got(o)),
                Err((o, e)) => Err((to_got(o), e)),
            };
        }
        fail(Got::default(), "the step has no action")
    }

    async fn grpc(
        &mut self,
        session: &str,
        call: &crate::grpc::GrpcCall,
        limit: Duration,
    ) -> ActResult {
        let endpoint = || match (self.builtin, &self.target.grpc) {
            (Some(b), _) => b
                .grpc
                .clone()
                .ok_or_else(|| "the built-in device serves no gRPC".to_owned()),
            (None, Some(g)) => Ok(g.clone()),
            (None, None) => Err(format!(
                "JET gRPC not available on target {}: give it a `grpc-endpoint` in the targets file",
                self.target.name
            )),
        };
        let to_got = |o: crate::grpc::Outcome| Got {
            sent: o.sent,
            received: o.received,
            tree: o
                .xml
                .as_deref()
                .and_then(|x| Element::parse(x.as_bytes(), &XmlLimits::default()).ok()),
            json: o.json,
            grpc: o.answer,
            ..Got::default()
        };
        match crate::grpc::act(&mut self.grpc, endpoint, session, call, &self.vars, limit).await {
            Ok(o) => Ok(to_got(o)),
            Err((o, e)) => Err((to_got(*o), e)),
        }
    }

    async fn jsonrpc(
        &mut self,
        session: &str,
        step: &crate::model::JsonRpcStep,
        limit: Duration,
    ) -> ActResult {
        if !self.http.contains_key(session) {
            let url = match (self.builtin, &self.target.jsonrpc_url) {
                (Some(b), _) => b.http.clone(),
                (None, u) => u.clone(),
            };
            let Some(url) = url else {
                return fail(
                    Got::default(),
                    format!(
                        "channel jsonrpc not available on target {}: give it a `jsonrpc-url` in the targets file",
                        self.target.name
                    ),
                );
            };
            let url = HttpUrl::parse(&url).map_err(|e| (Got::default(), e))?;
            let mut client = HttpClient::new(url.clone());
            if url.tls {
                let config = self
                    .target
                    .tls
                    .client_config()
                    .map_err(|e| (Got::default(), e))?;
                client = client.with_tls(config);
            }
            self.http.insert(session.to_owned(), client);
        }
        let Some(client) = self.http.get_mut(session) else {
            return fail(Got::default(), "the JSON-RPC session is gone");
        };
        let to_got = |ex: crate::jsonrpc::Exchange| Got {
            sent: ex.sent,
            received: ex.received,
            json: ex.json,
            violations: ex.violations,
            ..Got::default()
        };
        match crate::jsonrpc::call(client, step, &self.vars, limit).await {
            Ok(ex) => Ok(to_got(ex)),
            Err((ex, e)) => Err((to_got(ex), e)),
        }
    }

    async fn hello(&mut self, session: &str, h: &crate::model::HelloStep) -> ActResult {
        let channel = h.channel.unwrap_or(Channel::Netconf);
        match channel {
            Channel::Netconf => {
                let mut config = SessionConfig::client();
                config.reply_timeout = None;
                if let Some(caps) = &h.capabilities {
                    let mut out = Vec::new();
                    for c in caps {
                        out.push(expand_capability(
                            &self.vars.expand(c).map_err(|e| (Got::default(), e))?,
                        ));
                    }
                    config.capabilities = out;
                }
                let sent =
                    confuzz_wire::netconf::Hello::new(config.capabilities.clone()).to_bytes();
                let client = match (&self.target.kind, self.builtin) {
                    (TargetKind::Builtin(_), Some(b)) => {
                        NetconfClient::connect_tcp(&b.tcp, config, Limits::client()).await
                    }
                    (TargetKind::Remote { address, ssh, .. }, _) => {
                        NetconfClient::connect_ssh(address, ssh, config, Limits::client()).await
                    }
                    (TargetKind::JsonRpcOnly, _) => {
                        return fail(
                            Got::default(),
                            format!(
                                "channel netconf not available on target {}: it has no `address`",
                                self.target.name
                            ),
                        );
                    }
                    _ => return fail(Got::default(), "the built-in device is not running"),
                };
                let mut client = client.map_err(|e| {
                    (
                        Got {
                            sent: Some(text(&sent)),
                            ..Got::default()
                        },
                        format!("the session could not be opened: {e}"),
                    )
                })?;
                let raw = client
                    .server_hello()
                    .map(|h| h.to_bytes())
                    .unwrap_or_default();
                let got = Got {
                    sent: Some(text(&sent)),
                    received: Some(text(&raw)),
                    tree: Element::parse(&raw, &XmlLimits::default()).ok(),
                    violations: client.take_violations(),
                    ..Got::default()
                };
                self.sessions
                    .insert(session.to_owned(), Sess::Netconf(Box::new(client)));
                Ok(got)
            }
            Channel::Junoscript => {
                let (addr, cfg) = match (&self.target.kind, self.builtin) {
                    (TargetKind::Builtin(_), Some(b)) => match &b.ssh {
                        Some((a, c)) => (a.clone(), c.clone()),
                        None => return fail(Got::default(), "the built-in device serves no SSH"),
                    },
                    (
                        TargetKind::Remote {
                            junoscript_address,
                            ssh,
                            ..
                        },
                        _,
                    ) => {
                        let mut c = (**ssh).clone();
                        c.subsystem = "junoscript".into();
                        c.exec = true;
                        (junoscript_address.clone(), c)
                    }
                    _ => return fail(Got::default(), "the built-in device is not running"),
                };
                let stream = confuzz_net::ssh::connect_ssh(&addr, &cfg)
                    .await
                    .map_err(|e| (Got::default(), format!("SSH to {addr}: {e}")))?;
                let client = JunosClient::start(Box::new(stream), Duration::from_secs(30))
                    .await
                    .map_err(|e| (Got::default(), e))?;
                let received = client.server_start.as_ref().map(|s| {
                    let mut out = Vec::new();
                    s.write(&mut out);
                    text(&out)
                });
                self.sessions
                    .insert(session.to_owned(), Sess::Junos(Box::new(client)));
                Ok(Got {
                    sent: Some("<junoscript version=\"1.0\">".into()),
                    received,
                    ..Got::default()
                })
            }
            other => fail(
                Got::default(),
                format!(
                    "channel {} not available on target {}: only netconf and junoscript sessions can be opened",
                    other.as_str(),
                    self.target.name
                ),
            ),
        }
    }

    async fn rpc(
        &mut self,
        session: &str,
        op: String,
        expect_closed: bool,
        limit: Duration,
    ) -> ActResult {
        let Some(s) = self.sessions.get_mut(session) else {
            return fail(Got::default(), format!("session {session:?} is not open"));
        };
        let mut got = Got {
            sent: Some(op.clone()),
            ..Got::default()
        };
        match s {
            Sess::Netconf(c) => {
                let reply = match c.rpc(&op).await {
                    Ok(r) => r,
                    Err(e) => {
                        got.violations = c.take_violations();
                        return fail(got, format!("no reply: {e}"));
                    }
                };
                got.received = Some(text(&reply.raw));
                got.tree = Element::parse(&reply.raw, &XmlLimits::default()).ok();
                got.violations = c.take_violations();
                if expect_closed && reply.reply.is_ok() {
                    let mut v = Vec::new();
                    let closed = tokio::time::timeout(limit, wait_closed(c, &mut v)).await;
                    got.violations.extend(v);
                    got.closed = closed.is_ok();
                    if got.closed {
                        self.sessions.remove(session);
                    }
                }
                Ok(got)
            }
            Sess::Junos(c) => {
                match c.rpc(&op, limit).await {
                    Ok(Incoming::Element(raw, v)) => {
                        got.received = Some(text(&raw));
                        got.tree = Element::parse(&raw, &XmlLimits::default()).ok();
                        got.violations = v;
                    }
                    Ok(Incoming::End) => {
                        got.closed = true;
                        return if expect_closed {
                            self.sessions.remove(session);
                            Ok(got)
                        } else {
                            fail(got, "the server ended the session instead of replying")
                        };
                    }
                    Err(e) => return fail(got, e),
                }
                if expect_closed {
                    got.closed = matches!(c.read(limit).await, Ok(Incoming::End));
                    if got.closed {
                        self.sessions.remove(session);
                    }
                }
                Ok(got)
            }
        }
    }

    async fn raw(&mut self, session: &str, msg: String) -> ActResult {
        let Some(Sess::Netconf(c)) = self.sessions.get_mut(session) else {
            return fail(
                Got::default(),
                format!("session {session:?} is not an open NETCONF session"),
            );
        };
        let mut got = Got {
            sent: Some(msg.clone()),
            ..Got::default()
        };
        got.violations = c.take_violations();
        if let Err(e) = c.driver().session_mut().send_message(msg.as_bytes()) {
            return fail(got, format!("cannot send: {e}"));
        }
        loop {
            match c.driver().next_event().await {
                Ok(Event::Reply { raw, .. })
                | Ok(Event::UnmatchedReply { raw, .. })
                | Ok(Event::Malformed { raw, .. }) => {
                    got.received = Some(text(&raw));
                    got.tree = Element::parse(&raw, &XmlLimits::default()).ok();
                    // Violations that arrive with the reply are read now.
                    while let Some(ev) = c.driver().session_mut().poll_event() {
                        if let Event::Violation(v) = ev {
                            got.violations.push(v);
                        }
                    }
                    return Ok(got);
                }
                Ok(Event::Violation(v)) => got.violations.push(v),
                Ok(Event::Closed { .. }) | Err(NetError::Closed(_)) => {
                    got.closed = true;
                    return fail(got, "the session closed instead of replying");
                }
                Ok(_) => {}
                Err(e) => return fail(got, format!("no reply: {e}")),
            }
        }
    }
}

async fn wait_closed(c: &mut NetconfClient, violations: &mut Vec<Violation>) {
    loop {
        match c.driver().next_event().await {
            Ok(Event::Closed { .. }) | Err(_) => return,
            Ok(Event::Violation(v)) => violations.push(v),
            Ok(_) => {}
        }
    }
}
