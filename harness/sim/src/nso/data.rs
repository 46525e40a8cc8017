//! Reading and changing a `<configuration>` tree by keypath, the changes
//! between two trees as NSO reports them, and the JSON and text forms of
//! `show_config` and `load`.
//!
//! Trees come from the device (at most [`tree::MAX_DEPTH`] deep) or from a
//! load parsed with the same limits, so the recursive walks are bounded.

use super::schema::{self, Kind, LeafType, Module, Resolved, Step};
use crate::tree;
use confuzz_wire::xml::Element;
use serde_json::{Map, Value};

/// Why a data operation failed; each maps to one NSO error type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// Nothing at the keypath (`data.not_found`).
    #[error("{0} does not exist")]
    NotFound(String),
    /// Something already at the keypath (`data.already_exists`).
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// The keypath names a container or list entry where a leaf is needed,
    /// or the reverse (`rpc.method.failed`).
    #[error("{0}")]
    WrongKind(String),
    /// Load data that cannot be read (`rpc.method.failed`).
    #[error("{0}")]
    BadData(String),
}

/// Whether `e` is the element `step` names in `module`.
fn matches(e: &Element, module: &Module, step: &Step) -> bool {
    if e.name.local != step.name {
        return false;
    }
    let ns_ok = if module.is_native() {
        tree::is_native(e.namespace.as_deref())
    } else {
        e.namespace.as_deref() == Some(module.namespace)
    };
    ns_ok
        && step.keys.iter().all(|(k, v)| {
            e.children
                .iter()
                .any(|c| c.name.local == *k && c.children.is_empty() && tree::text(c) == v)
        })
}

/// A new element of `module`.
fn element(module: &Module, name: &str) -> Element {
    match module.element_ns() {
        Some(ns) => Element::in_ns(name, ns),
        None => Element::new(name),
    }
}

/// The element a keypath names, if present.
pub fn find<'a>(root: &'a Element, r: &Resolved) -> Option<&'a Element> {
    let mut cur = root;
    for s in &r.steps {
        cur = cur.children.iter().find(|c| matches(c, r.module, s))?;
    }
    Some(cur)
}

/// Every element the last step names (the values of a leaf-list).
pub fn find_all<'a>(root: &'a Element, r: &Resolved) -> Vec<&'a Element> {
    let Some((last, up)) = r.steps.split_last() else {
        return vec![root];
    };
    let parent = Resolved {
        module: r.module,
        steps: up.to_vec(),
    };
    match find(root, &parent) {
        Some(p) => p
            .children
            .iter()
            .filter(|c| matches(c, r.module, last))
            .collect(),
        None => Vec::new(),
    }
}

/// The parent of the keypath's target, containers made on the way; a
/// missing list entry is `NotFound`.
fn parent_mut<'a>(
    root: &'a mut Element,
    r: &Resolved,
    path: &str,
) -> Result<&'a mut Element, DataError> {
    let up = r.steps.len().saturating_sub(1);
    let mut cur = root;
    for s in r.steps.iter().take(up) {
        let idx = match cur.children.iter().position(|c| matches(c, r.module, s)) {
            Some(i) => i,
            None if s.keys.is_empty() => {
                cur.children.push(element(r.module, &s.name));
                cur.children.len() - 1
            }
            None => return Err(DataError::NotFound(path.to_owned())),
        };
        cur = cur
            .children
            .get_mut(idx)
            .ok_or_else(|| DataError::NotFound(path.to_owned()))?;
    }
    Ok(cur)
}

/// Sets the leaf (or leaf-list, several values) at `r`; `None` deletes it.
pub fn set_value(
    root: &mut Element,
    r: &Resolved,
    path: &str,
    values: Option<Vec<String>>,
) -> Result<(), DataError> {
    let Some(last) = r.steps.last() else {
        return Err(DataError::WrongKind(format!("{path} is not a leaf")));
    };
    if !last.keys.is_empty() {
        return Err(DataError::WrongKind(format!(
            "{path} is a list entry, not a leaf: use create"
        )));
    }
    let Some(values) = values else {
        return delete(root, r, path);
    };
    let parent = parent_mut(root, r, path)?;
    if parent
        .children
        .iter()
        .any(|c| matches(c, r.module, last) && !c.children.is_empty())
    {
        return Err(DataError::WrongKind(format!(
            "{path} is a container, not a leaf"
        )));
    }
    let at = parent
        .children
        .iter()
        .position(|c| matches(c, r.module, last))
        .unwrap_or(parent.children.len());
    parent.children.retain(|c| !matches(c, r.module, last));
    let at = at.min(parent.children.len());
    for (i, v) in values.into_iter().enumerate() {
        parent
            .children
            .insert(at + i, element(r.module, &last.name).with_text(v));
    }
    Ok(())
}

