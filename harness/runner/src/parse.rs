//! Reading scenario files: YAML to [`Scenario`], then the checks YAML
//! cannot express (one action per step, sessions opened before use,
//! variables defined before use, paths and regexes that compile). No
//! network code: `confuzz check` runs this alone.
//!
//! Every error names the file, line and column, says what was expected
//! and, where a near miss is likely, suggests the fix (`did you mean
//! `expect`?`).

use crate::grpc::Output;
use crate::model::{ACTION_KEYS, Channel, Expect, Payload, Scenario, Step};
use crate::path::Path as XPath;
use crate::vars::references;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// The largest scenario file read.
pub const MAX_FILE_SIZE: u64 = 1 << 20;

/// A scenario file that cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file.
    pub file: PathBuf,
    /// Line, from 1 (0 when unknown).
    pub line: u64,
    /// Column, from 1 (0 when unknown).
    pub column: u64,
    /// What is wrong and what was expected.
    pub message: String,
    /// How to fix it, when a likely fix is known.
    pub suggestion: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, "\n  help: {s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// Every key the format knows, for suggestions.
const ALL_KEYS: &[&str] = &[
    "name",
    "description",
    "tags",
    "channels",
    "vars",
    "timeout",
    "rfc-checks",
    "steps",
    "session",
    "hello",
    "rpc",
    "raw",
    "notification",
    "closed",
    "wait",
    "jsonrpc",
    "jet",
    "expect",
    "assert",
    "capture",
    "snapshot",
    "allow-violations",
    "channel",
    "capabilities",
    "file",
    "within",
    "ok",
    "data",
    "rpc-error",
    "tag",
    "type",
    "severity",
    "app-tag",
    "message",
    "path",
    "equals",
    "contains",
    "matches",
    "exists",
    "count",
    "method",
    "params",
    "batch",
    "error-type",
    "subscribe",
    "event",
    "topic",
    "where",
    "bytes",
    "escaped",
    "repeat",
    "rejected",
    "expect-violations",
    "netconf",
    "junoscript",
];

/// The closest of `candidates` to `word`, if close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        let dist = strsim::levenshtein(word, c);
        if (score >= 0.8 || dist <= 2) && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The words between backticks in `message`.
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

fn yaml_error(file: &Path, e: &serde_saphyr::Error) -> ParseError {
    let (line, column) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((0, 0));
    let message = e.without_snippet().to_string();
    let message = message
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .trim_start_matches("error: ")
        .to_owned();
    let mut suggestion = None;
    if message.contains("unknown field") || message.contains("unknown variant") {
        let words = backticked(&message);
        if let Some((unknown, expected)) = words.split_first() {
            let pick = if expected.is_empty() {
                closest(unknown, ALL_KEYS.iter().copied())
            } else {
                closest(unknown, expected.iter().copied())
            };
            suggestion = pick.map(|p| format!("did you mean `{p}`?"));
        }
    } else if message.contains("untagged") {
        suggestion = Some("write the XML inline as a string, or `{file: path/to.xml}`".into());
    }
    ParseError {
        file: file.to_owned(),
        line,
        column,
        message,
        suggestion,
    }
}

/// Parses `text` (the contents of `file`) into a checked [`Scenario`].
pub fn parse_str(file: &Path, text: &str) -> Result<Scenario, Vec<ParseError>> {
    let mut scenario: Scenario =
        serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(file, &e)])?;
    scenario.file = file.to_owned();
    let errors = validate(&scenario);
    if errors.is_empty() {
        Ok(scenario)
    } else {
        Err(errors)
    }
}

