//! Junos curly-brace configuration text: writing a configuration tree as
//! `show configuration` prints it, and reading it back (`<load-configuration
//! format="text">`), with the `replace:`, `delete:` and `inactive:` tags.
//!
//! The text form leaves out what XML spells out (list keys are bare words,
//! `interfaces { ge-0/0/0 { ... } }` holds `<interface>` entries), so both
//! directions lean on the small schema in [`tree`](crate::tree).

use crate::tree::{self, Kind, MAX_DEPTH};
use confuzz_wire::xml::{Attribute, Element};
use std::fmt::Write as _;

/// Why configuration text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    /// The 1-based line number.
    pub line: usize,
    /// The token at fault, if any.
    pub token: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ParseError {
    fn new(line: usize, token: Option<&str>, message: impl Into<String>) -> Self {
        ParseError {
            line,
            token: token.map(str::to_owned),
            message: message.into(),
        }
    }
}

/// A token of configuration text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Word(String),
    Open,
    Close,
    Semi,
    LBracket,
    RBracket,
}

/// Splits text into tokens with their line numbers; comments (`/* */`, and
/// `#` at the start of a token) are skipped.
pub(crate) fn tokenize(s: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let mut out = Vec::new();
    let mut line = 1usize;
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\n' => line += 1,
            c if c.is_whitespace() => {}
            '{' => out.push((Tok::Open, line)),
            '}' => out.push((Tok::Close, line)),
            ';' => out.push((Tok::Semi, line)),
            '[' => out.push((Tok::LBracket, line)),
            ']' => out.push((Tok::RBracket, line)),
            '#' => {
                for n in it.by_ref() {
                    if n == '\n' {
                        line += 1;
                        break;
                    }
                }
            }
            '/' if it.peek() == Some(&'*') => {
                it.next();
                let start = line;
                let mut prev = ' ';
                loop {
                    match it.next() {
                        Some('/') if prev == '*' => break,
                        Some(n) => {
                            if n == '\n' {
                                line += 1;
                            }
                            prev = n;
                        }
                        None => {
                            return Err(ParseError::new(start, None, "comment not closed with */"));
                        }
                    }
                }
            }
            '"' => {
                let start = line;
                let mut w = String::new();
                loop {
                    match it.next() {
                        Some('"') => break,
                        Some('\\') => match it.next() {
                            Some(n) => w.push(n),
                            None => break,
                        },
                        Some(n) => {
                            if n == '\n' {
                                line += 1;
                            }
                            w.push(n);
                        }
                        None => {
                            return Err(ParseError::new(
                                start,
                                None,
                                "quoted string not closed with \"",
                            ));
                        }
                    }
                }
                out.push((Tok::Word(w), line));
            }
            c => {
                let mut w = String::from(c);
                while let Some(&n) = it.peek() {
                    if n.is_whitespace() || matches!(n, '{' | '}' | ';' | '[' | ']' | '"') {
                        break;
                    }
                    w.push(n);
                    it.next();
                }
                out.push((Tok::Word(w), line));
            }
        }
    }
    Ok(out)
}

/// Words that are statements, not entry names, under a parent with an
/// implicit list.
fn is_keyword(parent: &str, word: &str) -> bool {
    parent == "interfaces"
        && matches!(
            word,
            "interface-range" | "traceoptions" | "apply-groups" | "interface-set"
        )
}

/// Where a statement is read: how deep, and whether inside `firewall`
/// (where `filter NAME` is a list entry; elsewhere `filter` is a container,
/// as in `family inet filter input NAME`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Level {
    pub(crate) depth: usize,
    pub(crate) firewall: bool,
}

impl Level {
    /// The top of a configuration.
    pub(crate) const TOP: Level = Level {
        depth: 0,
        firewall: false,
    };
}

/// How a statement ends.
pub(crate) enum End<'t> {
    /// `;`: the last word may be a leaf value.
    Leaf,
    /// `{ ... }`: the last node is a container; its body follows.
    Block(&'t [(Tok, usize)], &'t mut usize, usize),
    /// `[ values ]`: leaf-list values of the last word.
    Values(Vec<String>),
}

/// Merges `node` into `parent` and returns where it sits.
fn merge_child(parent: &mut Element, node: Element) -> usize {
    let pname = parent.name.local.clone();
    match tree::find_match(&parent.children, &pname, &node) {
        Some(i) => {
            if let Some(slot) = parent.children.get_mut(i)
                && tree::is_leaf(slot)
                && tree::is_leaf(&node)
                && node.children.is_empty()
            {
                slot.text = node.text;
            }
            i
        }
        None => {
            parent.children.push(node);
            parent.children.len() - 1
        }
    }
}

