//! The modules JSON-RPC keypaths address, and how a keypath maps onto the
//! device's configuration tree.
//!
//! The device keeps one `<configuration>` tree. The Junos configuration is
//! its native content (module `junos-conf-root`, prefix `junos`); the two
//! example modules of the NSO manual, and `accounts` (a list keyed by two
//! leaves, so keypaths with several keys have data to address), live
//! beside it as children of `<configuration>` in their own namespaces, so
//! NETCONF `<get-config>` shows them and a JSON-RPC commit changes what
//! NETCONF reads.

use crate::tree;
use confuzz_wire::jsonrpc::{Keypath, KeypathNode};
use confuzz_wire::junos::XNM_NS;
use confuzz_wire::xml::Element;

/// Namespace of the `dhcp` example module.
pub const DHCP_NS: &str = "http://yang-central.org/ns/example/dhcp";
/// Namespace of the `devices` example module.
pub const DEVICES_NS: &str = "http://acme.com/ns/devices";
/// Namespace of the `accounts` example module.
pub const ACCOUNTS_NS: &str = "http://acme.com/ns/accounts";

/// A YANG module the simulated device serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Module {
    /// The module name (`dhcp`).
    pub name: &'static str,
    /// Its prefix, compulsory on a keypath's first node.
    pub prefix: &'static str,
    /// Its namespace.
    pub namespace: &'static str,
    /// The name of its top-level node.
    pub top: &'static str,
}

impl Module {
    /// Whether this is the device's own (Junos) configuration, stored
    /// without a namespace.
    pub fn is_native(&self) -> bool {
        self.namespace == XNM_NS
    }

    /// The namespace elements of this module carry in the tree.
    pub fn element_ns(&self) -> Option<&'static str> {
        (!self.is_native()).then_some(self.namespace)
    }
}

/// Every module, in the order `get_module_prefix_map` lists them.
pub const MODULES: &[Module] = &[
    Module {
        name: "junos-conf-root",
        prefix: "junos",
        namespace: XNM_NS,
        top: "configuration",
    },
    Module {
        name: "dhcp",
        prefix: "dhcp",
        namespace: DHCP_NS,
        top: "dhcp",
    },
    Module {
        name: "devices",
        prefix: "d",
        namespace: DEVICES_NS,
        top: "config",
    },
    Module {
        name: "accounts",
        prefix: "acct",
        namespace: ACCOUNTS_NS,
        top: "accounts",
    },
];

/// The module with `prefix` (or module name, which NSO also accepts).
pub fn module_by_prefix(prefix: &str) -> Option<&'static Module> {
    MODULES
        .iter()
        .find(|m| m.prefix == prefix || m.name == prefix)
}

/// The module an element directly under `<configuration>` belongs to.
pub fn module_of(e: &Element) -> &'static Module {
    MODULES
        .iter()
        .skip(1)
        .find(|m| e.namespace.as_deref() == Some(m.namespace))
        .unwrap_or(&MODULES[0])
}

/// A leaf's type in the example modules, for validation and `get_schema`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafType {
    /// Any text.
    String,
    /// 0 to 4294967295.
    Uint32,
}

impl LeafType {
    /// The YANG type name.
    pub fn name(self) -> &'static str {
        match self {
            LeafType::String => "string",
            LeafType::Uint32 => "uint32",
        }
    }
}

/// What a node is, as far as the example modules' schemas say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A container.
    Container,
    /// A list keyed by the named leaves, in the order keypaths give them.
    List(&'static [&'static str]),
    /// A leaf.
    Leaf(LeafType),
}

/// The schema of the example modules: (module, parent, name, kind).
const EXAMPLE_SCHEMA: &[(&str, &str, &str, Kind)] = &[
    ("dhcp", "", "dhcp", Kind::Container),
    (
        "dhcp",
        "dhcp",
        "max-lease-time",
        Kind::Leaf(LeafType::Uint32),
    ),
    (
        "dhcp",
        "dhcp",
        "default-lease-time",
        Kind::Leaf(LeafType::Uint32),
    ),
    ("dhcp", "dhcp", "log-facility", Kind::Leaf(LeafType::String)),
    ("devices", "", "config", Kind::Container),
    (
        "devices",
        "config",
        "description",
        Kind::Leaf(LeafType::String),
    ),
    ("devices", "config", "device", Kind::List(&["interface"])),
    (
        "devices",
        "device",
        "interface",
        Kind::Leaf(LeafType::String),
    ),
    ("devices", "device", "date", Kind::Leaf(LeafType::String)),
    ("accounts", "", "accounts", Kind::Container),
    (
        "accounts",
        "accounts",
        "account",
        Kind::List(&["realm", "username"]),
    ),
    ("accounts", "account", "realm", Kind::Leaf(LeafType::String)),
    (
        "accounts",
        "account",
        "username",
        Kind::Leaf(LeafType::String),
    ),
    (
        "accounts",
        "account",
        "full-name",
        Kind::Leaf(LeafType::String),
    ),
    ("accounts", "account", "quota", Kind::Leaf(LeafType::Uint32)),
];