/// Creates the list entry, container or empty leaf at `r`.
pub fn create(root: &mut Element, r: &Resolved, path: &str) -> Result<(), DataError> {
    let Some(last) = r.steps.last() else {
        return Err(DataError::AlreadyExists(path.to_owned()));
    };
    let parent = parent_mut(root, r, path)?;
    if parent.children.iter().any(|c| matches(c, r.module, last)) {
        return Err(DataError::AlreadyExists(path.to_owned()));
    }
    let mut e = element(r.module, &last.name);
    for (k, v) in &last.keys {
        e.children.push(element(r.module, k).with_text(v.clone()));
    }
    parent.children.push(e);
    Ok(())
}

/// Deletes what `r` names (every value of a leaf-list).
pub fn delete(root: &mut Element, r: &Resolved, path: &str) -> Result<(), DataError> {
    let Some(last) = r.steps.last() else {
        return Err(DataError::WrongKind(
            "the configuration root cannot be deleted".into(),
        ));
    };
    let up = Resolved {
        module: r.module,
        steps: r.steps[..r.steps.len() - 1].to_vec(),
    };
    let mut cur = &mut *root;
    for s in &up.steps {
        let Some(idx) = cur.children.iter().position(|c| matches(c, r.module, s)) else {
            return Err(DataError::NotFound(path.to_owned()));
        };
        let Some(next) = cur.children.get_mut(idx) else {
            return Err(DataError::NotFound(path.to_owned()));
        };
        cur = next;
    }
    let before = cur.children.len();
    cur.children.retain(|c| !matches(c, r.module, last));
    if cur.children.len() == before {
        return Err(DataError::NotFound(path.to_owned()));
    }
    Ok(())
}

/// One change between two trees, as `get_trans_changes` and subscription
/// messages report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The keypath of the node.
    pub keypath: String,
    /// `created`, `deleted` or `value_set`.
    pub op: &'static str,
    /// The new value (leaves).
    pub value: String,
    /// The old value (leaves that had one).
    pub old: String,
}

impl Change {
    /// The change as JSON: `keypath` (the manual's name) and `path` (what
    /// the Ansible client reads) both hold the keypath.
    pub fn to_json(&self, hide_values: bool) -> Value {
        let mut m = Map::new();
        m.insert("keypath".into(), Value::String(self.keypath.clone()));
        m.insert("path".into(), Value::String(self.keypath.clone()));
        m.insert("op".into(), Value::String(self.op.into()));
        if !hide_values {
            m.insert("value".into(), Value::String(self.value.clone()));
            m.insert("old".into(), Value::String(self.old.clone()));
        }
        Value::Object(m)
    }
}

/// The step `e` is under `parent` in `module`: for a list entry, the key
/// leaves it has (an entry missing one is matched by those it has).
pub(crate) fn step_of(module: &Module, parent: &str, e: &Element) -> Step {
    let names = schema::list_keys(module, parent, &e.name.local).unwrap_or_default();
    let keys = names
        .iter()
        .filter_map(|k| {
            e.children
                .iter()
                .find(|c| c.name.local == *k && c.children.is_empty())
                .map(|c| ((*k).to_owned(), tree::text(c).to_owned()))
        })
        .collect();
    Step {
        name: e.name.local.clone(),
        keys,
    }
}

/// The changes from `old` to `new` (both `<configuration>` roots), at most
/// `limit` of them, under `within` when given.
pub fn changes(
    old: &Element,
    new: &Element,
    within: Option<&Resolved>,
    limit: usize,
) -> Vec<Change> {
    let mut out = Vec::new();
    let mut w = DiffWalk {
        out: &mut out,
        limit,
        steps: Vec::new(),
    };
    w.walk(None, "configuration", &[], Some(old), Some(new));
    if let Some(r) = within {
        let prefix = schema::keypath_text(r.module, &r.steps);
        out.retain(|c| {
            c.keypath == prefix
                || c.keypath.starts_with(&format!("{prefix}/"))
                || c.keypath.starts_with(&format!("{prefix}{{"))
        });
    }
    out
}

struct DiffWalk<'a> {
    out: &'a mut Vec<Change>,
    limit: usize,
    steps: Vec<Step>,
}

