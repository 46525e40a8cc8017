//! Snapshots: a reply normalized and redacted, kept in a file that reads
//! like insta's (a short header, `---`, then the value), one per check:
//! `snapshots/<profile>/<scenario>__<step>.snap`.
//!
//! Normalizing makes two replies that mean the same give the same text:
//! XML in a canonical form (prefixes resolved to namespaces declared where
//! they change, attributes sorted, whitespace-only text dropped, one
//! element per line), JSON with sorted keys, pretty. Redacting replaces
//! values that change from run to run (message-id, session-id,
//! eventTime and other times, commit ids, transaction handles, cookies)
//! with `[name]` placeholders.
//!
//! A new or changed value is written next to the snapshot as `.snap.new`
//! (pending); `confuzz review` accepts or rejects it.

use confuzz_wire::xml::{Element, XmlLimits};
use std::path::{Path, PathBuf};

/// Element and attribute names whose values are redacted.
pub const REDACTED: &[&str] = &[
    "message-id",
    "session-id",
    "eventTime",
    "event-time",
    "timestamp",
    "time",
    "date-time",
    "current-time",
    "system-booted-time",
    "up-time",
    "commit-id",
    "commit-time",
    "commit-date",
    "seconds",
    "th",
    "transaction-handle",
    "cookie",
    "sessionid",
    "session_id",
    "passwd",
    "password",
];

/// The placeholder for a redacted value.
fn placeholder(name: &str) -> String {
    format!("[{name}]")
}

/// Redacts `el` in place.
pub fn redact(el: &mut Element) {
    let mut stack: Vec<&mut Element> = vec![el];
    while let Some(e) = stack.pop() {
        if REDACTED.contains(&e.name.local.as_str()) && e.children.is_empty() {
            e.text = placeholder(&e.name.local);
        }
        for a in &mut e.attributes {
            if !a.is_xmlns() && REDACTED.contains(&a.name.local.as_str()) {
                a.value = placeholder(&a.name.local);
            }
        }
        stack.extend(e.children.iter_mut());
    }
}

/// `raw` XML normalized (one element per line, indented) and redacted.
pub fn normalize_xml(raw: &[u8]) -> Result<String, String> {
    let mut el = Element::parse(raw, &XmlLimits::default())
        .map_err(|e| format!("the reply is not readable XML: {e}"))?;
    redact(&mut el);
    Ok(pretty(&el))
}

/// A canonical, indented rendering: the bytes of
/// [`Element::to_canonical`] for each element's start and end tag, one
/// per line, so diffs point at the element that changed.
pub fn pretty(root: &Element) -> String {
    let mut out = String::new();
    // (element, parent namespace, depth, next child index)
    let mut stack: Vec<(&Element, Option<&str>, usize, usize)> = vec![(root, None, 0, 0)];
    let mut opened: Vec<bool> = vec![false];
    while let Some(top) = stack.last_mut() {
        let (el, parent_ns, depth, next) = *top;
        let indent = "  ".repeat(depth);
        let is_open = opened.last().copied().unwrap_or(true);
        if !is_open {
            // Start tag, from the canonical form of the element alone.
            let shallow = Element {
                name: el.name.clone(),
                namespace: el.namespace.clone(),
                attributes: el.attributes.clone(),
                children: Vec::new(),
                text: String::new(),
            };
            let canon = String::from_utf8_lossy(&shallow.to_canonical()).into_owned();
            let mut start = canon
                .strip_suffix(&format!("</{}>", el.name.local))
                .unwrap_or(&canon)
                .to_owned();
            if el.namespace.as_deref() == parent_ns && depth > 0 {
                // Declared by the parent already.
                if let Some(ns) = &el.namespace {
                    start = start.replacen(&format!(" xmlns=\"{ns}\""), "", 1);
                }
            } else if el.namespace.is_none() && parent_ns.is_some() {
                start = start.replacen('>', " xmlns=\"\">", 1);
            }
            let text = el.text.trim();
            if el.children.is_empty() {
                let mut t = Vec::new();
                confuzz_wire::xml::escape_text(&mut t, text);
                out.push_str(&format!(
                    "{indent}{start}{}</{}>\n",
                    String::from_utf8_lossy(&t),
                    el.name.local
                ));
                stack.pop();
                opened.pop();
                continue;
            }
            out.push_str(&format!("{indent}{start}\n"));
            if !text.is_empty() {
                let mut t = Vec::new();
                confuzz_wire::xml::escape_text(&mut t, text);
                out.push_str(&format!("{indent}  {}\n", String::from_utf8_lossy(&t)));
            }
            if let Some(o) = opened.last_mut() {
                *o = true;
            }
        }
        if let Some(child) = el.children.get(next) {
            if let Some(t) = stack.last_mut() {
                t.3 += 1;
            }
            stack.push((child, el.namespace.as_deref(), depth + 1, 0));
            opened.push(false);
        } else {
            out.push_str(&format!("{indent}</{}>\n", el.name.local));
            stack.pop();
            opened.pop();
        }
    }
    out
}

