//! What a device is: its hostname, the capabilities it advertises, its
//! users and the knobs of its engines. Everything has a default that looks
//! like a small Junos router, and everything can be overridden so a suite
//! can be run against devices of different shapes.

use crate::fault::FaultPlan;
use confuzz_wire::junos::JUNOS_NETCONF_CAPABILITY;
use confuzz_wire::netconf::{BASE_1_0, BASE_1_1};
use std::time::Duration;

/// A login class: what a user may do (Junos's predefined classes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginClass {
    /// Everything.
    SuperUser,
    /// Operational commands and session control, no configuration changes.
    Operator,
    /// Reading only.
    ReadOnly,
    /// Nothing but ending the session.
    Unauthorized,
}

impl LoginClass {
    /// The class name as Junos writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            LoginClass::SuperUser => "super-user",
            LoginClass::Operator => "operator",
            LoginClass::ReadOnly => "read-only",
            LoginClass::Unauthorized => "unauthorized",
        }
    }

    /// Reads a class name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "super-user" => Some(LoginClass::SuperUser),
            "operator" => Some(LoginClass::Operator),
            "read-only" => Some(LoginClass::ReadOnly),
            "unauthorized" => Some(LoginClass::Unauthorized),
            _ => None,
        }
    }

    /// Whether the class may change configuration (edit, commit, lock).
    pub fn may_configure(self) -> bool {
        self == LoginClass::SuperUser
    }

    /// Whether the class may read configuration and state.
    pub fn may_view(self) -> bool {
        self != LoginClass::Unauthorized
    }

    /// Whether the class may end other sessions.
    pub fn may_kill(self) -> bool {
        matches!(self, LoginClass::SuperUser | LoginClass::Operator)
    }
}

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The login name.
    pub name: String,
    /// The password, compared as given (the simulator is a test target).
    pub password: String,
    /// What the user may do.
    pub class: LoginClass,
}

impl User {
    /// A user with `name`, `password` and `class`.
    pub fn new(name: impl Into<String>, password: impl Into<String>, class: LoginClass) -> Self {
        User {
            name: name.into(),
            password: password.into(),
            class,
        }
    }
}

/// Which optional NETCONF capabilities the device advertises, and so
/// implements: a capability switched off makes its operations and
/// parameters answer with an error, as on a device that lacks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// base:1.1 (chunked framing) next to base:1.0, which is always there.
    pub base_1_1: bool,
    /// `:candidate`: the candidate datastore, commit and discard-changes.
    pub candidate: bool,
    /// `:confirmed-commit:1.1`.
    pub confirmed_commit: bool,
    /// `:validate:1.1` (validate and edit-config test-option).
    pub validate: bool,
    /// `:startup`: the startup datastore.
    pub startup: bool,
    /// `:writable-running`: edit-config and copy-config may target running.
    pub writable_running: bool,
    /// `:rollback-on-error`.
    pub rollback_on_error: bool,
    /// RFC 5277 `:notification:1.0`.
    pub notification: bool,
    /// RFC 5277 `:interleave:1.0`: other rpcs on a subscribed session.
    pub interleave: bool,
    /// RFC 6243 `:with-defaults:1.0` (basic-mode explicit).
    pub with_defaults: bool,
    /// The Junos operations (`http://xml.juniper.net/netconf/junos/1.0`).
    pub junos: bool,
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            base_1_1: true,
            candidate: true,
            confirmed_commit: true,
            validate: true,
            startup: true,
            writable_running: false,
            rollback_on_error: true,
            notification: true,
            interleave: true,
            with_defaults: true,
            junos: true,
        }
    }
}

/// URIs of the optional capabilities.
pub mod uri {
    /// `:candidate`.
    pub const CANDIDATE: &str = "urn:ietf:params:netconf:capability:candidate:1.0";
    /// `:confirmed-commit:1.1`.
    pub const CONFIRMED_COMMIT: &str = "urn:ietf:params:netconf:capability:confirmed-commit:1.1";
    /// `:validate:1.1`.
    pub const VALIDATE: &str = "urn:ietf:params:netconf:capability:validate:1.1";
    /// `:startup`.
    pub const STARTUP: &str = "urn:ietf:params:netconf:capability:startup:1.0";
    /// `:writable-running`.
    pub const WRITABLE_RUNNING: &str = "urn:ietf:params:netconf:capability:writable-running:1.0";
    /// `:rollback-on-error`.
    pub const ROLLBACK_ON_ERROR: &str = "urn:ietf:params:netconf:capability:rollback-on-error:1.0";
    /// RFC 5277 notifications.
    pub const NOTIFICATION: &str = "urn:ietf:params:netconf:capability:notification:1.0";
    /// RFC 5277 interleave.
    pub const INTERLEAVE: &str = "urn:ietf:params:netconf:capability:interleave:1.0";
    /// RFC 6243 with-defaults, as advertised.
    pub const WITH_DEFAULTS: &str =
        "urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit";
}

