//! Typed Junos reply bodies for the requests in [`request`](super::Request):
//! `<chassis-inventory>`, `<software-information>`,
//! `<load-configuration-results>`, `<commit-results>`, `<end-session/>`.

use super::XnmDiagnostic;
use crate::Violation;
use crate::netconf::Parsed;
use crate::xml::{Attribute, Element, QName, RawElement, XmlError, XmlLimits};

/// A typed reply body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// `<chassis-inventory>`.
    ChassisInventory(ChassisInventory),
    /// `<software-information>`.
    SoftwareInformation(SoftwareInformation),
    /// `<load-configuration-results>`.
    LoadConfigurationResults(LoadConfigurationResults),
    /// `<commit-results>`.
    CommitResults(CommitResults),
    /// `<end-session/>`.
    EndSession,
    /// Anything else, as a tree.
    Other(Element),
}

/// `<chassis-inventory>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChassisInventory {
    /// Attributes of `<chassis-inventory>` (its `xmlns`, naming the
    /// release's `junos-chassis` namespace).
    pub attributes: Vec<Attribute>,
    /// One `<chassis>` per chassis (more in a multi-chassis system).
    pub chassis: Vec<Chassis>,
}

/// `<chassis>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chassis {
    /// Attributes (`junos:style="inventory"`).
    pub attributes: Vec<Attribute>,
    /// `name`, e.g. `Chassis`.
    pub name: Option<String>,
    /// `serial-number`.
    pub serial_number: Option<String>,
    /// `description`, e.g. `MX480`.
    pub description: Option<String>,
    /// `chassis-module` list.
    pub modules: Vec<ChassisModule>,
}

/// `<chassis-module>` and its nested `<chassis-sub-module>`,
/// `<chassis-sub-sub-module>` and `<chassis-sub-sub-sub-module>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChassisModule {
    /// `name`, e.g. `Routing Engine 0`.
    pub name: Option<String>,
    /// `version`, e.g. `REV 07`.
    pub version: Option<String>,
    /// `part-number`.
    pub part_number: Option<String>,
    /// `serial-number`.
    pub serial_number: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `clei-code`.
    pub clei_code: Option<String>,
    /// `model-number`.
    pub model_number: Option<String>,
    /// The next level of modules (three levels below `chassis-module` at
    /// most, as Junos nests them; deeper levels are not read or written).
    pub sub_modules: Vec<ChassisModule>,
}

/// `<software-information>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SoftwareInformation {
    /// `host-name`.
    pub host_name: Option<String>,
    /// `product-model`, e.g. `mx480`.
    pub product_model: Option<String>,
    /// `product-name`.
    pub product_name: Option<String>,
    /// `junos-version`, e.g. `20.4R3.8`.
    pub junos_version: Option<String>,
    /// `package-information` list.
    pub packages: Vec<PackageInformation>,
}

/// `<package-information>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackageInformation {
    /// `name`.
    pub name: Option<String>,
    /// `comment`, e.g. `JUNOS Base OS boot [20.4R3.8]`.
    pub comment: Option<String>,
}

/// `<load-configuration-results>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadConfigurationResults {
    /// `<xnm:error>` / `<xnm:warning>` children.
    pub diagnostics: Vec<XnmDiagnostic>,
    /// `<load-success/>`.
    pub load_success: bool,
    /// `<load-error-count>`.
    pub load_error_count: Option<u32>,
}

/// `<commit-results>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommitResults {
    /// `<routing-engine>` entries.
    pub routing_engines: Vec<RoutingEngineCommit>,
    /// `<xnm:error>` / `<xnm:warning>` children.
    pub diagnostics: Vec<XnmDiagnostic>,
    /// `<commit-success/>` directly inside.
    pub commit_success: bool,
    /// `<commit-check-success/>` directly inside.
    pub commit_check_success: bool,
}

/// `<routing-engine>` inside `<commit-results>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoutingEngineCommit {
    /// Attributes (`junos:style="normal"`).
    pub attributes: Vec<Attribute>,
    /// `name`, e.g. `re0`.
    pub name: Option<String>,
    /// `<commit-success/>`.
    pub commit_success: bool,
    /// `<commit-check-success/>`.
    pub commit_check_success: bool,
    /// Diagnostics reported for this Routing Engine.
    pub diagnostics: Vec<XnmDiagnostic>,
}

