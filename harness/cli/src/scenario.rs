//! `confuzz run`, `check`, `review` and `targets`: the scenario runner's commands.

use anyhow::{Context, Result, bail};
use clap::Args;
use confuzz_runner::model::Scenario;
use confuzz_runner::run::{RunOptions, planned_runs, run_suite};
use confuzz_runner::target::{BUILTIN, Target, TargetsFile};
use confuzz_runner::{parse, report, snapshot};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files or folders.
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
    /// A target from the targets file (repeatable; `*` matches any run of
    /// characters, e.g. 'sim-*'; default: the built-in device `sim`).
    #[arg(long = "target", value_name = "NAME")]
    pub targets: Vec<String>,
    /// The targets file.
    #[arg(long, default_value = "confuzz.toml")]
    pub targets_file: PathBuf,
    /// Run only scenarios whose name contains this text.
    #[arg(long)]
    pub filter: Option<String>,
    /// Run only scenarios with this tag (repeatable: any of them).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Run the k-th of n equal shares of the suite (e.g. 2/4), for CI matrices.
    #[arg(long, value_parser = parse_partition)]
    pub partition: Option<(usize, usize)>,
    /// Scenarios run at once.
    #[arg(long, default_value_t = 8)]
    pub jobs: usize,
    /// A step's time limit in seconds when it gives none.
    #[arg(long, default_value_t = 10.0)]
    pub step_timeout: f64,
    /// A scenario's time limit in seconds when it gives none.
    #[arg(long, default_value_t = 120.0)]
    pub scenario_timeout: f64,
    /// Fail on new snapshots too (implied by CI=true).
    #[arg(long)]
    pub check: bool,
    /// The snapshot folder.
    #[arg(long, default_value = "snapshots")]
    pub snapshots: PathBuf,
    /// Write a JUnit XML report here.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Skip SSH host-key and TLS certificate verification for every target (prints a warning).
    #[arg(long)]
    pub insecure: bool,
    /// No progress bar (it is shown only when stderr is a terminal and CI is not set).
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_partition(s: &str) -> Result<(usize, usize), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: write K/N, e.g. 1/4"))?;
    let k: usize = k
        .trim()
        .parse()
        .map_err(|_| format!("{k:?} is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("{n:?} is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("{s:?}: K must be from 1 to N"));
    }
    Ok((k, n))
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario files or folders.
    #[arg(default_value = "scenarios")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The snapshot folder.
    #[arg(long, default_value = "snapshots")]
    pub snapshots: PathBuf,
    /// Accept every pending snapshot.
    #[arg(long, conflicts_with = "reject")]
    pub accept: bool,
    /// Reject every pending snapshot.
    #[arg(long)]
    pub reject: bool,
}

#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// The targets file.
    #[arg(long, default_value = "confuzz.toml")]
    pub targets_file: PathBuf,
}

fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_parse_errors(errors: &[parse::ParseError]) {
    for e in errors {
        eprintln!("{e}");
    }
}

/// `confuzz check`: parse and validate, run nothing.
pub fn check(args: &CheckArgs) -> Result<ExitCode> {
    let (scenarios, errors) = parse::load(&args.paths);
    print_parse_errors(&errors);
    let steps: usize = scenarios.iter().map(|s| s.steps.len()).sum();
    if errors.is_empty() {
        println!("{} scenarios, {steps} steps: all valid", scenarios.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} valid scenarios; {} error(s)",
            scenarios.len(),
            errors.len()
        );
        Ok(ExitCode::from(1))
    }
}

