//! Helpers over configuration trees: which namespaces count as the device's
//! own, how siblings are identified (list keys, leaf-list values), the small
//! schema knowledge the text and set formats need, and XPath-like paths for
//! error-path and notifications.
//!
//! Configuration trees are stored with no namespace (but a module's, on the
//! data of NSO's example modules) and no attributes but `inactive`. Every tree the device holds came through the XML parser (at
//! most [`MAX_DEPTH`] deep) or through the text and set parsers (bounded by
//! the same depth), so the recursive walks here are bounded.

use crate::nso::schema::{MODULES, Module};
use confuzz_wire::junos::XNM_NS;
use confuzz_wire::netconf::BASE_NS;
use confuzz_wire::xml::{Attribute, Element, QName, XmlLimits};

/// The deepest tree the device accepts in a request or a load.
pub const MAX_DEPTH: usize = 96;

/// The XML limits requests are parsed with.
pub fn limits() -> XmlLimits {
    XmlLimits {
        max_depth: MAX_DEPTH,
        max_elements: 200_000,
        ..XmlLimits::default()
    }
}

/// Whether `ns` is the device's own configuration namespace: no namespace,
/// the NETCONF base namespace (unprefixed content inside an `<rpc>` lands
/// there) or a Junos namespace.
pub fn is_native(ns: Option<&str>) -> bool {
    match ns {
        None => true,
        Some(n) => {
            n.is_empty()
                || n == BASE_NS
                || n == XNM_NS
                || n.starts_with("http://xml.juniper.net/junos/")
        }
    }
}

/// The YANG module (other than the Junos configuration) whose namespace is
/// `ns`: NSO's example modules, held beside the Junos configuration.
pub fn module_ns(ns: Option<&str>) -> Option<&'static Module> {
    let ns = ns?;
    MODULES.iter().find(|m| !m.is_native() && m.namespace == ns)
}

/// Which tree an element belongs to: `None` for the Junos configuration,
/// the module's namespace for a module's data; `Err` for a namespace the
/// device does not hold.
fn domain(ns: Option<&str>) -> Result<Option<&'static str>, ()> {
    if is_native(ns) {
        return Ok(None);
    }
    module_ns(ns).map(|m| Some(m.namespace)).ok_or(())
}

/// Whether `child` may sit under `parent` (stored or being edited): a
/// child of the `<configuration>` root may be Junos configuration or a
/// module's top node; below that, every element is in its parent's tree.
pub fn fits(parent: &Element, at_root: bool, child: &Element) -> bool {
    match domain(child.namespace.as_deref()) {
        Err(()) => false,
        Ok(_) if at_root => true,
        Ok(d) => domain(parent.namespace.as_deref()) == Ok(d),
    }
}

/// The first element below the `<configuration>` root `root` that does
/// not fit where it is (see [`fits`]).
pub fn misplaced(root: &Element) -> Option<&Element> {
    fn below(e: &Element) -> Option<&Element> {
        e.children
            .iter()
            .find_map(|c| if fits(e, false, c) { below(c) } else { Some(c) })
    }
    root.children.iter().find_map(|c| {
        if fits(root, true, c) {
            below(c)
        } else {
            Some(c)
        }
    })
}

/// The Junos configuration of `root` alone, without the modules' data
/// beside it: what the Junos text and set formats show, which cannot
/// carry a namespace.
pub fn junos_part(root: &Element) -> std::borrow::Cow<'_, Element> {
    let is_module = |c: &Element| module_ns(c.namespace.as_deref()).is_some();
    if !root.children.iter().any(is_module) {
        return std::borrow::Cow::Borrowed(root);
    }
    let mut own = root.clone();
    own.children.retain(|c| !is_module(c));
    std::borrow::Cow::Owned(own)
}

/// The modules' data of `root` (see [`junos_part`]).
pub fn module_part(root: &Element) -> Vec<Element> {
    root.children
        .iter()
        .filter(|c| module_ns(c.namespace.as_deref()).is_some())
        .cloned()
        .collect()
}

/// Whether two namespaces are the same for matching.
pub fn same_ns(a: Option<&str>, b: Option<&str>) -> bool {
    (is_native(a) && is_native(b)) || a == b
}

/// Whether `e` is `local` in a native namespace.
pub fn is_native_named(e: &Element, local: &str) -> bool {
    e.name.local == local && is_native(e.namespace.as_deref())
}

/// Leaf names that hold a set of values (Junos leaf-lists).
const LEAF_LISTS: &[&str] = &[
    "permissions",
    "members",
    "authentication-order",
    "apply-groups",
    "ciphers",
];

/// List element names keyed by `<name>`, wherever they appear.
const LISTS: &[&str] = &[
    "interface",
    "unit",
    "address",
    "group",
    "term",
    "neighbor",
    "policy-statement",
    "host",
    "file",
    "server",
    "prefix-list",
    "filter",
    "route",
    "area",
    "instance",
    "name-server",
    "community",
    "rib",
    "vlan",
];

