//! NSO keypaths: `/prefix:container/list{key}/leaf`.
//!
//! Keypaths point at instance data in NSO's JSON-RPC params (`path`,
//! `from_path`, ...). The module prefix is compulsory on the first node.
//! List keys go in braces; several keys are separated by spaces. Clients
//! quote keys the way NSO's own tooling does: `{`, `}`, `'` and `\` get a
//! backslash, and a key holding a space is put in double quotes, so
//! `/ncs:devices/device{"ex 0"}/config` names device `ex 0`.
//!
//! The parser is a single loop over the text (no recursion), bounded by
//! [`MAX_KEYPATH_LEN`], and never panics; [`Keypath`]'s `Display` writes the
//! canonical form, and parsing it gives the same keypath back.

use std::fmt;

/// Longest keypath accepted, in bytes.
pub const MAX_KEYPATH_LEN: usize = 64 * 1024;

/// A parsed keypath (or tagpath, when no node has keys).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keypath {
    /// The nodes from the root; empty for `/`.
    pub nodes: Vec<KeypathNode>,
}

/// One step of a keypath.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeypathNode {
    /// The module prefix (`ncs` in `ncs:devices`).
    pub prefix: Option<String>,
    /// The node name.
    pub name: String,
    /// The list keys, in order; empty when the node has no braces.
    pub keys: Vec<String>,
}

impl KeypathNode {
    /// A node without prefix or keys.
    pub fn new(name: impl Into<String>) -> Self {
        KeypathNode {
            prefix: None,
            name: name.into(),
            keys: Vec::new(),
        }
    }

    /// A node with a module prefix.
    pub fn prefixed(prefix: impl Into<String>, name: impl Into<String>) -> Self {
        KeypathNode {
            prefix: Some(prefix.into()),
            name: name.into(),
            keys: Vec::new(),
        }
    }

    /// The same node with list keys.
    pub fn with_keys<I, S>(mut self, keys: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keys = keys.into_iter().map(Into::into).collect();
        self
    }
}

/// Why a keypath could not be read. Offsets count bytes from the start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeypathError {
    /// Longer than [`MAX_KEYPATH_LEN`].
    #[error("keypath of {len} bytes is longer than {limit} bytes")]
    TooLong {
        /// Length of the text.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// Does not start with `/`.
    #[error("keypath must start with '/' (e.g. /d:config/device{{eth0}})")]
    NotAbsolute,
    /// Two slashes in a row, or a slash at the end.
    #[error("empty node at byte {offset}: remove the extra '/'")]
    EmptyNode {
        /// Where the node should start.
        offset: usize,
    },
    /// A character that cannot be in a prefix or node name.
    #[error(
        "unexpected {found:?} at byte {offset}: prefixes and names are YANG identifiers ([A-Za-z_][A-Za-z0-9_.-]*)"
    )]
    BadName {
        /// Where.
        offset: usize,
        /// What was found.
        found: char,
    },
    /// The first node has no module prefix.
    #[error("the first node needs its module prefix, e.g. /ncs:devices rather than /devices")]
    MissingPrefix,
    /// `{` without its `}`.
    #[error("keys opened at byte {offset} are not closed: add '}}'")]
    UnclosedKeys {
        /// The `{`.
        offset: usize,
    },
    /// A quoted key without its closing quote.
    #[error("quoted key starting at byte {offset} is not closed")]
    UnclosedQuote {
        /// The opening quote.
        offset: usize,
    },
    /// A `{` inside a key, which must be escaped.
    #[error("unescaped '{{' at byte {offset} inside a key: write it as \\{{")]
    UnescapedBrace {
        /// Where.
        offset: usize,
    },
    /// `{}` with no key.
    #[error("empty keys at byte {offset}: put at least one key between the braces")]
    EmptyKeys {
        /// The `{`.
        offset: usize,
    },
    /// Something other than `/` after a node's keys.
    #[error(
        "unexpected {found:?} at byte {offset} after list keys: a node ends with '/' or the end of the path"
    )]
    AfterKeys {
        /// Where.
        offset: usize,
        /// What was found.
        found: char,
    },
    /// A backslash at the very end.
    #[error("backslash at byte {offset} escapes nothing")]
    DanglingEscape {
        /// The backslash.
        offset: usize,
    },
}

