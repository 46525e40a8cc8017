//! The kernel objects a configuration puts in force: physical and logical
//! interfaces, their families and addresses, firewall filters, route
//! tables and static routes, each with the JET attributes a kernel event reports.
//!
//! A Junos kernel announces these objects as they appear, change and go;
//! the simulated device has no kernel, so the objects are read from the
//! running `<configuration>` and two readings are compared after a commit.
//! Statements marked `inactive` are not in force and yield no object.

use crate::tree;
use confuzz_wire::jet::{
    Family, FirewallAttributes, IfaAttributes, IfdAttributes, IffAttributes, IflAttributes,
    RouteAttributes, RouteTableAttributes,
};
use confuzz_wire::xml::Element;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The flags of an interface, unit or family that is not disabled (the
/// value the JET guide's example event carries for an added interface).
pub const FLAG_UP: u64 = 8;
/// The flags of a disabled interface or unit.
pub const FLAG_DOWN: u64 = 0;
/// The `client-id` of filters installed from the configuration (by `mgd`).
pub const CONFIG_CLIENT: &str = "mgd";

/// One kernel object with the attributes of its family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelObject {
    /// A physical interface (`interfaces interface NAME`).
    Ifd(IfdAttributes),
    /// A logical interface (`... unit N`).
    Ifl(IflAttributes),
    /// A protocol family of a logical interface (`... family inet`).
    Iff(IffAttributes),
    /// An address of a family (`... family inet address A/L`).
    Ifa(IfaAttributes),
    /// A firewall filter (`firewall [family F] filter NAME`).
    Firewall(FirewallAttributes),
    /// A static route (`routing-options [rib T] static route P`).
    Route(RouteAttributes),
    /// A route table of a routing instance or a `rib` (not `inet.0` or
    /// `inet6.0` of the master instance, which always exist).
    RouteTable(RouteTableAttributes),
}

impl KernelObject {
    /// The event family.
    pub fn family(&self) -> Family {
        match self {
            KernelObject::Ifd(_) => Family::Ifd,
            KernelObject::Ifl(_) => Family::Ifl,
            KernelObject::Iff(_) => Family::Iff,
            KernelObject::Ifa(_) => Family::Ifa,
            KernelObject::Firewall(_) => Family::Firewall,
            KernelObject::Route(_) => Family::Route,
            KernelObject::RouteTable(_) => Family::RouteTable,
        }
    }
}

/// Where an object sits and what it is: the key orders objects of one
/// family and tells the same object in two configurations apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObjectKey {
    /// The family's place in the parent-first order (IFD before IFL ...).
    pub rank: u8,
    /// The object's name within its family, e.g. `ge-0/0/0.0 inet 192.0.2.1/32`.
    pub name: String,
}

/// An object and its fingerprint: the configuration it was read from
/// (without the objects below it), so that a change of any statement of
/// the object shows even when its attributes stay the same.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The object.
    pub object: KernelObject,
    /// The object's own statements, serialized.
    pub fingerprint: Vec<u8>,
}

/// The objects of a configuration, by key.
pub type Objects = BTreeMap<ObjectKey, Reading>;

fn rank(family: Family) -> u8 {
    match family {
        Family::Ifd => 0,
        Family::Ifl => 1,
        Family::Iff => 2,
        Family::Ifa => 3,
        Family::Firewall => 4,
        // A table before its routes, so routes are added after their
        // table and deleted before it.
        Family::RouteTable => 5,
        Family::Route => 6,
    }
}

fn active(e: &Element) -> bool {
    e.attr("inactive").is_none()
}

fn kids<'e>(e: &'e Element, local: &'e str) -> impl Iterator<Item = &'e Element> + 'e {
    e.children_named(local).filter(|c| active(c))
}

fn name_of(e: &Element) -> Option<&str> {
    tree::key_of(e).filter(|n| !n.is_empty())
}

/// `e` without its children named in `below`, serialized.
fn fingerprint(e: &Element, below: &[&str]) -> Vec<u8> {
    let mut own = e.clone();
    own.children
        .retain(|c| !below.contains(&c.name.local.as_str()));
    own.to_canonical()
}

/// A stable SNMP ifIndex for an interface name: the same name always gets
/// the same index (FNV-1a folded into 500..=65_535, above the indexes a
/// Junos box gives its internal interfaces).
pub fn snmp_id(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    500 + h % (65_536 - 500)
}