/// Places the statement `words` under `parent`, then applies `marker`
/// (`replace`, `delete`, `inactive`) to its last node and reads its body.
pub(crate) fn place(
    parent: &mut Element,
    words: &[String],
    end: End<'_>,
    marker: Option<&str>,
    line: usize,
    at: Level,
) -> Result<(), ParseError> {
    if at.depth > MAX_DEPTH {
        return Err(ParseError::new(
            line,
            None,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let Some(first) = words.first() else {
        return Err(ParseError::new(line, None, "a statement needs a keyword"));
    };
    let p = parent.name.local.clone();
    let block = matches!(end, End::Block(..));
    let values = matches!(end, End::Values(_));
    let n = words.len();
    let (node, used) =
        if let Some(list) = tree::implicit_list(&p).filter(|_| !is_keyword(&p, first)) {
            (entry(list, first), 1)
        } else if tree::kind_in(&p, first, at.firewall) == Kind::List && n >= 2 {
            (entry(first, &words[1]), 2)
        } else if n == 2
            && !block
            && !values
            && !tree::is_container(first)
            && !tree::is_flag(first, &words[1])
        {
            (Element::new(first.clone()).with_text(words[1].clone()), 2)
        } else {
            (Element::new(first.clone()), 1)
        };
    let inner = at.firewall || first == "firewall";
    let rest = &words[used..];
    if rest.is_empty()
        && let End::Values(vals) = end
    {
        for v in vals {
            merge_child(parent, Element::new(first.clone()).with_text(v));
        }
        return Ok(());
    }
    let i = merge_child(parent, node);
    let Some(slot) = parent.children.get_mut(i) else {
        return Ok(());
    };
    if !rest.is_empty() {
        let below = Level {
            depth: at.depth + 1,
            firewall: inner,
        };
        return place(slot, rest, end, marker, line, below);
    }
    if let Some(m) = marker {
        let attr = if m == "inactive" { "inactive" } else { m };
        slot.attributes.retain(|a| a.name.local != attr);
        slot.attributes.push(Attribute::new(attr, attr));
    }
    if let End::Block(toks, pos, d) = end {
        let below = Level {
            depth: d + 1,
            firewall: inner,
        };
        parse_block(toks, pos, slot, below)?;
    }
    Ok(())
}

fn entry(list: &str, key: &str) -> Element {
    Element::new(list).with_child(Element::new("name").with_text(key))
}

/// Reads statements into `parent` until the matching `}` (or the end, at
/// the top).
pub(crate) fn parse_block(
    toks: &[(Tok, usize)],
    pos: &mut usize,
    parent: &mut Element,
    at: Level,
) -> Result<(), ParseError> {
    let depth = at.depth;
    if depth > MAX_DEPTH {
        let line = toks.get(*pos).map_or(0, |t| t.1);
        return Err(ParseError::new(
            line,
            None,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    loop {
        let Some((tok, line)) = toks.get(*pos) else {
            if depth == 0 {
                return Ok(());
            }
            let line = toks.last().map_or(1, |t| t.1);
            return Err(ParseError::new(
                line,
                None,
                "missing } at the end of the text",
            ));
        };
        let line = *line;
        *pos += 1;
        match tok {
            Tok::Close if depth > 0 => return Ok(()),
            Tok::Close => return Err(ParseError::new(line, Some("}"), "} without a matching {")),
            Tok::Semi => {}
            Tok::Open | Tok::LBracket | Tok::RBracket => {
                return Err(ParseError::new(
                    line,
                    None,
                    "a statement must start with a keyword",
                ));
            }
            Tok::Word(w) => {
                let mut marker = None;
                let mut words = Vec::new();
                match w.as_str() {
                    "replace:" => marker = Some("replace"),
                    "delete:" => marker = Some("delete"),
                    "inactive:" => marker = Some("inactive"),
                    "active:" | "protect:" | "unprotect:" => {}
                    _ => words.push(w.clone()),
                }
                loop {
                    let Some((t, l)) = toks.get(*pos) else {
                        return Err(ParseError::new(
                            line,
                            words.last().map(String::as_str),
                            "statement not ended with ; or {",
                        ));
                    };
                    *pos += 1;
                    match t {
                        Tok::Word(x) => words.push(x.clone()),
                        Tok::Semi => {
                            place(parent, &words, End::Leaf, marker, line, at)?;
                            break;
                        }
                        Tok::Open => {
                            place(
                                parent,
                                &words,
                                End::Block(toks, pos, depth),
                                marker,
                                line,
                                at,
                            )?;
                            break;
                        }
                        Tok::LBracket => {
                            let mut vals = Vec::new();
                            loop {
                                match toks.get(*pos) {
                                    Some((Tok::Word(v), _)) => vals.push(v.clone()),
                                    Some((Tok::RBracket, _)) => break,
                                    _ => {
                                        return Err(ParseError::new(
                                            *l,
                                            None,
                                            "[ not closed with ]",
                                        ));
                                    }
                                }
                                *pos += 1;
                            }
                            *pos += 1;
                            if let Some((Tok::Semi, _)) = toks.get(*pos) {
                                *pos += 1;
                            }
                            place(parent, &words, End::Values(vals), marker, line, at)?;
                            break;
                        }
                        Tok::Close | Tok::RBracket => {
                            return Err(ParseError::new(
                                *l,
                                None,
                                "statement not ended with ; before this",
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// Reads configuration text into a `<configuration>` tree (statements keep
/// their `replace`/`delete`/`inactive` tags as attributes).
pub fn parse(text: &str) -> Result<Element, ParseError> {
    let toks = tokenize(text)?;
    let mut root = Element::new("configuration");
    let mut pos = 0;
    parse_block(&toks, &mut pos, &mut root, Level::TOP)?;
    Ok(root)
}

/// A value as Junos writes it: quoted when it holds spaces or specials.
pub fn quote(v: &str) -> String {
    let plain = !v.is_empty()
        && !v.chars().any(|c| {
            c.is_whitespace()
                || matches!(
                    c,
                    '{' | '}' | ';' | '[' | ']' | '"' | '#' | '\\' | '$' | '\''
                )
        });
    if plain {
        return v.to_owned();
    }
    let mut out = String::from("\"");
    for c in v.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn pad(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("    ");
    }
}

/// Writes the statements under `parent` at `indent`.
pub fn write_children(parent: &Element, indent: usize, out: &mut String) {
    let pname = parent.name.local.as_str();
    let keyed = tree::key_of(parent).is_some();
    let mut key_skipped = false;
    for (i, c) in parent.children.iter().enumerate() {
        if keyed && !key_skipped && c.name.local == "name" && tree::is_leaf(c) {
            key_skipped = true;
            continue;
        }
        if tree::is_leaf_list_value(pname, c) {
            let earlier = parent.children[..i]
                .iter()
                .any(|o| o.name.local == c.name.local);
            if earlier {
                continue;
            }
            let vals: Vec<String> = parent
                .children
                .iter()
                .filter(|o| o.name.local == c.name.local)
                .map(|o| quote(tree::text(o)))
                .collect();
            pad(out, indent);
            if vals.len() == 1 {
                let _ = writeln!(out, "{} {};", c.name.local, vals[0]);
            } else {
                let _ = writeln!(out, "{} [ {} ];", c.name.local, vals.join(" "));
            }
            continue;
        }
        write_statement(pname, c, indent, out);
    }
}

/// Writes one statement `c` (child of `parent`) at `indent`.
pub fn write_statement(parent: &str, c: &Element, indent: usize, out: &mut String) {
    pad(out, indent);
    if c.attr("inactive").is_some() {
        out.push_str("inactive: ");
    }
    let mut label = match tree::key_of(c) {
        Some(k) if tree::implicit_list(parent) == Some(c.name.local.as_str()) => quote(k),
        Some(k) => format!("{} {}", c.name.local, quote(k)),
        None => c.name.local.clone(),
    };
    let keyed = tree::key_of(c).is_some();
    let rest = c.children.len() - usize::from(keyed);
    if c.children.is_empty() {
        if !c.text.is_empty() {
            label.push(' ');
            label.push_str(&quote(&c.text));
        }
        let _ = writeln!(out, "{label};");
        return;
    }
    if rest == 0 {
        let _ = writeln!(out, "{label};");
        return;
    }
    // Flattened containers holding one statement share its line, down to
    // a leaf: `family inet {`, `then accept;`, `then reject tcp-reset;`,
    // `then count web-hits;`.
    let mut body = c;
    while tree::is_flattened(&body.name.local)
        && tree::key_of(body).is_none()
        && let [only] = body.children.as_slice()
        && tree::key_of(only).is_none()
        && (only.text.is_empty() || !tree::is_container(&only.name.local))
    {
        label.push(' ');
        label.push_str(&only.name.local);
        if only.children.is_empty() {
            if !only.text.is_empty() {
                label.push(' ');
                label.push_str(&quote(&only.text));
            }
            let _ = writeln!(out, "{label};");
            return;
        }
        body = only;
    }
    let _ = writeln!(out, "{label} {{");
    write_children(body, indent + 1, out);
    pad(out, indent);
    out.push_str("}\n");
}

/// The whole Junos configuration as text (the modules' data beside it has
/// no text form).
pub fn write(cfg: &Element) -> String {
    let mut out = String::new();
    write_children(&tree::junos_part(cfg), 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_back_to_the_same_tree() {
        let cfg = crate::seed::initial_configuration(&crate::DeviceConfig::default());
        let text = write(&cfg);
        assert!(text.contains("ge-0/0/0 {"), "{text}");
        assert!(text.contains("family inet {"), "{text}");
        assert!(
            text.contains("permissions [ view view-configuration ];"),
            "{text}"
        );
        let back = parse(&text).unwrap();
        // The modules' data beside the Junos configuration has no text form.
        assert!(!text.contains("lease-time"), "{text}");
        assert_eq!(back, *tree::junos_part(&cfg), "{text}");
        assert_ne!(back, cfg);
    }

    #[test]
    fn tags_and_errors() {
        let t =
            parse("system { replace: login { class a { permissions view; } } delete: host-name; }")
                .unwrap();
        let login = t.child("system").unwrap().child("login").unwrap();
        assert_eq!(login.attr("replace"), Some("replace"));
        let e = parse("system {\n host-name x;\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(parse("system { host-name x }").is_err());
    }
}
