//! Typed Junos requests: the operational and configuration operations of the
//! canonical session (seed 001), read from and written to the request
//! element, the same inside a NETCONF `<rpc>` and a junoscript `<rpc>`.

use super::rules;
use crate::netconf::Parsed;
use crate::xml::{Element, RawElement, XmlError, XmlLimits};
use crate::{Rule, Scope, Violation};
use std::fmt;

/// A Junos request element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// `<get-chassis-inventory>` (`show chassis hardware`).
    GetChassisInventory(GetChassisInventory),
    /// `<get-software-information>` (`show version`).
    GetSoftwareInformation(GetSoftwareInformation),
    /// `<lock-configuration/>`: lock the candidate.
    LockConfiguration,
    /// `<unlock-configuration/>`.
    UnlockConfiguration,
    /// `<load-configuration>`.
    LoadConfiguration(LoadConfiguration),
    /// `<commit-configuration>`.
    CommitConfiguration(CommitConfiguration),
    /// `<request-end-session/>`: the client ends the session.
    RequestEndSession,
    /// Any other request, as a tree.
    Other(Element),
}

/// `<get-chassis-inventory>` and its options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetChassisInventory {
    /// `<detail/>`.
    pub detail: bool,
    /// `<extensive/>`.
    pub extensive: bool,
    /// `<models/>`.
    pub models: bool,
    /// `<clei-models/>`.
    pub clei_models: bool,
}

/// `<get-software-information>` and its options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetSoftwareInformation {
    /// `<brief/>`.
    pub brief: bool,
    /// `<detail/>`.
    pub detail: bool,
}

macro_rules! token {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $v:ident = $t:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $v,)*
            /// A value Junos does not define, kept as written.
            Other(String),
        }

        impl $name {
            /// The value as written.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$v => $t,)*
                    $name::Other(s) => s,
                }
            }

            /// Reads a value.
            pub fn parse(s: &str) -> Self {
                match s {
                    $($t => $name::$v,)*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

token!(
    /// `action` of `<load-configuration>`.
    LoadAction {
        /// Merge into the candidate.
        Merge = "merge",
        /// Replace the statements marked `replace`.
        Replace = "replace",
        /// Replace the whole candidate.
        Override = "override",
        /// Change only what differs.
        Update = "update",
        /// Apply `set` commands.
        Set = "set",
    }
);

token!(
    /// `format` of `<load-configuration>`.
    LoadFormat {
        /// Junos XML (`<configuration>`).
        Xml = "xml",
        /// Curly-brace text (`<configuration-text>`).
        Text = "text",
        /// JSON (`<configuration-json>`).
        Json = "json",
    }
);

/// What `<load-configuration>` loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigPayload {
    /// `<configuration>`: Junos XML, as a tree.
    Xml(Element),
    /// `<configuration-text>`: curly-brace text.
    Text(String),
    /// `<configuration-set>`: `set` commands, one per line.
    Set(String),
    /// `<configuration-json>`.
    Json(String),
}

/// `<load-configuration>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadConfiguration {
    /// `action`.
    pub action: Option<LoadAction>,
    /// `format`.
    pub format: Option<LoadFormat>,
    /// `rollback`: load a stored configuration (0 to 49) instead.
    pub rollback: Option<u32>,
    /// `url`: load from a file or URL instead.
    pub url: Option<String>,
    /// The configuration to load.
    pub payload: Option<ConfigPayload>,
}

/// `<commit-configuration>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitConfiguration {
    /// `<check/>`: validate only.
    pub check: bool,
    /// `<confirmed/>`: roll back unless confirmed in time.
    pub confirmed: bool,
    /// `<confirm-timeout>`: minutes before the rollback (default 10).
    pub confirm_timeout: Option<u32>,
    /// The commit comment, sent as `<log>`.
    pub comment: Option<String>,
    /// `<synchronize/>`: commit on both Routing Engines.
    pub synchronize: bool,
    /// `<force-synchronize/>`.
    pub force_synchronize: bool,
    /// `<at-time>`: commit later (`reboot`, `hh:mm[:ss]`, `yyyy-mm-dd hh:mm[:ss]`).
    pub at_time: Option<String>,
}

fn has(el: &Element, name: &str) -> bool {
    el.child(name).is_some()
}

fn text(el: &Element, name: &str) -> Option<String> {
    el.child_text(name)
        .map(|t| t.trim_matches([' ', '\t', '\r', '\n']).to_owned())
}

fn violation(v: &mut Vec<Violation>, rule: Rule, detail: String) {
    v.push(Violation::new(rule, Scope::Message, detail));
}

fn warn_unknown(el: &Element, known: &[&str], v: &mut Vec<Violation>) {
    for c in &el.children {
        if !known.contains(&c.name.local.as_str()) {
            v.push(
                Violation::new(
                    rules::UNKNOWN_OPTION,
                    Scope::Message,
                    format!("<{}> inside <{}>", c.name, el.name),
                )
                .warning(),
            );
        }
    }
}

