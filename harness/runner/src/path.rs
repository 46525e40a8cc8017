//! XPath-like paths over an XML tree, for captures and assertions.
//!
//! A deliberately small subset, enough to point at a value in a reply:
//!
//! - `/rpc-reply/data/configuration/system/host-name`: from the root
//!   (the first step must name the root element);
//! - `//host-name` (or just `host-name`): any descendant, at any depth;
//! - `*` matches any element; names match the local name (prefixes and
//!   namespaces are ignored, so a path reads the same on every device);
//! - `interface[2]`: the second match among its siblings (from 1);
//! - `interface[name='ge-0/0/0']`: elements with a child of that text;
//! - a last step `@message-id` selects an attribute, `text()` the text.
//!
//! The value of an element is its own text, trimmed.

use confuzz_wire::xml::Element;

/// A path that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("path {path:?}: {message}")]
pub struct PathError {
    /// The path as written.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pred {
    Index(usize),
    ChildEquals(String, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct StepSel {
    /// Search every descendant, not only children.
    deep: bool,
    name: String,
    preds: Vec<Pred>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Last {
    Element,
    Attr(String),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    text: String,
    absolute: bool,
    steps: Vec<StepSel>,
    last: Last,
}

/// The most steps a path may have.
const MAX_STEPS: usize = 64;

impl Path {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Path, PathError> {
        let err = |m: &str| PathError {
            path: text.to_owned(),
            message: m.to_owned(),
        };
        let t = text.trim();
        if t.is_empty() {
            return Err(err("the path is empty; write e.g. //host-name"));
        }
        if t.ends_with('/') {
            return Err(err("the path ends with `/`; name the element after it"));
        }
        let (absolute, mut rest, mut deep) = if let Some(r) = t.strip_prefix("//") {
            (false, r, true)
        } else if let Some(r) = t.strip_prefix('/') {
            (true, r, false)
        } else {
            (false, t, true)
        };
        let mut steps = Vec::new();
        let mut last = Last::Element;
        loop {
            if steps.len() >= MAX_STEPS {
                return Err(err("too many steps"));
            }
            let (seg, next, next_deep) = split_segment(rest);
            if seg.is_empty() {
                return Err(err("an empty step (`//` is only allowed between names)"));
            }
            if let Some(a) = seg.strip_prefix('@') {
                if !next.is_empty() {
                    return Err(err("`@attribute` must be the last step"));
                }
                last = Last::Attr(a.to_owned());
                break;
            }
            if seg == "text()" {
                if !next.is_empty() {
                    return Err(err("`text()` must be the last step"));
                }
                break;
            }
            steps.push(parse_segment(seg).map_err(|m| err(&m))?);
            if let Some(s) = steps.last_mut() {
                s.deep = deep;
            }
            if next.is_empty() {
                break;
            }
            rest = next;
            deep = next_deep;
        }
        if steps.is_empty() {
            return Err(err("the path names no element"));
        }
        Ok(Path {
            text: text.to_owned(),
            absolute,
            steps,
            last,
        })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Every value the path selects in `root`, in document order.
    pub fn values(&self, root: &Element) -> Vec<String> {
        let els = self.elements(root);
        match &self.last {
            Last::Element => els.iter().map(|e| e.text.trim().to_owned()).collect(),
            Last::Attr(a) => els
                .iter()
                .filter_map(|e| e.attr(a).map(str::to_owned))
                .collect(),
        }
    }

    /// Every element the path selects in `root`.
    pub fn elements<'a>(&self, root: &'a Element) -> Vec<&'a Element> {
        let mut current: Vec<&'a Element> = Vec::new();
        let mut steps = self.steps.iter();
        if self.absolute {
            let Some(first) = steps.next() else {
                return current;
            };
            if matches_name(root, &first.name) && preds_ok(root, &first.preds, 1) {
                current.push(root);
            }
        } else {
            // A relative or `//` path searches from a virtual parent of the root.
            let Some(first) = steps.next() else {
                return current;
            };
            let mut found = Vec::new();
            if matches_name(root, &first.name) {
                found.push(root);
            }
            descendants(root, &first.name, &mut found);
            current = apply_index(found, &first.preds);
        }
        for step in steps {
            let mut next = Vec::new();
            for el in &current {
                let mut found = Vec::new();
                if step.deep {
                    descendants(el, &step.name, &mut found);
                } else {
                    found.extend(el.children.iter().filter(|c| matches_name(c, &step.name)));
                }
                next.extend(apply_index(found, &step.preds));
            }
            current = next;
        }
        current
    }
}

fn split_segment(s: &str) -> (&str, &str, bool) {
    // Split at the first '/' outside brackets and quotes.
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.saturating_sub(1),
            (None, '/') if depth == 0 => {
                let seg = &s[..i];
                let rest = &s[i + 1..];
                return match rest.strip_prefix('/') {
                    Some(r) => (seg, r, true),
                    None => (seg, rest, false),
                };
            }
            _ => {}
        }
    }
    (s, "", false)
}

