//! scenarios/schema.json describes the same format as the model.

use confuzz_runner::model::{SCENARIO_KEYS, STEP_KEYS};
use std::collections::BTreeSet;

fn schema() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/schema.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("schema.json")).expect("JSON")
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect()
}

#[test]
fn schema_top_level_and_step_keys_are_the_models() {
    let s = schema();
    let want: BTreeSet<String> = SCENARIO_KEYS.iter().map(|k| k.to_string()).collect();
    assert_eq!(keys(&s), want);
    let want: BTreeSet<String> = STEP_KEYS.iter().map(|k| k.to_string()).collect();
    assert_eq!(keys(&s["$defs"]["step"]), want);
}

#[test]
fn schema_expect_values_and_channels_parse_in_the_model() {
    let s = schema();
    for v in s["$defs"]["expect"]["oneOf"][0]["enum"].as_array().unwrap() {
        let yaml = format!(
            "name: x\nchannels: [netconf]\nsteps:\n  - hello: {{}}\n  - bytes: <get/>\n    expect: {}\n",
            v.as_str().unwrap()
        );
        confuzz_runner::parse::parse_str(std::path::Path::new("t.yaml"), &yaml)
            .unwrap_or_else(|e| panic!("{v}: {e:?}"));
    }
    for c in s["$defs"]["channel"]["enum"].as_array().unwrap() {
        let yaml = format!(
            "name: x\nchannels: [{}]\nsteps:\n  - wait: 1ms\n",
            c.as_str().unwrap()
        );
        confuzz_runner::parse::parse_str(std::path::Path::new("t.yaml"), &yaml)
            .unwrap_or_else(|e| panic!("{c}: {e:?}"));
    }
}

#[test]
fn schema_grpc_methods_and_jet_kinds_are_the_models() {
    let s = schema();
    let want: BTreeSet<String> = confuzz_runner::grpc::GRPC_METHODS
        .iter()
        .map(|k| k.to_string())
        .collect();
    assert_eq!(keys(&s["$defs"]["grpcCall"]), want);
    let jet = keys(&s["$defs"]["jet"]);
    for k in confuzz_runner::model::JET_KINDS {
        assert!(jet.contains(*k), "schema jet lacks {k}");
    }
}
