//! JSON-RPC parse throughput on typical NSO responses (and two requests).
//!
//! Payloads are generated here, deterministic, shaped like NSO's: a
//! `new_trans` result, a `get_values` result, `show_config` results of about
//! 100 KiB (as JSON data and as a CLI string), an error response and a batch.
//! Each is parsed with the default options (NSO checks, deep scan for
//! repeated names and out-of-range numbers) and the large ones also without
//! the deep scan.
//!
//! Run: `cargo bench -p confuzz-benches --bench jsonrpc -- --warm-up-time 1 --measurement-time 3`

use confuzz_wire::jsonrpc::{
    ErrorObject, ErrorType, ParseOptions, Response, parse_request_with, parse_response_with,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::fmt::Write;
use std::hint::black_box;

fn new_trans() -> String {
    r#"{"jsonrpc":"2.0","id":3,"result":{"th":2}}"#.to_owned()
}

fn get_values(n: usize) -> String {
    let mut values = String::new();
    for i in 0..n {
        if i > 0 {
            values.push(',');
        }
        let _ = write!(
            values,
            r#"{{"value":"GigabitEthernet0/{i} uplink to core-{i}","access":{{"read":true,"write":true}}}}"#
        );
    }
    format!(r#"{{"jsonrpc":"2.0","id":7,"result":{{"values":[{values}]}}}}"#)
}

/// A `show_config` result with `result_as: "json"`: devices with interfaces.
fn show_config_json(target: usize) -> String {
    let mut devices = String::new();
    let mut d = 0;
    while devices.len() < target {
        if d > 0 {
            devices.push(',');
        }
        let mut ifs = String::new();
        for i in 0..24 {
            if i > 0 {
                ifs.push(',');
            }
            let _ = write!(
                ifs,
                r#"{{"name":"0/{i}","description":"link {d}-{i} to \"agg-{i}\"","mtu":{mtu},"shutdown":[null],"ip":{{"address":{{"primary":{{"address":"10.{d}.{i}.1","mask":"255.255.255.0"}}}}}}}}"#,
                mtu = 1500 + i
            );
        }
        let _ = write!(
            devices,
            r#"{{"name":"ce{d}","address":"127.0.0.{d}","port":10022,"authgroup":"default","device-type":{{"cli":{{"ned-id":"cisco-ios-cli-6.90:cisco-ios-cli-6.90"}}}},"state":{{"admin-state":"unlocked"}},"config":{{"tailf-ned-cisco-ios:hostname":"ce{d}","tailf-ned-cisco-ios:interface":{{"GigabitEthernet":[{ifs}]}}}}}}"#
        );
        d += 1;
    }
    format!(
        r#"{{"jsonrpc":"2.0","id":12,"result":{{"data":{{"tailf-ncs:devices":{{"device":[{devices}]}}}}}}}}"#
    )
}

/// A `show_config` result with `result_as: "string"`: one long CLI text.
fn show_config_string(target: usize) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < target {
        let _ = write!(
            text,
            "devices device ce{i}\\n config\\n  interface GigabitEthernet0/{i}\\n   description \\\"uplink {i}\\\"\\n   ip address 10.0.{i}.1 255.255.255.0\\n  exit\\n !\\n!\\n"
        );
        i += 1;
    }
    format!(r#"{{"jsonrpc":"2.0","id":13,"result":{{"config":"{text}"}}}}"#)
}

fn error_response() -> String {
    Response::error(
        4,
        ErrorObject::params(ErrorType::MethodUnexpectedParams, "foo"),
    )
    .to_json()
}

fn batch(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"jsonrpc":"2.0","id":{i},"result":{{"value":"{}"}}}}"#,
                7200 + i
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

fn requests() -> Vec<(&'static str, String)> {
    vec![
        ("login", r#"{"jsonrpc":"2.0","id":1,"method":"login","params":{"user":"admin","passwd":"admin"}}"#.to_owned()),
        (
            "set_value",
            r#"{"jsonrpc":"2.0","id":9,"method":"set_value","params":{"th":4711,"path":"/ncs:devices/device{\"ex 0\"}/config/ios:interface/GigabitEthernet{0/1}/description","value":"uplink"}}"#.to_owned(),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let full = ParseOptions::default();
    let fast = ParseOptions {
        deep_scan: false,
        ..ParseOptions::default()
    };
    let responses = [
        ("new_trans", new_trans(), false),
        ("get_values_50", get_values(50), false),
        ("show_config_json_100k", show_config_json(100 * 1024), true),
        (
            "show_config_string_100k",
            show_config_string(100 * 1024),
            true,
        ),
        ("error_unexpected_params", error_response(), false),
        ("batch_20", batch(20), false),
    ];
    for (name, body, _) in &responses {
        let parsed = parse_response_with(body.as_bytes(), &full);
        assert!(
            parsed.as_ref().is_ok_and(|p| p.is_clean()),
            "payload {name} is not a clean response: {parsed:?}"
        );
    }
    let mut g = c.benchmark_group("jsonrpc_parse_response");
    for (name, body, also_fast) in &responses {
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(*name, |b| {
            b.iter(|| parse_response_with(black_box(body.as_bytes()), &full))
        });
        if *also_fast {
            g.bench_function(format!("{name}_no_deep_scan"), |b| {
                b.iter(|| parse_response_with(black_box(body.as_bytes()), &fast))
            });
        }
    }
    g.finish();
    let mut g = c.benchmark_group("jsonrpc_parse_request");
    for (name, body) in requests() {
        g.throughput(Throughput::Bytes(body.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| parse_request_with(black_box(body.as_bytes()), &full))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