/// A filter's version: changes whenever the filter's terms change.
fn version_of(fp: &[u8]) -> u64 {
    let mut h: u32 = 0x811c_9dc5;
    for b in fp {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    u64::from(h)
}

fn table_for(family: &str) -> String {
    format!("default.{family}.0")
}

/// The local, destination (subnet) and broadcast addresses of `A/L`, each
/// with its length; `None` when it is not an address with a length.
pub fn address_parts(addr: &str) -> Option<(String, String, String)> {
    let (a, l) = addr.split_once('/').unwrap_or((addr, ""));
    let ip: IpAddr = a.parse().ok()?;
    match ip {
        IpAddr::V4(v4) => {
            let len: u32 = if l.is_empty() { 32 } else { l.parse().ok()? };
            if len > 32 {
                return None;
            }
            let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
            let bits = u32::from(v4);
            let net = Ipv4Addr::from(bits & mask);
            let bcast = Ipv4Addr::from(bits | !mask);
            Some((
                format!("{v4}/32"),
                format!("{net}/{len}"),
                format!("{bcast}/32"),
            ))
        }
        IpAddr::V6(v6) => {
            let len: u32 = if l.is_empty() { 128 } else { l.parse().ok()? };
            if len > 128 {
                return None;
            }
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len)
            };
            let net = Ipv6Addr::from(u128::from(v6) & mask);
            Some((format!("{v6}/128"), format!("{net}/{len}"), String::new()))
        }
    }
}

/// Where filters are bound: filter name to `(interface.unit, direction)`.
fn bindings(config: &Element) -> BTreeMap<String, (String, &'static str)> {
    let mut out = BTreeMap::new();
    let Some(ifs) = config.child("interfaces").filter(|e| active(e)) else {
        return out;
    };
    for i in kids(ifs, "interface") {
        let Some(ifd) = name_of(i) else { continue };
        for u in kids(i, "unit") {
            let Some(unit) = name_of(u) else { continue };
            for fam in kids(u, "family").flat_map(|f| f.children.iter().filter(|c| active(c))) {
                for filter in kids(fam, "filter") {
                    for dir in ["input", "output"] {
                        // `input NAME`, or Junos XML's `<input><filter-name>NAME</...>`.
                        let name = filter.child(dir).map(|d| {
                            d.child("filter-name")
                                .map_or_else(|| tree::text(d), tree::text)
                        });
                        if let Some(name) = name.filter(|n| !n.is_empty()) {
                            out.entry(name.to_owned())
                                .or_insert_with(|| (format!("{ifd}.{unit}"), dir));
                        }
                    }
                }
            }
        }
    }
    out
}

/// The kernel objects of `config` (a `<configuration>` root), at most
/// `limit` of them.
pub fn objects(config: &Element, limit: usize) -> Objects {
    let mut out = Objects::new();
    let mut put = |out: &mut Objects, name: String, object: KernelObject, fp: Vec<u8>| {
        if out.len() < limit {
            let key = ObjectKey {
                rank: rank(object.family()),
                name,
            };
            out.insert(
                key,
                Reading {
                    object,
                    fingerprint: fp,
                },
            );
        }
    };
    if let Some(ifs) = config.child("interfaces").filter(|e| active(e)) {
        for i in kids(ifs, "interface") {
            let Some(ifd) = name_of(i) else { continue };
            let ifd_up = i.child("disable").is_none();
            let flags = |up: bool| if up { FLAG_UP } else { FLAG_DOWN };
            put(
                &mut out,
                ifd.to_owned(),
                KernelObject::Ifd(IfdAttributes {
                    name: ifd.to_owned(),
                    snmp_id: snmp_id(ifd),
                    flags: flags(ifd_up),
                }),
                fingerprint(i, &["unit"]),
            );
            for u in kids(i, "unit") {
                let Some(subunit) = name_of(u).and_then(|n| n.parse::<u32>().ok()) else {
                    continue;
                };
                let ifl = format!("{ifd}.{subunit}");
                let up = ifd_up && u.child("disable").is_none();
                put(
                    &mut out,
                    ifl.clone(),
                    KernelObject::Ifl(IflAttributes {
                        name: ifd.to_owned(),
                        subunit,
                        snmp_id: snmp_id(&ifl),
                        flags: flags(up),
                    }),
                    fingerprint(u, &["family"]),
                );
                for fam in kids(u, "family").flat_map(|f| f.children.iter().filter(|c| active(c))) {
                    let family = fam.name.local.as_str();
                    put(
                        &mut out,
                        format!("{ifl} {family}"),
                        KernelObject::Iff(IffAttributes {
                            name: ifd.to_owned(),
                            subunit,
                            family: family.to_owned(),
                            table_name: table_for(family),
                            flags: flags(up),
                        }),
                        fingerprint(fam, &["address"]),
                    );
                    for a in kids(fam, "address") {
                        let Some(addr) = name_of(a) else { continue };
                        let Some((local, dest, bcast)) = address_parts(addr) else {
                            continue;
                        };
                        put(
                            &mut out,
                            format!("{ifl} {family} {local}"),
                            KernelObject::Ifa(IfaAttributes {
                                name: ifd.to_owned(),
                                subunit,
                                family: family.to_owned(),
                                local_address: local,
                                destination_address: dest,
                                broadcast_address: bcast,
                                flags: flags(up),
                            }),
                            fingerprint(a, &[]),
                        );
                    }
                }
            }
        }
    }
    firewall_objects(config, &mut out, &mut put);
    route_objects(config, &mut out, &mut put);
    out
}

