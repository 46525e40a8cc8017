//! Checking what a step's action produced: `expect`, protocol-rule
//! violations, assertions, captures and snapshots, for XML and JSON.

use super::{Ctx, Got, StepOutcome};
use crate::check::{check_assertion, check_expect, describe};
use crate::model::{Expect, Step};
use crate::path::Path as XPath;
use crate::snapshot::{Comparison, SnapshotKey};
use confuzz_wire::Violation;

impl Ctx<'_> {
    pub(super) fn check(
        &mut self,
        step: &Step,
        name: &str,
        got: &Got,
        so: &mut StepOutcome,
    ) -> Result<(), String> {
        if let Some(answer) = &got.grpc {
            crate::grpc::check_expect(step.expect.as_ref(), answer)?;
        }
        if let Some(json) = &got.json {
            return self.check_json(step, name, got, json, so);
        }
        if got.grpc.is_some() {
            // The expectation is checked; the output is XML or nothing.
        } else if step.bytes.is_some() {
            crate::check::check_bytes_expect(step.expect.as_ref(), got.tree.as_ref(), got.closed)?;
        } else if let Some(expect) = &step.expect {
            let Some(tree) = &got.tree else {
                return Err(format!(
                    "expected {}, but the reply is not readable XML",
                    describe(expect)
                ));
            };
            check_expect(expect, tree)?;
            if matches!(expect, Expect::Closed) && !got.closed {
                return Err("expected the session to close after <ok/>, but it stayed open".into());
            }
        }
        self.check_violations(step, got)?;
        let needs_tree =
            !step.assert.is_empty() || !step.capture.is_empty() || step.snapshot == Some(true);
        let tree = match (&got.tree, needs_tree) {
            (Some(t), _) => Some(t),
            (None, true) => return Err("there is no readable XML message to check".into()),
            (None, false) => None,
        };
        if let Some(tree) = tree {
            for a in &step.assert {
                check_assertion(a, tree, &self.vars)?;
            }
            for (var, path) in &step.capture {
                let p = XPath::parse(path).map_err(|e| e.to_string())?;
                let v = p.values(tree).into_iter().next().ok_or_else(|| {
                    format!("capture {var}: path {path} selects nothing in the reply")
                })?;
                self.vars.captured.insert(var.clone(), v);
            }
        }
        if step.snapshot == Some(true)
            && let Some(received) = &got.received
        {
            let value = crate::snapshot::normalize_xml(received.as_bytes())?;
            self.snapshot(name, got, &value, so)?;
        }
        Ok(())
    }

    fn check_violations(&self, step: &Step, got: &Got) -> Result<(), String> {
        let missing: Vec<&String> = step
            .expect_violations
            .iter()
            .filter(|id| !got.violations.iter().any(|v| v.rule.id == id.as_str()))
            .collect();
        if !missing.is_empty() {
            let seen: Vec<&str> = got.violations.iter().map(|v| v.rule.id).collect();
            return Err(format!(
                "expected the device to break {missing:?}, but it did not (rules broken in this step: {seen:?})"
            ));
        }
        if self.scenario.rfc_checks() {
            let bad: Vec<&Violation> = got
                .violations
                .iter()
                .filter(|v| {
                    // An rpc-error refusing bytes the device could not parse
                    // cannot carry their message-id (RFC 6241 §4.1 keeps it
                    // only when it can be read).
                    let refused_unparsable = matches!(step.expect, Some(Expect::Rejected))
                        && v.rule.id == "reply-without-message-id";
                    !refused_unparsable
                        && !step
                            .allow_violations
                            .iter()
                            .chain(&step.expect_violations)
                            .any(|a| a == v.rule.id)
                })
                .collect();
            if !bad.is_empty() {
                let list: Vec<String> = bad.iter().map(|v| format!("  {v}")).collect();
                return Err(format!(
                    "the device broke {} protocol rule(s):\n{}\n(allow an expected one with `allow-violations: [rule-id]`)",
                    bad.len(),
                    list.join("\n")
                ));
            }
        }
        Ok(())
    }

    fn check_json(
        &mut self,
        step: &Step,
        name: &str,
        got: &Got,
        json: &serde_json::Value,
        so: &mut StepOutcome,
    ) -> Result<(), String> {
        if got.grpc.is_none() {
            let error_type = step.jsonrpc.as_ref().and_then(|j| j.error_type.as_deref());
            crate::jsonrpc::check_expect(step.expect.as_ref(), error_type, json)?;
        }
        self.check_violations(step, got)?;
        for a in &step.assert {
            crate::jsonrpc::check_assertion(a, json, &self.vars)?;
        }
        for (var, path) in &step.capture {
            let path = self.vars.expand(path)?;
            let v = crate::jsonrpc::select(json, &path)?
                .ok_or_else(|| format!("capture {var}: {path} selects nothing in the reply"))?;
            self.vars
                .captured
                .insert(var.clone(), crate::jsonrpc::as_text(v));
            self.vars.captured_json.insert(var.clone(), v.clone());
        }
        if step.snapshot == Some(true) {
            let value = match json {
                // CLI text output is kept as it reads.
                serde_json::Value::String(text) if got.grpc.is_some() => text.clone(),
                other => crate::snapshot::normalize_json(other),
            };
            self.snapshot(name, got, &value, so)?;
        }
        Ok(())
    }

    /// Compares `value` (normalized, redacted) with the step's snapshot.
    fn snapshot(
        &self,
        name: &str,
        got: &Got,
        value: &str,
        so: &mut StepOutcome,
    ) -> Result<(), String> {
        {
            let key = SnapshotKey {
                root: self.options.snapshot_root.clone(),
                profile: self.target.profile.clone(),
                scenario: self.scenario.name.clone(),
                step: name.to_owned(),
            };
            so.snapshot = Some(key.path());
            let header = vec![
                (
                    "source".to_owned(),
                    self.scenario.file.display().to_string(),
                ),
                ("scenario".to_owned(), self.scenario.name.clone()),
                ("step".to_owned(), name.to_owned()),
                ("target".to_owned(), self.target.profile.clone()),
                (
                    "expression".to_owned(),
                    got.sent.clone().unwrap_or_default(),
                ),
            ];
            match crate::snapshot::compare(&key, header, value)
                .map_err(|e| format!("snapshot {}: {e}", key.path().display()))?
            {
                Comparison::Match => {}
                Comparison::New(p) => {
                    let msg = format!(
                        "new snapshot pending: {} (run `confuzz review` to accept it)",
                        p.display()
                    );
                    if self.options.check_snapshots {
                        return Err(msg);
                    }
                    so.notes.push(msg);
                }
                Comparison::Changed { pending, old } => {
                    return Err(format!(
                        "the reply differs from snapshot {} (new value in {}; `confuzz review`):\n{}",
                        key.path().display(),
                        pending.display(),
                        crate::snapshot::diff(&old, value, false)
                    ));
                }
            }
        }
        Ok(())
    }
}
