//! The `<edit-config>` engine (RFC 6241 §7.2): applies a `<config>` tree to
//! a datastore with a default operation, per-element `operation`
//! attributes, and an error option.
//!
//! Siblings are identified as in [`tree::find_match`]: by name and
//! namespace, list key (`<name>`, or all of a module's key leaves, which an
//! edit must give) and, for
//! leaf-list values, by value. The data of NSO's example modules sits
//! beside the Junos configuration in its own namespace, which an edit keeps. Junos's own
//! `delete="delete"` and `replace="replace"` attributes are read as the
//! matching operations, so the same engine serves `<load-configuration>`.

use crate::rpc_error;
use crate::tree::{self, Step};
use confuzz_wire::netconf::{BASE_NS, ErrorType, RpcError};
use confuzz_wire::xml::Element;

/// An edit operation (RFC 6241 §7.2 `operation` attribute values, and
/// `none` as a default operation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOp {
    /// Merge into what is there.
    Merge,
    /// Replace what is there.
    Replace,
    /// Create; `data-exists` if it is there.
    Create,
    /// Delete; `data-missing` if it is not there.
    Delete,
    /// Delete if there.
    Remove,
    /// Only descend (default-operation none).
    None,
}

impl EditOp {
    /// Reads an `operation` attribute value.
    pub fn parse(s: &str) -> Option<EditOp> {
        match s {
            "merge" => Some(EditOp::Merge),
            "replace" => Some(EditOp::Replace),
            "create" => Some(EditOp::Create),
            "delete" => Some(EditOp::Delete),
            "remove" => Some(EditOp::Remove),
            _ => None,
        }
    }
}

/// What to do when an edit fails (RFC 6241 §7.2 error-option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorOption {
    /// Stop at the first error; what was done before it stays.
    #[default]
    StopOnError,
    /// Go on; report every error.
    ContinueOnError,
    /// Stop and undo everything.
    RollbackOnError,
}

struct Cx<'a> {
    option: ErrorOption,
    errors: Vec<RpcError>,
    prefix: &'a str,
    changed: bool,
}

/// Stop processing (stop-on-error and rollback-on-error).
struct Stop;

/// What an edit did.
#[derive(Debug, Default)]
pub struct EditOutcome {
    /// Errors, in document order (more than one only with continue-on-error).
    pub errors: Vec<RpcError>,
    /// Whether the target changed.
    pub changed: bool,
}

/// Applies the children of `<config>` (`edits`: `<configuration>`
/// elements) to the datastore root `target`. `prefix` is the error-path of
/// `<config>`. With rollback-on-error the caller restores the target when
/// errors come back.
pub fn apply(
    target: &mut Element,
    edits: &[Element],
    default_op: EditOp,
    option: ErrorOption,
    prefix: &str,
) -> EditOutcome {
    let mut cx = Cx {
        option,
        errors: Vec::new(),
        prefix,
        changed: false,
    };
    for e in edits {
        let path = format!("{prefix}/{}", e.name.local);
        if !tree::is_native(e.namespace.as_deref()) {
            let ns = e.namespace.as_deref().unwrap_or("");
            cx.errors.push(rpc_error::unknown_namespace(
                ErrorType::Application,
                &e.name.local,
                ns,
                &path,
            ));
        } else if e.name.local != "configuration" {
            cx.errors.push(rpc_error::unknown_element(
                ErrorType::Application,
                &e.name.local,
                &path,
            ));
        } else if edit_root(target, e, default_op, &mut cx).is_ok() {
            continue;
        } else {
            break;
        }
        if cx.option != ErrorOption::ContinueOnError {
            break;
        }
    }
    EditOutcome {
        errors: cx.errors,
        changed: cx.changed,
    }
}

/// The operation an element asks for, if any.
fn own_op(e: &Element) -> Result<Option<EditOp>, String> {
    for a in &e.attributes {
        let ns_ok = a.namespace.is_none() || a.namespace.as_deref() == Some(BASE_NS);
        if !ns_ok {
            continue;
        }
        match a.name.local.as_str() {
            "operation" => {
                return EditOp::parse(a.value.trim())
                    .map(Some)
                    .ok_or_else(|| a.value.clone());
            }
            "delete" if a.namespace.is_none() => return Ok(Some(EditOp::Delete)),
            "replace" if a.namespace.is_none() => return Ok(Some(EditOp::Replace)),
            _ => {}
        }
    }
    Ok(None)
}