type Put<'a> = dyn FnMut(&mut Objects, String, KernelObject, Vec<u8>) + 'a;

fn firewall_objects(config: &Element, out: &mut Objects, put: &mut Put<'_>) {
    let Some(fw) = config.child("firewall").filter(|e| active(e)) else {
        return;
    };
    let bound = bindings(config);
    let plain = kids(fw, "filter").map(|f| ("inet", f));
    let by_family = kids(fw, "family")
        .flat_map(|f| f.children.iter().filter(|c| active(c)))
        .flat_map(|fam| kids(fam, "filter").map(move |f| (fam.name.local.as_str(), f)));
    for (protocol, f) in plain.chain(by_family) {
        let Some(name) = name_of(f) else { continue };
        let fp = fingerprint(f, &[]);
        let (interface_name, filter_type) = match bound.get(name) {
            Some((ifl, dir)) => (ifl.clone(), *dir),
            None => (String::new(), "unbound"),
        };
        let mut fp_all = fp.clone();
        fp_all.extend_from_slice(interface_name.as_bytes());
        put(
            out,
            name.to_owned(),
            KernelObject::Firewall(FirewallAttributes {
                name: name.to_owned(),
                version: version_of(&fp),
                client_id: CONFIG_CLIENT.to_owned(),
                filter_type: filter_type.to_owned(),
                protocol: protocol.to_owned(),
                interface_name,
                flags: FLAG_UP,
            }),
            fp_all,
        );
    }
}

/// The tables every Junos device has, never announced as added or deleted.
const DEFAULT_TABLES: &[&str] = &["inet.0", "inet6.0"];

/// The address family of a table name: `inet` for `inet.0` and
/// `blue.inet.0`, `inet6` for `inet6.3`, `mpls` for `mpls.0`.
fn table_family(table: &str) -> &str {
    let mut parts: Vec<&str> = table.split('.').collect();
    // `<instance>.<family>.<n>` or `<family>.<n>`.
    parts.pop();
    parts.pop().unwrap_or(table)
}

/// Route tables and static routes: those of the master instance
/// (`routing-options [rib T] static route P`) and those of each routing
/// instance (`routing-instances NAME`, whose table is `NAME.inet.0`).
fn route_objects(config: &Element, out: &mut Objects, put: &mut Put<'_>) {
    if let Some(ro) = config.child("routing-options").filter(|e| active(e)) {
        instance_routes(ro, None, out, put);
    }
    let Some(ris) = config.child("routing-instances").filter(|e| active(e)) else {
        return;
    };
    for ri in kids(ris, "instance") {
        let Some(name) = name_of(ri) else { continue };
        let table = format!("{name}.inet.0");
        let fp = ri
            .child("instance-type")
            .map_or_else(Vec::new, |t| t.to_canonical());
        put_table(&table, fp, out, put);
        if let Some(ro) = ri.child("routing-options").filter(|e| active(e)) {
            instance_routes(ro, Some(name), out, put);
        }
    }
}

