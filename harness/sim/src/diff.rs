//! What changed between two configurations: the list of created, deleted
//! and replaced nodes, for RFC 6470 `netconf-config-change` events and the
//! Junos `compare` output.

use crate::tree::{self, Step};
use confuzz_wire::xml::Element;

/// How a node changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// It is new.
    Create,
    /// It is gone.
    Delete,
    /// Its value changed (leaves).
    Replace,
}

impl ChangeKind {
    /// The RFC 6470 operation name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Delete => "delete",
            ChangeKind::Replace => "replace",
        }
    }
}

/// One changed node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The path from below the root to the node.
    pub steps: Vec<Step>,
    /// How it changed.
    pub kind: ChangeKind,
    /// The old node (delete, replace).
    pub old: Option<Element>,
    /// The new node (create, replace).
    pub new: Option<Element>,
}

/// The changes from `old` to `new` (both roots), in document order: deleted
/// nodes of each level first, then created and changed ones. At most
/// `limit` changes are listed.
pub fn changes(old: &Element, new: &Element, limit: usize) -> Vec<Change> {
    let mut out = Vec::new();
    let mut steps = Vec::new();
    walk(old, new, &mut steps, &mut out, limit);
    out
}

fn walk(old: &Element, new: &Element, steps: &mut Vec<Step>, out: &mut Vec<Change>, limit: usize) {
    let parent = new.name.local.as_str();
    for o in &old.children {
        if out.len() >= limit {
            return;
        }
        if tree::find_match(&new.children, parent, o).is_none() {
            steps.push(Step::of(parent, o));
            out.push(Change {
                steps: steps.clone(),
                kind: ChangeKind::Delete,
                old: Some(o.clone()),
                new: None,
            });
            steps.pop();
        }
    }
    for n in &new.children {
        if out.len() >= limit {
            return;
        }
        steps.push(Step::of(parent, n));
        match tree::find_match(&old.children, parent, n).and_then(|i| old.children.get(i)) {
            None => out.push(Change {
                steps: steps.clone(),
                kind: ChangeKind::Create,
                old: None,
                new: Some(n.clone()),
            }),
            Some(o) if tree::is_leaf(o) && tree::is_leaf(n) => {
                if o.text != n.text || o.attributes != n.attributes {
                    out.push(Change {
                        steps: steps.clone(),
                        kind: ChangeKind::Replace,
                        old: Some(o.clone()),
                        new: Some(n.clone()),
                    });
                }
            }
            Some(o) if tree::is_leaf(o) != tree::is_leaf(n) => out.push(Change {
                steps: steps.clone(),
                kind: ChangeKind::Replace,
                old: Some(o.clone()),
                new: Some(n.clone()),
            }),
            Some(o) => walk(o, n, steps, out, limit),
        }
        steps.pop();
    }
}