/// JSON normalized: keys sorted, pretty, volatile values redacted.
pub fn normalize_json(value: &serde_json::Value) -> String {
    // serde_json's map is ordered by key (no preserve_order feature).
    serde_json::to_string_pretty(&redact_json(value)).unwrap_or_default() + "\n"
}

/// `value` with volatile and secret values (the [`REDACTED`] keys: `th`,
/// cookies, times, passwords) replaced by `[name]` placeholders.
pub fn redact_json(value: &serde_json::Value) -> serde_json::Value {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if REDACTED.contains(&k.as_str()) && !v.is_object() && !v.is_array() {
                        *v = serde_json::Value::String(placeholder(k));
                    } else {
                        walk(v);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut v = value.clone();
    walk(&mut v);
    v
}

/// Where a snapshot lives.
#[derive(Debug, Clone)]
pub struct SnapshotKey {
    /// The snapshot root (`snapshots/`).
    pub root: PathBuf,
    /// The target profile.
    pub profile: String,
    /// The scenario name.
    pub scenario: String,
    /// The step name.
    pub step: String,
}

impl SnapshotKey {
    /// `root/profile/scenario__step.snap`.
    pub fn path(&self) -> PathBuf {
        self.root
            .join(&self.profile)
            .join(format!("{}__{}.snap", self.scenario, self.step))
    }

    /// The pending file next to it.
    pub fn pending_path(&self) -> PathBuf {
        pending_of(&self.path())
    }
}

/// `x.snap` -> `x.snap.new`.
pub fn pending_of(snap: &Path) -> PathBuf {
    let mut s = snap.as_os_str().to_owned();
    s.push(".new");
    PathBuf::from(s)
}

/// A snapshot file: header fields and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotFile {
    /// `key: value` header lines.
    pub header: Vec<(String, String)>,
    /// The normalized value.
    pub value: String,
}

impl SnapshotFile {
    /// The file's text.
    pub fn render(&self) -> String {
        let mut out = String::from("---\n");
        for (k, v) in &self.header {
            out.push_str(&format!("{k}: {}\n", v.replace('\n', " ")));
        }
        out.push_str("---\n");
        out.push_str(&self.value);
        out
    }

    /// Reads a file's text.
    pub fn parse(text: &str) -> Option<SnapshotFile> {
        let rest = text.strip_prefix("---\n")?;
        let end = rest.find("\n---\n")?;
        let header = rest[..end]
            .lines()
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Some(SnapshotFile {
            header,
            value: rest[end + 5..].to_owned(),
        })
    }
}

/// How a value compared with its snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// Same as the accepted snapshot.
    Match,
    /// No snapshot yet; the value was written as pending.
    New(PathBuf),
    /// Differs; the new value was written as pending. `old` is the accepted value.
    Changed {
        /// The pending file.
        pending: PathBuf,
        /// The accepted value.
        old: String,
    },
}

/// Compares `value` with the snapshot at `key`, writing a pending file
/// when it is new or differs (and removing a stale one when it matches).
pub fn compare(
    key: &SnapshotKey,
    header: Vec<(String, String)>,
    value: &str,
) -> std::io::Result<Comparison> {
    let path = key.path();
    let pending = key.pending_path();
    let existing = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| SnapshotFile::parse(&t));
    if let Some(old) = &existing
        && old.value == value
    {
        let _ = std::fs::remove_file(&pending);
        return Ok(Comparison::Match);
    }
    if let Some(dir) = pending.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = SnapshotFile {
        header,
        value: value.to_owned(),
    };
    std::fs::write(&pending, file.render())?;
    Ok(match existing {
        None => Comparison::New(pending),
        Some(old) => Comparison::Changed {
            pending,
            old: old.value,
        },
    })
}

/// Every `.snap.new` under `root`, sorted.
pub fn pending_files(root: &Path) -> Vec<PathBuf> {
    walk(root, ".snap.new")
}