fn load_targets(file: &Path, names: &[String], insecure: bool) -> Result<Vec<Target>> {
    let tf = if file.exists() {
        TargetsFile::load(file)?
    } else {
        TargetsFile::default()
    };
    let names: Vec<String> = if names.is_empty() {
        vec![BUILTIN.to_owned()]
    } else {
        names.to_vec()
    };
    if insecure {
        eprintln!(
            "confuzz: warning: --insecure: SSH host keys and TLS certificates are not verified; anyone on the path can impersonate the device"
        );
    }
    let mut targets = Vec::new();
    for n in &names {
        if !n.contains('*') {
            targets.push(tf.resolve(n, insecure)?);
            continue;
        }
        let matching: Vec<&String> = tf.targets.keys().filter(|k| glob_match(n, k)).collect();
        if matching.is_empty() {
            anyhow::bail!(
                "--target {n:?} matches no target of {} (names: {})",
                file.display(),
                tf.targets.keys().cloned().collect::<Vec<_>>().join(", ")
            );
        }
        for m in matching {
            targets.push(tf.resolve(m, insecure)?);
        }
    }
    for t in targets.iter().filter(|t| t.tls.insecure && !insecure) {
        eprintln!(
            "confuzz: warning: target {}: insecure = true: SSH host keys and TLS certificates are not verified",
            t.name
        );
    }
    Ok(targets)
}

/// Whether `confuzz run` draws a progress bar: on a terminal's stderr,
/// not in CI (`CI=true`), not with `--quiet`. The line per scenario on
/// stdout is printed either way.
pub fn show_progress(stderr_is_terminal: bool, ci: bool, quiet: bool) -> bool {
    stderr_is_terminal && !ci && !quiet
}

/// A bar over `runs` scenario runs, drawn on stderr.
fn progress_bar(runs: usize) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(runs).unwrap_or(u64::MAX)),
        ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:30.cyan/blue} {pos}/{len} scenarios, {elapsed} {wide_msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
fn glob_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == name;
    }
    if !name.starts_with(first) || name.len() < first.len() + last.len() || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// Selects by filter, tag and partition.
pub fn select(
    scenarios: Vec<Scenario>,
    filter: Option<&str>,
    tags: &[String],
    partition: Option<(usize, usize)>,
) -> Vec<Scenario> {
    let mut v: Vec<Scenario> = scenarios
        .into_iter()
        .filter(|s| filter.is_none_or(|f| s.name.contains(f)))
        .filter(|s| tags.is_empty() || s.tags.iter().any(|t| tags.contains(t)))
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some((k, n)) = partition {
        v = v
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % n == k - 1)
            .map(|(_, s)| s)
            .collect();
    }
    v
}

