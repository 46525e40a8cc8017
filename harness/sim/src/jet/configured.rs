//! Looks up the objects the JET firewall and interfaces services work on
//! in a `<configuration>`: interfaces, units, families, addresses, inet
//! filters and their bindings. The services change the configuration with
//! `set`/`delete` commands and check here first, so that a missing object
//! gets its own answer instead of a silent no-op.

use crate::tree;
use confuzz_wire::xml::Element;

fn named<'e>(parent: &'e Element, list: &'e str, name: &str) -> Option<&'e Element> {
    parent
        .children_named(list)
        .find(|e| tree::key_of(e) == Some(name))
}

/// `interfaces interface IFD`.
pub fn interface<'e>(config: &'e Element, ifd: &str) -> Option<&'e Element> {
    named(config.child("interfaces")?, "interface", ifd)
}

/// `interfaces interface IFD unit UNIT`.
pub fn unit<'e>(config: &'e Element, ifd: &str, unit: u32) -> Option<&'e Element> {
    named(interface(config, ifd)?, "unit", &unit.to_string())
}

/// `interfaces interface IFD unit UNIT family FAMILY`.
pub fn family<'e>(config: &'e Element, ifd: &str, u: u32, family: &str) -> Option<&'e Element> {
    unit(config, ifd, u)?.child("family")?.child(family)
}

/// The configured name (`A/L`) of the address of `family` whose address
/// part is `ip` (`A`, or `A/L` with any length).
pub fn address(config: &Element, ifd: &str, u: u32, fam: &str, ip: &str) -> Option<String> {
    let want = ip.split('/').next().unwrap_or(ip);
    family(config, ifd, u, fam)?
        .children_named("address")
        .filter_map(tree::key_of)
        .find(|a| a.split('/').next() == Some(want))
        .map(str::to_owned)
}

/// Where inet filter `name` is defined: `firewall family inet filter` or
/// `firewall filter` (inet too, the Junos default family).
pub fn inet_filter(config: &Element, name: &str) -> Option<&'static str> {
    let fw = config.child("firewall")?;
    if let Some(inet) = fw.child("family").and_then(|f| f.child("inet"))
        && named(inet, "filter", name).is_some()
    {
        return Some("firewall family inet filter");
    }
    named(fw, "filter", name).map(|_| "firewall filter")
}

/// The inet filter bound to `ifd.u` in direction `dir` (`input` or
/// `output`).
pub fn bound_filter(config: &Element, ifd: &str, u: u32, dir: &str) -> Option<String> {
    let d = family(config, ifd, u, "inet")?
        .child("filter")?
        .child(dir)?;
    let name = d
        .child("filter-name")
        .map_or_else(|| tree::text(d), tree::text);
    (!name.is_empty()).then(|| name.to_owned())
}

/// A leaf of `e` as text.
pub fn leaf<'e>(e: &'e Element, name: &str) -> Option<&'e str> {
    e.child(name).map(tree::text).filter(|t| !t.is_empty())
}