impl CommitResults {
    /// Whether the commit (or check) succeeded: no error and a success mark.
    pub fn succeeded(&self) -> bool {
        let errors = self
            .diagnostics
            .iter()
            .chain(self.routing_engines.iter().flat_map(|r| &r.diagnostics))
            .any(|d| d.severity == super::XnmSeverity::Error);
        let success = self.commit_success
            || self.commit_check_success
            || self
                .routing_engines
                .iter()
                .any(|r| r.commit_success || r.commit_check_success);
        !errors && success
    }
}

const MODULE_LEVELS: [&str; 4] = [
    "chassis-module",
    "chassis-sub-module",
    "chassis-sub-sub-module",
    "chassis-sub-sub-sub-module",
];

fn text(el: &Element, name: &str) -> Option<String> {
    el.child_text(name)
        .map(|t| t.trim_matches([' ', '\t', '\r', '\n']).to_owned())
}

fn diagnostics(el: &Element, v: &mut Vec<Violation>) -> Vec<XnmDiagnostic> {
    el.children
        .iter()
        .filter(|c| XnmDiagnostic::is(c))
        .map(|c| {
            let (d, mut w) = XnmDiagnostic::from_element(c);
            v.append(&mut w);
            d
        })
        .collect()
}

fn read_module(el: &Element, level: usize) -> ChassisModule {
    let mut m = ChassisModule {
        name: text(el, "name"),
        version: text(el, "version"),
        part_number: text(el, "part-number"),
        serial_number: text(el, "serial-number"),
        description: text(el, "description"),
        clei_code: text(el, "clei-code"),
        model_number: text(el, "model-number"),
        sub_modules: Vec::new(),
    };
    if let Some(next) = MODULE_LEVELS.get(level + 1) {
        m.sub_modules = el
            .children_named(next)
            .map(|c| read_module(c, level + 1))
            .collect();
    }
    m
}

/// A child `<name>text</name>` in namespace `ns`.
fn leaf(ns: &Option<String>, name: &str, value: &Option<String>) -> Option<Element> {
    value.as_ref().map(|v| Element {
        name: QName::local(name),
        namespace: ns.clone(),
        text: v.clone(),
        ..Element::default()
    })
}

fn container(ns: &Option<String>, name: &str) -> Element {
    Element {
        name: QName::local(name),
        namespace: ns.clone(),
        ..Element::default()
    }
}

fn write_module(m: &ChassisModule, level: usize, ns: &Option<String>) -> Element {
    let mut el = container(
        ns,
        MODULE_LEVELS
            .get(level)
            .copied()
            .unwrap_or("chassis-module"),
    );
    let fields = [
        ("name", &m.name),
        ("version", &m.version),
        ("part-number", &m.part_number),
        ("serial-number", &m.serial_number),
        ("description", &m.description),
        ("clei-code", &m.clei_code),
        ("model-number", &m.model_number),
    ];
    el.children
        .extend(fields.iter().filter_map(|(n, v)| leaf(ns, n, v)));
    if level + 1 < MODULE_LEVELS.len() {
        el.children
            .extend(m.sub_modules.iter().map(|s| write_module(s, level + 1, ns)));
    }
    el
}

fn flag(ns: &Option<String>, name: &str, on: bool) -> Option<Element> {
    on.then(|| container(ns, name))
}

/// The default namespace an element declares on itself.
fn own_default(attrs: &[Attribute]) -> Option<String> {
    attrs
        .iter()
        .rev()
        .find(|a| a.declares() == Some(None))
        .map(|a| a.value.clone())
        .filter(|v| !v.is_empty())
}

impl Reply {
    /// Reads a raw reply body element.
    pub fn parse(raw: &RawElement, limits: &XmlLimits) -> Result<Parsed<Reply>, XmlError> {
        Ok(Self::from_element(&raw.to_element(limits)?))
    }

