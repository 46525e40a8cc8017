//! Semantic checks a configuration must pass before it can be committed
//! (`<validate>`, edit-config test-option, `<commit>`, Junos `commit check`),
//! so a suite can see a device refuse a bad configuration, as Junos does.

use crate::config::LoginClass;
use crate::tree::{self, Step};
use confuzz_wire::xml::Element;
use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr};

/// One reason a configuration is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a path from `/configuration`.
    pub path: String,
    /// The Junos-style edit path, e.g. `[edit system login user bob]`.
    pub edit_path: String,
    /// What is wrong.
    pub message: String,
}

struct Walk {
    problems: Vec<Problem>,
    steps: Vec<Step>,
}

impl Walk {
    fn problem(&mut self, message: impl Into<String>) {
        let mut edit = String::from("[edit");
        for s in self.steps.iter().skip(1) {
            edit.push(' ');
            edit.push_str(&s.name);
            if let Some(p) = &s.predicate {
                let v = p
                    .trim_start_matches("[name='")
                    .trim_start_matches("[.='")
                    .trim_end_matches("']");
                edit.push(' ');
                edit.push_str(v);
            }
        }
        edit.push(']');
        self.problems.push(Problem {
            path: tree::path_string("", &self.steps),
            edit_path: edit,
            message: message.into(),
        });
    }
}

fn valid_prefix(s: &str, v6: bool) -> bool {
    let Some((addr, len)) = s.split_once('/') else {
        return false;
    };
    let Ok(len) = len.parse::<u8>() else {
        return false;
    };
    if v6 {
        addr.parse::<Ipv6Addr>().is_ok() && len <= 128
    } else {
        addr.parse::<Ipv4Addr>().is_ok() && len <= 32
    }
}

fn valid_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
}

/// Checks `cfg` (a `<configuration>` root); empty when it is valid.
pub fn check(cfg: &Element) -> Vec<Problem> {
    let mut w = Walk {
        problems: Vec::new(),
        steps: vec![Step {
            name: "configuration".into(),
            predicate: None,
        }],
    };
    if cfg.name.local != "configuration" {
        w.problem(format!(
            "the root is <{}>, not <configuration>",
            cfg.name.local
        ));
        return w.problems;
    }
    let classes: HashSet<&str> = cfg
        .child("system")
        .and_then(|s| s.child("login"))
        .map(|l| l.children_named("class").filter_map(tree::key_of).collect())
        .unwrap_or_default();
    let defined = Defined {
        classes,
        filters: firewall_filters(cfg),
    };
    walk(cfg, &defined, &mut w);
    w.problems
}

/// The names statements may refer to.
struct Defined<'c> {
    /// Login classes (`system login class NAME`).
    classes: HashSet<&'c str>,
    /// Firewall filters (`firewall [family F] filter NAME`).
    filters: HashSet<&'c str>,
}

fn firewall_filters(cfg: &Element) -> HashSet<&str> {
    let Some(fw) = cfg.child("firewall") else {
        return HashSet::new();
    };
    let by_family = fw
        .children_named("family")
        .flat_map(|f| f.children.iter())
        .flat_map(|fam| fam.children_named("filter"));
    fw.children_named("filter")
        .chain(by_family)
        .filter_map(tree::key_of)
        .collect()
}

fn walk(el: &Element, defined: &Defined<'_>, w: &mut Walk) {
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for c in &el.children {
        w.steps.push(Step::of(&el.name.local, c));
        let in_firewall = w.steps.iter().any(|s| s.name == "firewall");
        let keyed = tree::kind_in(&el.name.local, &c.name.local, in_firewall) == tree::Kind::List
            || tree::implicit_list(&el.name.local) == Some(c.name.local.as_str());
        match tree::key_of(c) {
            Some("") => w.problem(format!("<{}> with an empty name", c.name.local)),
            Some(k) if !seen.insert((c.name.local.as_str(), k)) => {
                w.problem(format!("duplicate {} {k}", c.name.local));
            }
            Some(_) => {}
            None if keyed && !c.children.is_empty() => {
                w.problem(format!("<{}> has no <name>", c.name.local));
            }
            None => {}
        }
        check_statement(el, c, defined, in_firewall, w);
        walk(c, defined, w);
        w.steps.pop();
    }
}

fn check_statement(
    parent: &Element,
    c: &Element,
    defined: &Defined<'_>,
    in_firewall: bool,
    w: &mut Walk,
) {
    let value = tree::text(c);
    let classes = &defined.classes;
    match (parent.name.local.as_str(), c.name.local.as_str()) {
        ("system", "host-name") if !valid_hostname(value) => {
            w.problem(format!("host-name {value:?} is not a valid host name"));
        }
        ("user", "class") if LoginClass::parse(value).is_none() && !classes.contains(value) => {
            w.problem(format!(
                "class {value:?} is not defined: define it under [edit system login class] or use super-user, operator, read-only or unauthorized"
            ));
        }
        ("user", "uid") => match value.parse::<u32>() {
            Ok(n) if (100..=64000).contains(&n) => {}
            _ => w.problem(format!("uid {value:?} is not 100 to 64000")),
        },
        ("inet", "address") | ("inet6", "address") => {
            let v6 = parent.name.local == "inet6";
            if let Some(k) = tree::key_of(c)
                && !valid_prefix(k, v6)
            {
                w.problem(format!("{k:?} is not an address with a prefix length"));
            }
        }
        // A filter bound to an interface (`family F filter input NAME`).
        ("filter", "input" | "output")
            if !in_firewall && !value.is_empty() && !defined.filters.contains(value) =>
        {
            w.problem(format!(
                "referenced filter {value:?} is not defined: define it under [edit firewall family {} filter]",
                w.steps
                    .iter()
                    .rev()
                    .nth(2)
                    .map_or("inet", |s| s.name.as_str())
            ));
        }
        ("interface", "unit") => {
            if let Some(k) = tree::key_of(c)
                && !matches!(k.parse::<u32>(), Ok(n) if n <= 16385)
            {
                w.problem(format!("unit {k:?} is not 0 to 16385"));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::limits;
    use confuzz_wire::xml::Element;

    #[test]
    fn user_with_undefined_class_is_refused() {
        let cfg = Element::parse(
            b"<configuration><system><login><user><name>bob</name><class>nope</class></user></login></system></configuration>",
            &limits(),
        )
        .unwrap();
        let p = check(&cfg);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].edit_path, "[edit system login user bob class]");
    }
}