/// Parses an NSO keypath.
pub fn parse_keypath(text: &str) -> Result<Keypath, KeypathError> {
    if text.len() > MAX_KEYPATH_LEN {
        return Err(KeypathError::TooLong {
            len: text.len(),
            limit: MAX_KEYPATH_LEN,
        });
    }
    let mut chars = text.char_indices().peekable();
    if chars.next().map(|(_, c)| c) != Some('/') {
        return Err(KeypathError::NotAbsolute);
    }
    let mut path = Keypath::default();
    if text.len() == 1 {
        return Ok(path);
    }
    loop {
        // One node: [prefix ':'] name ['{' keys '}'] then '/' or end.
        let start = chars.peek().map_or(text.len(), |(i, _)| *i);
        let mut first = read_ident(&mut chars)?;
        if first.is_empty() {
            return Err(KeypathError::EmptyNode { offset: start });
        }
        let mut node = KeypathNode::new(String::new());
        if chars.peek().map(|(_, c)| *c) == Some(':') {
            chars.next();
            let at = chars.peek().map_or(text.len(), |(i, _)| *i);
            let name = read_ident(&mut chars)?;
            if name.is_empty() {
                return Err(bad_name(at, chars.peek().map(|(_, c)| *c)));
            }
            node.prefix = Some(std::mem::take(&mut first));
            node.name = name;
        } else {
            node.name = first;
        }
        if let Some((open, '{')) = chars.peek().copied() {
            chars.next();
            node.keys = read_keys(&mut chars, open)?;
        }
        path.nodes.push(node);
        match chars.next() {
            None => break,
            Some((i, '/')) => {
                if chars.peek().is_none() {
                    return Err(KeypathError::EmptyNode { offset: i + 1 });
                }
            }
            Some((i, c)) if path.nodes.last().is_some_and(|n| !n.keys.is_empty()) => {
                return Err(KeypathError::AfterKeys {
                    offset: i,
                    found: c,
                });
            }
            Some((i, c)) => return Err(bad_name(i, Some(c))),
        }
    }
    if path.nodes.first().is_some_and(|n| n.prefix.is_none()) {
        return Err(KeypathError::MissingPrefix);
    }
    Ok(path)
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

fn bad_name(offset: usize, found: Option<char>) -> KeypathError {
    match found {
        Some('/') | None => KeypathError::EmptyNode { offset },
        Some(found) => KeypathError::BadName { offset, found },
    }
}

/// Reads a YANG identifier (possibly empty); stops before any other character.
fn read_ident(chars: &mut Chars<'_>) -> Result<String, KeypathError> {
    let mut s = String::new();
    while let Some((i, c)) = chars.peek().copied() {
        let ok = c.is_ascii_alphabetic()
            || c == '_'
            || (!s.is_empty() && (c.is_ascii_digit() || c == '-' || c == '.'));
        if ok {
            s.push(c);
            chars.next();
        } else if matches!(c, ':' | '{' | '/') {
            break;
        } else {
            return Err(KeypathError::BadName {
                offset: i,
                found: c,
            });
        }
    }
    Ok(s)
}

/// Reads keys up to and including the closing `}` (the `{` at `open` is consumed).
fn read_keys(chars: &mut Chars<'_>, open: usize) -> Result<Vec<String>, KeypathError> {
    let mut keys = Vec::new();
    loop {
        while chars.peek().map(|(_, c)| *c) == Some(' ') {
            chars.next();
        }
        match chars.peek().copied() {
            None => return Err(KeypathError::UnclosedKeys { offset: open }),
            Some((_, '}')) => {
                chars.next();
                if keys.is_empty() {
                    return Err(KeypathError::EmptyKeys { offset: open });
                }
                return Ok(keys);
            }
            Some((q, quote @ ('"' | '\''))) => {
                chars.next();
                let mut key = String::new();
                loop {
                    match chars.next() {
                        None => return Err(KeypathError::UnclosedQuote { offset: q }),
                        Some((i, '\\')) => match chars.next() {
                            Some((_, c)) => key.push(c),
                            None => return Err(KeypathError::DanglingEscape { offset: i }),
                        },
                        Some((_, c)) if c == quote => break,
                        Some((_, c)) => key.push(c),
                    }
                }
                keys.push(key);
            }
            Some(_) => {
                let mut key = String::new();
                while let Some((i, c)) = chars.peek().copied() {
                    match c {
                        ' ' | '}' => break,
                        '{' => return Err(KeypathError::UnescapedBrace { offset: i }),
                        '\\' => {
                            chars.next();
                            match chars.next() {
                                Some((_, e)) => key.push(e),
                                None => return Err(KeypathError::DanglingEscape { offset: i }),
                            }
                        }
                        _ => {
                            key.push(c);
                            chars.next();
                        }
                    }
                }
                keys.push(key);
            }
        }
    }
}

/// Quotes one list key the way NSO clients do: `{`, `}`, `'` and `\` get a
/// backslash; a key holding a space (or an empty key) goes in double quotes,
/// inside which `"` is escaped too. A leading `"` of an unquoted key is
/// escaped so it does not open a quote.
pub fn quote_key(key: &str) -> String {
    let quoted = key.is_empty() || key.contains(' ');
    let mut out = String::with_capacity(key.len() + 2);
    if quoted {
        out.push('"');
    }
    for (i, c) in key.chars().enumerate() {
        let escape = matches!(c, '{' | '}' | '\'' | '\\') || (c == '"' && (quoted || i == 0));
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    if quoted {
        out.push('"');
    }
    out
}

impl Keypath {
    /// The same path with every list's keys removed (the schema path NSO's
    /// `get_schema` takes).
    pub fn tagpath(&self) -> Keypath {
        Keypath {
            nodes: self
                .nodes
                .iter()
                .map(|n| KeypathNode {
                    keys: Vec::new(),
                    ..n.clone()
                })
                .collect(),
        }
    }
}

impl fmt::Display for Keypath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.nodes.is_empty() {
            return f.write_str("/");
        }
        for node in &self.nodes {
            f.write_str("/")?;
            if let Some(prefix) = &node.prefix {
                write!(f, "{prefix}:")?;
            }
            f.write_str(&node.name)?;
            if !node.keys.is_empty() {
                f.write_str("{")?;
                for (i, key) in node.keys.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    f.write_str(&quote_key(key))?;
                }
                f.write_str("}")?;
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Keypath {
    type Err = KeypathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_keypath(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keypaths_from_the_manual_parse_and_write_back() {
        for text in [
            "/d:config/device{eth0}/date",
            "/d:config/description",
            "/dhcp:dhcp/max-lease-time",
            "/aaa:aaa/authentication/users/user{admin}",
            "/ncs:devices/device{\"ex 0\"}/config",
            "/",
        ] {
            let kp = parse_keypath(text);
            assert_eq!(
                kp.as_ref().map(ToString::to_string).ok().as_deref(),
                Some(text),
                "{text}: {kp:?}"
            );
        }
        let kp = parse_keypath("/d:config/device{eth0}/date").unwrap_or_default();
        assert_eq!(kp.nodes[1].keys, ["eth0"]);
        assert_eq!(kp.nodes[0].prefix.as_deref(), Some("d"));
        assert_eq!(kp.tagpath().to_string(), "/d:config/device/date");
        let two = parse_keypath(
            "/ncs:devices/device{\"ex 0\"}/config/ios:interface/GigabitEthernet{0/1 \"a b\" c\\}d}",
        );
        assert_eq!(
            two.map(|k| k.nodes[4].keys.clone()).ok(),
            Some(vec!["0/1".into(), "a b".into(), "c}d".into()])
        );
    }

    #[test]
    fn keys_are_quoted_like_nso_clients_quote_them() {
        for (key, quoted) in [
            ("eth0", "eth0"),
            ("ex 0", "\"ex 0\""),
            ("a{b}", "a\\{b\\}"),
            ("it's", "it\\'s"),
            ("c:\\x", "c:\\\\x"),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("\"q", "\\\"q"),
            ("", "\"\""),
        ] {
            assert_eq!(quote_key(key), quoted, "{key}");
            let path = format!("/m:l{{{quoted}}}");
            assert_eq!(
                parse_keypath(&path).map(|k| k.nodes[0].keys.clone()).ok(),
                Some(vec![key.to_owned()]),
                "{path}"
            );
        }
    }

    #[test]
    fn bad_keypaths_say_where_and_how_to_fix() {
        use KeypathError as E;
        for (text, want) in [
            ("d:config", E::NotAbsolute),
            ("/config/device", E::MissingPrefix),
            ("/d:config//x", E::EmptyNode { offset: 10 }),
            ("/d:config/", E::EmptyNode { offset: 10 }),
            (
                "/d:con fig",
                E::BadName {
                    offset: 6,
                    found: ' ',
                },
            ),
            (
                "/d:1x",
                E::BadName {
                    offset: 3,
                    found: '1',
                },
            ),
            ("/d:l{a", E::UnclosedKeys { offset: 4 }),
            ("/d:l{}", E::EmptyKeys { offset: 4 }),
            ("/d:l{\"a}", E::UnclosedQuote { offset: 5 }),
            ("/d:l{a{b}", E::UnescapedBrace { offset: 6 }),
            (
                "/d:l{a}x",
                E::AfterKeys {
                    offset: 7,
                    found: 'x',
                },
            ),
            ("/d:l{a\\", E::DanglingEscape { offset: 6 }),
        ] {
            assert_eq!(parse_keypath(text), Err(want), "{text}");
        }
        let long = format!("/d:{}", "a".repeat(MAX_KEYPATH_LEN));
        assert!(matches!(parse_keypath(&long), Err(E::TooLong { .. })));
    }

    proptest! {
        #[test]
        fn keypaths_round_trip(nodes in prop::collection::vec(("[a-z][a-z0-9-]{0,6}", "[a-z_][a-z0-9._-]{0,8}", prop::collection::vec("\\PC{0,8}", 0..3)), 1..5)) {
            let kp = Keypath {
                nodes: nodes.into_iter().enumerate().map(|(i, (p, n, keys))| KeypathNode {
                    prefix: (i == 0).then_some(p),
                    name: n,
                    keys,
                }).collect(),
            };
            prop_assert_eq!(parse_keypath(&kp.to_string()), Ok(kp));
        }
    }
}