    /// Reads a reply body element (children matched by local name).
    pub fn from_element(el: &Element) -> Parsed<Reply> {
        let mut v = Vec::new();
        let reply = match el.name.local.as_str() {
            "chassis-inventory" => Reply::ChassisInventory(ChassisInventory {
                attributes: el.attributes.clone(),
                chassis: el
                    .children_named("chassis")
                    .map(|c| Chassis {
                        attributes: c.attributes.clone(),
                        name: text(c, "name"),
                        serial_number: text(c, "serial-number"),
                        description: text(c, "description"),
                        modules: c
                            .children_named("chassis-module")
                            .map(|m| read_module(m, 0))
                            .collect(),
                    })
                    .collect(),
            }),
            "software-information" => Reply::SoftwareInformation(SoftwareInformation {
                host_name: text(el, "host-name"),
                product_model: text(el, "product-model"),
                product_name: text(el, "product-name"),
                junos_version: text(el, "junos-version"),
                packages: el
                    .children_named("package-information")
                    .map(|p| PackageInformation {
                        name: text(p, "name"),
                        comment: text(p, "comment"),
                    })
                    .collect(),
            }),
            "load-configuration-results" => {
                Reply::LoadConfigurationResults(LoadConfigurationResults {
                    diagnostics: diagnostics(el, &mut v),
                    load_success: el.child("load-success").is_some(),
                    load_error_count: text(el, "load-error-count").and_then(|t| t.parse().ok()),
                })
            }
            "commit-results" => Reply::CommitResults(CommitResults {
                routing_engines: el
                    .children_named("routing-engine")
                    .map(|r| RoutingEngineCommit {
                        attributes: r.attributes.clone(),
                        name: text(r, "name"),
                        commit_success: r.child("commit-success").is_some(),
                        commit_check_success: r.child("commit-check-success").is_some(),
                        diagnostics: diagnostics(r, &mut v),
                    })
                    .collect(),
                diagnostics: diagnostics(el, &mut v),
                commit_success: el.child("commit-success").is_some(),
                commit_check_success: el.child("commit-check-success").is_some(),
            }),
            "end-session" => Reply::EndSession,
            _ => Reply::Other(el.clone()),
        };
        Parsed {
            message: reply,
            violations: v,
        }
    }

    /// The reply body as an element.
    pub fn to_element(&self) -> Element {
        match self {
            Reply::ChassisInventory(inv) => {
                let ns = own_default(&inv.attributes);
                let mut el = container(&ns, "chassis-inventory");
                el.attributes = inv.attributes.clone();
                for c in &inv.chassis {
                    let mut ch = container(&ns, "chassis");
                    ch.attributes = c.attributes.clone();
                    ch.children.extend(
                        [
                            ("name", &c.name),
                            ("serial-number", &c.serial_number),
                            ("description", &c.description),
                        ]
                        .iter()
                        .filter_map(|(n, v)| leaf(&ns, n, v)),
                    );
                    ch.children
                        .extend(c.modules.iter().map(|m| write_module(m, 0, &ns)));
                    el.children.push(ch);
                }
                el
            }
            Reply::SoftwareInformation(s) => {
                let ns = None;
                let mut el = container(&ns, "software-information");
                el.children.extend(
                    [
                        ("host-name", &s.host_name),
                        ("product-model", &s.product_model),
                        ("product-name", &s.product_name),
                        ("junos-version", &s.junos_version),
                    ]
                    .iter()
                    .filter_map(|(n, v)| leaf(&ns, n, v)),
                );
                for p in &s.packages {
                    let mut pe = container(&ns, "package-information");
                    pe.children.extend(leaf(&ns, "name", &p.name));
                    pe.children.extend(leaf(&ns, "comment", &p.comment));
                    el.children.push(pe);
                }
                el
            }
            Reply::LoadConfigurationResults(r) => {
                let ns = None;
                let mut el = container(&ns, "load-configuration-results");
                el.children
                    .extend(r.diagnostics.iter().map(|d| d.to_element_in(&[])));
                el.children
                    .extend(flag(&ns, "load-success", r.load_success));
                el.children.extend(leaf(
                    &ns,
                    "load-error-count",
                    &r.load_error_count.map(|n| n.to_string()),
                ));
                el
            }
            Reply::CommitResults(r) => {
                let ns = None;
                let mut el = container(&ns, "commit-results");
                for re in &r.routing_engines {
                    let mut e = container(&ns, "routing-engine");
                    e.attributes = re.attributes.clone();
                    e.children.extend(leaf(&ns, "name", &re.name));
                    e.children
                        .extend(re.diagnostics.iter().map(|d| d.to_element_in(&[])));
                    e.children
                        .extend(flag(&ns, "commit-check-success", re.commit_check_success));
                    e.children
                        .extend(flag(&ns, "commit-success", re.commit_success));
                    el.children.push(e);
                }
                el.children
                    .extend(r.diagnostics.iter().map(|d| d.to_element_in(&[])));
                el.children
                    .extend(flag(&ns, "commit-check-success", r.commit_check_success));
                el.children
                    .extend(flag(&ns, "commit-success", r.commit_success));
                el
            }
            Reply::EndSession => Element::new("end-session"),
            Reply::Other(el) => el.clone(),
        }
    }

    /// Appends the reply body as XML.
    pub fn write(&self, out: &mut Vec<u8>) {
        self.to_element().write(out);
    }
}
