//! `show | compare rollback N`: the differences between two configurations
//! in Junos's text form, grouped under `[edit ...]` headers.

use super::text::{quote, write_statement};
use crate::diff::{self, ChangeKind};
use crate::tree::{self, Step};

/// How many changed statements one comparison lists at most.
const MAX_CHANGES: usize = 10_000;

fn key_of_step(s: &Step) -> Option<&str> {
    s.predicate
        .as_deref()?
        .strip_prefix("[name='")?
        .strip_suffix("']")
}

/// The `[edit ...]` header of the parent of the last step.
fn header(steps: &[Step]) -> String {
    let mut out = String::from("[edit");
    let mut parent = "configuration";
    for s in steps {
        out.push(' ');
        match key_of_step(s) {
            Some(k) if tree::implicit_list(parent) == Some(s.name.as_str()) => {
                out.push_str(&quote(k))
            }
            Some(k) => {
                out.push_str(&s.name);
                out.push(' ');
                out.push_str(&quote(k));
            }
            None => out.push_str(&s.name),
        }
        parent = &s.name;
    }
    out.push(']');
    out
}

fn signed(sign: char, parent: &str, node: &confuzz_wire::xml::Element, out: &mut String) {
    let mut body = String::new();
    write_statement(parent, node, 1, &mut body);
    for line in body.lines() {
        out.push(sign);
        out.push_str(line);
        out.push('\n');
    }
}

/// The changes from `old` to `new` as Junos prints them (of the Junos
/// configuration: the modules' data has no text form); empty when they
/// hold the same configuration.
pub fn compare(old: &confuzz_wire::xml::Element, new: &confuzz_wire::xml::Element) -> String {
    let mut out = String::new();
    let mut last_header = String::new();
    let (old, new) = (tree::junos_part(old), tree::junos_part(new));
    for c in diff::changes(&old, &new, MAX_CHANGES) {
        let Some((_, parents)) = c.steps.split_last() else {
            continue;
        };
        let h = header(parents);
        if h != last_header {
            out.push_str(&h);
            out.push('\n');
            last_header = h;
        }
        let parent = parents.last().map_or("configuration", |s| s.name.as_str());
        if let (ChangeKind::Delete | ChangeKind::Replace, Some(o)) = (c.kind, &c.old) {
            signed('-', parent, o, &mut out);
        }
        if let (ChangeKind::Create | ChangeKind::Replace, Some(n)) = (c.kind, &c.new) {
            signed('+', parent, n, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::junos::text;

    #[test]
    fn compare_shows_added_and_changed_statements() {
        let old =
            text::parse("system { host-name a; login { class x { permissions view; } } }").unwrap();
        let new = text::parse(
            "system { host-name b; login { class x { permissions view; } class y { permissions configure; } } }",
        )
        .unwrap();
        let d = compare(&old, &new);
        assert_eq!(
            d,
            "[edit system]\n-    host-name a;\n+    host-name b;\n[edit system login]\n+    class y {\n+        permissions configure;\n+    }\n"
        );
        assert_eq!(compare(&new, &new), "");
    }
}
