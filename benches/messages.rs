//! rpc-reply parse throughput: `<ok/>`, two `<rpc-error>`s (RFC 6241 §4.3),
//! and `<data>` holding about 1 MiB of configuration.
//!
//! `parse` copies the `<data>` slice out of the input; `parse_bytes` shares
//! it (the path a framing decoder handing out `Bytes` takes). Both scan the
//! whole reply: UTF-8 and XML `Char` check, tokenizing, limits, namespaces.

use confuzz_wire::netconf::{self, Message};
use confuzz_wire::xml::XmlLimits;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const OK: &[u8] =
    br#"<rpc-reply message-id="101" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok/></rpc-reply>"#;

const TWO_ERRORS: &[u8] = br#"<rpc-reply message-id="101"
  xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"
  xmlns:xc="urn:ietf:params:xml:ns:netconf:base:1.0">
  <rpc-error>
    <error-type>application</error-type>
    <error-tag>invalid-value</error-tag>
    <error-severity>error</error-severity>
    <error-path xmlns:t="http://example.com/schema/1.2/config">
      /t:top/t:interface[t:name="Ethernet0/0"]/t:mtu
    </error-path>
    <error-message xml:lang="en">
      MTU value 25000 is not within range 256..9192
    </error-message>
  </rpc-error>
  <rpc-error>
    <error-type>application</error-type>
    <error-tag>invalid-value</error-tag>
    <error-severity>error</error-severity>
    <error-path xmlns:t="http://example.com/schema/1.2/config">
      /t:top/t:interface[t:name="Ethernet1/0"]/t:address/t:name
    </error-path>
    <error-message xml:lang="en">
      Invalid IP address for interface Ethernet1/0
    </error-message>
  </rpc-error>
</rpc-reply>"#;

/// A get-config reply of about 1 MiB: Junos-style interface configuration,
/// indented as devices send it.
fn large_data() -> Vec<u8> {
    let mut out = br#"<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos" message-id="7">
<data>
<configuration junos:commit-seconds="1714557600" junos:commit-localtime="2024-05-01 10:00:00 UTC" junos:commit-user="netconf">
<interfaces>
"#
    .to_vec();
    let mut i = 0;
    while out.len() < (1 << 20) - 200 {
        out.extend_from_slice(
            format!(
                r#"<interface>
    <name>ge-0/{}/{}</name>
    <description>uplink to access switch {i} &amp; backup</description>
    <mtu>9192</mtu>
    <unit>
        <name>0</name>
        <family>
            <inet>
                <address>
                    <name>10.{}.{}.1/24</name>
                </address>
            </inet>
        </family>
    </unit>
</interface>
"#,
                i / 48,
                i % 48,
                i / 256 % 256,
                i % 256
            )
            .as_bytes(),
        );
        i += 1;
    }
    out.extend_from_slice(b"</interfaces>\n</configuration>\n</data>\n</rpc-reply>\n");
    out
}

fn bench(c: &mut Criterion) {
    let limits = XmlLimits::default();
    let large = large_data();
    let cases: [(&str, &[u8]); 3] = [
        ("ok", OK),
        ("two_errors", TWO_ERRORS),
        ("large_data_1mib", &large),
    ];
    let mut group = c.benchmark_group("rpc_reply_parse");
    for (name, input) in cases {
        let p = netconf::parse(input, &limits).expect("bench input parses");
        assert!(matches!(p.message, Message::RpcReply(_)) && p.violations.is_empty());
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(format!("{name}/parse"), |b| {
            b.iter(|| netconf::parse(black_box(input), &limits).map(|p| p.violations.len()))
        });
        // A `bytes::Bytes` (named through the function that takes it).
        let shared = input.to_vec().into();
        group.bench_function(format!("{name}/parse_bytes"), |b| {
            b.iter(|| netconf::parse_bytes(black_box(&shared), &limits).map(|p| p.violations.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
