//! `get_schema`: the JSON schema of a node, from the example modules'
//! schemas and, for the free-form Junos configuration, from the instance
//! data.

use super::schema::{self, Kind, LeafType, Module};
use crate::tree;
use confuzz_wire::xml::Element;
use serde_json::{Value, json};

/// The schema of `name` under `parent` (itself under `grandparent`) in
/// `module`, `levels` deep (-1: all).
pub fn node(
    module: &Module,
    grandparent: &str,
    parent: &str,
    name: &str,
    el: Option<&Element>,
    levels: i64,
    insert_values: bool,
) -> Value {
    let kind = if module.is_native() {
        match (schema::list_keys(module, parent, name), el) {
            (Some(k), _) => Kind::List(k),
            (None, Some(e)) if e.children.is_empty() && !tree::is_container(name) => {
                Kind::Leaf(LeafType::String)
            }
            (None, None) if !tree::is_container(name) && name != "configuration" => {
                Kind::Leaf(LeafType::String)
            }
            _ => Kind::Container,
        }
    } else {
        schema::example_kind(module, parent, name).unwrap_or(Kind::Container)
    };
    let mut v = json!({
        "name": name,
        "qname": format!("{}:{}", module.prefix, name),
        "is_mount_point": false,
        "deps": [],
        "access": {"create": true, "update": true, "delete": true, "read": true, "execute": false},
    });
    match kind {
        Kind::Leaf(t) => {
            let parent_key = schema::list_keys(module, grandparent, parent)
                .is_some_and(|keys| keys.contains(&name));
            v["kind"] = Value::String(if parent_key { "key" } else { "leaf" }.into());
            v["type"] = json!({"name": t.name(), "primitive": true, "namespace": module.namespace});
            if insert_values && let Some(e) = el {
                v["value"] = Value::String(tree::text(e).to_owned());
            }
            return v;
        }
        Kind::List(keys) => {
            v["kind"] = Value::String("list".into());
            v["key"] = json!(keys);
        }
        Kind::Container => {
            v["kind"] = Value::String("container".into());
        }
    }
    if levels == 0 {
        return v;
    }
    let mut names: Vec<String> = if module.is_native() {
        let mut n: Vec<String> = Vec::new();
        for c in el.map_or(&[][..], |e| e.children.as_slice()) {
            if !tree::is_native(c.namespace.as_deref()) && name == "configuration" {
                continue;
            }
            if !n.contains(&c.name.local) {
                n.push(c.name.local.clone());
            }
        }
        n
    } else {
        schema::example_children(module, name)
            .into_iter()
            .map(|(n, _)| n.to_owned())
            .collect()
    };
    names.dedup();
    let children: Vec<Value> = names
        .iter()
        .map(|n| {
            let child = el.and_then(|e| e.children.iter().find(|c| c.name.local == *n));
            node(module, parent, name, n, child, levels - 1, insert_values)
        })
        .collect();
    v["children"] = Value::Array(children);
    v
}
