//! JET management on the device: what `OpCommandGet`, `ConfigSet` and the
//! ephemeral database calls do, without IO (the gRPC service in
//! [`crate::serve::grpc`] calls these with the device locked).
//!
//! ```text
//!   OpCommandGet  ─► cli/xml request ─► Device::handle_rpc (or interfaces, here)
//!                  ─► answer as XML, Junos JSON or CLI text
//!   ConfigSet     ─► <load-configuration action=...> ─► Device::handle_rpc
//!                  ─► commit engine (client "grpc") ─► running, history, commit watchers
//!   Ephemeral*    ─► [Ephemeral]: instances beside the static configuration
//! ```
//!
//! Failures come back as `Err(message)`: the service answers them with
//! status FAILURE and that message, as JET does.

pub mod ephemeral;
pub mod json;
pub mod ops;

pub use ephemeral::Ephemeral;

use crate::device::commit::CommitRequest;
use crate::device::{Device, SessionId};
use crate::tree;
use confuzz_wire::junos::{ConfigPayload, LoadAction, LoadConfiguration, LoadFormat, Request};
use confuzz_wire::netconf::{BASE_NS, Rpc, RpcError, RpcReply};
use confuzz_wire::xml::{Element, RawElement};
use std::time::Instant;

/// The output format of an operational command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    /// Junos JSON (`| display json`).
    Json,
    /// Junos XML (`| display xml`).
    Xml,
    /// CLI text.
    Cli,
}