impl Cx<'_> {
    fn fail(&mut self, e: RpcError) -> Result<(), Stop> {
        self.errors.push(e);
        match self.option {
            ErrorOption::ContinueOnError => Ok(()),
            _ => Err(Stop),
        }
    }

    fn path(&self, steps: &[Step]) -> String {
        tree::path_string(self.prefix, steps)
    }
}

fn edit_root(
    target: &mut Element,
    e: &Element,
    default_op: EditOp,
    cx: &mut Cx<'_>,
) -> Result<(), Stop> {
    let mut steps = vec![Step {
        name: "configuration".into(),
        predicate: None,
    }];
    let op = match own_op(e) {
        Ok(o) => o.unwrap_or(default_op),
        Err(v) => {
            let p = cx.path(&steps);
            return cx.fail(bad_op(&v, "configuration", &p));
        }
    };
    match op {
        EditOp::Delete | EditOp::Remove => {
            if op == EditOp::Delete && target.children.is_empty() {
                let p = cx.path(&steps);
                return cx.fail(rpc_error::data_missing(&p));
            }
            cx.changed |= !target.children.is_empty();
            target.children.clear();
            Ok(())
        }
        EditOp::Create if !target.children.is_empty() => {
            let p = cx.path(&steps);
            cx.fail(rpc_error::data_exists(&p))
        }
        EditOp::Replace => {
            cx.changed = true;
            target.children.clear();
            edit_children(target, e, EditOp::Replace, &mut steps, cx)
        }
        _ => edit_children(target, e, op, &mut steps, cx),
    }
}

fn bad_op(value: &str, element: &str, path: &str) -> RpcError {
    rpc_error::bad_attribute(
        ErrorType::Protocol,
        "operation",
        element,
        path,
        format!("operation=\"{value}\" is not merge, replace, create, delete or remove"),
    )
}

/// Whether anything below `e` asks for data to be created.
fn needs_create(e: &Element) -> bool {
    e.children.iter().any(|c| match own_op(c) {
        Ok(Some(EditOp::Merge | EditOp::Replace | EditOp::Create)) => true,
        Ok(Some(_)) => false,
        _ => needs_create(c),
    })
}

/// Whether below `e` there is at least one `remove` operation and nothing
/// else but the containers leading to them (and list keys).
fn only_removes(e: &Element) -> bool {
    let key = tree::key_of(e).is_some();
    let mut any = false;
    for c in e
        .children
        .iter()
        .filter(|c| !(key && c.name.local == "name"))
    {
        match own_op(c) {
            Ok(Some(EditOp::Remove)) => any = true,
            Ok(None) if !c.children.is_empty() && only_removes(c) => any = true,
            _ => return false,
        }
    }
    any
}

/// The empty node `e` creates: its name and, for a list entry, its key.
fn skeleton(e: &Element) -> Element {
    let mut n = Element::new(e.name.local.clone());
    n.namespace = tree::stored_ns(e);
    n.attributes = tree::stored_attributes(e);
    if let Some(k) = tree::key_of(e) {
        n.children.push(Element::new("name").with_text(k));
    }
    n
}

fn edit_children(
    target: &mut Element,
    e: &Element,
    inherited: EditOp,
    steps: &mut Vec<Step>,
    cx: &mut Cx<'_>,
) -> Result<(), Stop> {
    let keyed = tree::key_of(e).is_some();
    let mut key_seen = false;
    for c in &e.children {
        if keyed && !key_seen && c.name.local == "name" && c.children.is_empty() {
            key_seen = true;
            continue;
        }
        steps.push(Step::of(&e.name.local, c));
        let r = edit_node(target, c, inherited, steps, cx);
        steps.pop();
        r?;
    }
    Ok(())
}