/// The snapshots under `root` that no step of the suite checks, each
/// profile's folder looked at once however many targets share it (a fleet
/// of 1,000 devices with profile `sim` is one folder). `checked` holds
/// (scenario, step) of every `snapshot: true` step in the suite.
///
/// Only meaningful when the whole suite was loaded: call it only when every
/// path given was a folder and no filter, tag or partition narrowed the run,
/// or every snapshot of the scenarios left out would be reported.
pub fn unreferenced<'a>(
    root: &Path,
    profiles: impl IntoIterator<Item = &'a str>,
    checked: &std::collections::BTreeSet<(String, String)>,
) -> Vec<PathBuf> {
    let profiles: std::collections::BTreeSet<&str> = profiles.into_iter().collect();
    let mut out = Vec::new();
    for profile in profiles {
        for f in snapshot_files(&root.join(profile)) {
            let stem = f
                .file_name()
                .map(|n| n.to_string_lossy().trim_end_matches(".snap").to_owned())
                .unwrap_or_default();
            let referenced = stem
                .split_once("__")
                .is_some_and(|(s, st)| checked.contains(&(s.to_owned(), st.to_owned())));
            if !referenced {
                out.push(f);
            }
        }
    }
    out
}

/// Every `.snap` under `root`, sorted.
pub fn snapshot_files(root: &Path) -> Vec<PathBuf> {
    walk(root, ".snap")
}

fn walk(root: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(suffix) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Accepts a pending snapshot: `x.snap.new` replaces `x.snap`.
pub fn accept(pending: &Path) -> std::io::Result<PathBuf> {
    let s = pending.to_string_lossy();
    let target = PathBuf::from(s.strip_suffix(".new").unwrap_or(&s));
    std::fs::rename(pending, &target)?;
    Ok(target)
}

/// Rejects a pending snapshot (deletes it).
pub fn reject(pending: &Path) -> std::io::Result<()> {
    std::fs::remove_file(pending)
}

/// A line diff of `old` and `new`, `-`/`+` marked, coloured when `color`.
pub fn diff(old: &str, new: &str, color: bool) -> String {
    use similar::{ChangeTag, TextDiff};
    let d = TextDiff::from_lines(old, new);
    let mut out = String::new();
    for group in d.grouped_ops(3) {
        for op in group {
            for change in d.iter_changes(&op) {
                let (sign, start, end) = match change.tag() {
                    ChangeTag::Delete => ("-", "\x1b[31m", "\x1b[0m"),
                    ChangeTag::Insert => ("+", "\x1b[32m", "\x1b[0m"),
                    ChangeTag::Equal => (" ", "", ""),
                };
                let line = change.to_string_lossy();
                let line = line.trim_end_matches('\n');
                if color && !start.is_empty() {
                    out.push_str(&format!("{start}{sign} {line}{end}\n"));
                } else {
                    out.push_str(&format!("{sign} {line}\n"));
                }
            }
        }
        out.push_str("  ...\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_resolves_prefixes_sorts_attributes_and_redacts_volatile_values() {
        let a = normalize_xml(br#"<nc:rpc-reply xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="101" b="2" a="1"><nc:data><x xmlns="urn:x"><session-id>7</session-id></x></nc:data></nc:rpc-reply>"#).unwrap();
        let b = normalize_xml(br#"<rpc-reply a="1" b="2" message-id="999" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <data>
    <x xmlns="urn:x"><session-id>42</session-id></x>
  </data>
</rpc-reply>"#).unwrap();
        assert_eq!(a, b);
        assert!(
            a.contains("[message-id]") && a.contains("[session-id]"),
            "{a}"
        );
        assert!(!a.contains("999") && !a.contains("101"), "{a}");
    }

    #[test]
    fn snapshot_files_round_trip_through_render_and_parse() {
        let f = SnapshotFile {
            header: vec![
                ("scenario".into(), "s".into()),
                ("step".into(), "02".into()),
            ],
            value: "<a>\n</a>\n".into(),
        };
        assert_eq!(SnapshotFile::parse(&f.render()), Some(f));
    }

    #[test]
    fn json_is_sorted_pretty_and_redacted() {
        let v: serde_json::Value =
            serde_json::from_str(r#"{"b":1,"a":{"th":5,"cookie":"x"}}"#).unwrap();
        let s = normalize_json(&v);
        assert!(s.find("\"a\"").unwrap() < s.find("\"b\"").unwrap());
        assert!(s.contains("[th]") && s.contains("[cookie]"), "{s}");
    }
}