fn flags(name: &str, set: &[(&str, bool)]) -> Element {
    let mut el = Element::new(name);
    for (flag, on) in set {
        if *on {
            el.children.push(Element::new(*flag));
        }
    }
    el
}

impl Request {
    /// The request element's name, e.g. `get-chassis-inventory`.
    pub fn name(&self) -> &str {
        match self {
            Request::GetChassisInventory(_) => "get-chassis-inventory",
            Request::GetSoftwareInformation(_) => "get-software-information",
            Request::LockConfiguration => "lock-configuration",
            Request::UnlockConfiguration => "unlock-configuration",
            Request::LoadConfiguration(_) => "load-configuration",
            Request::CommitConfiguration(_) => "commit-configuration",
            Request::RequestEndSession => "request-end-session",
            Request::Other(el) => &el.name.local,
        }
    }

    /// Parses a raw request element (an rpc's operation).
    pub fn parse(op: &RawElement, limits: &XmlLimits) -> Result<Parsed<Request>, XmlError> {
        Ok(Self::from_element(&op.to_element(limits)?))
    }

    /// Reads a request element (matched by local name: Junos accepts its
    /// requests unqualified in junoscript and in the base namespace in
    /// NETCONF).
    pub fn from_element(el: &Element) -> Parsed<Request> {
        let mut v = Vec::new();
        let request = match el.name.local.as_str() {
            "get-chassis-inventory" => {
                warn_unknown(
                    el,
                    &["detail", "extensive", "models", "clei-models"],
                    &mut v,
                );
                Request::GetChassisInventory(GetChassisInventory {
                    detail: has(el, "detail"),
                    extensive: has(el, "extensive"),
                    models: has(el, "models"),
                    clei_models: has(el, "clei-models"),
                })
            }
            "get-software-information" => {
                warn_unknown(el, &["brief", "detail"], &mut v);
                Request::GetSoftwareInformation(GetSoftwareInformation {
                    brief: has(el, "brief"),
                    detail: has(el, "detail"),
                })
            }
            "lock-configuration" => {
                warn_unknown(el, &[], &mut v);
                Request::LockConfiguration
            }
            "unlock-configuration" => {
                warn_unknown(el, &[], &mut v);
                Request::UnlockConfiguration
            }
            "request-end-session" => {
                warn_unknown(el, &[], &mut v);
                Request::RequestEndSession
            }
            "load-configuration" => Request::LoadConfiguration(read_load(el, &mut v)),
            "commit-configuration" => Request::CommitConfiguration(read_commit(el, &mut v)),
            _ => Request::Other(el.clone()),
        };
        Parsed {
            message: request,
            violations: v,
        }
    }

    /// The request element, unqualified (it takes the namespace of the
    /// envelope it is written into).
    pub fn to_element(&self) -> Element {
        match self {
            Request::GetChassisInventory(r) => flags(
                "get-chassis-inventory",
                &[
                    ("detail", r.detail),
                    ("extensive", r.extensive),
                    ("models", r.models),
                    ("clei-models", r.clei_models),
                ],
            ),
            Request::GetSoftwareInformation(r) => flags(
                "get-software-information",
                &[("brief", r.brief), ("detail", r.detail)],
            ),
            Request::LockConfiguration
            | Request::UnlockConfiguration
            | Request::RequestEndSession => Element::new(self.name()),
            Request::LoadConfiguration(l) => write_load(l),
            Request::CommitConfiguration(c) => write_commit(c),
            Request::Other(el) => el.clone(),
        }
    }

    /// The request as a raw element, ready for [`Rpc::new`](crate::netconf::Rpc::new)
    /// or a junoscript [`JunosRpc`](super::JunosRpc).
    pub fn to_raw(&self) -> RawElement {
        RawElement::from_element(&self.to_element())
    }

    /// Appends the request element as XML.
    pub fn write(&self, out: &mut Vec<u8>) {
        self.to_element().write(out);
    }
}

fn read_load(el: &Element, v: &mut Vec<Violation>) -> LoadConfiguration {
    let mut l = LoadConfiguration {
        action: el.attr("action").map(LoadAction::parse),
        format: el.attr("format").map(LoadFormat::parse),
        url: el.attr("url").map(str::to_owned),
        ..LoadConfiguration::default()
    };
    if let Some(r) = el.attr("rollback") {
        match r.parse::<u32>() {
            Ok(n) if n <= 49 && !r.starts_with('+') => l.rollback = Some(n),
            _ => violation(
                v,
                rules::LOAD_ROLLBACK,
                format!("rollback=\"{}\"", crate::xml::clip(r)),
            ),
        }
    }
    let payloads = [
        "configuration",
        "configuration-text",
        "configuration-set",
        "configuration-json",
    ];
    warn_unknown(el, &payloads, v);
    let mut found = el
        .children
        .iter()
        .filter(|c| payloads.contains(&c.name.local.as_str()));
    l.payload = found.next().map(|c| match c.name.local.as_str() {
        "configuration-text" => ConfigPayload::Text(c.text.clone()),
        "configuration-set" => ConfigPayload::Set(c.text.clone()),
        "configuration-json" => ConfigPayload::Json(c.text.clone()),
        _ => ConfigPayload::Xml(c.clone()),
    });
    if found.next().is_some() {
        violation(
            v,
            rules::LOAD_PAYLOAD,
            "more than one configuration payload".into(),
        );
    }
    check_load(&l, v);
    l
}