fn put_table(table: &str, fingerprint: Vec<u8>, out: &mut Objects, put: &mut Put<'_>) {
    put(
        out,
        table.to_owned(),
        KernelObject::RouteTable(RouteTableAttributes {
            name: table.to_owned(),
            logical_router_name: "default".to_owned(),
            address_family: table_family(table).to_owned(),
            flags: FLAG_UP,
        }),
        fingerprint,
    );
}

/// The tables (`rib T`) and static routes of one `routing-options`, in the
/// master instance (`instance` is `None`) or a routing instance.
fn instance_routes(ro: &Element, instance: Option<&str>, out: &mut Objects, put: &mut Put<'_>) {
    let main = kids(ro, "static").map(|s| (None, s));
    for r in kids(ro, "rib") {
        let Some(rib) = name_of(r) else { continue };
        if instance.is_some() || !DEFAULT_TABLES.contains(&rib) {
            put_table(rib, fingerprint(r, &["static"]), out, put);
        }
    }
    let ribs = kids(ro, "rib").flat_map(|r| kids(r, "static").map(move |s| (name_of(r), s)));
    for (rib, st) in main.chain(ribs) {
        for r in kids(st, "route") {
            let Some(prefix) = name_of(r) else { continue };
            let Some((address, len)) = prefix.split_once('/') else {
                continue;
            };
            let Ok(ip) = address.parse::<IpAddr>() else {
                continue;
            };
            let family = if ip.is_ipv4() { "inet" } else { "inet6" };
            let table = match (rib, instance) {
                (Some(t), _) => t.to_owned(),
                (None, Some(i)) => format!("{i}.{family}.0"),
                (None, None) => format!("{family}.0"),
            };
            let hops = kids(r, "next-hop")
                .map(|h| tree::text(h).to_owned())
                .filter(|h| !h.is_empty())
                .collect();
            put(
                out,
                format!("{table} {prefix}"),
                KernelObject::Route(RouteAttributes {
                    table_name: table,
                    logical_router_name: "default".to_owned(),
                    address_family: family.to_owned(),
                    route_type: "static".to_owned(),
                    route_prefix: format!("{ip}/{len}"),
                    next_hop_addresses: hops,
                    flags: FLAG_UP,
                }),
                fingerprint(r, &[]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_parts_give_local_subnet_and_broadcast() {
        assert_eq!(
            address_parts("192.168.10.1/24"),
            Some((
                "192.168.10.1/32".into(),
                "192.168.10.0/24".into(),
                "192.168.10.255/32".into()
            ))
        );
        assert_eq!(
            address_parts("2001:db8::1/64").map(|p| p.1),
            Some("2001:db8::/64".into())
        );
        assert_eq!(address_parts("not-an-address/24"), None);
        assert_eq!(address_parts("10.0.0.1/33"), None);
    }

    #[test]
    fn snmp_ids_are_stable_and_in_range() {
        assert_eq!(snmp_id("ge-0/0/0"), snmp_id("ge-0/0/0"));
        assert_ne!(snmp_id("ge-0/0/0"), snmp_id("ge-0/0/1"));
        for n in ["", "lo0", "ge-0/0/0.0"] {
            assert!((500..65_536).contains(&snmp_id(n)));
        }
    }

    #[test]
    fn a_bound_filter_names_its_interface_and_direction() {
        let config = Element::new("configuration")
            .with_child(
                Element::new("interfaces").with_child(
                    Element::new("interface")
                        .with_child(Element::new("name").with_text("lo0"))
                        .with_child(
                            Element::new("unit")
                                .with_child(Element::new("name").with_text("0"))
                                .with_child(Element::new("family").with_child(
                                    Element::new("inet").with_child(
                                        Element::new("filter").with_child(
                                            Element::new("input").with_child(
                                                Element::new("filter-name").with_text("protect-re"),
                                            ),
                                        ),
                                    ),
                                )),
                        ),
                ),
            )
            .with_child(Element::new("firewall").with_child(
                Element::new("filter").with_child(Element::new("name").with_text("protect-re")),
            ));
        let objs = objects(&config, 100);
        let fw = objs
            .values()
            .find_map(|r| match &r.object {
                KernelObject::Firewall(f) => Some(f.clone()),
                _ => None,
            })
            .expect("the filter is an object");
        assert_eq!(fw.interface_name, "lo0.0");
        assert_eq!(fw.filter_type, "input");
        assert_eq!(fw.protocol, "inet");
    }
}