/// What a statement is, as far as the text and set formats need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A list entry keyed by `<name>`.
    List,
    /// One value of a leaf-list.
    LeafList,
    /// Anything else: a leaf or a container, decided by its content.
    Other,
}

/// The kind of statement `child` under `parent`, not knowing what is
/// above it: `filter` counts as a list (see [`kind_in`]), which the
/// JSON-RPC keypaths and data, deciding by content, can afford.
pub fn kind(parent: &str, child: &str) -> Kind {
    if LEAF_LISTS.contains(&child) {
        return Kind::LeafList;
    }
    match (parent, child) {
        ("login", "class" | "user") => Kind::List,
        (_, "class" | "user") => Kind::Other,
        (_, c) if LISTS.contains(&c) => Kind::List,
        _ => Kind::Other,
    }
}

/// The kind of statement `child` under `parent`, knowing whether it is
/// inside `firewall`: `filter` is a list there (`firewall [family F]
/// filter NAME`) and a container elsewhere (`family inet filter input
/// NAME` binds a filter to an interface).
pub fn kind_in(parent: &str, child: &str, in_firewall: bool) -> Kind {
    match child {
        "filter" if in_firewall || parent == "firewall" => Kind::List,
        "filter" => Kind::Other,
        _ => kind(parent, child),
    }
}

/// The list whose entries are written without their keyword under `parent`
/// (`interfaces { ge-0/0/0 { ... } }` holds `<interface>` entries).
pub fn implicit_list(parent: &str) -> Option<&'static str> {
    match parent {
        "interfaces" => Some("interface"),
        _ => None,
    }
}

/// Containers written on one line with their only child in Junos text
/// (`family inet { ... }`, `then accept;`, `reject tcp-reset;`).
pub fn is_flattened(local: &str) -> bool {
    matches!(local, "family" | "then" | "reject")
}

/// Valueless statements (flags) that may follow a keyword which is not
/// always a container: `then reject tcp-reset` is
/// `<reject><tcp-reset/></reject>`, not a `reject` leaf valued
/// `tcp-reset`. Junos writes a statement that takes no value as an empty
/// element; without this table `keyword word` reads as a leaf and a value.
const FLAGS: &[(&str, &[&str])] = &[(
    "reject",
    &[
        "administratively-prohibited",
        "bad-host-tos",
        "bad-network-tos",
        "fragmentation-needed",
        "host-prohibited",
        "host-unknown",
        "host-unreachable",
        "network-prohibited",
        "network-unknown",
        "network-unreachable",
        "port-unreachable",
        "precedence-cutoff",
        "precedence-violation",
        "protocol-unreachable",
        "source-host-isolated",
        "source-route-failed",
        "tcp-reset",
    ],
)];

/// Whether `word` after `keyword` is a flag inside it (see [`FLAGS`]), so
/// `keyword word` is a container holding the empty element `word`.
pub fn is_flag(keyword: &str, word: &str) -> bool {
    FLAGS
        .iter()
        .any(|(k, flags)| *k == keyword && flags.contains(&word))
}

/// Statements that are always containers, never `name value` leaves (the
/// text and set formats cannot tell `netconf ssh` from `host-name r1`
/// without this).
const CONTAINERS: &[&str] = &[
    "system",
    "services",
    "netconf",
    "ssh",
    "login",
    "authentication",
    "root-authentication",
    "interfaces",
    "family",
    "inet",
    "inet6",
    "protocols",
    "routing-options",
    "policy-options",
    "firewall",
    "snmp",
    "syslog",
    "chassis",
    "security",
    "vlans",
    "ntp",
    "static",
    // Firewall and policy terms: `then accept` is `<then><accept/></then>`.
    "then",
    "from",
];

/// Whether `local` is always a container.
pub fn is_container(local: &str) -> bool {
    CONTAINERS.contains(&local)
}

/// Whether `e` is a leaf: no child elements.
pub fn is_leaf(e: &Element) -> bool {
    e.children.is_empty()
}

/// The key leaves a module's list entry `e` (under `parent`) lacks; empty
/// for an entry with all of them and for anything that is not a module's
/// list entry.
pub fn missing_module_keys(parent: &str, e: &Element) -> Vec<&'static str> {
    let Some(m) = module_ns(e.namespace.as_deref()) else {
        return Vec::new();
    };
    crate::nso::schema::list_keys(m, parent, &e.name.local)
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|k| e.child(k).is_none_or(|c| !is_leaf(c)))
        .collect()
}

/// The list key of `e`: the text of its `<name>` child when that is a leaf.
pub fn key_of(e: &Element) -> Option<&str> {
    e.children
        .iter()
        .find(|c| c.name.local == "name" && c.children.is_empty())
        .map(|c| c.text.trim_matches([' ', '\t', '\r', '\n']))
}

/// Whether `e` (a leaf under `parent`) is one value of a leaf-list.
pub fn is_leaf_list_value(parent: &str, e: &Element) -> bool {
    is_leaf(e) && kind(parent, &e.name.local) == Kind::LeafList
}

