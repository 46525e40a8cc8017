//! The ephemeral configuration database: instances of configuration kept
//! beside the static one, changed without a commit of the static
//! configuration, lost on restart (here: when the device is dropped).
//!
//! The default instance always exists; a named one must be configured
//! first (`system configuration-database ephemeral instance NAME`), as on
//! Junos. A set only accepts the path `/` (a whole tree, merged in); a get
//! takes `/` or a path of statements with `[name='KEY']` predicates
//! (`/interfaces/interface[name='ge-0/0/1']`).

use crate::edit::{self, EditOp, ErrorOption};
use crate::tree;
use confuzz_wire::xml::Element;
use std::collections::HashMap;

/// The most named instances (Junos allows eight).
pub const MAX_INSTANCES: usize = 8;

/// The name the default instance is shown under.
pub const DEFAULT_INSTANCE: &str = "default";

/// One instance: what was loaded, and what is in force.
#[derive(Debug, Clone)]
struct Instance {
    loaded: Element,
    active: Element,
}

impl Instance {
    fn new() -> Self {
        Instance {
            loaded: Element::new("configuration"),
            active: Element::new("configuration"),
        }
    }
}

/// A value to load at `/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// Junos XML.
    Xml(&'a str),
    /// Junos JSON.
    Json(&'a str),
}

/// The ephemeral databases of one device.
#[derive(Debug, Clone)]
pub struct Ephemeral {
    instances: HashMap<String, Instance>,
    max_bytes: usize,
}

impl Default for Ephemeral {
    fn default() -> Self {
        Self::new(16 << 20)
    }
}

fn configured(running: &Element, name: &str) -> bool {
    running
        .child("system")
        .and_then(|s| s.child("configuration-database"))
        .and_then(|c| c.child("ephemeral"))
        .is_some_and(|e| {
            e.children_named("instance")
                .any(|i| tree::key_of(i) == Some(name))
        })
}

impl Ephemeral {
    /// Databases holding at most `max_bytes` of configuration per instance.
    pub fn new(max_bytes: usize) -> Self {
        Ephemeral {
            instances: HashMap::new(),
            max_bytes,
        }
    }

    /// The key of instance `name` ("" is the default one), or why it
    /// cannot be used.
    fn key(&self, running: &Element, name: &str) -> Result<String, String> {
        if name.is_empty() || name == DEFAULT_INSTANCE {
            return Ok(DEFAULT_INSTANCE.to_owned());
        }
        if !configured(running, name) {
            return Err(format!(
                "ephemeral instance {name:?} is not configured; configure it first with \
                 `set system configuration-database ephemeral instance {name}` and commit"
            ));
        }
        Ok(name.to_owned())
    }

    /// Loads `value` at `path` of instance `name`; made active unless
    /// `load_only`. With `validate`, a tree the static configuration's
    /// checks refuse is not loaded.
    pub fn set(
        &mut self,
        running: &Element,
        name: &str,
        path: &str,
        value: Value<'_>,
        validate: bool,
        load_only: bool,
    ) -> Result<(), String> {
        let key = self.key(running, name)?;
        if path != "/" {
            return Err(format!(
                "path {path:?} is not supported: an ephemeral update takes path \"/\" and a whole configuration tree"
            ));
        }
        let cfg = match value {
            Value::Xml(x) => {
                let el = Element::parse(x.trim().as_bytes(), &tree::limits())
                    .map_err(|e| format!("the XML configuration cannot be read: {e}"))?;
                if el.name.local == "configuration" {
                    el
                } else {
                    Element::new("configuration").with_child(el)
                }
            }
            Value::Json(j) => super::json::config_input(j)?,
        };
        let named =
            self.instances.len() - usize::from(self.instances.contains_key(DEFAULT_INSTANCE));
        if !self.instances.contains_key(&key) && key != DEFAULT_INSTANCE && named >= MAX_INSTANCES {
            return Err(format!(
                "too many ephemeral instances in use: the limit is {MAX_INSTANCES}"
            ));
        }
        let inst = self
            .instances
            .entry(key.clone())
            .or_insert_with(Instance::new);
        let mut work = inst.loaded.clone();
        let edits = vec![tree::normalized(&cfg)];
        let out = edit::apply(
            &mut work,
            &edits,
            EditOp::Merge,
            ErrorOption::StopOnError,
            "/configuration",
        );
        if let Some(e) = out.errors.first() {
            return Err(format!(
                "the ephemeral configuration was not loaded: {}",
                e.error_message
                    .as_ref()
                    .map_or_else(|| "invalid".to_owned(), |m| m.text.clone())
            ));
        }
        if tree::approx_size(&work) > self.max_bytes {
            return Err(format!(
                "ephemeral instance {key:?} would hold more than {} bytes",
                self.max_bytes
            ));
        }
        if validate {
            let problems = crate::validate::check(&work);
            if let Some(p) = problems.first() {
                return Err(format!(
                    "the ephemeral configuration is not valid: {} {}",
                    p.edit_path, p.message
                ));
            }
        }
        inst.loaded = work;
        if !load_only {
            inst.active = inst.loaded.clone();
        }
        Ok(())
    }

    /// The active configuration of instance `name` at `path`, as a
    /// `<configuration>` holding only that part; `None` when nothing is
    /// there.
    pub fn get(
        &self,
        running: &Element,
        name: &str,
        path: &str,
    ) -> Result<Option<Element>, String> {
        let key = self.key(running, name)?;
        let empty = Instance::new();
        let active = &self.instances.get(&key).unwrap_or(&empty).active;
        let steps = parse_path(path)?;
        if steps.is_empty() {
            return Ok(Some(active.clone()));
        }
        let mut filter: Option<Element> = None;
        for (name, key) in steps.into_iter().rev() {
            let mut f = Element::new(name);
            if let Some(k) = key {
                f.children.push(Element::new("name").with_text(k));
            }
            if let Some(inner) = filter.take() {
                f.children.push(inner);
            }
            filter = Some(f);
        }
        let filter = Element::new("configuration")
            .with_child(filter.unwrap_or_else(|| Element::new("configuration")));
        let found = crate::filter::subtree(&[active], std::slice::from_ref(&filter))
            .into_iter()
            .next()
            .filter(|c| !c.children.is_empty());
        Ok(found)
    }
}

/// `/a/b[name='k']/c` as steps; `/` (or "") as none.
fn parse_path(path: &str) -> Result<Vec<(String, Option<String>)>, String> {
    let bad = |why: &str| format!("path {path:?} cannot be read: {why}");
    let p = path.trim();
    if !p.is_empty() && !p.starts_with('/') {
        return Err(bad("it must start with /"));
    }
    let mut steps = Vec::new();
    let mut chars = p.chars().peekable();
    while chars.peek().is_some() {
        if chars.next() != Some('/') {
            return Err(bad("a step must follow /"));
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '/' || c == '[' {
                break;
            }
            name.push(c);
            chars.next();
        }
        if name.is_empty() {
            if chars.peek().is_none() && steps.is_empty() {
                break;
            }
            return Err(bad("an empty step"));
        }
        let mut key = None;
        if chars.peek() == Some(&'[') {
            chars.next();
            let pred: String = chars.by_ref().take_while(|c| *c != ']').collect();
            let (k, v) = pred
                .split_once('=')
                .ok_or_else(|| bad("a predicate is [name='KEY']"))?;
            if k.trim() != "name" {
                return Err(bad("only [name='KEY'] predicates are supported"));
            }
            let v = v.trim();
            let v = v
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .or_else(|| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                .unwrap_or(v);
            key = Some(v.to_owned());
        }
        steps.push((name, key));
        if steps.len() > tree::MAX_DEPTH {
            return Err(bad("too many steps"));
        }
    }
    Ok(steps)
}
