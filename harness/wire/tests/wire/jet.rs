//! JET notifications: the `jet-event` JSON, the topic tree with its builders
//! and parsers for every family, MQTT wildcard matching, and property tests.

use confuzz_wire::jet::{
    self, ADD, ALL, CHANGE, DELETE, Family, FirewallAttributes, IfaAttributes, IfdAttributes,
    IffAttributes, IflAttributes, JetError, JetEvent, KernelAttributes, Op, RouteAttributes,
    RouteTableAttributes, Sel, Topic, TopicError, kernel_event_id, parse_event, parse_topic,
    topic_matches, validate_topic_filter,
};
use confuzz_wire::jsonrpc::{JsonRpcError, RawJson};
use proptest::prelude::*;

/// The example event of the JET API guide, as valid JSON (the guide's copy
/// lacks the outer braces and a comma, and uses typographic quotes).
const SEED_EVENT: &str = r#"{"jet-event": {
  "event-id": "KERNEL_EVENT_IFD_ADD",
  "hostname": "mydevice",
  "time": "2016-01-07",
  "severity": "info",
  "facility": "KERNEL",
  "attributes": {
    "name": "ge-0/0/0",
    "snmp-id": 520,
    "flags": 8
  }
}}"#;

/// The guide's text as printed.
const SEED_EVENT_AS_PRINTED: &str = "\u{201c}jet-event\u{201d}: {\n  \u{201c}event-id\u{201d}: \u{201c}KERNEL_EVENT_IFD_ADD\u{201d}\n}";

fn event(text: &str) -> confuzz_wire::jsonrpc::Parsed<JetEvent> {
    match parse_event(text.as_bytes()) {
        Ok(p) => p,
        Err(e) => panic!("event did not parse: {e}\n{text}"),
    }
}

fn topic(text: &str) -> Topic {
    match parse_topic(text) {
        Ok(t) => t,
        Err(e) => panic!("topic {text:?} did not parse: {e}"),
    }
}

fn built(t: Result<Topic, TopicError>) -> String {
    match t {
        Ok(t) => t.to_string(),
        Err(e) => panic!("builder failed: {e}"),
    }
}

// ---- events ----

#[test]
fn seed_example_event_parses_clean_and_round_trips() {
    let p = event(SEED_EVENT);
    assert!(p.is_clean(), "{:?}", p.violations);
    let e = &p.value;
    assert_eq!(
        e.event_id.as_deref(),
        Some(jet::kernel::KERNEL_EVENT_IFD_ADD)
    );
    assert_eq!(e.hostname.as_deref(), Some("mydevice"));
    assert_eq!(e.attribute("snmp-id"), Some(serde_json::json!(520)));
    assert_eq!(event(&e.to_json()).value, p.value);
    let rebuilt = IfdAttributes {
        name: "ge-0/0/0".into(),
        snmp_id: 520,
        flags: 8,
    }
    .event(Op::Add, "mydevice", "2016-01-07");
    assert_eq!(rebuilt.attributes_map(), e.attributes_map());
    assert_eq!(
        JetEvent {
            attributes: None,
            ..rebuilt
        },
        JetEvent {
            attributes: None,
            ..e.clone()
        }
    );
}

#[test]
fn seed_example_as_printed_is_a_clear_syntax_error() {
    match parse_event(SEED_EVENT_AS_PRINTED.as_bytes()) {
        Err(JetError::Json(JsonRpcError::Syntax { offset: 0, .. })) => {}
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse_event(b"[1]"),
        Err(JetError::NotAnObject { found: "an array" })
    ));
}