/// `confuzz run`.
pub fn run(args: &RunArgs) -> Result<ExitCode> {
    let (scenarios, errors) = parse::load(&args.paths);
    if !errors.is_empty() {
        print_parse_errors(&errors);
        bail!(
            "{} scenario file error(s); fix them (`confuzz check` lists them) and run again",
            errors.len()
        );
    }
    let all_names: BTreeSet<(String, String)> = scenarios
        .iter()
        .flat_map(|s| {
            s.steps
                .iter()
                .enumerate()
                .filter(|(_, st)| st.value.snapshot == Some(true))
                .map(|(i, st)| (s.name.clone(), parse::step_name(i, &st.value)))
        })
        .collect();
    // Unreferenced snapshots mean something only when the whole suite ran:
    // folders only (a single file leaves the others' snapshots unchecked), no
    // filter, tag or partition.
    let whole_suite = args.paths.iter().all(|p| p.is_dir())
        && args.filter.is_none()
        && args.tags.is_empty()
        && args.partition.is_none();
    let selected = select(
        scenarios,
        args.filter.as_deref(),
        &args.tags,
        args.partition,
    );
    if selected.is_empty() {
        bail!("no scenario matches the selection");
    }
    let targets = load_targets(&args.targets_file, &args.targets, args.insecure)?;
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let options = RunOptions {
        snapshot_root: args.snapshots.clone(),
        check_snapshots: args.check || ci,
        jobs: args.jobs.max(1),
        step_timeout: Duration::from_secs_f64(args.step_timeout.clamp(0.001, 86_400.0)),
        scenario_timeout: Duration::from_secs_f64(args.scenario_timeout.clamp(0.001, 86_400.0)),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let color = color();
    let bar = show_progress(std::io::stderr().is_terminal(), ci, args.quiet)
        .then(|| progress_bar(planned_runs(&selected, &targets)));
    let suite = runtime.block_on(run_suite(&selected, &targets, &options, |o| {
        let line = || {
            print!("{}", report::scenario_text(o, color));
            let _ = std::io::stdout().flush();
        };
        match &bar {
            Some(b) => {
                b.suspend(line);
                b.inc(1);
                b.set_message(o.scenario.clone());
            }
            None => line(),
        }
    }));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(p) = &args.junit {
        std::fs::write(p, report::junit(&suite))
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &args.json {
        std::fs::write(p, report::json(&suite))
            .with_context(|| format!("writing {}", p.display()))?;
    }
    if whole_suite {
        let profiles = targets.iter().map(|t| t.profile.as_str());
        for f in snapshot::unreferenced(&args.snapshots, profiles, &all_names) {
            println!("unreferenced snapshot: {}", f.display());
        }
    }
    let pending = snapshot::pending_files(&args.snapshots).len();
    if pending > 0 {
        println!("{pending} pending snapshot(s): `confuzz review` to see and accept them");
    }
    println!("{}", report::summary(&suite));
    Ok(if suite.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `confuzz review`.
pub fn review(args: &ReviewArgs) -> Result<ExitCode> {
    let pending = snapshot::pending_files(&args.snapshots);
    if pending.is_empty() {
        println!("no pending snapshots under {}", args.snapshots.display());
        return Ok(ExitCode::SUCCESS);
    }
    let color = color();
    let stdin = std::io::stdin();
    let interactive = !args.accept && !args.reject;
    let mut lines = stdin.lock().lines();
    for p in pending {
        let new = std::fs::read_to_string(&p)?;
        let new_v = snapshot::SnapshotFile::parse(&new)
            .map(|f| f.value)
            .unwrap_or(new);
        let accepted = p.with_extension("");
        let old = std::fs::read_to_string(&accepted)
            .ok()
            .and_then(|t| snapshot::SnapshotFile::parse(&t))
            .map(|f| f.value)
            .unwrap_or_default();
        println!(
            "{} {}",
            if old.is_empty() { "new" } else { "changed" },
            accepted.display()
        );
        print!("{}", snapshot::diff(&old, &new_v, color));
        let accept = if args.accept {
            true
        } else if args.reject {
            false
        } else {
            print!("accept? [y/N] ");
            let _ = std::io::stdout().flush();
            match lines.next() {
                Some(Ok(l)) => l.trim().eq_ignore_ascii_case("y"),
                _ => false,
            }
        };
        if accept {
            snapshot::accept(&p)?;
            println!("accepted");
        } else if interactive {
            println!("kept pending");
        } else {
            snapshot::reject(&p)?;
            println!("rejected");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `confuzz targets`: list the targets the file names.
pub fn targets(args: &TargetsArgs) -> Result<ExitCode> {
    println!("{BUILTIN}\tbuilt-in simulated device (default; started in-process)");
    if args.targets_file.exists() {
        let tf = TargetsFile::load(&args.targets_file)?;
        for (name, spec) in &tf.targets {
            if name == BUILTIN {
                continue;
            }
            println!(
                "{name}\t{}\tprofile {}\ttags [{}]",
                spec.address.as_deref().unwrap_or("built-in"),
                spec.profile.as_deref().unwrap_or(name),
                spec.tags.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_patterns_match_with_star_as_any_run() {
        assert!(glob_match("sim-*", "sim-0001"));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("lab-*-mx", "lab-east-mx"));
        assert!(glob_match("a*b*c", "abc"));
        assert!(!glob_match("sim-*", "lab-0001"));
        assert!(!glob_match("a*a", "a"));
        assert!(!glob_match("lab-*-mx", "lab-east-ex"));
        assert!(!glob_match("sim", "sim-0001"));
    }

    #[test]
    fn the_progress_bar_shows_only_on_a_terminal_outside_ci_without_quiet() {
        assert!(show_progress(true, false, false));
        assert!(!show_progress(false, false, false));
        assert!(!show_progress(true, true, false));
        assert!(!show_progress(true, false, true));
    }
}
