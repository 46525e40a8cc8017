//! Variables: `${name}` (a capture, a target variable or a scenario
//! default, looked up in that order) and `${env:NAME}` (the environment,
//! for secrets that must not be written into scenario files).

use std::collections::BTreeMap;

/// The variables in `text`, in order (`Err` for an unclosed or empty one).
pub fn references(text: &str) -> Vec<Result<String, String>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j) => {
                let name = after[..j].trim();
                if name.is_empty() {
                    out.push(Err("an empty variable `${}`".to_owned()));
                } else {
                    out.push(Ok(name.to_owned()));
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push(Err("a `${` without its closing `}`".to_owned()));
                break;
            }
        }
    }
    out
}

/// The variables of one scenario run.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    /// Values captured from replies so far.
    pub captured: BTreeMap<String, String>,
    /// The target's variables.
    pub target: BTreeMap<String, String>,
    /// The scenario's defaults.
    pub defaults: BTreeMap<String, String>,
    /// Values captured from JSON replies, with their JSON type (also in
    /// `captured` as text), so `th: "${th}"` in params sends a number.
    pub captured_json: BTreeMap<String, serde_json::Value>,
}

impl Vars {
    /// The value of `name`.
    pub fn get(&self, name: &str) -> Result<String, String> {
        if let Some(env) = name.strip_prefix("env:") {
            return std::env::var(env).map_err(|_| {
                format!("environment variable {env} is not set (used as `${{env:{env}}}`)")
            });
        }
        self.captured
            .get(name)
            .or_else(|| self.target.get(name))
            .or_else(|| self.defaults.get(name))
            .cloned()
            .ok_or_else(|| format!("variable `${{{name}}}` has no value"))
    }

    /// `text` with every variable replaced by its value; a value may
    /// itself use variables (up to 8 levels deep).
    pub fn expand(&self, text: &str) -> Result<String, String> {
        self.expand_depth(text, 8)
    }

    /// `value` with `${...}` expanded in every string; a string that is
    /// exactly one JSON-captured variable becomes that JSON value.
    pub fn expand_json(&self, value: &serde_json::Value) -> Result<serde_json::Value, String> {
        use serde_json::Value;
        // An explicit stack keeps deep params from overflowing ours.
        let mut out = value.clone();
        let mut stack: Vec<&mut Value> = vec![&mut out];
        while let Some(v) = stack.pop() {
            match v {
                Value::String(s) => {
                    let t = s.trim();
                    let whole = t
                        .strip_prefix("${")
                        .and_then(|r| r.strip_suffix('}'))
                        .filter(|n| !n.contains("${") && !n.contains('}'))
                        .and_then(|n| self.captured_json.get(n.trim()));
                    *v = match whole {
                        Some(j) => j.clone(),
                        None => Value::String(self.expand(s)?),
                    };
                }
                Value::Array(a) => stack.extend(a.iter_mut()),
                Value::Object(m) => stack.extend(m.values_mut()),
                _ => {}
            }
        }
        Ok(out)
    }

    fn expand_depth(&self, text: &str, depth: u32) -> Result<String, String> {
        if depth == 0 {
            return Err(format!("variables nest too deep (a loop?) in {text:?}"));
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let j = after
                .find('}')
                .ok_or_else(|| "a `${` without its closing `}`".to_owned())?;
            let value = self.get(after[..j].trim())?;
            if value.contains("${") {
                out.push_str(&self.expand_depth(&value, depth - 1)?);
            } else {
                out.push_str(&value);
            }
            rest = &after[j + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_override_target_variables_which_override_defaults() {
        let mut v = Vars::default();
        v.defaults.insert("a".into(), "default".into());
        v.defaults.insert("b".into(), "default".into());
        v.target.insert("a".into(), "target".into());
        v.captured.insert("c".into(), "7".into());
        assert_eq!(v.expand("${a}/${b}/${ c }").unwrap(), "target/default/7");
        assert!(v.expand("${nope}").is_err());
        assert!(v.expand("${a").is_err());
        v.defaults.insert("n".into(), "x-${c}".into());
        assert_eq!(v.expand("${n}").unwrap(), "x-7");
        v.defaults.insert("loop".into(), "${loop}".into());
        assert!(v.expand("${loop}").is_err());
    }

    #[test]
    fn expand_json_keeps_captured_types_and_expands_text() {
        let mut v = Vars::default();
        v.captured.insert("th".into(), "3".into());
        v.captured_json.insert("th".into(), serde_json::json!(3));
        v.defaults.insert("path".into(), "/dhcp:dhcp".into());
        let got = v
            .expand_json(&serde_json::json!({"th": "${th}", "p": "${path}/x", "l": ["${th}", 1]}))
            .unwrap();
        assert_eq!(
            got,
            serde_json::json!({"th": 3, "p": "/dhcp:dhcp/x", "l": [3, 1]})
        );
        assert!(v.expand_json(&serde_json::json!({"x": "${nope}"})).is_err());
    }

    #[test]
    fn references_lists_names_and_flags_broken_ones() {
        let r = references("x ${a} ${env:HOME} ${} ${b");
        assert_eq!(r.len(), 4);
        assert_eq!(r[0], Ok("a".into()));
        assert_eq!(r[1], Ok("env:HOME".into()));
        assert!(r[2].is_err() && r[3].is_err());
    }
}