/// (name, event JSON, rule ids expected)
const MALFORMED_EVENTS: &[(&str, &str, &[&str])] = &[
    (
        "unwrapped",
        r#"{"event-id":"UI_COMMIT","hostname":"h","time":"t","severity":"notice","facility":"INTERACT","attributes":{}}"#,
        &["jet-event-wrapper"],
    ),
    (
        "no hostname",
        r#"{"jet-event":{"event-id":"UI_COMMIT","time":"t","severity":"notice","facility":"INTERACT","attributes":{}}}"#,
        &["jet-field-missing"],
    ),
    (
        "no attributes",
        r#"{"jet-event":{"event-id":"UI_COMMIT","hostname":"h","time":"t","severity":"notice","facility":"INTERACT"}}"#,
        &["jet-field-missing"],
    ),
    (
        "time as number",
        r#"{"jet-event":{"event-id":"UI_COMMIT","hostname":"h","time":1452124800,"severity":"notice","facility":"INTERACT","attributes":{}}}"#,
        &["jet-field-type"],
    ),
    (
        "attributes array",
        r#"{"jet-event":{"event-id":"UI_COMMIT","hostname":"h","time":"t","severity":"notice","facility":"INTERACT","attributes":[]}}"#,
        &["jet-field-type"],
    ),
    (
        "jet-event not object",
        r#"{"jet-event":7}"#,
        &[
            "jet-field-type",
            "jet-field-missing",
            "jet-field-missing",
            "jet-field-missing",
            "jet-field-missing",
            "jet-field-missing",
            "jet-field-missing",
        ],
    ),
    (
        "extra member",
        r#"{"jet-event":{"event-id":"UI_COMMIT","hostname":"h","time":"t","severity":"notice","facility":"INTERACT","attributes":{},"x":1}}"#,
        &["jet-unknown-member"],
    ),
    (
        "kernel severity",
        r#"{"jet-event":{"event-id":"KERNEL_EVENT_IFD_ADD","hostname":"h","time":"t","severity":"error","facility":"KERNEL","attributes":{"name":"ge-0/0/0","snmp-id":1,"flags":0}}}"#,
        &["jet-kernel-header"],
    ),
    (
        "kernel attribute missing",
        r#"{"jet-event":{"event-id":"KERNEL_EVENT_IFL_ADD","hostname":"h","time":"t","severity":"INFO","facility":"KERNEL","attributes":{"name":"ge-0/0/0","snmp-id":1,"flags":0}}}"#,
        &["jet-attribute-missing"],
    ),
    (
        "duplicate header",
        r#"{"jet-event":{"event-id":"UI_COMMIT","event-id":"UI_COMMIT","hostname":"h","time":"t","severity":"notice","facility":"INTERACT","attributes":{}}}"#,
        &["duplicate-key"],
    ),
];

#[test]
fn malformed_events_report_exactly_their_rules() {
    for (name, text, want) in MALFORMED_EVENTS {
        let p = event(text);
        assert_eq!(p.rule_ids(), *want, "{name}: {:?}", p.violations);
        assert_eq!(
            event(&p.value.to_json()).value,
            p.value,
            "{name}: round trip"
        );
    }
}

#[test]
fn event_json_limits_apply() {
    let deep = format!("{{\"jet-event\":{}", "[".repeat(100_000));
    assert!(matches!(
        parse_event(deep.as_bytes()),
        Err(JetError::Json(JsonRpcError::TooDeep { .. }))
    ));
    let surrogate = br#"{"jet-event":{"hostname":"\uDC00"}}"#;
    assert!(matches!(
        parse_event(surrogate),
        Err(JetError::Json(JsonRpcError::LoneSurrogate { .. }))
    ));
    let small = jet::EventOptions {
        max_size: 8,
        ..jet::EventOptions::default()
    };
    assert!(matches!(
        jet::parse_event_with(SEED_EVENT.as_bytes(), &small),
        Err(JetError::Json(JsonRpcError::TooLarge { .. }))
    ));
}

