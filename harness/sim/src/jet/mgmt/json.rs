//! Junos JSON, both ways.
//!
//! Two shapes, as Junos writes them:
//! - operational output (`| display json`): every element is an array of
//!   objects, a leaf's text is `{"data": "..."}`, attributes go under
//!   `"attributes"`: `{"software-information": [{"host-name": [{"data": "r1"}]}]}`;
//! - configuration: containers are objects, leaves are strings, list
//!   entries (keyed by `name`) and repeated statements are arrays, an empty
//!   leaf is `[null]`, and `"@"` holds an element's attributes:
//!   `{"configuration": {"system": {"host-name": "r1"}}}`.
//!
//! Keys are written in document order (the XML order), not sorted.

use crate::tree::{self, Kind};
use confuzz_wire::xml::{Attribute, Element};
use serde_json::Value;

fn string(s: &str, out: &mut String) {
    // serde_json's escaping; a &str always serializes.
    out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
}

fn attr_name(a: &Attribute) -> String {
    match &a.name.prefix {
        Some(p) => format!("{p}:{}", a.name.local),
        None => a.name.local.clone(),
    }
}

/// Children of `e` grouped by name, in order of first appearance.
fn groups(e: &Element) -> Vec<(&str, Vec<&Element>)> {
    let mut out: Vec<(&str, Vec<&Element>)> = Vec::new();
    for c in &e.children {
        match out.iter_mut().find(|(n, _)| *n == c.name.local) {
            Some((_, v)) => v.push(c),
            None => out.push((c.name.local.as_str(), vec![c])),
        }
    }
    out
}

/// Operational output `els` as Junos JSON.
pub fn op_output(els: &[Element]) -> String {
    let mut out = String::from("{\n");
    let holder = Element {
        children: els.to_vec(),
        ..Element::new("output")
    };
    op_members(&holder, 1, &mut out);
    out.push_str("}\n");
    out
}

fn indent(n: usize, out: &mut String) {
    for _ in 0..n {
        out.push_str("    ");
    }
}

fn op_members(e: &Element, depth: usize, out: &mut String) {
    let gs = groups(e);
    let attrs: Vec<&Attribute> = e.attributes.iter().collect();
    let mut first = true;
    if !attrs.is_empty() && depth > 1 {
        indent(depth, out);
        out.push_str("\"attributes\" : {");
        for (i, a) in attrs.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            string(&attr_name(a), out);
            out.push_str(" : ");
            string(&a.value, out);
        }
        out.push('}');
        first = false;
    }
    if gs.is_empty() && depth > 1 {
        let t = tree::text(e);
        if !t.is_empty() {
            if !first {
                out.push_str(",\n");
            }
            indent(depth, out);
            out.push_str("\"data\" : ");
            string(t, out);
            first = false;
        }
    }
    for (name, items) in gs {
        if !first {
            out.push_str(",\n");
        }
        first = false;
        indent(depth, out);
        string(name, out);
        out.push_str(" : [\n");
        for (i, c) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(",\n");
            }
            indent(depth + 1, out);
            if c.children.is_empty() && c.attributes.is_empty() && tree::text(c).is_empty() {
                out.push_str("null");
                continue;
            }
            out.push_str("{\n");
            op_members(c, depth + 2, out);
            out.push('\n');
            indent(depth + 1, out);
            out.push('}');
        }
        out.push('\n');
        indent(depth, out);
        out.push(']');
    }
}

/// A `<configuration>` element as Junos configuration JSON.
pub fn config_output(cfg: &Element) -> String {
    let mut out = String::from("{\n");
    indent(1, &mut out);
    out.push_str("\"configuration\" : ");
    config_value(cfg, 1, &mut out);
    out.push_str("\n}\n");
    out
}

