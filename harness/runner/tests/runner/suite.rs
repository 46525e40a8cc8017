//! The shipped suite against the built-in device, and against faulty devices.

use confuzz_runner::parse::load;
use confuzz_runner::run::{RunOptions, Status, run_suite};
use confuzz_runner::target::Target;
use confuzz_sim::DeviceConfig;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipped_suite_passes_against_the_built_in_device() {
    let (scenarios, errors) = load(&[root().join("scenarios")]);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(!scenarios.is_empty());
    let options = RunOptions {
        snapshot_root: root().join("snapshots"),
        check_snapshots: true,
        ..RunOptions::default()
    };
    let suite = run_suite(
        &scenarios,
        &[Target::builtin(DeviceConfig::default())],
        &options,
        |_| {},
    )
    .await;
    for o in &suite.scenarios {
        assert!(
            o.passed(),
            "{}",
            confuzz_runner::report::scenario_text(o, false)
        );
    }
    let (passed, failed, _) = suite.step_counts();
    assert!(passed > 0 && failed == 0);
    let _ = Status::Pass;
}

async fn run_seed_001_with(faults: confuzz_sim::FaultPlan) -> confuzz_runner::run::ScenarioOutcome {
    let (scenarios, errors) = load(&[root().join("scenarios/seed-001-netconf.yaml")]);
    assert!(errors.is_empty(), "{errors:?}");
    let config = DeviceConfig {
        faults,
        ..DeviceConfig::default()
    };
    let options = RunOptions {
        snapshot_root: root().join("snapshots"),
        check_snapshots: true,
        step_timeout: std::time::Duration::from_millis(500),
        ..RunOptions::default()
    };
    let suite = run_suite(&scenarios, &[Target::builtin(config)], &options, |_| {}).await;
    suite.scenarios.into_iter().next().expect("one outcome")
}

fn statuses(o: &confuzz_runner::run::ScenarioOutcome) -> Vec<(String, Status)> {
    o.steps.iter().map(|s| (s.name.clone(), s.status)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_that_drops_the_connection_fails_the_first_step_after_the_drop() {
    use confuzz_sim::Fault;
    let o = run_seed_001_with(confuzz_sim::FaultPlan::new(vec![Fault::DropAfter {
        messages: 2,
    }]))
    .await;
    let s = statuses(&o);
    assert_eq!(s[2], ("03-rpc".to_owned(), Status::Pass), "{s:?}");
    assert_eq!(s[3], ("04-rpc".to_owned(), Status::Fail), "{s:?}");
    assert!(s[4..].iter().all(|(_, st)| *st == Status::Skip), "{s:?}");
    let f = o.first_failure().unwrap();
    assert!(
        f.sent.as_deref().unwrap().contains("<edit-config>"),
        "{f:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_with_a_wrong_message_id_fails_that_step_with_the_rule_it_breaks() {
    use confuzz_sim::{Fault, Trigger};
    let o = run_seed_001_with(confuzz_sim::FaultPlan::new(vec![Fault::WrongMessageId {
        when: Trigger::Nth(1),
    }]))
    .await;
    let s = statuses(&o);
    assert_eq!(s[0].1, Status::Pass, "{s:?}");
    assert_eq!(s[1], ("02-rpc".to_owned(), Status::Fail), "{s:?}");
    assert!(s[2..].iter().all(|(_, st)| *st == Status::Skip), "{s:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_in_place_of_the_third_reply_fails_the_fourth_step() {
    use confuzz_sim::{Fault, Trigger};
    let o = run_seed_001_with(confuzz_sim::FaultPlan::new(vec![Fault::GarbageXml {
        when: Trigger::Nth(3),
    }]))
    .await;
    let s = statuses(&o);
    assert_eq!(
        &s[0..3].iter().map(|x| x.1).collect::<Vec<_>>(),
        &[Status::Pass; 3],
        "{s:?}"
    );
    assert_eq!(s[3], ("04-rpc".to_owned(), Status::Fail), "{s:?}");
}