/// An operational command as JET sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command<'a> {
    /// CLI text: `show version`.
    Cli(&'a str),
    /// An XML request: `<get-software-information/>`.
    Xml(&'a str),
}

/// Configuration as `ConfigSet` carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigText<'a> {
    /// Junos XML.
    Xml(&'a str),
    /// Junos JSON.
    Json(&'a str),
    /// Curly-brace text, or `set` commands with [`LoadType::Set`].
    Text(&'a str),
}

/// How `ConfigSet` loads (`ConfigLoadType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadType {
    /// Merge into the candidate.
    Merge,
    /// Replace the statements marked `replace`.
    Replace,
    /// Replace the whole candidate.
    Override,
    /// Load the whole configuration, changing only what differs.
    Update,
    /// `set` (and `delete`) commands.
    Set,
}

impl LoadType {
    /// The load type numbered `n` in both JET IDLs (`CONFIG_LOAD_MERGE` = 0
    /// to `CONFIG_LOAD_SET` = 4).
    pub fn from_number(n: i32) -> Result<Self, String> {
        Ok(match n {
            0 => LoadType::Merge,
            1 => LoadType::Replace,
            2 => LoadType::Override,
            3 => LoadType::Update,
            4 => LoadType::Set,
            _ => {
                return Err(format!(
                    "load_type {n} is not CONFIG_LOAD_MERGE (0) to CONFIG_LOAD_SET (4)"
                ));
            }
        })
    }
}

fn errors_text(errors: &[RpcError]) -> String {
    let msgs: Vec<String> = errors
        .iter()
        .filter(|e| e.is_error())
        .map(|e| {
            let m = e
                .error_message
                .as_ref()
                .map(|m| m.text.clone())
                .or_else(|| e.error_tag.as_ref().map(|t| t.to_string()))
                .unwrap_or_else(|| "error".into());
            match &e.error_path {
                Some(p) if !p.is_empty() => format!("{m} (at {p})"),
                _ => m,
            }
        })
        .collect();
    msgs.join("; ")
}

/// Runs `op` as an `<rpc>` of `session`; the answer's elements, or the
/// errors' text.
fn run(
    dev: &mut Device,
    session: SessionId,
    now: Instant,
    op: &Element,
) -> Result<Vec<Element>, String> {
    let rpc = Rpc {
        message_id: Some("jet".into()),
        attributes: Vec::new(),
        prefix: None,
        namespace: Some(BASE_NS.to_owned()),
        operation: Some(RawElement::from_element(op)),
    };
    let reply: RpcReply = dev.handle_rpc(session, now, &rpc);
    if !reply.is_ok() {
        return Err(errors_text(&reply.errors));
    }
    let limits = tree::limits();
    let mut out = Vec::new();
    if let Some(d) = &reply.data {
        let el = d.to_element(&limits).map_err(|e| e.to_string())?;
        out.extend(el.children);
    }
    for o in &reply.other {
        out.push(o.to_element(&limits).map_err(|e| e.to_string())?);
    }
    Ok(out)
}

/// The answer of operational command `cmd`, in `format`.
pub fn op_command(
    dev: &mut Device,
    session: SessionId,
    now: Instant,
    cmd: Command<'_>,
    format: OutFormat,
) -> Result<String, String> {
    let mut req = match cmd {
        Command::Cli(line) => ops::cli_request(line)?,
        Command::Xml(x) => {
            let mut el = Element::parse(x.trim().as_bytes(), &tree::limits())
                .map_err(|e| format!("the XML command cannot be read: {e}"))?;
            if el.name.local == "rpc" {
                el = el
                    .children
                    .into_iter()
                    .next()
                    .ok_or("the <rpc> of the XML command holds no request")?;
            }
            el
        }
    };
    let answer = if req.name.local == "get-interface-information" {
        // Checked like any other view request: the session must be open.
        if !dev.is_open(session) {
            return Err(format!("session {session} is not open"));
        }
        let terse = req.child("terse").is_some();
        vec![ops::interface_information(
            dev.running(),
            &dev.config().schema_release(),
            terse,
        )]
    } else {
        if req.name.local == "get-configuration" && format == OutFormat::Cli {
            req = req.with_attr("format", "text");
        }
        run(dev, session, now, &req)?
    };
    Ok(match format {
        OutFormat::Xml => {
            let mut out = Vec::new();
            for e in &answer {
                e.write(&mut out);
                out.push(b'\n');
            }
            String::from_utf8_lossy(&out).into_owned()
        }
        OutFormat::Json => match answer.as_slice() {
            [c] if c.name.local == "configuration" => json::config_output(c),
            _ => json::op_output(&answer),
        },
        OutFormat::Cli => ops::cli_text(&answer),
    })
}

/// Loads `config` into the candidate with `load`, then commits it with
/// `comment` when `commit` is set. When the load or the commit fails and
/// the candidate held no one else's changes before, the candidate is put
/// back as it was, so a failed call leaves nothing behind.
pub fn config_set(
    dev: &mut Device,
    session: SessionId,
    now: Instant,
    config: ConfigText<'_>,
    load: LoadType,
    commit: Option<Option<String>>,
) -> Result<(), String> {
    let payload = match (config, load) {
        (ConfigText::Text(t), LoadType::Set) => ConfigPayload::Set(t.to_owned()),
        (ConfigText::Text(t), _) => ConfigPayload::Text(t.to_owned()),
        (_, LoadType::Set) => {
            return Err(
                "load type CONFIG_LOAD_SET takes text_config holding set commands, not XML or JSON"
                    .into(),
            );
        }
        (ConfigText::Xml(x), _) => {
            let el = Element::parse(x.trim().as_bytes(), &tree::limits())
                .map_err(|e| format!("the XML configuration cannot be read: {e}"))?;
            ConfigPayload::Xml(if el.name.local == "configuration" {
                el
            } else {
                Element::new("configuration").with_child(el)
            })
        }
        (ConfigText::Json(j), _) => ConfigPayload::Xml(json::config_input(j)?),
    };
    let action = match load {
        LoadType::Merge => LoadAction::Merge,
        LoadType::Replace => LoadAction::Replace,
        LoadType::Override => LoadAction::Override,
        LoadType::Update => LoadAction::Update,
        LoadType::Set => LoadAction::Set,
    };
    let format = match &payload {
        ConfigPayload::Text(_) => Some(LoadFormat::Text),
        ConfigPayload::Xml(_) => Some(LoadFormat::Xml),
        _ => None,
    };
    let clean_before = tree::same_config(dev.candidate(), dev.running());
    let load_req = Request::LoadConfiguration(LoadConfiguration {
        action: Some(action),
        format,
        payload: Some(payload),
        ..LoadConfiguration::default()
    });
    let result = run(dev, session, now, &load_req.to_element()).and_then(|_| match &commit {
        None => Ok(()),
        Some(comment) => {
            let req = CommitRequest {
                comment: comment.clone(),
                junos: true,
                ..CommitRequest::default()
            };
            dev.commit(session.0, now, req, "grpc")
                .map_err(|errors| format!("commit failed: {}", errors_text(&errors)))
        }
    });
    if result.is_err() && clean_before {
        let back = Request::LoadConfiguration(LoadConfiguration {
            rollback: Some(0),
            ..LoadConfiguration::default()
        });
        let _ = run(dev, session, now, &back.to_element());
    }
    result
}