/// Reads and parses one scenario file.
pub fn parse_file(file: &Path) -> Result<Scenario, Vec<ParseError>> {
    let err = |m: String| {
        vec![ParseError {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: m,
            suggestion: None,
        }]
    };
    let meta = std::fs::metadata(file).map_err(|e| err(format!("cannot read the file: {e}")))?;
    if meta.len() > MAX_FILE_SIZE {
        return Err(err(format!(
            "the file has {} bytes; scenario files are limited to {MAX_FILE_SIZE} (move payloads to `file:`)",
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(file).map_err(|e| err(format!("cannot read: {e}")))?;
    parse_str(file, &text)
}

/// The scenario files under `paths` (files as given; folders searched
/// recursively for `*.yaml` / `*.yml`), sorted.
pub fn find_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut stack = vec![p.clone()];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir)? {
                    let path = entry?.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if matches!(
                        path.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "yml")
                    ) {
                        out.push(path);
                    }
                }
            }
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Parses every scenario under `paths`: the scenarios, and every error.
pub fn load(paths: &[PathBuf]) -> (Vec<Scenario>, Vec<ParseError>) {
    let files = match find_files(paths) {
        Ok(f) => f,
        Err(e) => {
            return (
                Vec::new(),
                vec![ParseError {
                    file: paths.first().cloned().unwrap_or_default(),
                    line: 0,
                    column: 0,
                    message: format!("cannot list scenario files: {e}"),
                    suggestion: None,
                }],
            );
        }
    };
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    let mut names: std::collections::BTreeMap<String, PathBuf> = Default::default();
    for f in files {
        match parse_file(&f) {
            Ok(s) => {
                if let Some(other) = names.insert(s.name.clone(), f.clone()) {
                    errors.push(ParseError {
                        file: f.clone(),
                        line: 1,
                        column: 1,
                        message: format!(
                            "scenario name {:?} is also used by {}",
                            s.name,
                            other.display()
                        ),
                        suggestion: Some("give each scenario its own name".into()),
                    });
                }
                scenarios.push(s);
            }
            Err(e) => errors.extend(e),
        }
    }
    (scenarios, errors)
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The name a step gets in reports and snapshot files.
pub fn step_name(index: usize, step: &Step) -> String {
    match &step.name {
        Some(n) => n.clone(),
        None => format!(
            "{:02}-{}",
            index + 1,
            step.actions().first().copied().unwrap_or("step")
        ),
    }
}

/// Reads a payload: the inline text, or the file relative to `scenario_file`.
pub fn payload_text(scenario_file: &Path, payload: &Payload) -> Result<String, String> {
    match payload {
        Payload::Inline(s) => Ok(s.clone()),
        Payload::File { file } => {
            let base = scenario_file.parent().unwrap_or(Path::new("."));
            let p = base.join(file);
            std::fs::read_to_string(&p).map_err(|e| format!("payload file {}: {e}", p.display()))
        }
    }
}

fn validate(s: &Scenario) -> Vec<ParseError> {
    let mut errors = Vec::new();
    let at = |line: u64, column: u64, message: String, suggestion: Option<String>| ParseError {
        file: s.file.clone(),
        line,
        column,
        message,
        suggestion,
    };
    if !valid_name(&s.name) {
        errors.push(at(
            1,
            1,
            format!("scenario name {:?} is not usable in file names", s.name),
            Some("use letters, digits, `-`, `_` and `.` (at most 100)".into()),
        ));
    }
    if s.steps.is_empty() {
        errors.push(at(1, 1, "the scenario has no steps".into(), None));
    }
    let channels: BTreeSet<Channel> = s.channels.iter().copied().collect();
    let mut known_vars: BTreeSet<String> = s.vars.keys().cloned().collect();
    let mut sessions: BTreeSet<String> = BTreeSet::new();
    let mut jet_sessions: BTreeSet<String> = BTreeSet::new();
    let mut step_names: BTreeSet<String> = BTreeSet::new();
    for (i, spanned) in s.steps.iter().enumerate() {
        let step = &spanned.value;
        let (line, col) = (spanned.referenced.line(), spanned.referenced.column());
        let mut err = |m: String, sug: Option<String>| errors.push(at(line, col, m, sug));
        let name = step_name(i, step);
        if !valid_name(&name) {
            err(
                format!("step name {name:?} is not usable in file names"),
                Some("use letters, digits, `-`, `_` and `.`".into()),
            );
        }
        if !step_names.insert(name.clone()) {
            err(
                format!("step name {name:?} is used twice in this scenario"),
                Some("give each step its own `name`".into()),
            );
        }
        let actions = step.actions();
        match actions.as_slice() {
            [] => err(
                format!(
                    "step {} has no action; expected one of {}",
                    i + 1,
                    list(ACTION_KEYS)
                ),
                Some("`hello: {}` opens a session; `rpc: <get/>` sends an rpc".into()),
            ),
            [_] => {}
            many => err(
                format!(
                    "step {} has {} actions ({}); a step does one thing",
                    i + 1,
                    many.len(),
                    list(many)
                ),
                Some("split it into one step per action".into()),
            ),
        }
        let action = actions.first().copied().unwrap_or("");
        let jet_event = step.jet.as_ref().is_some_and(|j| j.event.is_some());
        let grpc = step.jet.as_ref().and_then(|j| j.grpc.as_ref());
        let output = grpc.map_or(Output::None, |g| g.output());
        let json_paths = action == "jsonrpc" || jet_event || output == Output::Json;
        let reads_message = matches!(
            action,
            "hello" | "rpc" | "raw" | "bytes" | "notification" | "jsonrpc"
        ) || jet_event
            || output != Output::None;
        if step.expect.is_some()
            && grpc.is_none()
            && !matches!(action, "rpc" | "raw" | "bytes" | "jsonrpc")
        {
            err(
                format!("`expect` checks a reply, but this step's action is `{action}`"),
                Some(
                    "put `expect` on an `rpc`, `raw`, `bytes`, `jsonrpc` or jet `grpc` step".into(),
                ),
            );
        }
        match (&step.expect, grpc) {
            (Some(Expect::Success | Expect::Failure(_) | Expect::GrpcStatus(_)), None) => err(
                "`success`, `failure` and `grpc-status` check a jet `grpc` call".into(),
                Some("expect `ok` or an error of this step's protocol".into()),
            ),
            (Some(Expect::GrpcStatus(g)), Some(_)) if !crate::grpc::is_code(&g.code) => err(
                format!("{:?} is not a gRPC status code", g.code),
                closest(&g.code, crate::grpc::CODES.iter().copied())
                    .map(|c| format!("did you mean `{c}`?")),
            ),
            (Some(Expect::Success | Expect::Ok | Expect::Failure(_) | Expect::GrpcStatus(_)), Some(_))
            | (None, _) => {}
            (Some(_), Some(_)) => err(
                "a grpc call expects `success`, `{failure: {message: ...}}` or `{grpc-status: {code: ...}}`".into(),
                Some("write `expect: {grpc-status: {code: unauthenticated}}`".into()),
            ),
            _ => {}
        }
        match (&step.expect, action) {
            (Some(Expect::Rejected), a) if a != "bytes" => err(
                "`expect: rejected` checks what the device does with `bytes`".into(),
                Some("expect `{rpc-error: {...}}` for an rpc".into()),
            ),
            (Some(Expect::Error(_)), "rpc" | "raw" | "bytes") => err(
                "`expect: {error: ...}` checks a JSON-RPC reply, but this step sends NETCONF"
                    .into(),
                Some("expect `{rpc-error: {tag: ...}}` here".into()),
            ),
            (Some(Expect::RpcError(_) | Expect::Closed), "jsonrpc") => err(
                "a jsonrpc step expects `ok` or `{error: {type: ...}}`".into(),
                Some("write `expect: {error: {type: db.locked}}`".into()),
            ),
            _ => {}
        }
        if let Some(j) = &step.jsonrpc {
            match (&j.method, j.batch.is_empty()) {
                (None, true) => err(
                    "the jsonrpc step names no `method` and no `batch`".into(),
                    Some("write `jsonrpc: {method: login, params: {...}}`".into()),
                ),
                (Some(_), false) => err(
                    "the jsonrpc step has both `method` and `batch`".into(),
                    Some("put the call into the batch, or make two steps".into()),
                ),
                _ => {}
            }
            if j.params.is_some() && j.method.is_none() {
                err(
                    "`params` without `method`; a batch gives params per call".into(),
                    None,
                );
            }
            if j.error_type.is_some() && step.expect.is_some() {
                err(
                    "both `error-type` and `expect`".into(),
                    Some("keep one: `expect: {error: {type: ...}}`".into()),
                );
            }
        }
        if !reads_message
            && (!step.assert.is_empty() || !step.capture.is_empty() || step.snapshot.is_some())
        {
            err(
                format!(
                    "`assert`, `capture` and `snapshot` read a message, but this step's action is `{action}`"
                ),
                Some(
                    "use them on a `hello`, `rpc`, `raw`, `notification`, `jsonrpc`, jet `event` step or a grpc call with output"
                        .into(),
                ),
            );
        }
        let session = step.session().to_owned();
        if let Some(h) = &step.hello {
            let ch = h.channel.unwrap_or(Channel::Netconf);
            if !channels.contains(&ch) {
                err(
                    format!(
                        "the hello opens a {} session, but `channels` does not list {}",
                        ch.as_str(),
                        ch.as_str()
                    ),
                    Some(format!("add `{}` to `channels`", ch.as_str())),
                );
            }
            if !sessions.insert(session.clone()) {
                err(
                    format!("session {session:?} is already open"),
                    Some("name the second session, e.g. `session: second`".into()),
                );
            }
        } else if matches!(action, "rpc" | "raw" | "bytes" | "notification" | "closed")
            && !sessions.contains(&session)
        {
            let sug = closest(&session, sessions.iter().map(String::as_str))
                .map(|c| format!("did you mean `{c}`?"))
                .unwrap_or_else(|| {
                    format!("open it first with a `hello` step (session: {session})")
                });
            err(
                format!("session {session:?} is not open at this step"),
                Some(sug),
            );
        }
        if step.jsonrpc.is_some() && !channels.contains(&Channel::Jsonrpc) {
            err(
                "a jsonrpc step, but `channels` does not list jsonrpc".into(),
                Some("add `jsonrpc` to `channels`".into()),
            );
        }
        if let Some(j) = &step.jet {
            if !channels.contains(&Channel::Jet) {
                err(
                    "a jet step, but `channels` does not list jet".into(),
                    Some("add `jet` to `channels`".into()),
                );
            }
            for e in validate_jet(j, &session, &mut jet_sessions) {
                err(e.0, e.1);
            }
        }
        // Variables used must be defined before.
        let mut texts: Vec<String> = Vec::new();
        for p in [&step.rpc, &step.raw].into_iter().flatten() {
            match payload_text(&s.file, p) {
                Ok(t) => texts.push(t),
                Err(e) => err(e, Some("the path is relative to the scenario file".into())),
            }
        }
        match &step.bytes {
            Some(crate::model::BytesPayload::Text(t)) => texts.push(t.clone()),
            Some(crate::model::BytesPayload::Spec(b)) => {
                if b.escaped.is_some() == b.file.is_some() {
                    err(
                        "a `bytes` step gives one of `escaped` and `file`".into(),
                        Some(r"`bytes: {escaped: '\n#4\n<a/>\n##\n'}` or `bytes: {file: payloads/x.bin}`".into()),
                    );
                }
                if let Some(e) = &b.escaped {
                    if references(e).is_empty()
                        && let Err(m) = crate::bytes::unescape(e)
                    {
                        err(m, Some("write the escaped text in single quotes".into()));
                    }
                    texts.push(e.clone());
                }
                if let Some(f) = &b.file {
                    let p = s.file.parent().unwrap_or(Path::new(".")).join(f);
                    if !p.is_file() {
                        err(
                            format!("bytes file {} does not exist", p.display()),
                            Some("the path is relative to the scenario file".into()),
                        );
                    }
                }
                if let Some(crate::model::Count::Text(t)) = &b.repeat {
                    texts.push(t.clone());
                }
            }
            None => {}
        }
        if let Some(h) = &step.hello {
            texts.extend(h.capabilities.iter().flatten().cloned());
        }
        if let Some(j) = &step.jsonrpc {
            let params = j
                .params
                .iter()
                .chain(j.batch.iter().filter_map(|c| c.params.as_ref()));
            texts.extend(params.map(|p| p.to_string()));
            texts.extend(j.method.iter().cloned());
            texts.extend(j.batch.iter().map(|c| c.method.clone()));
            texts.extend(j.cookie.iter().cloned());
        }
        if let Some(j) = &step.jet {
            texts.extend(j.grpc.iter().flat_map(|g| g.texts()));
            texts.extend(j.subscribe.iter().flatten().cloned());
            if let Some(e) = &j.event {
                texts.extend(e.topic.iter().cloned());
                for a in &e.where_ {
                    texts.extend(assertion_texts(a));
                }
            }
        }
        for a in &step.assert {
            texts.extend(assertion_texts(a));
        }
        for t in &texts {
            for r in references(t) {
                match r {
                    Ok(v) if v.starts_with("env:") => {}
                    Ok(v) if known_vars.contains(&v) => {}
                    Ok(v) => {
                        let sug = closest(&v, known_vars.iter().map(String::as_str))
                            .map(|c| format!("did you mean `${{{c}}}`?"))
                            .unwrap_or_else(|| {
                                format!(
                                    "capture it in an earlier step, or give it a default under `vars:` ({v}: ...)"
                                )
                            });
                        err(
                            format!("variable `${{{v}}}` is not defined at this step"),
                            Some(sug),
                        );
                    }
                    Err(m) => err(m, Some("write `${name}` or `${env:NAME}`".into())),
                }
            }
        }
        let json_path = |p: &str| -> Result<(), String> {
            if p.is_empty() || p.starts_with('/') || p.starts_with("${") {
                Ok(())
            } else {
                Err(format!(
                    "{p:?} is not a JSON pointer; paths into JSON look like /result/th or /jet-event/attributes/name"
                ))
            }
        };
        let check_path = |p: &str| -> Result<(), String> {
            if json_paths {
                json_path(p)
            } else {
                XPath::parse(p).map(|_| ()).map_err(|e| e.to_string())
            }
        };
        let where_ = step
            .jet
            .iter()
            .flat_map(|j| j.event.iter())
            .flat_map(|e| &e.where_);
        for a in step.assert.iter().chain(where_) {
            if let Err(e) = check_path(&a.path) {
                err(e, None);
            }
            if let Some((m, s)) = assertion_problem(a) {
                err(m, s);
            }
        }
        for (var, path) in &step.capture {
            if let Err(e) = check_path(path) {
                err(e, None);
            }
            known_vars.insert(var.clone());
        }
        if step.closed.is_some() {
            sessions.remove(&session);
        }
        // After `rejected` the session may be gone: later steps open another.
        if matches!(
            step.expect,
            Some(crate::model::Expect::Closed | crate::model::Expect::Rejected)
        ) {
            sessions.remove(&session);
        }
    }
    errors
}

/// The checks of a `jet` step: one kind, topic filters that MQTT accepts,
/// events awaited on a session that subscribed. `subscribed` holds the
/// sessions that did.
fn validate_jet(
    j: &crate::model::JetStep,
    session: &str,
    subscribed: &mut BTreeSet<String>,
) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let kinds = j.kinds();
    if kinds.len() != 1 {
        out.push((
            format!(
                "a jet step does one of {}; this one has {}",
                list(crate::model::JET_KINDS),
                if kinds.is_empty() {
                    "none".to_owned()
                } else {
                    list(&kinds)
                }
            ),
            Some("`jet: {subscribe: [/junos/events/#]}`, then `jet: {event: {topic: ...}}`".into()),
        ));
    }
    let filter_ok = |f: &str| -> Option<(String, Option<String>)> {
        if f.contains("${") {
            return None;
        }
        confuzz_wire::jet::validate_topic_filter(f).err().map(|e| {
            (
                format!("topic filter {f:?}: {e}"),
                Some("`+` matches one level, `#` (last) all below, e.g. /junos/events/kernel/interfaces/#".into()),
            )
        })
    };
    if let Some(filters) = &j.subscribe {
        if filters.is_empty() {
            out.push(("`subscribe` lists no topic".into(), None));
        }
        out.extend(filters.iter().filter_map(|f| filter_ok(f)));
        subscribed.insert(session.to_owned());
    }
    if let Some(g) = &j.grpc {
        out.extend(g.problems());
    }
    if j.within.is_some() && j.event.is_none() {
        out.push((
            "`within` is the time limit of an `event`".into(),
            Some("use the step's `timeout` for other jet steps".into()),
        ));
    }
    if let Some(e) = &j.event {
        out.extend(e.topic.as_deref().and_then(filter_ok));
        if !subscribed.contains(session) {
            out.push((
                format!("jet session {session:?} waits for an event but subscribed to nothing"),
                Some(format!(
                    "subscribe first: `jet: {{subscribe: [/junos/events/#]}}` (session: {session})"
                )),
            ));
        }
    }
    out
}

/// The texts of an assertion that may hold variables.
fn assertion_texts(a: &crate::model::Assertion) -> Vec<String> {
    [&a.equals, &a.contains, &a.matches]
        .into_iter()
        .flatten()
        .cloned()
        .chain(std::iter::once(a.path.clone()))
        .collect()
}

/// What is wrong with an assertion beyond its path, if anything.
fn assertion_problem(a: &crate::model::Assertion) -> Option<(String, Option<String>)> {
    if a.equals.is_none()
        && a.contains.is_none()
        && a.matches.is_none()
        && a.exists.is_none()
        && a.count.is_none()
    {
        return Some((
            format!("the assertion on {:?} checks nothing", a.path),
            Some("add one of equals, contains, matches, exists, count".into()),
        ));
    }
    if let Some(m) = &a.matches
        && references(m).is_empty()
        && let Err(e) = regex::Regex::new(m)
    {
        return Some((format!("`matches` is not a regular expression: {e}"), None));
    }
    None
}

pub(crate) fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