fn config_value(e: &Element, depth: usize, out: &mut String) {
    if e.children.is_empty() {
        let t = tree::text(e);
        if t.is_empty() && !matches!(e.name.local.as_str(), "configuration") {
            out.push_str("[null]");
        } else if t.is_empty() {
            out.push_str("{}");
        } else {
            string(t, out);
        }
        return;
    }
    out.push_str("{\n");
    let mut first = true;
    for a in &e.attributes {
        if a.declares().is_some() {
            continue;
        }
        if !first {
            out.push_str(",\n");
        }
        first = false;
        indent(depth + 1, out);
        out.push_str("\"@\" : {");
        string(&attr_name(a), out);
        out.push_str(" : ");
        string(&a.value, out);
        out.push('}');
    }
    let me = e.name.local.as_str();
    for (name, items) in groups(e) {
        if !first {
            out.push_str(",\n");
        }
        first = false;
        indent(depth + 1, out);
        string(name, out);
        out.push_str(" : ");
        let list = items.len() > 1 || tree::kind(me, name) != Kind::Other;
        if list {
            out.push('[');
            for (i, c) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                config_value(c, depth + 1, out);
            }
            out.push(']');
        } else {
            config_value(items[0], depth + 1, out);
        }
    }
    out.push('\n');
    indent(depth, out);
    out.push('}');
}

/// Junos configuration JSON (`{"configuration": {...}}`, or the members
/// of `configuration` alone) as a `<configuration>` element.
pub fn config_input(text: &str) -> Result<Element, String> {
    let v: Value = serde_json::from_str(text)
        .map_err(|e| format!("the JSON configuration cannot be read: {e}"))?;
    let Value::Object(m) = v else {
        return Err(
            "the JSON configuration must be an object such as {\"configuration\": {...}}".into(),
        );
    };
    let inner = match (m.len(), m.get("configuration")) {
        (1, Some(c)) => c.clone(),
        _ => Value::Object(m),
    };
    if !inner.is_object() {
        return Err("\"configuration\" must be an object of statements".into());
    }
    let mut holder = Element::new("holder");
    into_element("configuration", &inner, &mut holder, 0)?;
    holder
        .children
        .pop()
        .filter(|c| c.name.local == "configuration")
        .ok_or_else(|| "\"configuration\" must be an object".to_owned())
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn into_element(name: &str, v: &Value, parent: &mut Element, depth: usize) -> Result<(), String> {
    if depth > tree::MAX_DEPTH {
        return Err(format!(
            "the JSON configuration is nested deeper than {} levels",
            tree::MAX_DEPTH
        ));
    }
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || "<>&\"'/".contains(c)) {
        return Err(format!("{name:?} is not a configuration statement name"));
    }
    match v {
        Value::Array(items) => {
            for i in items {
                into_element(name, i, parent, depth + 1)?;
            }
        }
        Value::Null => parent.children.push(Element::new(name)),
        Value::Object(m) => {
            let mut e = Element::new(name);
            for (k, cv) in m {
                if k == "@" {
                    attributes(cv, &mut e)?;
                } else if k.starts_with('@') {
                    // Attributes of a sibling leaf (`"@name": {...}`):
                    // nothing the device keeps.
                } else {
                    into_element(k, cv, &mut e, depth + 1)?;
                }
            }
            parent.children.push(e);
        }
        other => {
            let text = scalar(other).unwrap_or_default();
            parent.children.push(Element::new(name).with_text(text));
        }
    }
    Ok(())
}

/// `"@": {"operation": "delete"}` becomes `delete="delete"`, as in Junos
/// XML; other members become attributes of their own name.
fn attributes(v: &Value, e: &mut Element) -> Result<(), String> {
    let Value::Object(m) = v else {
        return Err(format!(
            "\"@\" of {:?} must be an object of attributes",
            e.name.local
        ));
    };
    for (k, av) in m {
        let value = scalar(av).ok_or_else(|| format!("attribute {k:?} must be a string"))?;
        if k == "operation" {
            e.attributes.push(Attribute::new(value.clone(), value));
        } else if av == &Value::Bool(true) {
            e.attributes.push(Attribute::new(k.clone(), k.clone()));
        } else {
            e.attributes.push(Attribute::new(k.clone(), value));
        }
    }
    Ok(())
}