#[test]
fn every_kernel_family_builds_a_clean_event_on_its_own_topic() {
    let cases: Vec<(Family, JetEvent, Topic)> = vec![
        family_case(&IfdAttributes {
            name: "ge-0/0/0".into(),
            snmp_id: 520,
            flags: 8,
        }),
        family_case(&IflAttributes {
            name: "ge-0/0/0".into(),
            subunit: 0,
            snmp_id: 521,
            flags: 0,
        }),
        family_case(&IffAttributes {
            name: "ge-0/0/0".into(),
            subunit: 0,
            family: "inet".into(),
            table_name: "default.inet.0".into(),
            flags: 0,
        }),
        family_case(&IfaAttributes {
            name: "xe-0/0/1".into(),
            subunit: 0,
            family: "inet".into(),
            local_address: "192.168.20.1/32".into(),
            destination_address: "192.168.20.0/24".into(),
            broadcast_address: "192.168.20.255/32".into(),
            flags: 192,
        }),
        family_case(&FirewallAttributes {
            name: "protect-re".into(),
            version: 1,
            client_id: "jet-app".into(),
            filter_type: "classic".into(),
            protocol: "inet".into(),
            interface_name: "lo0.0".into(),
            flags: 0,
        }),
        family_case(&RouteAttributes {
            table_name: "inet.0".into(),
            logical_router_name: "default".into(),
            address_family: "inet".into(),
            route_type: "static".into(),
            route_prefix: "10.0.0.0/24".into(),
            next_hop_addresses: vec!["192.168.20.254".into()],
            flags: 0,
        }),
        family_case(&RouteTableAttributes {
            name: "inet.0".into(),
            logical_router_name: "default".into(),
            address_family: "inet".into(),
            flags: 0,
        }),
    ];
    for (family, ev, t) in cases {
        let p = event(&ev.to_json());
        assert!(p.is_clean(), "{family:?}: {:?}", p.violations);
        assert_eq!(ev.event_id, Some(kernel_event_id(family, Op::Change)));
        let name = t.to_string();
        assert!(ev.check_topic(&name).is_empty(), "{family:?} on {name}");
        assert_eq!(parse_topic(&name), Ok(t.clone()), "{name}");
        let default = default_filter(family);
        assert!(
            topic_matches(&default, &name),
            "{default} should match {name}"
        );
        for want in family.attribute_names() {
            assert!(ev.attribute(want).is_some(), "{family:?} lacks {want}");
        }
    }
}

fn family_case<A: KernelAttributes>(a: &A) -> (Family, JetEvent, Topic) {
    let t = a.topic(Op::Change);
    let Ok(t) = t else { panic!("{t:?}") };
    (
        A::FAMILY,
        a.event(Op::Change, "vqfx", "2019-01-22-14:59:06"),
        t,
    )
}

fn default_filter(family: Family) -> String {
    built(match family {
        Family::Ifd => Topic::ifd(ALL, None),
        Family::Ifl => Topic::ifl(ALL, None, None),
        Family::Iff => Topic::iff(ALL, None, None, None),
        Family::Ifa => Topic::ifa(ALL, None, None, None, None),
        Family::Firewall => Topic::firewall(ALL, None),
        Family::Route => Topic::route(ALL, None, None, None),
        Family::RouteTable => Topic::route_table(ALL, None, None),
    })
}

