//! # confuzz-sim: the simulated device
//!
//! The built-in target of every confuzz run: a NETCONF and Junos XML device
//! that behaves like a real one, so a conformance suite run against it can
//! fail. This crate is the device model.
//!
//! **The device model does no IO.** It opens no socket, starts no thread
//! and reads no clock; only [`serve`] (the servers, built from
//! `confuzz-net`) does. Requests come in as parsed [`Rpc`](confuzz_wire::netconf::Rpc)s
//! with the `now` they arrived at; replies, notifications and the sessions
//! to drop come out as return values. The network layer wraps a [`Device`]
//! in a mutex or an actor and serves it over SSH, TCP or stdio.
//!
//! ```text
//!   transport ── open_session(user) ─────────────► Device ── SessionId
//!             ── handle_rpc(session, now, &Rpc) ─►        ── RpcReply
//!             ── handle_timeout(now) ────────────►        (confirmed-commit expiry,
//!             ◄─ poll_timeout() ──────────────────         subscription stop times)
//!             ◄─ poll_notification(session) ──────        ── Notification
//!             ◄─ poll_killed() ───────────────────        ── SessionId to drop
//!             ── close_session(session, now) ────►        (locks released,
//!                                                          unconfirmed commit rolled back)
//!   outgoing bytes ──► FaultState::apply ──► [Action] (delay, send, send raw, close)
//! ```
//!
//! Modules:
//! - [`config`]: the device's shape: hostname, capabilities, users and login classes.
//! - [`device`]: datastores, sessions, locks, the commit engine, operation dispatch.
//! - [`edit`]: the `<edit-config>` engine.
//! - [`filter`]: RFC 6241 §6 subtree filtering.
//! - [`notify`]: RFC 5277 subscriptions, replay, RFC 6470 events.
//! - [`junos`]: the Junos operations, the text and set configuration formats, compare.
//! - [`fault`]: fault plans a transport applies to what it sends.
//! - [`validate`]: the checks a configuration must pass to be committed.
//! - [`jet`]: JET events (kernel and syslog) made from commits, and JET
//!   management (`jet::mgmt`: operational commands, ConfigSet, the
//!   ephemeral database).
//! - [`serve`]: the device served over SSH (NETCONF and the Junos XML
//!   protocol), TCP and stdio, NSO JSON-RPC over HTTP, JET events over
//!   MQTT and JET services over gRPC; one shared device per simulated device.

// Operation handlers return `Result<_, RpcError>`: the error is the
// request's answer, built once and moved into the reply, so its size on the
// cold path costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod device;
pub mod diff;
pub mod edit;
pub mod fault;
pub mod filter;
pub mod jet;
pub mod junos;
pub mod notify;
pub mod nso;
pub mod rpc_error;
pub mod seed;
pub mod serve;
pub mod time;
pub mod tree;
pub mod validate;

pub use config::{Capabilities, DeviceConfig, LoginClass, User};
pub use device::{CommitChange, CommitRecord, Datastore, Device, SessionId, SimError};
pub use fault::{Action, Fault, FaultPlan, FaultState, Trigger};