impl DiffWalk<'_> {
    fn push(&mut self, module: &Module, op: &'static str, value: &str, old: &str) {
        if self.out.len() < self.limit {
            self.out.push(Change {
                keypath: schema::keypath_text(module, &self.steps),
                op,
                value: value.to_owned(),
                old: old.to_owned(),
            });
        }
    }

    fn walk(
        &mut self,
        module: Option<&'static Module>,
        parent: &str,
        key_leaves: &[String],
        old: Option<&Element>,
        new: Option<&Element>,
    ) {
        let no_children: &[Element] = &[];
        let oc = old.map_or(no_children, |e| e.children.as_slice());
        let nc = new.map_or(no_children, |e| e.children.as_slice());
        let mut used = vec![false; oc.len()];
        for n in nc {
            let m = module.unwrap_or_else(|| schema::module_of(n));
            if key_leaves.contains(&n.name.local) {
                continue;
            }
            let step = step_of(m, parent, n);
            let leaf_list = tree::is_leaf_list_value(parent, n);
            let found = oc.iter().enumerate().position(|(i, o)| {
                !used.get(i).copied().unwrap_or(true)
                    && matches(o, m, &step)
                    && (!leaf_list || tree::text(o) == tree::text(n))
            });
            if let Some(i) = found
                && let Some(u) = used.get_mut(i)
            {
                *u = true;
            }
            let o = found.and_then(|i| oc.get(i));
            self.steps.push(step);
            if n.children.is_empty() && o.is_none_or(|o| o.children.is_empty()) {
                let old_text = o.map_or("", tree::text);
                if o.is_none() || old_text != tree::text(n) {
                    self.push(m, "value_set", tree::text(n), old_text);
                }
            } else {
                if o.is_none() {
                    self.push(m, "created", "", "");
                }
                let keys = step_keys(&self.steps);
                self.walk(Some(m), &n.name.local, &keys, o, Some(n));
            }
            self.steps.pop();
        }
        for (i, o) in oc.iter().enumerate() {
            if used.get(i).copied().unwrap_or(true) {
                continue;
            }
            if key_leaves.contains(&o.name.local) {
                continue;
            }
            let m = module.unwrap_or_else(|| schema::module_of(o));
            let step = step_of(m, parent, o);
            self.steps.push(step);
            self.push(m, "deleted", "", tree::text(o));
            self.steps.pop();
        }
    }
}

/// The key leaf names of the last step (not reported as changes of their
/// own: they are part of the entry's keypath).
fn step_keys(steps: &[Step]) -> Vec<String> {
    steps
        .last()
        .map(|s| s.keys.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default()
}

/// The restconf-style JSON of `e` (named `name` in `module` under `parent`).
pub fn to_json(module: &Module, parent: &str, e: &Element) -> Value {
    if e.children.is_empty() {
        let t = tree::text(e);
        if let Some(Kind::Leaf(LeafType::Uint32)) =
            schema::example_kind(module, parent, &e.name.local)
            && let Ok(n) = t.parse::<u32>()
        {
            return Value::from(n);
        }
        return Value::String(t.to_owned());
    }
    let mut m = Map::new();
    for c in &e.children {
        let cm = if parent.is_empty() && e.name.local == "configuration" {
            schema::module_of(c)
        } else {
            module
        };
        let name =
            if cm.name != module.name || (parent.is_empty() && e.name.local == "configuration") {
                format!("{}:{}", cm.prefix, c.name.local)
            } else {
                c.name.local.clone()
            };
        let v = to_json(cm, &e.name.local, c);
        let many = schema::list_keys(cm, &e.name.local, &c.name.local).is_some()
            || tree::is_leaf_list_value(&e.name.local, c);
        match m.get_mut(&name) {
            Some(Value::Array(a)) => a.push(v),
            Some(prev) => {
                let p = prev.take();
                *prev = Value::Array(vec![p, v]);
            }
            None if many => {
                m.insert(name, Value::Array(vec![v]));
            }
            None => {
                m.insert(name, v);
            }
        }
    }
    Value::Object(m)
}

/// A compact text form: one `name value` line per leaf, containers and
/// list entries in braces.
pub fn to_text(e: &Element, depth: usize, out: &mut String) {
    for c in &e.children {
        out.push_str(&"    ".repeat(depth));
        out.push_str(&c.name.local);
        if c.children.is_empty() {
            let t = tree::text(c);
            if !t.is_empty() {
                out.push(' ');
                out.push_str(t);
            }
            out.push('\n');
        } else {
            if let Some(k) = tree::key_of(c) {
                out.push(' ');
                out.push_str(k);
            }
            out.push_str(" {\n");
            to_text(c, depth + 1, out);
            out.push_str(&"    ".repeat(depth));
            out.push_str("}\n");
        }
    }
}

/// How `load` combines its data with the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadMode {
    /// Fails if a top node already exists.
    Create,
    /// Merges into what is there.
    Merge,
    /// Replaces each top node given.
    Replace,
}