/// The schema kind of `name` under `parent` in an example module; `None`
/// for the Junos configuration (free-form) or an unknown node.
pub fn example_kind(module: &Module, parent: &str, name: &str) -> Option<Kind> {
    EXAMPLE_SCHEMA
        .iter()
        .find(|(m, p, n, _)| *m == module.name && *p == parent && *n == name)
        .map(|(_, _, _, k)| *k)
}

/// The children the schema declares under `parent` in an example module.
pub fn example_children(module: &Module, parent: &str) -> Vec<(&'static str, Kind)> {
    EXAMPLE_SCHEMA
        .iter()
        .filter(|(m, p, _, _)| *m == module.name && *p == parent)
        .map(|(_, _, n, k)| (*n, *k))
        .collect()
}

/// The key leaves of list `name` under `parent`, in order, if it is a list.
pub fn list_keys(module: &Module, parent: &str, name: &str) -> Option<&'static [&'static str]> {
    if module.is_native() {
        let keyed = tree::kind(parent, name) == tree::Kind::List
            || tree::implicit_list(parent) == Some(name);
        keyed.then_some(&["name"])
    } else {
        match example_kind(module, parent, name) {
            Some(Kind::List(k)) => Some(k),
            _ => None,
        }
    }
}

/// One resolved step of a keypath: an element and, for a list entry, its
/// key leaves and values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Step {
    /// The element's local name.
    pub name: String,
    /// Each key leaf's name and value, in the list's key order, for a list
    /// entry; empty for anything else (and for a list as a whole).
    pub keys: Vec<(String, String)>,
}

impl Step {
    /// A step without keys.
    pub fn named(name: impl Into<String>) -> Step {
        Step {
            name: name.into(),
            keys: Vec::new(),
        }
    }
}

/// A keypath resolved against the modules: which module and the steps
/// below `<configuration>` (empty for the Junos root itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The module of the first node.
    pub module: &'static Module,
    /// The steps from the child of `<configuration>` down.
    pub steps: Vec<Step>,
}

/// Why a keypath names nothing the device has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The first node has no prefix, or an unknown one.
    #[error("unknown module prefix {0:?}: see get_module_prefix_map")]
    UnknownPrefix(String),
    /// A node the module's schema does not have.
    #[error("{0:?} is not in the schema of module {1}")]
    UnknownNode(String, &'static str),
    /// Keys on a node that is not a list, or the wrong number of keys.
    #[error("{0}")]
    BadKeys(String),
}

/// Maps `path` onto the tree. A tag path (no keys on a list) is accepted:
/// the step then has no key and addresses the list as a whole.
pub fn resolve(path: &Keypath) -> Result<Resolved, PathError> {
    let Some(first) = path.nodes.first() else {
        return Ok(Resolved {
            module: &MODULES[0],
            steps: Vec::new(),
        });
    };
    let prefix = first.prefix.clone().unwrap_or_default();
    let module = module_by_prefix(&prefix).ok_or(PathError::UnknownPrefix(prefix))?;
    let mut nodes: &[KeypathNode] = &path.nodes;
    if module.is_native() && first.name == "configuration" {
        if !first.keys.is_empty() {
            return Err(PathError::BadKeys("configuration is not a list".into()));
        }
        nodes = &nodes[1..];
    } else if !module.is_native() && first.name != module.top {
        return Err(PathError::UnknownNode(first.name.clone(), module.name));
    }
    let mut steps = Vec::with_capacity(nodes.len());
    let mut parent = if module.is_native() {
        "configuration"
    } else {
        ""
    };
    for n in nodes {
        if let Some(p) = &n.prefix
            && module_by_prefix(p) != Some(module)
        {
            return Err(PathError::UnknownPrefix(p.clone()));
        }
        if !module.is_native() && example_kind(module, parent, &n.name).is_none() {
            return Err(PathError::UnknownNode(n.name.clone(), module.name));
        }
        let keys = match list_keys(module, parent, &n.name) {
            _ if n.keys.is_empty() => Vec::new(),
            Some(names) if names.len() == n.keys.len() => names
                .iter()
                .zip(&n.keys)
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            Some(names) => return Err(wrong_key_count(&n.name, names, n.keys.len())),
            None => {
                return Err(PathError::BadKeys(format!("{} is not a list", n.name)));
            }
        };
        steps.push(Step {
            name: n.name.clone(),
            keys,
        });
        parent = &n.name;
    }
    Ok(Resolved { module, steps })
}

