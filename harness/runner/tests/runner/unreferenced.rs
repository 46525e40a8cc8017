//! Unreferenced snapshots: reported once per profile folder, whatever the
//! number of targets sharing it.

use confuzz_runner::snapshot::unreferenced;
use std::collections::BTreeSet;

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("confuzz-unref-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn unreferenced_snapshots_are_listed_once_per_profile_not_per_target() {
    let root = scratch("fleet");
    for profile in ["sim", "junos"] {
        std::fs::create_dir_all(root.join(profile)).unwrap();
        std::fs::write(root.join(profile).join("kept__02-rpc.snap"), "x").unwrap();
        std::fs::write(root.join(profile).join("gone__03-rpc.snap"), "x").unwrap();
    }
    let checked: BTreeSet<(String, String)> = [("kept".to_owned(), "02-rpc".to_owned())].into();
    // 1,000 targets sharing profile `sim`, one with `junos`.
    let profiles: Vec<&str> = std::iter::repeat_n("sim", 1000).chain(["junos"]).collect();
    let got = unreferenced(&root, profiles.iter().copied(), &checked);
    assert_eq!(
        got,
        vec![
            root.join("junos").join("gone__03-rpc.snap"),
            root.join("sim").join("gone__03-rpc.snap"),
        ]
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_profile_without_a_snapshot_folder_reports_nothing() {
    let root = scratch("empty");
    let got = unreferenced(&root, ["lab"], &BTreeSet::new());
    assert!(got.is_empty(), "{got:?}");
}
