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