#[test]
fn events_on_the_wrong_topic_are_reported() {
    let ev = event(SEED_EVENT).value;
    let ids = |t: &str| {
        ev.check_topic(t)
            .iter()
            .map(|v| v.rule.id)
            .collect::<Vec<_>>()
    };
    assert!(ids("/junos/events/kernel/interfaces/ifd/add/ge-0/0/0").is_empty());
    assert_eq!(
        ids("/junos/events/kernel/interfaces/ifd/delete/ge-0/0/0"),
        ["jet-topic-mismatch"]
    );
    assert_eq!(
        ids("/junos/events/kernel/interfaces/ifl/add/ge-0/0/0.0"),
        ["jet-topic-mismatch"]
    );
    assert_eq!(ids("/elsewhere"), ["jet-topic-mismatch"]);
    let (t, syslog) = jet::syslog_event(
        "UI_COMMIT_COMPLETED",
        "h",
        "t",
        "notice",
        "INTERACT",
        &serde_json::Map::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(syslog.check_topic(&t.to_string()).is_empty());
    assert_eq!(
        syslog.check_topic("/junos/events/syslog/UI_COMMIT").len(),
        1
    );
}

// ---- topics ----

#[test]
fn builders_default_like_the_jet_client_library() {
    let k = "/junos/events/kernel";
    for (got, want) in [
        (Topic::ifd(ALL, None), format!("{k}/interfaces/ifd/+/#")),
        (
            Topic::ifd(ADD, Some("ge-0/0/0")),
            format!("{k}/interfaces/ifd/add/ge-0/0/0"),
        ),
        (
            Topic::ifl(ALL, None, None),
            format!("{k}/interfaces/ifl/+/+/+/+"),
        ),
        (
            Topic::ifl(CHANGE, Some("ge-0/0/0"), Some(0)),
            format!("{k}/interfaces/ifl/change/ge-0/0/0.0"),
        ),
        (
            Topic::iff(CHANGE, None, None, None),
            format!("{k}/interfaces/iff/change/+/+/+/+"),
        ),
        (
            Topic::iff(ADD, Some("lo0"), Some(0), Some("inet6")),
            format!("{k}/interfaces/iff/add/lo0.0/inet6"),
        ),
        (
            Topic::ifa(DELETE, None, None, None, None),
            format!("{k}/interfaces/ifa/delete/+/+/+/+/#"),
        ),
        (
            Topic::ifa(
                ADD,
                Some("xe-0/0/1"),
                Some(0),
                Some("inet"),
                Some("192.168.20.1/32"),
            ),
            format!("{k}/interfaces/ifa/add/xe-0/0/1.0/inet/192.168.20.1/32"),
        ),
        (
            Topic::firewall(ALL, None),
            format!("{k}/firewall/filter/+/#"),
        ),
        (
            Topic::firewall(DELETE, Some("f1")),
            format!("{k}/firewall/filter/delete/f1"),
        ),
        (
            Topic::route(ALL, None, None, None),
            format!("{k}/route/+/+/+/#"),
        ),
        (
            Topic::route(ADD, Some("inet6"), Some("2001:db8::"), Some(32)),
            format!("{k}/route/add/inet6/2001:db8::/32"),
        ),
        (
            Topic::route_table(ALL, None, None),
            format!("{k}/route-table/+/+/#"),
        ),
        (
            Topic::route_table(ADD, Some("inet.0"), Some("default")),
            format!("{k}/route-table/add/inet.0/default"),
        ),
        (Topic::syslog(None), "/junos/events/syslog/#".into()),
        (
            Topic::syslog(Some("UI_COMMIT_COMPLETED")),
            "/junos/events/syslog/UI_COMMIT_COMPLETED".into(),
        ),
        (Ok(Topic::Kernel), format!("{k}/#")),
    ] {
        assert_eq!(built(got.clone()), want);
        assert_eq!(parse_topic(&want), got, "{want}");
    }
}

#[test]
fn builders_refuse_arguments_that_break_the_tree() {
    assert_eq!(
        Topic::ifl(ALL, Some("ge-0/0/0"), None),
        Err(TopicError::SubUnitRequired)
    );
    assert_eq!(
        Topic::ifa(ALL, Some("ge-0/0/0"), None, None, None),
        Err(TopicError::SubUnitRequired)
    );
    for bad in [
        Topic::ifd(ALL, Some("ge+0")),
        Topic::ifd(ALL, Some("")),
        Topic::ifd(ALL, Some("ge-0//0")),
        Topic::firewall(ALL, Some("a/b")),
        Topic::firewall(ALL, Some("#")),
        Topic::syslog(Some("A\0B")),
        Topic::ifa(ALL, Some("ge-0/0/0"), Some(0), Some("inet"), Some("1/2/3")),
    ] {
        assert!(
            matches!(bad, Err(TopicError::BadArgument { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn parser_reads_each_family_and_stops_fields_after_hash() {
    assert_eq!(
        topic("/junos/events/kernel/interfaces/ifa/add/xe-0/0/1.0/inet/192.168.20.1/32"),
        Topic::Ifa {
            op: ADD,
            ifl_name: Sel::Is("xe-0/0/1.0".into()),
            family: Sel::Is("inet".into()),
            address: Sel::Is("192.168.20.1/32".into()),
        }
    );
    assert_eq!(
        topic("/junos/events/kernel/interfaces/ifa/add/lo0.0/inet6/::1"),
        Topic::Ifa {
            op: ADD,
            ifl_name: Sel::Is("lo0.0".into()),
            family: Sel::Is("inet6".into()),
            address: Sel::Is("::1".into()),
        }
    );
    assert_eq!(
        topic("/junos/events/kernel/interfaces/ifd/#"),
        Topic::Ifd {
            op: Sel::Rest,
            ifd_name: Sel::Rest
        }
    );
    assert_eq!(
        topic("/junos/events/kernel/route/delete/inet/#"),
        Topic::Route {
            op: DELETE,
            family: Sel::Is("inet".into()),
            address: Sel::Rest,
            prefix_length: Sel::Rest
        }
    );
    // Found by the round-trip property: a one-level interface, then `#`.
    assert_eq!(
        topic("/junos/events/kernel/interfaces/ifa/add/a/#"),
        Topic::Ifa {
            op: ADD,
            ifl_name: Sel::Is("a".into()),
            family: Sel::Rest,
            address: Sel::Rest,
        }
    );
    assert_eq!(
        topic("/junos/events/syslog/+"),
        Topic::Syslog { event_id: Sel::Any }
    );
    assert_eq!(
        topic("/junos/events/kernel/interfaces/iff/+/+/+/+/#"),
        Topic::Iff {
            op: ALL,
            ifl_name: Sel::Is("+/+/+".into()),
            family: Sel::Rest
        }
    );
}

#[test]
fn parser_rejects_what_is_not_a_jet_topic() {
    let k = "/junos/events/kernel";
    for (text, want) in [
        ("", TopicError::Empty),
        (
            "/junos/events/kernel/interfaces/ifd/add/ge#",
            TopicError::Wildcard {
                level: "ge#".into(),
                offset: 40,
            },
        ),
        (
            "/junos/events/kernel/#/x",
            TopicError::Wildcard {
                level: "#".into(),
                offset: 21,
            },
        ),
        (
            "junos/events/kernel/#",
            TopicError::NotJet {
                found: "junos/events/kernel/#".into(),
            },
        ),
    ] {
        assert_eq!(parse_topic(text), Err(want), "{text}");
    }
    for text in [
        format!("{k}/interfaces/ifx/add/x"),
        format!("{k}/interfaces/ifd/remove/x"),
        format!("{k}/interfaces/ifd/add"),
        format!("{k}/interfaces/iff/add/lo0.0"),
        format!("{k}/route/add/inet/10.0.0.0"),
        format!("{k}/route/add/inet/10.0.0.0/24/x"),
        format!("{k}/route-table/add/inet.0/default/x"),
        "/junos/events/syslog/A/B".into(),
        format!("{k}/interfaces/ifd/add/x\0"),
    ] {
        assert!(parse_topic(&text).is_err(), "{text:?}");
    }
}

#[test]
fn wildcard_matching_follows_mqtt_3_1_1_section_4_7() {
    let yes = [
        ("sport/tennis/player1/#", "sport/tennis/player1"),
        ("sport/tennis/player1/#", "sport/tennis/player1/ranking"),
        (
            "sport/tennis/player1/#",
            "sport/tennis/player1/score/wimbledon",
        ),
        ("sport/#", "sport"),
        ("#", "sport/tennis"),
        ("sport/tennis/+", "sport/tennis/player1"),
        ("sport/+", "sport/"),
        ("+/+", "/finance"),
        ("/+", "/finance"),
        ("+/tennis/#", "sport/tennis"),
        ("$SYS/#", "$SYS/monitor"),
        (
            "/junos/events/kernel/#",
            "/junos/events/kernel/route/add/inet/10.0.0.0/24",
        ),
    ];
    let no = [
        ("sport/tennis/+", "sport/tennis/player1/ranking"),
        ("sport/+", "sport"),
        ("+", "/finance"),
        ("#", "$SYS/monitor"),
        ("+/monitor/Clients", "$SYS/monitor/Clients"),
        ("sport/tennis", "Sport/Tennis"),
        ("sport/tennis#", "sport/tennis"),
        ("sport/#", "sport/+"),
    ];
    for (f, n) in yes {
        assert!(topic_matches(f, n), "{f} should match {n}");
    }
    for (f, n) in no {
        assert!(!topic_matches(f, n), "{f} should not match {n}");
    }
    assert!(validate_topic_filter("sport/#/ranking").is_err());
    assert!(validate_topic_filter("sport+").is_err());
}

#[test]
fn default_filters_match_what_the_device_publishes() {
    let k = "/junos/events/kernel";
    let ifd_all = built(Topic::ifd(ALL, None));
    assert!(topic_matches(
        &ifd_all,
        &format!("{k}/interfaces/ifd/add/ge-0/0/0")
    ));
    assert!(topic_matches(
        &ifd_all,
        &format!("{k}/interfaces/ifd/delete/lo0")
    ));
    let ifl_all = built(Topic::ifl(ALL, None, None));
    assert!(topic_matches(
        &ifl_all,
        &format!("{k}/interfaces/ifl/change/ge-0/0/0.0")
    ));
    // `+/+/+` covers type-fpc/pic/port names only, as in the client library.
    assert!(!topic_matches(
        &ifl_all,
        &format!("{k}/interfaces/ifl/change/lo0.0")
    ));
    let ifa_del = built(Topic::ifa(DELETE, None, None, None, None));
    assert!(topic_matches(
        &ifa_del,
        &format!("{k}/interfaces/ifa/delete/xe-0/0/1.0/inet/192.168.20.1/32")
    ));
    assert!(!topic_matches(
        &ifa_del,
        &format!("{k}/interfaces/ifa/add/xe-0/0/1.0/inet/192.168.20.1/32")
    ));
    let t = topic(&ifa_del);
    assert!(t.matches(&format!(
        "{k}/interfaces/ifa/delete/xe-0/0/1.0/inet6/2001:db8::1/128"
    )));
}

// ---- property tests ----

fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_.-]{0,8}"
}

fn sel(values: impl Strategy<Value = String>) -> impl Strategy<Value = Sel<String>> {
    prop_oneof![values.prop_map(Sel::Is), Just(Sel::Any), Just(Sel::Rest)]
}

fn op() -> impl Strategy<Value = Sel<Op>> {
    prop_oneof![
        prop::sample::select(Op::ALL.to_vec()).prop_map(Sel::Is),
        Just(Sel::Any),
        Just(Sel::Rest)
    ]
}

fn ifl() -> impl Strategy<Value = Sel<String>> {
    prop_oneof![
        sel(name()),
        (name(), 0u8..8, 0u8..8, 0u8..48, 0u16..4096)
            .prop_map(|(t, f, p, port, u)| Sel::Is(format!("{t}-{f}/{p}/{port}.{u}"))),
        Just(Sel::Is(jet::ANY_INTERFACE.to_owned())),
    ]
}

fn address() -> impl Strategy<Value = Sel<String>> {
    prop_oneof![
        (any::<[u8; 4]>(), 0u8..=32)
            .prop_map(|(a, l)| Sel::Is(format!("{}.{}.{}.{}/{l}", a[0], a[1], a[2], a[3]))),
        any::<[u8; 4]>().prop_map(|a| Sel::Is(format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]))),
        Just(Sel::Any),
        Just(Sel::Rest),
    ]
}

fn any_topic() -> impl Strategy<Value = Topic> {
    prop_oneof![
        (op(), ifl()).prop_map(|(op, ifd_name)| Topic::Ifd { op, ifd_name }),
        (op(), ifl()).prop_map(|(op, ifl_name)| Topic::Ifl { op, ifl_name }),
        (op(), ifl(), sel(name())).prop_map(|(op, ifl_name, family)| Topic::Iff {
            op,
            ifl_name,
            family
        }),
        (op(), ifl(), sel(name()), address()).prop_map(|(op, ifl_name, family, address)| {
            Topic::Ifa {
                op,
                ifl_name,
                family,
                address,
            }
        }),
        (op(), sel(name())).prop_map(|(op, filter_name)| Topic::Firewall { op, filter_name }),
        (
            op(),
            sel(name()),
            sel(name()),
            sel((0u8..=128).prop_map(|l| l.to_string()))
        )
            .prop_map(|(op, family, address, prefix_length)| Topic::Route {
                op,
                family,
                address,
                prefix_length
            }),
        (op(), sel(name()), sel(name())).prop_map(|(op, table_name, lr_name)| Topic::RouteTable {
            op,
            table_name,
            lr_name
        }),
        sel("[A-Z][A-Z_]{0,20}").prop_map(|event_id| Topic::Syslog { event_id }),
        Just(Topic::Kernel),
    ]
    .prop_map(Topic::normalized)
}

/// Event-shaped JSON text with header names, repeats and odd values.
fn event_text() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("null".to_owned()),
        Just("1e999999".to_owned()),
        "-?[0-9]{1,22}(\\.[0-9]{1,2})?",
        "\\PC{0,8}".prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        Just("\"KERNEL_EVENT_IFA_ADD\"".to_owned()),
        Just("{\"name\":\"ge-0/0/0\",\"flags\":8}".to_owned()),
        Just("[]".to_owned()),
    ];
    let name = prop::sample::select(vec![
        "event-id",
        "hostname",
        "time",
        "severity",
        "facility",
        "attributes",
        "jet-event",
        "x",
    ]);
    prop::collection::vec((name, value), 0..8).prop_map(|m| {
        let members: Vec<String> = m.into_iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{\"jet-event\":{{{}}}}}", members.join(","))
    })
}

proptest! {
    #[test]
    fn structured_events_keep_the_oracle(text in event_text()) {
        jet::fuzz::target(text.as_bytes());
        jet::fuzz::target(text.get(13..).unwrap_or("").as_bytes());
    }

    #[test]
    fn topics_written_parse_back_to_the_same_topic(t in any_topic()) {
        let text = t.to_string();
        prop_assert!(validate_topic_filter(&text).is_ok(), "{}", text);
        prop_assert_eq!(parse_topic(&text), Ok(t));
    }

    #[test]
    fn a_topic_filter_matches_itself_when_it_has_no_wildcards(t in any_topic()) {
        let text = t.to_string();
        if !text.contains(['+', '#']) {
            prop_assert!(topic_matches(&text, &text));
        }
    }

    #[test]
    fn events_written_parse_back_to_the_same_value(
        id in "[A-Z_]{1,24}", host in "\\PC{0,12}", time in "\\PC{0,20}",
        attrs in prop::collection::btree_map("[a-z-]{1,10}", prop_oneof![any::<u32>().prop_map(serde_json::Value::from), "\\PC{0,8}".prop_map(serde_json::Value::from)], 0..6),
    ) {
        let ev = JetEvent::new(id, host, time, "info", "KERNEL", RawJson::from_value(&serde_json::Value::Object(attrs.into_iter().collect())));
        let p = parse_event(ev.to_json().as_bytes());
        prop_assert!(p.is_ok());
        prop_assert_eq!(p.map(|p| p.value).ok(), Some(ev));
    }

    #[test]
    fn parsers_never_panic_on_bytes(data in prop::collection::vec(any::<u8>(), 0..200)) {
        jet::fuzz::target(&data);
    }

    #[test]
    fn parsers_never_panic_on_topic_like_text(text in "(/(junos|events|kernel|syslog|interfaces|ifd|ifl|iff|ifa|firewall|filter|route|route-table|add|change|delete|inet|[+#]|[a-z0-9.:-]{0,5})){0,12}") {
        jet::fuzz::target(text.as_bytes());
    }

    #[test]
    fn mutated_seed_event_keeps_the_oracle(at in any::<prop::sample::Index>(), b in any::<u8>()) {
        let mut bytes = SEED_EVENT.as_bytes().to_vec();
        let k = at.index(bytes.len());
        bytes[k] = b;
        jet::fuzz::target(&bytes);
    }
}
