//! RFC 6241 §6 subtree filtering.
//!
//! A filter node is one of three things: a *content match node* (a leaf with
//! text: the data node must hold that value), a *selection node* (an empty
//! leaf: select the data node whole) or a *containment node* (has children:
//! descend). Content match siblings are ANDed; when they all match and
//! there are no other siblings the whole entry is selected, otherwise only
//! the content match nodes and what the other siblings select. A filter
//! node with a namespace selects only data in that namespace; one in no
//! namespace (or in the NETCONF base namespace it inherits from the
//! `<rpc>`) matches by name alone. Attributes on a filter node must be
//! present, with the same value, on the data node (§6.2.3).

use crate::tree;
use confuzz_wire::junos::XNM_NS;
use confuzz_wire::netconf::BASE_NS;
use confuzz_wire::xml::Element;

/// Whether filter node `f` names data node `d` (name, namespace, attributes).
fn names(f: &Element, d: &Element) -> bool {
    if f.name.local != d.name.local {
        return false;
    }
    let ns_ok = match f.namespace.as_deref() {
        None | Some("") | Some(BASE_NS) => true,
        Some(n) if n == XNM_NS || n.starts_with("http://xml.juniper.net/junos/") => {
            tree::is_native(d.namespace.as_deref())
        }
        Some(n) => d.namespace.as_deref() == Some(n),
    };
    ns_ok
        && f.attributes.iter().filter(|a| !a.is_xmlns()).all(|a| {
            d.attributes.iter().any(|b| {
                b.name.local == a.name.local && b.namespace == a.namespace && b.value == a.value
            })
        })
}

fn is_content_match(f: &Element) -> bool {
    f.children.is_empty() && !tree::text(f).is_empty()
}

/// Filters data node `d` by filter node `f` (which names it).
fn filter_node(d: &Element, f: &Element) -> Option<Element> {
    if f.children.is_empty() {
        if is_content_match(f) {
            return (tree::text(d) == tree::text(f)).then(|| d.clone());
        }
        return Some(d.clone());
    }
    let (content, others): (Vec<&Element>, Vec<&Element>) =
        f.children.iter().partition(|c| is_content_match(c));
    for cm in &content {
        let hit = d
            .children
            .iter()
            .any(|dc| names(cm, dc) && tree::is_leaf(dc) && tree::text(dc) == tree::text(cm));
        if !hit {
            return None;
        }
    }
    if others.is_empty() {
        return Some(d.clone());
    }
    let mut out = Element {
        name: d.name.clone(),
        namespace: d.namespace.clone(),
        attributes: d.attributes.clone(),
        children: Vec::new(),
        text: String::new(),
    };
    for dc in &d.children {
        if content.iter().any(|cm| names(cm, dc)) {
            out.children.push(dc.clone());
            continue;
        }
        for f2 in others.iter().filter(|f2| names(f2, dc)) {
            if let Some(sel) = filter_node(dc, f2) {
                out.children.push(sel);
                break;
            }
        }
    }
    if content.is_empty() && out.children.is_empty() {
        return None;
    }
    Some(out)
}

/// Applies the filter nodes `filter` (the children of `<filter>`) to the
/// top-level data nodes `data`, keeping document order.
pub fn subtree(data: &[&Element], filter: &[Element]) -> Vec<Element> {
    let mut out = Vec::new();
    for d in data {
        for f in filter.iter().filter(|f| names(f, d)) {
            if let Some(sel) = filter_node(d, f) {
                out.push(sel);
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::limits;

    fn parse(s: &str) -> Element {
        Element::parse(s.as_bytes(), &limits()).unwrap()
    }

    #[test]
    fn content_match_selects_the_whole_entry() {
        let d = parse(
            "<top><users><user><name>fred</name><type>admin</type></user><user><name>bob</name></user></users></top>",
        );
        let f = parse("<filter><top><users><user><name>fred</name></user></users></top></filter>");
        let out = subtree(&[&d], &f.children);
        assert_eq!(
            out[0].to_bytes(),
            b"<top><users><user><name>fred</name><type>admin</type></user></users></top>".to_vec()
        );
    }

    #[test]
    fn namespace_mismatch_selects_nothing() {
        let d = parse("<top xmlns=\"urn:a\"><x/></top>");
        let f = parse("<filter><top xmlns=\"urn:b\"/></filter>");
        assert!(subtree(&[&d], &f.children).is_empty());
        let f = parse("<filter><top xmlns=\"urn:a\"/></filter>");
        assert_eq!(subtree(&[&d], &f.children).len(), 1);
    }
}