fn check_load(l: &LoadConfiguration, v: &mut Vec<Violation>) {
    let from_elsewhere = l.rollback.is_some() || l.url.is_some();
    let mut bad = |d: &str| violation(v, rules::LOAD_PAYLOAD, d.to_owned());
    match &l.payload {
        None if !from_elsewhere => bad("nothing to load: no payload, rollback or url"),
        Some(_) if from_elsewhere => bad("a payload together with rollback or url"),
        Some(p) => {
            let set = l.action == Some(LoadAction::Set);
            let fmt = l.format.as_ref();
            match p {
                ConfigPayload::Set(_) if !set => bad("<configuration-set> needs action=\"set\""),
                ConfigPayload::Xml(_)
                    if set || matches!(fmt, Some(LoadFormat::Text | LoadFormat::Json)) =>
                {
                    bad("<configuration> with a text, set or json load")
                }
                ConfigPayload::Text(_) if set || fmt != Some(&LoadFormat::Text) => {
                    bad("<configuration-text> needs format=\"text\" (and no action=\"set\")")
                }
                ConfigPayload::Json(_) if fmt != Some(&LoadFormat::Json) => {
                    bad("<configuration-json> needs format=\"json\"")
                }
                _ => {}
            }
        }
        None => {}
    }
}

fn write_load(l: &LoadConfiguration) -> Element {
    let mut el = Element::new("load-configuration");
    if let Some(a) = &l.action {
        el = el.with_attr("action", a.as_str());
    }
    if let Some(f) = &l.format {
        el = el.with_attr("format", f.as_str());
    }
    if let Some(r) = l.rollback {
        el = el.with_attr("rollback", r.to_string());
    }
    if let Some(u) = &l.url {
        el = el.with_attr("url", u.as_str());
    }
    match &l.payload {
        Some(ConfigPayload::Xml(c)) => el.children.push(c.clone()),
        Some(ConfigPayload::Text(t)) => el
            .children
            .push(Element::new("configuration-text").with_text(t.as_str())),
        Some(ConfigPayload::Set(t)) => el
            .children
            .push(Element::new("configuration-set").with_text(t.as_str())),
        Some(ConfigPayload::Json(t)) => el
            .children
            .push(Element::new("configuration-json").with_text(t.as_str())),
        None => {}
    }
    el
}

fn read_commit(el: &Element, v: &mut Vec<Violation>) -> CommitConfiguration {
    warn_unknown(
        el,
        &[
            "check",
            "confirmed",
            "confirm-timeout",
            "log",
            "synchronize",
            "force-synchronize",
            "at-time",
        ],
        v,
    );
    let mut c = CommitConfiguration {
        check: has(el, "check"),
        confirmed: has(el, "confirmed"),
        comment: el.child_text("log").map(str::to_owned),
        synchronize: has(el, "synchronize"),
        force_synchronize: has(el, "force-synchronize"),
        at_time: text(el, "at-time"),
        ..CommitConfiguration::default()
    };
    if let Some(t) = text(el, "confirm-timeout") {
        match t.parse::<u32>() {
            Ok(n) if (1..=65535).contains(&n) && !t.starts_with('+') => c.confirm_timeout = Some(n),
            _ => violation(
                v,
                rules::COMMIT_CONFIRM_TIMEOUT,
                format!(
                    "confirm-timeout {:?} is not 1 to 65535 minutes",
                    crate::xml::clip(&t)
                ),
            ),
        }
        if !c.confirmed {
            violation(
                v,
                rules::COMMIT_CONFIRM_TIMEOUT,
                "<confirm-timeout> without <confirmed/>".into(),
            );
        }
    }
    c
}

fn write_commit(c: &CommitConfiguration) -> Element {
    let mut el = flags(
        "commit-configuration",
        &[
            ("check", c.check),
            ("synchronize", c.synchronize),
            ("force-synchronize", c.force_synchronize),
            ("confirmed", c.confirmed),
        ],
    );
    if let Some(t) = c.confirm_timeout {
        el.children
            .push(Element::new("confirm-timeout").with_text(t.to_string()));
    }
    if let Some(t) = &c.at_time {
        el.children
            .push(Element::new("at-time").with_text(t.as_str()));
    }
    if let Some(t) = &c.comment {
        el.children.push(Element::new("log").with_text(t.as_str()));
    }
    el
}
