//! Replays every file of `corpus/<target>/` through the function its fuzz
//! target calls, so a seed that crashes fails the ordinary test run.

use confuzz_wire::fuzzing::TARGETS;
use std::path::PathBuf;

fn corpus_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../corpus")
}

#[test]
fn every_fuzz_target_has_a_seeded_corpus_directory() {
    for (name, _) in TARGETS {
        let dir = corpus_root().join(name);
        let count = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| {
                panic!("corpus/{name}/ is missing ({e}); every fuzz target needs seeds")
            })
            .count();
        assert!(count >= 5, "corpus/{name}/ has only {count} seeds");
    }
}

#[test]
fn every_corpus_file_replays_through_its_fuzz_target_without_failing() {
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let dir = corpus_root().join(name);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let result = std::panic::catch_unwind(|| target(&data));
            assert!(
                result.is_ok(),
                "fuzz target {name} failed on {}",
                file.display()
            );
            replayed += 1;
        }
    }
    assert!(replayed > 100, "only {replayed} corpus files replayed");
}
