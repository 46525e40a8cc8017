//! Junos `set` commands: writing a configuration as `show configuration |
//! display set` prints it, and reading `set` / `delete` lines
//! (`<load-configuration action="set">`).

use super::text::{End, Level, ParseError, Tok, place, quote, tokenize};
use crate::tree;
use confuzz_wire::xml::Element;

/// One command read from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// `delete` rather than `set`.
    pub delete: bool,
    /// The statement as a `<configuration>` tree; for `delete` its last
    /// node carries `delete="delete"`.
    pub tree: Element,
    /// The 1-based line it came from.
    pub line: usize,
    /// The line as written.
    pub text: String,
}

/// Reads `set` and `delete` lines; blank lines and `#` comments are skipped.
pub fn parse(text: &str) -> Result<Vec<Command>, ParseError> {
    let mut out = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let toks = tokenize(raw).map_err(|e| ParseError { line, ..e })?;
        let mut words = Vec::with_capacity(toks.len());
        for (t, _) in toks {
            match t {
                Tok::Word(w) => words.push(w),
                _ => {
                    return Err(ParseError {
                        line,
                        token: None,
                        message: "braces, brackets and ; do not belong in set commands".into(),
                    });
                }
            }
        }
        let Some((verb, path)) = words.split_first() else {
            continue;
        };
        let delete = match verb.as_str() {
            "set" => false,
            "delete" => true,
            other => {
                return Err(ParseError {
                    line,
                    token: Some(other.to_owned()),
                    message: format!("{other:?} is not a command here: use set or delete"),
                });
            }
        };
        if path.is_empty() {
            return Err(ParseError {
                line,
                token: Some(verb.clone()),
                message: format!("{verb} needs a statement path"),
            });
        }
        let mut root = Element::new("configuration");
        let marker = delete.then_some("delete");
        place(&mut root, path, End::Leaf, marker, line, Level::TOP)?;
        out.push(Command {
            delete,
            tree: root,
            line,
            text: raw.trim().to_owned(),
        });
    }
    Ok(out)
}

/// The Junos configuration as `set` commands, one per line (the modules'
/// data beside it has no set form).
pub fn write(cfg: &Element) -> String {
    let mut out = String::new();
    let mut path = Vec::new();
    walk(&tree::junos_part(cfg), &mut path, &mut out);
    out
}

fn walk(el: &Element, path: &mut Vec<String>, out: &mut String) {
    let pname = el.name.local.as_str();
    let keyed = tree::key_of(el).is_some();
    let mut key_skipped = false;
    for c in &el.children {
        if keyed && !key_skipped && c.name.local == "name" && tree::is_leaf(c) {
            key_skipped = true;
            continue;
        }
        let mark = path.len();
        match tree::key_of(c) {
            Some(k) if tree::implicit_list(pname) == Some(c.name.local.as_str()) => {
                path.push(quote(k))
            }
            Some(k) => {
                path.push(c.name.local.clone());
                path.push(quote(k));
            }
            None => path.push(c.name.local.clone()),
        }
        let own = usize::from(tree::key_of(c).is_some());
        if c.children.len() == own {
            let mut line = format!("set {}", path.join(" "));
            if own == 0 && !c.text.is_empty() {
                line.push(' ');
                line.push_str(&quote(&c.text));
            }
            out.push_str(&line);
            out.push('\n');
        } else {
            walk(c, path, out);
        }
        if c.attr("inactive").is_some() {
            out.push_str(&format!("deactivate {}\n", path.join(" ")));
        }
        path.truncate(mark);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_lines_read_back_to_the_same_tree() {
        let cfg = crate::seed::initial_configuration(&crate::DeviceConfig::default());
        let text = write(&cfg);
        assert!(
            text.contains("set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24\n"),
            "{text}"
        );
        assert!(
            text.contains("set system login user admin class super-user\n"),
            "{text}"
        );
        let mut back = Element::new("configuration");
        for c in parse(&text).unwrap() {
            crate::edit::apply(
                &mut back,
                &[c.tree],
                crate::edit::EditOp::Merge,
                Default::default(),
                "",
            );
        }
        assert_eq!(back, *crate::tree::junos_part(&cfg), "{text}");
        assert!(!text.contains("lease-time"), "{text}");
    }
}
