//! Operational commands for JET's `OpCommandGet`: the CLI commands the
//! device knows, mapped to the Junos XML requests behind them, the one
//! request answered here (`<get-interface-information>`, read from the
//! running configuration: the device has no kernel), and the CLI text of
//! each answer.
//!
//! | CLI                                          | XML request                        |
//! | -------------------------------------------- | ---------------------------------- |
//! | `show version`                               | `<get-software-information/>`      |
//! | `show chassis hardware [detail\|extensive]`  | `<get-chassis-inventory/>`         |
//! | `show chassis routing-engine`                | `<get-route-engine-information/>`  |
//! | `show interfaces [terse]`                    | `<get-interface-information/>`     |
//! | `show configuration`                         | `<get-configuration database="committed"/>` |
//!
//! Words may be shortened while they stay unambiguous (`sh ver`), as in
//! the Junos CLI.

use crate::tree;
use confuzz_wire::xml::{Attribute, Element, QName};

/// The commands: their words, the request, and the options allowed after.
const COMMANDS: &[(&[&str], &str, &[&str])] = &[
    (&["show", "version"], "get-software-information", &[]),
    (
        &["show", "chassis", "hardware"],
        "get-chassis-inventory",
        &["detail", "extensive"],
    ),
    (
        &["show", "chassis", "routing-engine"],
        "get-route-engine-information",
        &[],
    ),
    (
        &["show", "interfaces"],
        "get-interface-information",
        &["terse", "detail"],
    ),
    (&["show", "configuration"], "get-configuration", &[]),
];

fn word_matches(input: &str, word: &str) -> bool {
    input == word || (input.len() >= 2 && word.starts_with(input))
}

/// The XML request behind CLI command `line`, or why there is none.
pub fn cli_request(line: &str) -> Result<Element, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.is_empty() {
        return Err("the command is empty".into());
    }
    for (cmd, rpc, options) in COMMANDS {
        if words.len() < cmd.len() || !cmd.iter().zip(&words).all(|(c, w)| word_matches(w, c)) {
            continue;
        }
        let mut el = Element::new(*rpc);
        for w in &words[cmd.len()..] {
            let Some(opt) = options.iter().find(|o| word_matches(w, o)) else {
                return Err(format!(
                    "syntax error at {w:?} in {line:?}: `{}` takes {}",
                    cmd.join(" "),
                    if options.is_empty() {
                        "no options".to_owned()
                    } else {
                        options.join(", ")
                    }
                ));
            };
            el.children.push(Element::new(*opt));
        }
        if *rpc == "get-configuration" {
            el = el.with_attr("database", "committed");
        }
        return Ok(el);
    }
    let known: Vec<String> = COMMANDS.iter().map(|(c, _, _)| c.join(" ")).collect();
    Err(format!(
        "syntax error: {line:?} is not a command of this device; it knows: {}",
        known.join(", ")
    ))
}

fn leaf(name: &str, value: &str) -> Element {
    Element::new(name).with_text(value)
}

fn up_or_down(disabled: bool) -> &'static str {
    if disabled { "down" } else { "up" }
}

/// `<interface-information>` of the interfaces in `running`: every
/// configured interface is present and its link up; `disable` makes it
/// administratively down.
pub fn interface_information(running: &Element, release: &str, terse: bool) -> Element {
    let mut info = Element::new("interface-information");
    info.attributes.push(Attribute::xmlns(
        None,
        format!("http://xml.juniper.net/junos/{release}/junos-interface"),
    ));
    if terse {
        info.attributes.push(Attribute {
            name: QName::prefixed("junos", "style"),
            namespace: Some(confuzz_wire::junos::junos_namespace(release)),
            value: "terse".into(),
        });
    }
    let ifaces = running.child("interfaces");
    for i in ifaces.iter().flat_map(|c| c.children_named("interface")) {
        let Some(name) = tree::key_of(i) else {
            continue;
        };
        let disabled = i.child("disable").is_some();
        let mut phy = Element::new("physical-interface")
            .with_child(leaf("name", name))
            .with_child(leaf("admin-status", up_or_down(disabled)))
            .with_child(leaf("oper-status", up_or_down(disabled)));
        if !terse && let Some(d) = i.child_text("description") {
            phy.children.push(leaf("description", d));
        }
        for u in i.children_named("unit") {
            let Some(unit) = tree::key_of(u) else {
                continue;
            };
            let off = disabled || u.child("disable").is_some();
            let mut ifl = Element::new("logical-interface")
                .with_child(leaf("name", &format!("{name}.{unit}")))
                .with_child(leaf("admin-status", up_or_down(off)))
                .with_child(leaf("oper-status", up_or_down(off)));
            for fam in u.children_named("family").flat_map(|f| f.children.iter()) {
                let mut af = Element::new("address-family")
                    .with_child(leaf("address-family-name", &fam.name.local));
                for a in fam.children_named("address") {
                    if let Some(addr) = tree::key_of(a) {
                        af.children.push(
                            Element::new("interface-address").with_child(leaf("ifa-local", addr)),
                        );
                    }
                }
                ifl.children.push(af);
            }
            phy.children.push(ifl);
        }
        info.children.push(phy);
    }
    info
}