/// Trimmed text.
pub fn text(e: &Element) -> &str {
    e.text.trim_matches([' ', '\t', '\r', '\n'])
}

/// The index of the sibling in `siblings` that `e` (under `parent`) refers
/// to: same name and namespace, then the same key for list entries and the
/// same value for leaf-list values.
pub fn find_match(siblings: &[Element], parent: &str, e: &Element) -> Option<usize> {
    if let Some(m) = module_ns(e.namespace.as_deref()) {
        // A module's list entries are told apart by all their schema's
        // key leaves.
        let keys = crate::nso::schema::list_keys(m, parent, &e.name.local).unwrap_or_default();
        return siblings.iter().position(|s| {
            s.name.local == e.name.local
                && s.namespace == e.namespace
                && keys
                    .iter()
                    .all(|k| s.child(k).map(text) == e.child(k).map(text))
        });
    }
    let key = key_of(e);
    let leaf_list = is_leaf_list_value(parent, e);
    siblings.iter().position(|s| {
        s.name.local == e.name.local
            && same_ns(s.namespace.as_deref(), e.namespace.as_deref())
            && match key {
                Some(k) => key_of(s) == Some(k),
                None if leaf_list => text(s) == text(e),
                None => true,
            }
    })
}

/// `e` as stored: no namespace (but a module's, for a module's data), no
/// attributes but `inactive`, whitespace trimmed from leaves.
pub fn normalized(e: &Element) -> Element {
    Element {
        name: QName::local(e.name.local.clone()),
        namespace: stored_ns(e),
        attributes: stored_attributes(e),
        children: e.children.iter().map(normalized).collect(),
        text: if e.children.is_empty() {
            text(e).to_owned()
        } else {
            String::new()
        },
    }
}

/// The namespace `e` is stored in: a module's, or none for the Junos
/// configuration.
pub fn stored_ns(e: &Element) -> Option<String> {
    module_ns(e.namespace.as_deref()).map(|m| m.namespace.to_owned())
}

/// The attributes of `e` a datastore keeps: `inactive` only.
pub fn stored_attributes(e: &Element) -> Vec<Attribute> {
    e.attributes
        .iter()
        .filter(|a| a.namespace.is_none() && a.name.prefix.is_none() && a.name.local == "inactive")
        .map(|a| Attribute::new("inactive", a.value.clone()))
        .collect()
}

/// Puts every native element of `e` in `ns`, so it is written without a
/// namespace declaration inside a reply whose default namespace is `ns`.
pub fn set_native_ns(e: &mut Element, ns: Option<&str>) {
    let unqualified = matches!(e.namespace.as_deref(), None | Some("") | Some(BASE_NS));
    let declares = e.attributes.iter().any(|a| a.declares() == Some(None));
    if unqualified && !declares {
        e.namespace = ns.map(str::to_owned);
    }
    for c in &mut e.children {
        set_native_ns(c, ns);
    }
}

/// One step of a path: an element name and its list key or leaf-list value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The element's local name.
    pub name: String,
    /// `[name='key']` for list entries, `[.='value']` for leaf-list values.
    pub predicate: Option<String>,
}

impl Step {
    /// The step for `e` under `parent`.
    pub fn of(parent: &str, e: &Element) -> Step {
        let predicate = match key_of(e) {
            Some(k) => Some(format!("[name='{}']", quote_xpath(k))),
            None if is_leaf_list_value(parent, e) => {
                Some(format!("[.='{}']", quote_xpath(text(e))))
            }
            None => None,
        };
        Step {
            name: e.name.local.clone(),
            predicate,
        }
    }
}

fn quote_xpath(s: &str) -> String {
    s.replace('\'', "&apos;")
}

/// Writes `prefix` followed by `/name[pred]` for each step.
pub fn path_string(prefix: &str, steps: &[Step]) -> String {
    let mut out = prefix.to_owned();
    for s in steps {
        out.push('/');
        out.push_str(&s.name);
        if let Some(p) = &s.predicate {
            out.push_str(p);
        }
    }
    out
}

/// A rough count of the heap bytes a tree holds.
pub fn approx_size(e: &Element) -> usize {
    let own = std::mem::size_of::<Element>()
        + e.name.local.capacity()
        + e.name.prefix.as_ref().map_or(0, String::capacity)
        + e.namespace.as_ref().map_or(0, String::capacity)
        + e.text.capacity()
        + e.attributes
            .iter()
            .map(|a| {
                std::mem::size_of::<Attribute>() + a.name.local.capacity() + a.value.capacity()
            })
            .sum::<usize>();
    own + e.children.iter().map(approx_size).sum::<usize>()
}

/// The depth of a tree (a leaf is 1).
pub fn depth(e: &Element) -> usize {
    1 + e.children.iter().map(depth).max().unwrap_or(0)
}

/// Whether two trees hold the same configuration, sibling order aside for
/// keyed entries (order of the statements is kept by edits, so a plain
/// comparison is what the device needs).
pub fn same_config(a: &Element, b: &Element) -> bool {
    a == b
}