fn parse_segment(seg: &str) -> Result<StepSel, String> {
    let (name, mut rest) = match seg.find('[') {
        Some(i) => (&seg[..i], &seg[i..]),
        None => (seg, ""),
    };
    let name = name.rsplit(':').next().unwrap_or(name).to_owned();
    if name.is_empty() {
        return Err(format!("step {seg:?} names no element"));
    }
    let mut preds = Vec::new();
    while !rest.is_empty() {
        let Some(body_end) = rest.find(']') else {
            return Err(format!("step {seg:?}: `[` without `]`"));
        };
        let body = rest.get(1..body_end).unwrap_or_default().trim();
        rest = &rest[body_end + 1..];
        if let Ok(n) = body.parse::<usize>() {
            if n == 0 {
                return Err(format!("step {seg:?}: positions count from 1"));
            }
            preds.push(Pred::Index(n));
        } else if let Some((k, v)) = body.split_once('=') {
            let v = v.trim();
            let v = v
                .strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .or_else(|| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                .ok_or_else(|| format!("step {seg:?}: quote the value, e.g. [name='ge-0/0/0']"))?;
            preds.push(Pred::ChildEquals(k.trim().to_owned(), v.to_owned()));
        } else {
            return Err(format!(
                "step {seg:?}: a predicate is a position [2] or a child's text [name='x']"
            ));
        }
    }
    Ok(StepSel {
        deep: false,
        name,
        preds,
    })
}

fn matches_name(el: &Element, name: &str) -> bool {
    name == "*" || el.name.local == name
}

fn descendants<'a>(el: &'a Element, name: &str, out: &mut Vec<&'a Element>) {
    // Iterative, so a deep tree cannot exhaust the stack.
    let mut stack: Vec<&'a Element> = el.children.iter().rev().collect();
    while let Some(e) = stack.pop() {
        if matches_name(e, name) {
            out.push(e);
        }
        stack.extend(e.children.iter().rev());
    }
}

fn preds_ok(el: &Element, preds: &[Pred], position: usize) -> bool {
    preds.iter().all(|p| match p {
        Pred::Index(n) => *n == position,
        Pred::ChildEquals(k, v) => el
            .children
            .iter()
            .any(|c| c.name.local == *k && c.text.trim() == v),
    })
}

fn apply_index<'a>(found: Vec<&'a Element>, preds: &[Pred]) -> Vec<&'a Element> {
    let mut out = found;
    for p in preds {
        out = match p {
            Pred::Index(n) => out.get(n - 1).copied().into_iter().collect(),
            Pred::ChildEquals(..) => out
                .into_iter()
                .filter(|e| preds_ok(e, std::slice::from_ref(p), 0))
                .collect(),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use confuzz_wire::xml::XmlLimits;

    fn doc() -> Element {
        Element::parse(
            br#"<rpc-reply message-id="7"><data><configuration><interfaces><interface><name>ge-0/0/0</name><mtu>1500</mtu></interface><interface><name>ge-0/0/1</name><mtu>9000</mtu></interface></interfaces></configuration></data></rpc-reply>"#,
            &XmlLimits::default(),
        )
        .unwrap()
    }

    #[test]
    fn absolute_descendant_index_predicate_and_attribute_paths_select_values() {
        let d = doc();
        let v = |p: &str| Path::parse(p).unwrap().values(&d);
        assert_eq!(v("/rpc-reply/@message-id"), ["7"]);
        assert_eq!(v("//interface/name"), ["ge-0/0/0", "ge-0/0/1"]);
        assert_eq!(v("name"), ["ge-0/0/0", "ge-0/0/1"]);
        assert_eq!(v("//interface[2]/mtu"), ["9000"]);
        assert_eq!(v("//interface[name='ge-0/0/1']/mtu/text()"), ["9000"]);
        assert_eq!(v("/rpc-reply/data//mtu"), ["1500", "9000"]);
        assert!(v("/data").is_empty());
        assert_eq!(Path::parse("//*").unwrap().elements(&d).len(), 10);
    }

    #[test]
    fn malformed_paths_are_errors_that_say_how_to_write_them() {
        for p in ["", "//", "a[", "a[0]", "a[x=y]", "@x/y", "a//"] {
            assert!(Path::parse(p).is_err(), "{p}");
        }
    }
}