/// The top-level nodes of an XML load, as they go under `<configuration>`.
pub fn xml_tops(data: &str) -> Result<Vec<Element>, DataError> {
    let root = Element::parse(data.as_bytes(), &tree::limits())
        .map_err(|e| DataError::BadData(format!("the XML data cannot be read: {e}")))?;
    let wrapper = matches!(root.name.local.as_str(), "config" | "data")
        && tree::is_native(root.namespace.as_deref());
    let tops = if wrapper { root.children } else { vec![root] };
    let mut out = Vec::new();
    for t in tops {
        if schema::module_of(&t).is_native() {
            if t.name.local == "configuration" {
                out.extend(t.children.iter().map(tree::normalized));
            } else {
                out.push(tree::normalized(&t));
            }
        } else {
            out.push(t);
        }
    }
    Ok(out)
}

/// The top-level nodes of a JSON load (`{"dhcp:dhcp": {...}}`).
pub fn json_tops(data: &Value) -> Result<Vec<Element>, DataError> {
    let Value::Object(m) = data else {
        return Err(DataError::BadData("JSON data must be an object".into()));
    };
    let mut out = Vec::new();
    for (k, v) in m {
        let (prefix, name) = k
            .split_once(':')
            .ok_or_else(|| DataError::BadData(format!("{k:?} has no module prefix")))?;
        let module = schema::module_by_prefix(prefix)
            .ok_or_else(|| DataError::BadData(format!("unknown module prefix {prefix:?}")))?;
        let mut holder = Element::new("configuration");
        json_into(module, name, v, &mut holder, 0)?;
        if module.is_native() && name == "configuration" {
            for c in holder.children {
                out.extend(c.children);
            }
        } else {
            out.extend(holder.children);
        }
    }
    Ok(out)
}

fn json_into(
    module: &Module,
    name: &str,
    v: &Value,
    parent: &mut Element,
    depth: usize,
) -> Result<(), DataError> {
    if depth > tree::MAX_DEPTH {
        return Err(DataError::BadData("JSON data nested too deep".into()));
    }
    match v {
        Value::Array(items) => {
            for i in items {
                json_into(module, name, i, parent, depth + 1)?;
            }
        }
        Value::Object(m) => {
            let mut e = element(module, name);
            for (k, cv) in m {
                let local = k.split_once(':').map_or(k.as_str(), |(_, n)| n);
                json_into(module, local, cv, &mut e, depth + 1)?;
            }
            parent.children.push(e);
        }
        Value::Null => parent.children.push(element(module, name)),
        Value::String(s) => parent
            .children
            .push(element(module, name).with_text(s.clone())),
        other => parent
            .children
            .push(element(module, name).with_text(other.to_string())),
    }
    Ok(())
}

/// Puts `tops` into `root` by `mode`.
pub fn load(root: &mut Element, tops: Vec<Element>, mode: LoadMode) -> Result<(), DataError> {
    for t in tops {
        let module = schema::module_of(&t);
        let step = step_of(module, "configuration", &t);
        let found = root.children.iter().position(|c| matches(c, module, &step));
        match (found, mode) {
            (Some(_), LoadMode::Create) => {
                return Err(DataError::AlreadyExists(schema::keypath_text(
                    module,
                    &[step],
                )));
            }
            (Some(i), LoadMode::Replace) => {
                if let Some(slot) = root.children.get_mut(i) {
                    *slot = t;
                }
            }
            (Some(i), LoadMode::Merge) => {
                if let Some(slot) = root.children.get_mut(i) {
                    merge(module, slot, t);
                }
            }
            (None, _) => root.children.push(t),
        }
    }
    Ok(())
}

fn merge(module: &Module, into: &mut Element, from: Element) {
    if from.children.is_empty() {
        into.text = from.text;
        return;
    }
    let parent = into.name.local.clone();
    for c in from.children {
        let step = step_of(module, &parent, &c);
        let leaf_list = tree::is_leaf_list_value(&parent, &c);
        let found = into.children.iter().position(|o| {
            matches(o, module, &step) && (!leaf_list || tree::text(o) == tree::text(&c))
        });
        match found.and_then(|i| into.children.get_mut(i)) {
            Some(slot) => merge(module, slot, c),
            None => into.children.push(c),
        }
    }
}