impl Capabilities {
    /// Only base:1.0 and nothing optional: the smallest device RFC 6241 allows
    /// (running only, no candidate).
    pub fn minimal() -> Self {
        Capabilities {
            base_1_1: false,
            candidate: false,
            confirmed_commit: false,
            validate: false,
            startup: false,
            writable_running: true,
            rollback_on_error: false,
            notification: false,
            interleave: false,
            with_defaults: false,
            junos: false,
        }
    }

    /// The capability URIs for the server's `<hello>`, base versions first.
    pub fn uris(&self) -> Vec<String> {
        let mut out = vec![BASE_1_0.to_owned()];
        let optional = [
            (self.base_1_1, BASE_1_1),
            (self.candidate, uri::CANDIDATE),
            (
                self.candidate && self.confirmed_commit,
                uri::CONFIRMED_COMMIT,
            ),
            (self.validate, uri::VALIDATE),
            (self.startup, uri::STARTUP),
            (self.writable_running, uri::WRITABLE_RUNNING),
            (self.rollback_on_error, uri::ROLLBACK_ON_ERROR),
            (self.notification, uri::NOTIFICATION),
            (self.notification && self.interleave, uri::INTERLEAVE),
            (self.with_defaults, uri::WITH_DEFAULTS),
            (self.junos, JUNOS_NETCONF_CAPABILITY),
        ];
        out.extend(
            optional
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, u)| (*u).to_owned()),
        );
        out
    }
}

/// How the device is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceConfig {
    /// The host name, seeded into `system host-name` and reported by
    /// `<get-software-information>`.
    pub hostname: String,
    /// The capabilities advertised and implemented.
    pub capabilities: Capabilities,
    /// The accounts that may open sessions.
    pub users: Vec<User>,
    /// The Junos release reported (`junos-version`) and used in namespaces.
    pub junos_version: String,
    /// The chassis serial number in `<chassis-inventory>`.
    pub serial_number: String,
    /// Wall-clock time, in Unix seconds, at the `now` the device is created
    /// with: notifications carry wall-clock eventTimes, and the device reads
    /// no clock, so the caller gives the anchor.
    pub start_unix_seconds: i64,
    /// The confirmed-commit timeout when the request gives none (RFC 6241
    /// §8.4.5.1: 600 seconds).
    pub default_confirm_timeout: Duration,
    /// How many committed configurations are kept for rollback (Junos keeps
    /// 50: rollback 0 to 49). At least 1.
    pub max_rollbacks: usize,
    /// How many events the NETCONF stream keeps for replay.
    pub replay_log_len: usize,
    /// How many notifications wait per session before the oldest are dropped.
    pub max_pending_notifications: usize,
    /// The most sessions open at once; beyond it `open_session` refuses.
    pub max_sessions: usize,
    /// The faults every session of this device gets, unless the transport
    /// gives a session its own plan.
    pub faults: FaultPlan,
}

impl Default for DeviceConfig {
    fn default() -> Self {
        DeviceConfig {
            hostname: "sim-mx480".to_owned(),
            capabilities: Capabilities::default(),
            users: vec![
                User::new("admin", "admin", LoginClass::SuperUser),
                User::new("operator", "operator", LoginClass::ReadOnly),
            ],
            junos_version: "20.4R3.8".to_owned(),
            serial_number: "JN11F2E4DAFC".to_owned(),
            start_unix_seconds: 1_700_000_000,
            default_confirm_timeout: Duration::from_secs(600),
            max_rollbacks: 50,
            replay_log_len: 256,
            max_pending_notifications: 1024,
            max_sessions: 1024,
            faults: FaultPlan::none(),
        }
    }
}

impl DeviceConfig {
    /// The user named `name`.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    /// The release part of the Junos version (`20.4R3.8` -> `20.4R0`), as
    /// Junos puts it in its schema namespaces.
    pub fn schema_release(&self) -> String {
        let v = &self.junos_version;
        match v.find('R') {
            Some(r) => format!("{}R0", &v[..r]),
            None => v.clone(),
        }
    }
}