fn edit_node(
    parent: &mut Element,
    e: &Element,
    inherited: EditOp,
    steps: &mut Vec<Step>,
    cx: &mut Cx<'_>,
) -> Result<(), Stop> {
    let at_root = steps.len() == 2;
    if !tree::fits(parent, at_root, e) {
        let p = cx.path(steps);
        let ns = e.namespace.as_deref().unwrap_or("");
        return cx.fail(rpc_error::unknown_namespace(
            ErrorType::Application,
            &e.name.local,
            ns,
            &p,
        ));
    }
    let op = match own_op(e) {
        Ok(o) => o.unwrap_or(inherited),
        Err(v) => {
            let p = cx.path(steps);
            return cx.fail(bad_op(&v, &e.name.local, &p));
        }
    };
    let parent_name = parent.name.local.clone();
    if let Some(key) = tree::missing_module_keys(&parent_name, e).first() {
        // RFC 6241 §7.2: an entry of a list is named by all its keys.
        let p = cx.path(steps);
        return cx.fail(rpc_error::missing_element(ErrorType::Application, key, &p));
    }
    let found = tree::find_match(&parent.children, &parent_name, e);
    let leaf = tree::is_leaf(e);
    match (op, found) {
        (EditOp::Delete, None) => {
            let p = cx.path(steps);
            cx.fail(rpc_error::data_missing(&p))
        }
        (EditOp::Delete | EditOp::Remove, Some(i)) => {
            parent.children.remove(i);
            cx.changed = true;
            Ok(())
        }
        (EditOp::Remove, None) => Ok(()),
        (EditOp::Create, Some(_)) => {
            let p = cx.path(steps);
            cx.fail(rpc_error::data_exists(&p))
        }
        (EditOp::Merge | EditOp::Create | EditOp::Replace, None) => {
            cx.changed = true;
            if leaf {
                parent.children.push(tree::normalized(e));
                return Ok(());
            }
            parent.children.push(skeleton(e));
            let last = parent.children.len() - 1;
            let child_op = if op == EditOp::Create {
                EditOp::Merge
            } else {
                op
            };
            match parent.children.get_mut(last) {
                Some(n) => edit_children(n, e, child_op, steps, cx),
                None => Ok(()),
            }
        }
        (EditOp::Replace, Some(i)) => {
            cx.changed = true;
            if leaf {
                if let Some(slot) = parent.children.get_mut(i) {
                    *slot = tree::normalized(e);
                }
                return Ok(());
            }
            let Some(slot) = parent.children.get_mut(i) else {
                return Ok(());
            };
            *slot = skeleton(e);
            edit_children(slot, e, EditOp::Replace, steps, cx)
        }
        (EditOp::Merge, Some(i)) => {
            let Some(slot) = parent.children.get_mut(i) else {
                return Ok(());
            };
            if leaf {
                if tree::is_leaf(slot) && slot.text != tree::text(e) {
                    slot.text = tree::text(e).to_owned();
                    cx.changed = true;
                }
                return Ok(());
            }
            edit_children(slot, e, EditOp::Merge, steps, cx)
        }
        (EditOp::None, Some(i)) => match parent.children.get_mut(i) {
            Some(slot) if !leaf => edit_children(slot, e, EditOp::None, steps, cx),
            _ => Ok(()),
        },
        (EditOp::None, None) => {
            if !leaf && needs_create(e) {
                parent.children.push(skeleton(e));
                let last = parent.children.len() - 1;
                cx.changed = true;
                return match parent.children.get_mut(last) {
                    Some(n) => edit_children(n, e, EditOp::None, steps, cx),
                    None => Ok(()),
                };
            }
            if !leaf && only_removes(e) {
                return Ok(());
            }
            let p = cx.path(steps);
            cx.fail(rpc_error::data_missing(&p))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::limits;

    fn parse(s: &str) -> Element {
        Element::parse(s.as_bytes(), &limits()).unwrap()
    }

    #[test]
    fn merge_adds_and_updates_leaves() {
        let mut t =
            parse("<configuration><system><host-name>a</host-name></system></configuration>");
        let e = parse(
            "<configuration><system><host-name>b</host-name><domain-name>x</domain-name></system></configuration>",
        );
        let out = apply(&mut t, &[e], EditOp::Merge, ErrorOption::StopOnError, "/c");
        assert!(out.errors.is_empty());
        assert_eq!(
            t.to_bytes(),
            b"<configuration><system><host-name>b</host-name><domain-name>x</domain-name></system></configuration>".to_vec()
        );
    }

    #[test]
    fn none_on_missing_data_is_data_missing() {
        let mut t = parse("<configuration/>");
        let e = parse("<configuration><system><host-name>b</host-name></system></configuration>");
        let out = apply(&mut t, &[e], EditOp::None, ErrorOption::StopOnError, "/c");
        assert_eq!(out.errors.len(), 1);
        assert_eq!(
            out.errors[0].error_path.as_deref(),
            Some("/c/configuration/system")
        );
    }
}