/// The CLI text of an answer.
pub fn cli_text(els: &[Element]) -> String {
    let mut out = String::new();
    for e in els {
        match e.name.local.as_str() {
            "software-information" => software(e, &mut out),
            "chassis-inventory" => inventory(e, &mut out),
            "interface-information" => interfaces(e, &mut out),
            "configuration-text" | "configuration-set" => {
                out.push_str(tree::text(e));
                out.push('\n');
            }
            "configuration" => out.push_str(&crate::junos::text::write(e)),
            _ => generic(e, 0, &mut out),
        }
    }
    out
}

fn software(e: &Element, out: &mut String) {
    let get = |n: &str| e.child_text(n).map(|t| t.trim()).unwrap_or("");
    out.push_str(&format!("Hostname: {}\n", get("host-name")));
    out.push_str(&format!("Model: {}\n", get("product-model")));
    out.push_str(&format!("Junos: {}\n", get("junos-version")));
    for p in e.children_named("package-information") {
        if let Some(c) = p.child_text("comment") {
            out.push_str(c.trim());
            out.push('\n');
        }
    }
}

fn inventory(e: &Element, out: &mut String) {
    out.push_str("Hardware inventory:\n");
    out.push_str(&format!(
        "{:<20}{:<9}{:<13}{:<18}{}\n",
        "Item", "Version", "Part number", "Serial number", "Description"
    ));
    for c in e.children_named("chassis") {
        inventory_row(c, 0, out);
    }
}

fn inventory_row(m: &Element, depth: usize, out: &mut String) {
    let get = |n: &str| m.child_text(n).map(|t| t.trim()).unwrap_or("");
    let name = format!("{}{}", "  ".repeat(depth), get("name"));
    out.push_str(&format!(
        "{:<20}{:<9}{:<13}{:<18}{}\n",
        name,
        get("version"),
        get("part-number"),
        get("serial-number"),
        get("description")
    ));
    for c in &m.children {
        if c.name.local.starts_with("chassis-") && c.name.local.ends_with("module") {
            inventory_row(c, depth + 1, out);
        }
    }
}

fn interfaces(e: &Element, out: &mut String) {
    let row = |name: &str, admin: &str, link: &str, proto: &str, local: &str| {
        format!("{name:<24}{admin:<6}{link:<5}{proto:<9}{local}\n")
    };
    out.push_str(&row("Interface", "Admin", "Link", "Proto", "Local"));
    let status = |x: &Element, n: &str| {
        x.child_text(n)
            .map(|t| t.trim().to_owned())
            .unwrap_or_default()
    };
    for p in e.children_named("physical-interface") {
        out.push_str(&row(
            &status(p, "name"),
            &status(p, "admin-status"),
            &status(p, "oper-status"),
            "",
            "",
        ));
        for l in p.children_named("logical-interface") {
            let fams: Vec<&Element> = l.children_named("address-family").collect();
            let mut first = true;
            for f in &fams {
                let fam = status(f, "address-family-name");
                let addrs: Vec<String> = f
                    .children_named("interface-address")
                    .map(|a| status(a, "ifa-local"))
                    .collect();
                for (i, a) in addrs
                    .iter()
                    .enumerate()
                    .chain(addrs.is_empty().then_some((0, &String::new())))
                {
                    let (n, ad, li) = if first {
                        (
                            status(l, "name"),
                            status(l, "admin-status"),
                            status(l, "oper-status"),
                        )
                    } else {
                        Default::default()
                    };
                    let proto = if i == 0 { fam.as_str() } else { "" };
                    out.push_str(&row(&n, &ad, &li, proto, a));
                    first = false;
                }
            }
            if fams.is_empty() {
                out.push_str(&row(
                    &status(l, "name"),
                    &status(l, "admin-status"),
                    &status(l, "oper-status"),
                    "",
                    "",
                ));
            }
        }
    }
}

fn generic(e: &Element, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    if e.children.is_empty() {
        out.push_str(&format!("{pad}{}: {}\n", e.name.local, tree::text(e)));
        return;
    }
    out.push_str(&format!("{pad}{}:\n", e.name.local));
    for c in &e.children {
        generic(c, depth + 1, out);
    }
}
