//! Reading operation parameters (datastores, filters, with-defaults) and
//! the `<netconf-state>` data `<get>` reports (RFC 6022, a small subset).

use super::{Datastore, Device};
use crate::rpc_error;
use crate::tree;
use confuzz_wire::netconf::{BASE_NS, ErrorType, RpcError};
use confuzz_wire::xml::Element;

/// The namespace of `<netconf-state>` (RFC 6022).
pub const MONITORING_NS: &str = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring";

/// Where an operation reads from or writes to.
pub(crate) enum Source {
    /// A datastore.
    Store(Datastore),
    /// An inline `<config>`: its children.
    Config(Element),
}

/// Whether `e` is a parameter element: base or no namespace.
fn param_ns(e: &Element) -> bool {
    matches!(e.namespace.as_deref(), None | Some(BASE_NS))
}

/// Refuses any child of `op` not in `allowed` (unknown-element), or in a
/// foreign namespace (unknown-namespace).
pub(crate) fn expect_children(op: &Element, allowed: &[&str], path: &str) -> Result<(), RpcError> {
    for c in &op.children {
        let p = format!("{path}/{}", c.name.local);
        if !param_ns(c) && !tree::is_native(c.namespace.as_deref()) {
            let ns = c.namespace.as_deref().unwrap_or("");
            return Err(rpc_error::unknown_namespace(
                ErrorType::Protocol,
                &c.name.local,
                ns,
                &p,
            ));
        }
        if !allowed.contains(&c.name.local.as_str()) {
            return Err(rpc_error::unknown_element(
                ErrorType::Protocol,
                &c.name.local,
                &p,
            ));
        }
        if op
            .children
            .iter()
            .filter(|o| o.name.local == c.name.local)
            .count()
            > 1
        {
            return Err(rpc_error::bad_element(
                ErrorType::Protocol,
                &c.name.local,
                &p,
                format!("<{}> given more than once", c.name.local),
            ));
        }
    }
    Ok(())
}

impl Device {
    /// The datastore `ds` names, refusing one the device does not have.
    pub(crate) fn store_named(&self, name: &str, path: &str) -> Result<Datastore, RpcError> {
        let caps = self.config.capabilities;
        let ds = match name {
            "running" => Datastore::Running,
            "candidate" => Datastore::Candidate,
            "startup" => Datastore::Startup,
            "url" => {
                return Err(rpc_error::not_supported(
                    "url",
                    path,
                    "this device does not implement :url",
                ));
            }
            other => {
                return Err(rpc_error::unknown_element(ErrorType::Protocol, other, path));
            }
        };
        let present = match ds {
            Datastore::Running => true,
            Datastore::Candidate => caps.candidate,
            Datastore::Startup => caps.startup,
        };
        if !present {
            return Err(rpc_error::not_supported(
                name,
                path,
                format!("this device has no {name} datastore"),
            ));
        }
        Ok(ds)
    }

    /// Reads the `param` (`target` or `source`) of `op`.
    pub(crate) fn source_param(
        &self,
        op: &Element,
        param: &str,
        path: &str,
        allow_config: bool,
    ) -> Result<Source, RpcError> {
        let p = format!("{path}/{param}");
        let Some(el) = op
            .children
            .iter()
            .find(|c| c.name.local == param && param_ns(c))
        else {
            return Err(rpc_error::missing_element(ErrorType::Protocol, param, path));
        };
        let mut kids = el.children.iter();
        let Some(first) = kids.next() else {
            return Err(rpc_error::missing_element(ErrorType::Protocol, param, &p)
                .with_message(format!("<{param}> names no datastore")));
        };
        if let Some(extra) = kids.next() {
            return Err(rpc_error::bad_element(
                ErrorType::Protocol,
                &extra.name.local,
                &p,
                format!("<{param}> names more than one datastore"),
            ));
        }
        let fp = format!("{p}/{}", first.name.local);
        if !param_ns(first) {
            let ns = first.namespace.as_deref().unwrap_or("");
            return Err(rpc_error::unknown_namespace(
                ErrorType::Protocol,
                &first.name.local,
                ns,
                &fp,
            ));
        }
        if first.name.local == "config" && allow_config {
            return Ok(Source::Config(first.clone()));
        }
        self.store_named(&first.name.local, &fp).map(Source::Store)
    }

