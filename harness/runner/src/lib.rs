//! # confuzz-runner: scenarios, targets, snapshots and reports
//!
//! What `confuzz run` does every day: read scenario files, replay them
//! against a target (the built-in simulated device by default), check
//! every reply, and report for people and for CI.
//!
//! ```text
//!   scenarios/*.yaml ──parse──► Scenario ──run──► StepOutcome ──► report (terminal, JUnit, JSON)
//!                     (no IO)      │                   ▲
//!                                  ▼                   │ replies, notifications, violations
//!                       target (built-in sim or real device) ── snapshots/ (normalized, redacted)
//! ```
//!
//! Parsing ([`parse`]), running ([`run`]) and reporting ([`report`]) are
//! separate: `confuzz check` parses without any network code.
//!
//! - [`model`]: the scenario format as types; [`parse`]: files to
//!   scenarios with positioned errors and suggestions.
//! - [`path`]: XPath-like paths for captures and assertions; [`vars`]:
//!   `${name}` and `${env:NAME}`.
//! - [`target`]: the targets file and the built-in device.
//! - [`http`]: a small HTTP client (http and https) with a cookie jar;
//!   [`jsonrpc`]: JSON-RPC calls, batches and their checks by JSON pointer.
//! - [`jet`]: JET events over MQTT; [`bytes`]: raw bytes on a NETCONF
//!   session; [`tls`]: the TLS client settings of both.
//! - [`run`]: executing scenarios; [`snapshot`]: normalize, redact, compare,
//!   pending files; [`report`]: terminal, JUnit XML and JSON reports.

mod builtin;
pub mod bytes;
mod check;
pub mod grpc;
pub mod http;
pub mod jet;
pub mod jsonrpc;
pub mod junoscript;
pub mod model;
pub mod parse;
pub mod path;
pub mod report;
pub mod run;
pub mod snapshot;
pub mod target;
pub mod tls;
pub mod vars;
