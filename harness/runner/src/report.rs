//! Reports: a line per scenario with the failing step's diff (terminal),
//! JUnit XML (one testcase per step, one testsuite per scenario and
//! target) and JSON.

use crate::run::{ScenarioOutcome, Status, SuiteOutcome};
use std::fmt::Write as _;

/// Longest sent/received text shown per failure.
const SHOWN: usize = 2000;

fn cut(s: &str) -> String {
    if s.len() <= SHOWN {
        return s.to_owned();
    }
    let mut end = SHOWN;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes in all)", &s[..end], s.len())
}

/// Bytes as text for reports: valid UTF-8 as it is (controls other than
/// LF escaped), anything else as `\xNN`; long runs cut.
pub fn shown_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    let shown = &bytes[..bytes.len().min(SHOWN)];
    for chunk in shown.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    if bytes.len() > SHOWN {
        out.push_str(&format!("... ({} bytes in all)", bytes.len()));
    }
    out
}

/// One scenario's line, and for a failure the step, what was sent and
/// what came back.
pub fn scenario_text(o: &ScenarioOutcome, color: bool) -> String {
    let (ok, bad) = if color {
        ("\x1b[32mPASS\x1b[0m", "\x1b[31mFAIL\x1b[0m")
    } else {
        ("PASS", "FAIL")
    };
    let steps = o.steps.len();
    let passed = o.steps.iter().filter(|s| s.status == Status::Pass).count();
    let mut out = format!(
        "{} {} [{}] {passed}/{steps} steps, {} ms\n",
        if o.passed() { ok } else { bad },
        o.scenario,
        o.target,
        o.elapsed_ms
    );
    if let Some(e) = &o.setup_error {
        let _ = writeln!(out, "    the target could not be started: {e}");
    }
    for s in &o.steps {
        for n in &s.notes {
            let _ = writeln!(out, "    note: step {}: {n}", s.name);
        }
    }
    if let Some(f) = o.first_failure() {
        let _ = writeln!(
            out,
            "    step {} ({}) failed in {}:",
            f.name,
            f.action,
            o.file.display()
        );
        for line in f.failure.as_deref().unwrap_or("").lines() {
            let _ = writeln!(out, "      {line}");
        }
        if let Some(s) = &f.sent {
            let _ = writeln!(out, "    sent:\n      {}", cut(s).replace('\n', "\n      "));
        }
        match &f.received {
            Some(r) => {
                let _ = writeln!(
                    out,
                    "    received:\n      {}",
                    cut(r).replace('\n', "\n      ")
                );
            }
            None => {
                let _ = writeln!(out, "    received: nothing");
            }
        }
    }
    out
}

/// The summary line.
pub fn summary(s: &SuiteOutcome) -> String {
    let (p, f, k) = s.step_counts();
    let failed = s.scenarios.iter().filter(|o| !o.passed()).count();
    format!(
        "{} scenario runs: {} passed, {failed} failed; steps: {p} passed, {f} failed, {k} skipped; {:.2} s",
        s.scenarios.len(),
        s.scenarios.len() - failed,
        s.elapsed_ms as f64 / 1000.0
    )
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML.
pub fn junit(s: &SuiteOutcome) -> String {
    let (_, failures, skipped) = s.step_counts();
    let total: usize = s.scenarios.iter().map(|o| o.steps.len().max(1)).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"confuzz\" tests=\"{total}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">",
        s.elapsed_ms as f64 / 1000.0
    );
    for o in &s.scenarios {
        let f = o.steps.iter().filter(|x| x.status == Status::Fail).count()
            + usize::from(o.setup_error.is_some());
        let k = o.steps.iter().filter(|x| x.status == Status::Skip).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" skipped=\"{k}\" time=\"{:.3}\" file=\"{}\">",
            esc(&format!("{} [{}]", o.scenario, o.target)),
            o.steps.len().max(1),
            o.elapsed_ms as f64 / 1000.0,
            esc(&o.file.display().to_string())
        );
        if let Some(e) = &o.setup_error {
            let _ = writeln!(
                out,
                "    <testcase name=\"setup\" classname=\"{}\"><failure message=\"{}\"/></testcase>",
                esc(&format!("{}.{}", o.target, o.scenario)),
                esc(e)
            );
        }
        for st in &o.steps {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                esc(&st.name),
                esc(&format!("{}.{}", o.target, o.scenario)),
                st.elapsed_ms as f64 / 1000.0
            );
            match st.status {
                Status::Pass => out.push_str("/>\n"),
                Status::Skip => out.push_str("><skipped/></testcase>\n"),
                Status::Fail => {
                    let msg = st.failure.as_deref().unwrap_or("failed");
                    let first = msg.lines().next().unwrap_or("failed");
                    let _ = writeln!(
                        out,
                        "><failure message=\"{}\">{}\nsent:\n{}\nreceived:\n{}</failure></testcase>",
                        esc(first),
                        esc(msg),
                        esc(st.sent.as_deref().unwrap_or("")),
                        esc(st.received.as_deref().unwrap_or("(nothing)"))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The whole outcome as JSON.
pub fn json(s: &SuiteOutcome) -> String {
    let (p, f, k) = s.step_counts();
    let v = serde_json::json!({
        "passed": s.passed(),
        "steps": {"passed": p, "failed": f, "skipped": k},
        "elapsed_ms": s.elapsed_ms,
        "scenarios": s.scenarios,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}