/// The error for `given` keys on list `list` keyed by `names`.
fn wrong_key_count(list: &str, names: &[&str], given: usize) -> PathError {
    let upper: Vec<String> = names.iter().map(|k| k.to_uppercase()).collect();
    PathError::BadKeys(format!(
        "list {list} is keyed by {} ({}), {given} given: write {list}{{{}}}, keys separated by spaces",
        if names.len() == 1 {
            "one leaf".to_owned()
        } else {
            format!("{} leaves", names.len())
        },
        names.join(", "),
        upper.join(" ")
    ))
}

/// The keypath text of `steps` in `module` (the canonical NSO form: keys
/// quoted and escaped as NSO clients write them).
pub fn keypath_text(module: &Module, steps: &[Step]) -> String {
    let mut nodes = Vec::with_capacity(steps.len() + 1);
    if module.is_native() {
        nodes.push(KeypathNode::prefixed(module.prefix, "configuration"));
    }
    for (i, s) in steps.iter().enumerate() {
        let mut n = if nodes.is_empty() && i == 0 {
            KeypathNode::prefixed(module.prefix, s.name.clone())
        } else {
            KeypathNode::new(s.name.clone())
        };
        if !s.keys.is_empty() {
            n = n.with_keys(s.keys.iter().map(|(_, v)| v.clone()));
        }
        nodes.push(n);
    }
    Keypath { nodes }.to_string()
}

/// The example modules' data a fresh device holds (the values of the NSO
/// manual's examples), as children of `<configuration>`; `accounts` starts
/// empty.
pub fn example_config() -> Vec<Element> {
    let d = |n: &str| Element::in_ns(n, DHCP_NS);
    let v = |n: &str| Element::in_ns(n, DEVICES_NS);
    vec![
        d("dhcp")
            .with_child(d("max-lease-time").with_text("7200"))
            .with_child(d("default-lease-time").with_text("600")),
        v("config").with_child(
            v("device")
                .with_child(v("interface").with_text("eth0"))
                .with_child(v("date").with_text("2023-11-14")),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use confuzz_wire::jsonrpc::parse_keypath;

    #[test]
    fn resolves_the_manuals_keypaths() {
        let r = resolve(&parse_keypath("/d:config/device{eth0}/date").unwrap()).unwrap();
        assert_eq!(r.module.name, "devices");
        assert_eq!(
            r.steps[1].keys,
            [("interface".to_owned(), "eth0".to_owned())]
        );
        let r = resolve(&parse_keypath("/junos:configuration/system/host-name").unwrap()).unwrap();
        assert_eq!(r.steps.len(), 2);
        assert!(resolve(&parse_keypath("/x:dhcp").unwrap()).is_err());
        assert!(resolve(&parse_keypath("/dhcp:dhcp/nope").unwrap()).is_err());
        assert_eq!(
            keypath_text(r.module, &r.steps),
            "/junos:configuration/system/host-name"
        );
    }

    #[test]
    fn a_list_with_two_keys_takes_both_in_order_and_writes_them_back_quoted() {
        let text = r#"/acct:accounts/account{"Sales Dept" o\'brien\{x\}}/quota"#;
        let r = resolve(&parse_keypath(text).unwrap()).unwrap();
        assert_eq!(r.module.name, "accounts");
        assert_eq!(
            r.steps[1].keys,
            [
                ("realm".to_owned(), "Sales Dept".to_owned()),
                ("username".to_owned(), "o'brien{x}".to_owned())
            ]
        );
        assert_eq!(keypath_text(r.module, &r.steps), text);
        let tag = resolve(&parse_keypath("/acct:accounts/account/quota").unwrap()).unwrap();
        assert!(tag.steps[1].keys.is_empty());
    }

    #[test]
    fn a_wrong_number_of_keys_names_the_keys_the_list_wants() {
        for text in [
            "/acct:accounts/account{sales}",
            "/acct:accounts/account{a b c}",
            "/d:config/device{eth0 eth1}",
        ] {
            let err = resolve(&parse_keypath(text).unwrap()).unwrap_err();
            let PathError::BadKeys(why) = &err else {
                panic!("{text}: {err:?}");
            };
            assert!(
                why.contains("account{REALM USERNAME}") || why.contains("device{INTERFACE}"),
                "{text}: {why}"
            );
        }
    }
}