    /// Reads `<filter>`: `Ok(None)` when there is none, the filter element
    /// when it is a subtree filter.
    pub(crate) fn filter_param<'e>(
        op: &'e Element,
        path: &str,
    ) -> Result<Option<&'e Element>, RpcError> {
        let Some(f) = op.children.iter().find(|c| c.name.local == "filter") else {
            return Ok(None);
        };
        let p = format!("{path}/filter");
        match f.attr("type") {
            None | Some("subtree") => Ok(Some(f)),
            Some("xpath") => Err(rpc_error::not_supported(
                "filter",
                &p,
                "xpath filters need the :xpath capability, which this device does not have",
            )),
            Some(other) => Err(rpc_error::bad_attribute(
                ErrorType::Protocol,
                "type",
                "filter",
                &p,
                format!("filter type {other:?} is not subtree"),
            )),
        }
    }

    /// Checks `<with-defaults>` (RFC 6243) when given.
    pub(crate) fn with_defaults_param(&self, op: &Element, path: &str) -> Result<(), RpcError> {
        let Some(w) = op.children.iter().find(|c| c.name.local == "with-defaults") else {
            return Ok(());
        };
        let p = format!("{path}/with-defaults");
        if !self.config.capabilities.with_defaults {
            return Err(rpc_error::unknown_element(
                ErrorType::Protocol,
                "with-defaults",
                &p,
            ));
        }
        match tree::text(w) {
            "report-all" | "trim" | "explicit" | "report-all-tagged" => Ok(()),
            other => Err(rpc_error::invalid_value(
                ErrorType::Protocol,
                "with-defaults",
                &p,
                format!(
                    "with-defaults {other:?} is not report-all, trim, explicit or report-all-tagged"
                ),
            )),
        }
    }

    /// The lock on `ds` if another session than `sid` holds it.
    pub(crate) fn locked_by_other(&self, ds: Datastore, sid: u32) -> Option<u32> {
        self.locks[ds.index()].filter(|&h| h != sid)
    }

    /// Refuses a change to `ds` locked by another session (in-use).
    pub(crate) fn check_writable(&self, ds: Datastore, sid: u32) -> Result<(), RpcError> {
        match self.locked_by_other(ds, sid) {
            Some(h) => Err(rpc_error::in_use(
                h,
                &format!("the {} datastore", ds.as_str()),
            )),
            None => Ok(()),
        }
    }

    /// `<netconf-state>`: capabilities, datastores with their locks, sessions.
    pub(crate) fn netconf_state(&self) -> Element {
        let ns = MONITORING_NS;
        let el = |name: &str| Element::in_ns(name, ns);
        let leaf = |name: &str, v: String| Element::in_ns(name, ns).with_text(v);
        let mut caps = el("capabilities");
        for c in self.capabilities() {
            caps.children.push(leaf("capability", c));
        }
        let mut stores = el("datastores");
        for ds in [Datastore::Running, Datastore::Candidate, Datastore::Startup] {
            if self.store_named(ds.as_str(), "").is_err() {
                continue;
            }
            let mut d = el("datastore").with_child(leaf("name", ds.as_str().into()));
            if let Some(h) = self.locks[ds.index()] {
                d.children.push(el("locks").with_child(
                    el("global-lock").with_child(leaf("locked-by-session", h.to_string())),
                ));
            }
            stores.children.push(d);
        }
        let mut sessions = el("sessions");
        for (id, s) in &self.sessions {
            sessions.children.push(
                el("session")
                    .with_child(leaf("session-id", id.to_string()))
                    .with_child(leaf("transport", "netconf-ssh".into()))
                    .with_child(leaf("username", s.user.clone())),
            );
        }
        el("netconf-state")
            .with_child(caps)
            .with_child(stores)
            .with_child(sessions)
    }
}
