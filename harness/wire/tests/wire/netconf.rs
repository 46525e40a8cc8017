//! NETCONF messages: RFC 6241 / RFC 5277 examples, the canonical Junos
//! NETCONF session, known bad inputs, writers and the fuzz oracle.

use bytes::Bytes;
use confuzz_wire::netconf::{
    self, BASE_1_0, BASE_1_1, BASE_NS, ErrorInfo, ErrorSeverity, ErrorTag, ErrorType, Hello,
    Message, NOTIFICATION_NS, Notification, Parsed, Rpc, RpcError, RpcReply, rules,
};
use confuzz_wire::xml::{Element, RawElement, XmlError, XmlLimits};
use confuzz_wire::{Level, Rule};

fn limits() -> XmlLimits {
    XmlLimits::default()
}

fn parse(input: &[u8]) -> Parsed<Message> {
    netconf::parse(input, &limits())
        .unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(input)))
}

fn rule_ids(p: &Parsed<Message>) -> Vec<&'static str> {
    p.violations.iter().map(|v| v.rule.id).collect()
}

fn has(p: &Parsed<Message>, rule: Rule) -> bool {
    p.violations.iter().any(|v| v.rule == rule)
}

fn rpc(p: &Parsed<Message>) -> &Rpc {
    match &p.message {
        Message::Rpc(r) => r,
        other => panic!("not an rpc: {other:?}"),
    }
}

fn reply(p: &Parsed<Message>) -> &RpcReply {
    match &p.message {
        Message::RpcReply(r) => r,
        other => panic!("not an rpc-reply: {other:?}"),
    }
}

/// Parses, writes, parses again: the same message.
fn assert_round_trip(input: &[u8]) {
    netconf::fuzz::target(input);
}

// RFC 6241 §4.1: an rpc with an extra attribute in another namespace.
const RFC_RPC: &[u8] = br#"<rpc message-id="101"
     xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"
     xmlns:ex="http://example.net/content/1.0"
     ex:user-id="fred">
  <get/>
</rpc>"#;

// RFC 6241 §4.2: the reply echoes every attribute.
const RFC_REPLY_DATA: &[u8] = br#"<rpc-reply message-id="101"
     xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"
     xmlns:ex="http://example.net/content/1.0"
     ex:user-id="fred">
  <data>
    <!-- contents here... -->
  </data>
</rpc-reply>"#;

// RFC 6241 §4.3: the reply to an rpc without message-id.
const RFC_ERROR_MISSING_ATTRIBUTE: &[u8] =
    br#"<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <rpc-error>
    <error-type>rpc</error-type>
    <error-tag>missing-attribute</error-tag>
    <error-severity>error</error-severity>
    <error-info>
      <bad-attribute>message-id</bad-attribute>
      <bad-element>rpc</bad-element>
    </error-info>
  </rpc-error>
</rpc-reply>"#;

// RFC 6241 §4.3: two errors with error-path and error-message.
const RFC_TWO_ERRORS: &[u8] = br#"<rpc-reply message-id="101"
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

// RFC 6241 §4.4.
const RFC_OK: &[u8] = br#"<rpc-reply message-id="101"
     xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <ok/>
</rpc-reply>"#;

// RFC 6241 §8.1: a server's hello.
const RFC_HELLO: &[u8] = br#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <capabilities>
    <capability>urn:ietf:params:netconf:base:1.1</capability>
    <capability>urn:ietf:params:netconf:capability:startup:1.0</capability>
    <capability>http://example.net/router/2.3/myfeature</capability>
  </capabilities>
  <session-id>4</session-id>
</hello>"#;

// RFC 5277 §4.
const RFC_NOTIFICATION: &[u8] =
    br#"<notification xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0">
  <eventTime>2007-07-08T00:01:00Z</eventTime>
  <event xmlns="http://example.com/event/1.0">
    <eventClass>fault</eventClass>
    <reportingEntity>
      <card>Ethernet0</card>
    </reportingEntity>
    <severity>major</severity>
  </event>
</notification>"#;

#[test]
fn rfc_rpc_keeps_message_id_and_every_other_attribute_in_order() {
    let p = parse(RFC_RPC);
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let r = rpc(&p);
    assert_eq!(r.message_id.as_deref(), Some("101"));
    let attrs: Vec<(String, &str)> = r
        .attributes
        .iter()
        .map(|a| (a.name.to_string(), a.value.as_str()))
        .collect();
    assert_eq!(
        attrs,
        [
            ("xmlns".to_owned(), BASE_NS),
            ("xmlns:ex".to_owned(), "http://example.net/content/1.0"),
            ("ex:user-id".to_owned(), "fred"),
        ]
    );
    assert_eq!(
        r.attributes[2].namespace.as_deref(),
        Some("http://example.net/content/1.0")
    );
    let op = r.operation.as_ref().unwrap();
    assert_eq!(op.name.local, "get");
    assert_eq!(op.namespace.as_deref(), Some(BASE_NS));
    assert_eq!(&op.raw[..], b"<get/>");
    assert_eq!(
        &RFC_RPC[op.span.start as usize..op.span.end as usize],
        b"<get/>"
    );
    assert_round_trip(RFC_RPC);
}

#[test]
fn reply_for_rpc_echoes_its_attributes_like_the_rfc_example() {
    let p = parse(RFC_RPC);
    let mut r = RpcReply::for_rpc(rpc(&p));
    r.data = reply(&parse(RFC_REPLY_DATA)).data.clone();
    let expected = parse(RFC_REPLY_DATA);
    let got = parse(&r.to_bytes());
    assert_eq!(
        netconf::fuzz::without_spans(got.message),
        netconf::fuzz::without_spans(expected.message)
    );
}

#[test]
fn rfc_reply_data_is_kept_raw_and_zero_copy() {
    let input = Bytes::from_static(RFC_REPLY_DATA);
    let p = netconf::parse_bytes(&input, &limits()).unwrap();
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let r = reply(&p);
    assert_eq!(r.message_id.as_deref(), Some("101"));
    assert!(!r.ok && r.errors.is_empty() && r.other.is_empty());
    let data = r.data.as_ref().unwrap();
    let start = data.span.start as usize;
    assert_eq!(
        data.raw.as_ptr(),
        input[start..].as_ptr(),
        "zero-copy slice of the input"
    );
    assert_eq!(
        &data.content_bytes()[..],
        b"\n    <!-- contents here... -->\n  "
    );
    assert_round_trip(RFC_REPLY_DATA);
}

#[test]
fn rfc_missing_attribute_error_reads_every_field_and_excuses_missing_message_id() {
    let p = parse(RFC_ERROR_MISSING_ATTRIBUTE);
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let r = reply(&p);
    assert_eq!(r.message_id, None);
    let e = &r.errors[0];
    assert_eq!(e.error_type, Some(ErrorType::Rpc));
    assert_eq!(e.error_tag, Some(ErrorTag::MissingAttribute));
    assert_eq!(e.error_severity, Some(ErrorSeverity::Error));
    let info = e.error_info.as_ref().unwrap();
    assert_eq!(info.bad_attribute.as_deref(), Some("message-id"));
    assert_eq!(info.bad_element.as_deref(), Some("rpc"));
    assert!(
        std::str::from_utf8(&info.raw)
            .unwrap()
            .contains("<bad-element>rpc</bad-element>")
    );
    assert!(!r.is_ok());
    assert_round_trip(RFC_ERROR_MISSING_ATTRIBUTE);
}

#[test]
fn rfc_two_errors_keep_path_message_and_language() {
    let p = parse(RFC_TWO_ERRORS);
    let r = reply(&p);
    assert_eq!(r.errors.len(), 2);
    let e = &r.errors[0];
    assert_eq!(e.error_type, Some(ErrorType::Application));
    assert_eq!(e.error_tag, Some(ErrorTag::InvalidValue));
    assert_eq!(
        e.error_path.as_deref(),
        Some(r#"/t:top/t:interface[t:name="Ethernet0/0"]/t:mtu"#)
    );
    let m = e.error_message.as_ref().unwrap();
    assert_eq!(m.lang.as_deref(), Some("en"));
    assert_eq!(
        m.text.trim(),
        "MTU value 25000 is not within range 256..9192"
    );
    assert_eq!(
        r.errors[1].error_message.as_ref().unwrap().text.trim(),
        "Invalid IP address for interface Ethernet1/0"
    );
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    assert_round_trip(RFC_TWO_ERRORS);
}

#[test]
fn rfc_ok_reply() {
    let p = parse(RFC_OK);
    assert!(p.violations.is_empty());
    let r = reply(&p);
    assert!(r.ok && r.is_ok());
    assert_eq!(p.message.message_id(), Some("101"));
    assert_eq!(
        netconf::fuzz::without_spans(p.message.clone()),
        Message::RpcReply(RpcReply::ok("101"))
    );
    assert_round_trip(RFC_OK);
}

#[test]
fn rfc_hello_lists_capabilities_and_session_id() {
    let p = parse(RFC_HELLO);
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let Message::Hello(h) = &p.message else {
        panic!()
    };
    assert_eq!(h.capabilities.len(), 3);
    assert!(h.base_1_1() && !h.base_1_0());
    assert_eq!(h.session_id, Some(4));
    assert!(h.check_from_server().is_empty());
    assert_eq!(
        h.check_from_client()[0].rule,
        rules::HELLO_CLIENT_SESSION_ID
    );
    assert_round_trip(RFC_HELLO);
}

#[test]
fn rfc_notification_keeps_event_time_and_event() {
    let p = parse(RFC_NOTIFICATION);
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let Message::Notification(n) = &p.message else {
        panic!()
    };
    assert_eq!(n.event_time.as_deref(), Some("2007-07-08T00:01:00Z"));
    let ev = n.event().unwrap();
    assert!(ev.is("http://example.com/event/1.0", "event"));
    let tree = ev.to_element(&limits()).unwrap();
    assert_eq!(tree.child_text("severity"), Some("major"));
    assert_round_trip(RFC_NOTIFICATION);
}

// The canonical Junos NETCONF session (seed 001), one message per frame.
const SERVER_HELLO: &[u8] = br#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <capabilities>
    <capability>urn:ietf:params:netconf:base:1.0</capability>
    <capability>urn:ietf:params:netconf:capability:candidate:1.0</capability>
    <capability>urn:ietf:params:netconf:capability:confirmed-commit:1.0</capability>
    <capability>urn:ietf:params:netconf:capability:validate:1.0</capability>
    <capability>urn:ietf:params:netconf:capability:url:1.0?scheme=http,ftp,file</capability>
    <capability>http://xml.juniper.net/netconf/junos/1.0</capability>
    <capability>http://xml.juniper.net/dmi/system/1.0</capability>
  </capabilities>
  <session-id>22398</session-id>
</hello>"#;

const CLIENT_HELLO: &[u8] = br#"<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <capabilities>
    <capability>urn:ietf:params:netconf:base:1.0</capability>
  </capabilities>
</hello>"#;

const GET_CHASSIS_INVENTORY: &[u8] =
    br#"<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <get-chassis-inventory/>
</rpc>"#;

const CHASSIS_INVENTORY_REPLY: &[u8] = br#"<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos" message-id="1">
<chassis-inventory xmlns="http://xml.juniper.net/junos/20.4R0/junos-chassis">
<chassis junos:style="inventory">
<name>Chassis</name>
<serial-number>JN11F2D4AAFA</serial-number>
<description>MX480</description>
<chassis-module>
<name>Midplane</name>
<version>REV 07</version>
<part-number>750-047862</part-number>
<serial-number>ACRC3079</serial-number>
<description>Enhanced MX480 Midplane</description>
</chassis-module>
<chassis-module>
<name>Routing Engine 0</name>
<version>REV 15</version>
<part-number>740-031116</part-number>
<serial-number>9009094134</serial-number>
<description>RE-S-1800x4</description>
<model-number>RE-S-1800X4-16G-S</model-number>
<clei-code>IPUCBA5CAA</clei-code>
</chassis-module>
</chassis>
</chassis-inventory>
</rpc-reply>"#;

const LOCK: &[u8] = br#"<rpc message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <lock><target><candidate/></target></lock>
</rpc>"#;

const EDIT_CONFIG: &[u8] = br#"<rpc message-id="3" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <edit-config>
    <target><candidate/></target>
    <config>
      <configuration>
        <system>
          <login>
            <class>
              <name>network-mgmt</name>
              <permissions>configure</permissions>
              <permissions>admin</permissions>
              <permissions>rollback</permissions>
              <permissions>trace-control</permissions>
              <permissions>firewall</permissions>
            </class>
          </login>
        </system>
      </configuration>
    </config>
  </edit-config>
</rpc>"#;

const COMMIT: &[u8] =
    br#"<rpc message-id="4" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><commit/></rpc>"#;
const UNLOCK: &[u8] = br#"<rpc message-id="5" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><unlock><target><candidate/></target></unlock></rpc>"#;
const CLOSE: &[u8] = br#"<rpc message-id="6" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><close-session/></rpc>"#;

fn ok_reply(id: u32) -> Vec<u8> {
    format!(r#"<rpc-reply message-id="{id}" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok/></rpc-reply>"#)
        .into_bytes()
}

#[test]
fn seed_001_session_parses_message_by_message() {
    let server = parse(SERVER_HELLO);
    let client = parse(CLIENT_HELLO);
    for (p, base_1_1) in [(&server, false), (&client, false)] {
        assert!(p.violations.is_empty(), "{:?}", p.violations);
        let Message::Hello(h) = &p.message else {
            panic!()
        };
        assert!(h.base_1_0());
        assert_eq!(h.base_1_1(), base_1_1);
    }
    let Message::Hello(h) = &server.message else {
        panic!()
    };
    assert_eq!(h.session_id, Some(22398));
    assert!(h.announces("urn:ietf:params:netconf:capability:url:1.0"));
    assert!(h.announces(confuzz_wire::junos::JUNOS_NETCONF_CAPABILITY));
    let Message::Hello(c) = &client.message else {
        panic!()
    };
    assert!(c.check_from_client().is_empty());

    let steps: [(&[u8], &str, &str); 6] = [
        (GET_CHASSIS_INVENTORY, "1", "get-chassis-inventory"),
        (LOCK, "2", "lock"),
        (EDIT_CONFIG, "3", "edit-config"),
        (COMMIT, "4", "commit"),
        (UNLOCK, "5", "unlock"),
        (CLOSE, "6", "close-session"),
    ];
    for (k, (input, id, op)) in steps.into_iter().enumerate() {
        let p = parse(input);
        assert!(p.violations.is_empty(), "{op}: {:?}", p.violations);
        let r = rpc(&p);
        assert_eq!(r.message_id.as_deref(), Some(id));
        assert_eq!(r.operation_name(), Some(op));
        assert_eq!(
            r.operation.as_ref().unwrap().namespace.as_deref(),
            Some(BASE_NS)
        );
        assert_round_trip(input);
        if k > 0 {
            let answer = parse(&ok_reply(k as u32 + 1));
            assert!(answer.violations.is_empty());
            assert!(reply(&answer).ok);
            assert_eq!(answer.message.message_id(), Some(id));
        }
    }

    let inventory = parse(CHASSIS_INVENTORY_REPLY);
    assert!(
        inventory.violations.is_empty(),
        "{:?}",
        inventory.violations
    );
    let r = reply(&inventory);
    assert_eq!(r.message_id.as_deref(), Some("1"));
    assert_eq!(r.other.len(), 1);
    let typed = confuzz_wire::junos::Reply::parse(&r.other[0], &limits()).unwrap();
    let confuzz_wire::junos::Reply::ChassisInventory(inv) = typed.message else {
        panic!()
    };
    let chassis = &inv.chassis[0];
    assert_eq!(chassis.description.as_deref(), Some("MX480"));
    assert_eq!(chassis.modules.len(), 2);
    assert_eq!(chassis.modules[1].clei_code.as_deref(), Some("IPUCBA5CAA"));
    assert_round_trip(CHASSIS_INVENTORY_REPLY);
}

#[test]
fn seed_001_edit_config_payload_reads_as_a_tree() {
    let p = parse(EDIT_CONFIG);
    let op = rpc(&p)
        .operation
        .as_ref()
        .unwrap()
        .to_element(&limits())
        .unwrap();
    let class = op
        .child("config")
        .and_then(|c| c.child("configuration"))
        .and_then(|c| c.child("system"))
        .and_then(|s| s.child("login"))
        .and_then(|l| l.child("class"))
        .unwrap();
    assert_eq!(class.child_text("name"), Some("network-mgmt"));
    let perms: Vec<&str> = class
        .children_named("permissions")
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(perms[..2], ["configure", "admin"]);
    assert_eq!(
        class.namespace.as_deref(),
        Some(BASE_NS),
        "inherited from <rpc>"
    );
}

#[test]
fn seed_001_session_written_by_builders_reads_back() {
    let server = Hello::new([
        BASE_1_0,
        "urn:ietf:params:netconf:capability:candidate:1.0",
        confuzz_wire::junos::JUNOS_NETCONF_CAPABILITY,
    ])
    .with_session_id(22398);
    let client = Hello::new([BASE_1_0, BASE_1_1]);
    for h in [&server, &client] {
        let p = parse(&h.to_bytes());
        assert!(p.violations.is_empty());
        assert_eq!(p.message, Message::Hello(h.clone()));
    }
    let ops: [&[u8]; 6] = [
        b"<get-chassis-inventory/>",
        b"<lock><target><candidate/></target></lock>",
        br#"<edit-config><target><candidate/></target><config><configuration><system><login><class><name>network-mgmt</name><permissions>configure</permissions><permissions>admin</permissions></class></login></system></configuration></config></edit-config>"#,
        b"<commit/>",
        b"<unlock><target><candidate/></target></unlock>",
        b"<close-session/>",
    ];
    for (k, op) in ops.iter().enumerate() {
        let id = (k + 1).to_string();
        let r = Rpc::from_xml(id.clone(), Bytes::from_static(op), &limits()).unwrap();
        let bytes = r.to_bytes();
        let p = parse(&bytes);
        assert!(p.violations.is_empty(), "{:?}", p.violations);
        let back = rpc(&p);
        assert_eq!(back.message_id.as_deref(), Some(id.as_str()));
        assert_eq!(&back.operation.as_ref().unwrap().raw[..], *op);
        let answer = RpcReply::for_rpc(back);
        let answer = RpcReply { ok: true, ..answer };
        let a = parse(&answer.to_bytes());
        assert!(a.violations.is_empty());
        assert!(reply(&a).ok);
        assert_eq!(a.message.message_id(), Some(id.as_str()));
    }
}

#[test]
fn writers_of_every_message_read_back_identically() {
    let info = ErrorInfo {
        session_id: Some("0".into()),
        bad_element: Some("x".into()),
        ok_element: vec!["a".into(), "b".into()],
        ..ErrorInfo::default()
    };
    let errors = vec![
        RpcError::new(ErrorType::Protocol, ErrorTag::LockDenied)
            .with_message("lock held by <sess> & co\r\n")
            .with_info(info),
        RpcError::new(ErrorType::Application, ErrorTag::DataMissing)
            .with_app_tag("instance-required")
            .with_path("/t:a[t:k='1']")
            .warning(),
    ];
    let event = RawElement::parse(
        Bytes::from_static(br#"<ev xmlns="urn:e"><x>1</x></ev>"#),
        &limits(),
    )
    .unwrap();
    let messages = [
        Message::Hello(Hello::new([BASE_1_1]).with_session_id(7)),
        Message::Rpc(Rpc::from_xml("a\"b<c>", Bytes::from_static(b"<get/>"), &limits()).unwrap()),
        Message::RpcReply(RpcReply::ok("1")),
        Message::RpcReply(RpcReply::with_data(
            "2",
            b"<top xmlns=\"urn:t\"><v>1</v></top>",
        )),
        Message::RpcReply(RpcReply::with_errors("3", errors)),
        Message::RpcReply(RpcReply::malformed_message()),
        Message::Notification(Notification::new("2024-05-01T10:00:00.5+02:00", event)),
    ];
    for m in messages {
        let bytes = m.to_bytes();
        let p = netconf::parse(&bytes, &limits()).unwrap();
        let back = netconf::fuzz::without_spans(p.message.clone());
        let mut expected = netconf::fuzz::without_spans(m.clone());
        // Parsed payloads carry the bindings they inherit and their raw
        // error-info; compare what the writer controls.
        if let (Message::RpcReply(a), Message::RpcReply(b)) = (&back, &mut expected) {
            for (ea, eb) in a.errors.iter().zip(b.errors.iter_mut()) {
                if let (Some(ia), Some(ib)) = (&ea.error_info, &mut eb.error_info) {
                    ib.raw = ia.raw.clone();
                }
            }
            if let (Some(da), Some(db)) = (&a.data, &mut b.data) {
                db.scope = da.scope.clone();
            }
        }
        if let (Message::Rpc(a), Message::Rpc(b)) = (&back, &mut expected) {
            b.operation = a.operation.clone();
        }
        if let (Message::Notification(a), Message::Notification(b)) = (&back, &mut expected) {
            b.events[0].scope = a.events[0].scope.clone();
        }
        assert_eq!(back, expected, "{}", String::from_utf8_lossy(&bytes));
        assert_round_trip(&bytes);
    }
}

#[test]
fn malformed_message_reply_has_no_message_id_and_no_violation() {
    let r = RpcReply::malformed_message();
    let p = parse(&r.to_bytes());
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let e = &reply(&p).errors[0];
    assert_eq!(e.error_tag, Some(ErrorTag::MalformedMessage));
    assert_eq!(e.error_type, Some(ErrorType::Rpc));
    assert_eq!(e.error_severity, Some(ErrorSeverity::Error));
}

#[test]
fn unparsed_base10_reply_is_operation_failed_of_type_rpc_without_message_id_or_violation() {
    let r = RpcReply::unparsed_base10("the message could not be read");
    let p = parse(&r.to_bytes());
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let got = reply(&p);
    assert_eq!(got.message_id, None);
    let e = &got.errors[0];
    assert_eq!(e.error_tag, Some(ErrorTag::OperationFailed));
    assert_eq!(e.error_type, Some(ErrorType::Rpc));
    assert_eq!(e.error_severity, Some(ErrorSeverity::Error));
    // Of another type, operation-failed does not excuse a missing message-id.
    let base = BASE_NS;
    let other = format!(
        r#"<rpc-reply xmlns="{base}"><rpc-error><error-type>application</error-type><error-tag>operation-failed</error-tag><error-severity>error</error-severity></rpc-error></rpc-reply>"#
    );
    let p = parse(other.as_bytes());
    let ids: Vec<&str> = p.violations.iter().map(|v| v.rule.id).collect();
    assert_eq!(ids, [rules::REPLY_MISSING_MESSAGE_ID.id]);
}

#[test]
fn content_rule_violations_table() {
    let base = BASE_NS;
    let cases: Vec<(String, Rule)> = vec![
        (format!(r#"<rpc xmlns="{base}"><get/></rpc>"#), rules::RPC_MISSING_MESSAGE_ID),
        (r#"<rpc message-id="1"><get/></rpc>"#.into(), rules::BASE_NAMESPACE),
        (r#"<rpc message-id="1" xmlns="urn:wrong"><get/></rpc>"#.into(), rules::BASE_NAMESPACE),
        (format!(r#"<rpc message-id="1" xmlns="{base}"/>"#), rules::RPC_NO_OPERATION),
        (format!(r#"<rpc message-id="1" xmlns="{base}"><get/><get/></rpc>"#), rules::RPC_EXTRA_OPERATION),
        (format!(r#"<rpc message-id="1" xmlns="{base}"><x xmlns=""/></rpc>"#), rules::OPERATION_NO_NAMESPACE),
        (format!(r#"<rpc-reply xmlns="{base}"><ok/></rpc-reply>"#), rules::REPLY_MISSING_MESSAGE_ID),
        (format!(r#"<rpc-reply message-id="1" xmlns="{base}"><ok/><data/></rpc-reply>"#), rules::REPLY_OK_WITH_DATA),
        (format!(r#"<rpc-reply message-id="1" xmlns="{base}"><ok/><ok/></rpc-reply>"#), rules::REPLY_DUPLICATE_OK),
        (format!(r#"<rpc-reply message-id="1" xmlns="{base}"><ok>x</ok></rpc-reply>"#), rules::REPLY_OK_NOT_EMPTY),
        (format!(r#"<rpc-reply message-id="1" xmlns="{base}"/>"#), rules::REPLY_EMPTY),
        (format!(r#"<rpc-reply message-id="1" xmlns="{base}">text</rpc-reply>"#), rules::ELEMENT_ONLY_CONTENT),
        (
            format!(r#"<rpc-reply message-id="1" xmlns="{base}"><rpc-error><error-type>rpc</error-type><error-tag>malformed-message</error-tag><error-severity>error</error-severity></rpc-error><ok/></rpc-reply>"#),
            rules::REPLY_OK_WITH_ERROR,
        ),
        (
            format!(r#"<rpc-reply message-id="1" xmlns="{base}"><rpc-error><error-tag>in-use</error-tag></rpc-error></rpc-reply>"#),
            rules::ERROR_MISSING_FIELD,
        ),
        (
            format!(r#"<rpc-reply message-id="1" xmlns="{base}"><rpc-error><error-type>layer8</error-type><error-tag>in-use</error-tag><error-severity>error</error-severity></rpc-error></rpc-reply>"#),
            rules::UNKNOWN_ERROR_TYPE,
        ),
        (
            format!(r#"<rpc-reply message-id="1" xmlns="{base}"><rpc-error><error-type>rpc</error-type><error-tag>oops</error-tag><error-severity>error</error-severity></rpc-error></rpc-reply>"#),
            rules::UNKNOWN_ERROR_TAG,
        ),
        (
            format!(r#"<rpc-reply message-id="1" xmlns="{base}"><rpc-error><error-type>rpc</error-type><error-tag>in-use</error-tag><error-severity>fatal</error-severity></rpc-error></rpc-reply>"#),
            rules::UNKNOWN_ERROR_SEVERITY,
        ),
        (
            format!(r#"<rpc-reply message-id="1" xmlns="{base}"><rpc-error><error-type>rpc</error-type><error-tag>lock-denied</error-tag><error-severity>error</error-severity><error-info><session-id>1</session-id></error-info></rpc-error></rpc-reply>"#),
            rules::ERROR_TAG_TYPE,
        ),
        (
            format!(r#"<rpc-reply message-id="1" xmlns="{base}"><rpc-error><error-type>protocol</error-type><error-tag>lock-denied</error-tag><error-severity>error</error-severity></rpc-error></rpc-reply>"#),
            rules::ERROR_INFO_MISSING,
        ),
        (
            format!(r#"<rpc-reply message-id="1" xmlns="{base}"><rpc-error><error-type>rpc</error-type><error-tag>too-big</error-tag><error-severity>error</error-severity><bogus/></rpc-error></rpc-reply>"#),
            rules::UNKNOWN_ELEMENT,
        ),
        (format!(r#"<hello xmlns="{base}"><capabilities/></hello>"#), rules::HELLO_NO_CAPABILITIES),
        (
            format!(r#"<hello xmlns="{base}"><capabilities><capability>urn:x:y</capability></capabilities></hello>"#),
            rules::HELLO_NO_BASE,
        ),
        (
            format!(r#"<hello xmlns="{base}"><capabilities><capability>{BASE_1_0}</capability><capability>not a uri</capability></capabilities></hello>"#),
            rules::CAPABILITY_NOT_URI,
        ),
        (
            format!(r#"<hello xmlns="{base}"><capabilities><capability>{BASE_1_0}</capability></capabilities><session-id>0</session-id></hello>"#),
            rules::HELLO_BAD_SESSION_ID,
        ),
        (
            format!(r#"<hello xmlns="{base}"><capabilities><capability>{BASE_1_0}</capability></capabilities><session-id>4294967296</session-id></hello>"#),
            rules::HELLO_BAD_SESSION_ID,
        ),
        (
            format!(r#"<hello xmlns="{base}"><capabilities><capability>{BASE_1_0}</capability></capabilities><extra/></hello>"#),
            rules::UNKNOWN_ELEMENT,
        ),
        (r#"<notification xmlns="urn:x"><eventTime>2007-07-08T00:01:00Z</eventTime><e/></notification>"#.into(), rules::NOTIFICATION_NAMESPACE),
        (format!(r#"<notification xmlns="{NOTIFICATION_NS}"><e/></notification>"#), rules::NOTIFICATION_EVENT_TIME),
        (format!(r#"<notification xmlns="{NOTIFICATION_NS}"><e/><eventTime>2007-07-08T00:01:00Z</eventTime></notification>"#), rules::NOTIFICATION_EVENT_TIME),
        (format!(r#"<notification xmlns="{NOTIFICATION_NS}"><eventTime>yesterday</eventTime><e/></notification>"#), rules::NOTIFICATION_BAD_EVENT_TIME),
        (format!(r#"<notification xmlns="{NOTIFICATION_NS}"><eventTime>2007-07-08T00:01:00Z</eventTime></notification>"#), rules::NOTIFICATION_NO_EVENT),
        (format!(r#"<?xml version="1.0" encoding="ISO-8859-1"?><rpc-reply message-id="1" xmlns="{base}"><ok/></rpc-reply>"#), rules::ENCODING_NOT_UTF8),
    ];
    for (input, rule) in cases {
        let p = parse(input.as_bytes());
        assert!(
            has(&p, rule),
            "{input}: expected {rule}, got {:?}",
            rule_ids(&p)
        );
        let v = p.violations.iter().find(|v| v.rule == rule).unwrap();
        assert!(v.span.is_some(), "{input}: {v}");
        assert!(v.to_string().contains(rule.reference));
        assert_round_trip(input.as_bytes());
    }
}

#[test]
fn warnings_are_warnings() {
    let p = parse(
        format!(r#"<rpc-reply message-id="1" xmlns="{BASE_NS}"><rpc-error><error-type>application</error-type><error-tag>operation-failed</error-tag><error-severity>warning</error-severity></rpc-error><ok/></rpc-reply>"#)
            .as_bytes(),
    );
    let v: Vec<_> = p
        .violations
        .iter()
        .filter(|v| v.rule == rules::REPLY_OK_WITH_ERROR)
        .collect();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].level, Level::Warning);
    assert!(reply(&p).is_ok());
}

#[test]
fn unknown_error_values_are_preserved() {
    let p = parse(
        format!(r#"<rpc-reply message-id="1" xmlns="{BASE_NS}"><rpc-error><error-type> layer8 </error-type><error-tag>made-up</error-tag><error-severity>fatal</error-severity></rpc-error></rpc-reply>"#)
            .as_bytes(),
    );
    let e = &reply(&p).errors[0];
    assert_eq!(e.error_type, Some(ErrorType::Other("layer8".into())));
    assert_eq!(e.error_tag, Some(ErrorTag::Other("made-up".into())));
    assert_eq!(e.error_severity, Some(ErrorSeverity::Other("fatal".into())));
    for tag in ErrorTag::KNOWN {
        assert_eq!(&ErrorTag::parse(tag.as_str()), tag);
        assert!(!tag.allowed_types().is_empty());
    }
    assert_eq!(ErrorTag::KNOWN.len(), 20);
}

// PROTOCOL-NOTES item 10: mixed content and no message-id.
#[test]
fn rpc_mixed_content_without_message_id_is_reported_not_crashed() {
    let p = parse(
        b"<rpc xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\r\n\\  <close-session/></rpc>",
    );
    let ids = rule_ids(&p);
    assert!(
        ids.contains(&"rpc-missing-message-id") && ids.contains(&"element-only-content"),
        "{ids:?}"
    );
    assert_eq!(rpc(&p).operation_name(), Some("close-session"));
    let detail = &p
        .violations
        .iter()
        .find(|v| v.rule == rules::RPC_MISSING_MESSAGE_ID)
        .unwrap()
        .detail;
    assert!(detail.contains("missing-attribute"), "{detail}");
}

// Item 11: a whole rpc envelope as the operation.
#[test]
fn rpc_envelope_inside_rpc_is_reported() {
    let p = parse(
        format!(r#"<rpc message-id="1" xmlns="{BASE_NS}"><rpc message-id="2"><get/></rpc></rpc>"#)
            .as_bytes(),
    );
    assert!(has(&p, rules::RPC_NESTED), "{:?}", rule_ids(&p));
}

// Item 12: a filter child without namespace under prefixed NETCONF elements.
#[test]
fn filter_child_without_namespace_is_visible_in_the_tree() {
    let input = format!(
        r#"<nc:rpc message-id="1" xmlns:nc="{BASE_NS}"><nc:get><nc:filter type="subtree"><netconf-server/></nc:filter></nc:get></nc:rpc>"#
    );
    let p = parse(input.as_bytes());
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let op = rpc(&p)
        .operation
        .as_ref()
        .unwrap()
        .to_element(&limits())
        .unwrap();
    let child = &op.child("filter").unwrap().children[0];
    assert_eq!(child.name.local, "netconf-server");
    assert_eq!(child.namespace, None);
    assert_round_trip(input.as_bytes());
}

// Item 13: the envelope is not an element, or holds no element.
#[test]
fn rpc_envelope_without_elements() {
    assert!(matches!(
        netconf::parse(b"just text", &limits()),
        Err(XmlError::TextOutsideRoot { offset: 0 })
    ));
    assert!(matches!(
        netconf::parse(b"<!-- only a comment -->", &limits()),
        Err(XmlError::NoRootElement { .. })
    ));
    let p = parse(format!(r#"<rpc message-id="1" xmlns="{BASE_NS}">text only</rpc>"#).as_bytes());
    assert!(has(&p, rules::RPC_NO_OPERATION) && has(&p, rules::ELEMENT_ONLY_CONTENT));
}

// Item 14: content validity is the device model's job; the message layer
// carries the bad key value through untouched.
#[test]
fn invalid_key_value_in_edit_config_is_carried_raw() {
    let input = format!(
        r#"<rpc message-id="1" xmlns="{BASE_NS}"><edit-config><target><running/></target><config><interfaces xmlns="urn:ietf:params:xml:ns:yang:ietf-interfaces"><interface><name>eth0/&#x1F4A5;/bad name</name></interface></interfaces></config></edit-config></rpc>"#
    );
    let p = parse(input.as_bytes());
    assert!(p.violations.is_empty());
    let raw = &rpc(&p).operation.as_ref().unwrap().raw;
    assert!(
        std::str::from_utf8(raw)
            .unwrap()
            .contains("eth0/&#x1F4A5;/bad name")
    );
}

// Item 15: ncclient's prefixed envelope.
#[test]
fn prefixed_nc_rpc_is_accepted_and_echoed() {
    let input = format!(
        r#"<nc:rpc xmlns:nc="{BASE_NS}" message-id="urn:uuid:7c7e1b0c"><nc:get-config><nc:source><nc:running/></nc:source></nc:get-config></nc:rpc>"#
    );
    let p = parse(input.as_bytes());
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let r = rpc(&p);
    assert_eq!(r.prefix.as_deref(), Some("nc"));
    assert_eq!(r.namespace.as_deref(), Some(BASE_NS));
    assert_eq!(r.message_id.as_deref(), Some("urn:uuid:7c7e1b0c"));
    assert_eq!(r.operation_name(), Some("get-config"));
    let mut answer = RpcReply::for_rpc(r);
    answer.ok = true;
    let bytes = answer.to_bytes();
    assert!(bytes.starts_with(b"<nc:rpc-reply message-id=\"urn:uuid:7c7e1b0c\" xmlns:nc="));
    assert!(std::str::from_utf8(&bytes).unwrap().contains("<nc:ok/>"));
    let back = parse(&bytes);
    assert!(back.violations.is_empty() && reply(&back).ok);
    assert_round_trip(input.as_bytes());
}

// Item 16: garbage where a reply should be, and the xpath filter that follows.
#[test]
fn garbage_reply_and_empty_xpath_filter() {
    assert!(netconf::parse(b"\x00\x01garbage", &limits()).is_err());
    assert!(matches!(
        netconf::parse(b"<rpc-reply message-id=\"1\"", &limits()),
        Err(XmlError::Syntax { .. })
    ));
    let p = parse(
        format!(r#"<rpc-reply message-id="1" xmlns="{BASE_NS}">garbage<data/></rpc-reply>"#)
            .as_bytes(),
    );
    assert!(has(&p, rules::ELEMENT_ONLY_CONTENT));
    let p = parse(format!(r#"<rpc message-id="2" xmlns="{BASE_NS}"><get><filter type="xpath" select=""/></get></rpc>"#).as_bytes());
    assert!(p.violations.is_empty());
}

#[test]
fn unknown_root_is_an_error() {
    let e = netconf::parse(b"<foo/>", &limits()).unwrap_err();
    assert!(
        matches!(e, XmlError::UnexpectedElement { offset: 0, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("<rpc-reply>"));
}

// Items 19-26: the XML attacks, each a clear error.
#[test]
fn xml_attacks_are_clear_errors() {
    let billion_laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol9 "&lol1;&lol1;">]><rpc-reply message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><data>&lol9;</data></rpc-reply>"#;
    let xxe = br#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><rpc-reply message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><data>&x;</data></rpc-reply>"#;
    for input in [&billion_laughs[..], &xxe[..]] {
        let e = netconf::parse(input, &limits()).unwrap_err();
        assert!(matches!(e, XmlError::Doctype { .. }), "{e:?}");
        assert!(e.to_string().contains("billion laughs") && e.to_string().contains("XXE"));
    }
    let entity_in_attr = format!(r#"<rpc message-id="&lol9;" xmlns="{BASE_NS}"><get/></rpc>"#);
    let e = netconf::parse(entity_in_attr.as_bytes(), &limits()).unwrap_err();
    assert_eq!(
        e,
        XmlError::UndeclaredEntity {
            offset: 17,
            name: "lol9".into()
        }
    );

    let mut deep = format!(r#"<rpc-reply message-id="1" xmlns="{BASE_NS}"><data>"#).into_bytes();
    deep.extend("<a>".repeat(100_000).bytes());
    let e = netconf::parse(&deep, &limits()).unwrap_err();
    assert!(matches!(e, XmlError::TooDeep { limit: 256, .. }), "{e:?}");

    let mut huge = format!(r#"<rpc-reply message-id="1" xmlns="{BASE_NS}"><data><x>"#).into_bytes();
    huge.extend(std::iter::repeat_n(b'a', 10_000_001));
    huge.extend(b"</x></data></rpc-reply>");
    let e = netconf::parse(&huge, &limits()).unwrap_err();
    assert!(
        matches!(
            e,
            XmlError::TextTooLong {
                offset: 83,
                limit: 10_000_000
            }
        ),
        "{e:?}"
    );

    let mut many = format!(r#"<rpc-reply message-id="1" xmlns="{BASE_NS}"><data><x"#).into_bytes();
    for i in 0..100_000 {
        many.extend(format!(" a{i}=\"\"").bytes());
    }
    many.extend(b"/></data></rpc-reply>");
    assert!(matches!(
        netconf::parse(&many, &limits()),
        Err(XmlError::TooManyAttributes { .. })
    ));

    let mut long_attr = br#"<rpc message-id=""#.to_vec();
    long_attr.extend(std::iter::repeat_n(b'1', 16 << 20));
    long_attr.extend(format!(r#"" xmlns="{BASE_NS}"><get/></rpc>"#).bytes());
    assert!(matches!(
        netconf::parse(&long_attr, &limits()),
        Err(XmlError::AttributeTooLong { offset: 17, .. })
    ));

    for (bad, offset) in [
        (&b"\xC0\xAF"[..], 3u64),
        (b"\x80", 3),
        (b"\xED\xA0\x80", 3),
        (b"\xF5", 3),
        (b"\xFF", 3),
    ] {
        let mut input = b"<a>".to_vec();
        input.extend_from_slice(bad);
        input.extend(b"</a>");
        let e = netconf::parse(&input, &limits()).unwrap_err();
        assert!(
            matches!(e, XmlError::InvalidUtf8 { .. }) && e.offset() == offset,
            "{e:?}"
        );
    }
    let e = netconf::parse(
        format!("<rpc message-id=\"1\" xmlns=\"{BASE_NS}\"><get>\0</get></rpc>").as_bytes(),
        &limits(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        XmlError::InvalidChar {
            offset: 73,
            code_point: 0
        }
    );
    assert!(e.to_string().contains("U+0000"));
}

#[test]
fn size_limit_is_checked_before_anything_else() {
    let tight = XmlLimits {
        max_size: 16,
        ..limits()
    };
    let e = netconf::parse(RFC_OK, &tight).unwrap_err();
    assert!(matches!(e, XmlError::TooLarge { limit: 16, .. }));
}

#[test]
fn large_data_is_scanned_not_built() {
    let mut content = Vec::new();
    while content.len() < 1 << 20 {
        content.extend_from_slice(b"<interface><name>ge-0/0/0</name><unit><name>0</name><family><inet><address><name>10.0.0.1/24</name></address></inet></family></unit></interface>");
    }
    let r = RpcReply::with_data("9", &content);
    let bytes = Bytes::from(r.to_bytes());
    let p = netconf::parse_bytes(&bytes, &limits()).unwrap();
    assert!(p.violations.is_empty());
    assert_eq!(reply(&p).data_content().unwrap().len(), content.len());
    // A malformed byte deep inside <data> is still found.
    let mut broken = bytes.to_vec();
    let at = broken.len() / 2;
    broken[at] = 0;
    assert!(matches!(
        netconf::parse(&broken, &limits()),
        Err(XmlError::InvalidChar { .. })
    ));
}

#[test]
fn element_tree_writer_output_parses_as_netconf() {
    let op = Element::new("get-config")
        .with_child(Element::new("source").with_child(Element::new("running")));
    let r = Rpc::new("5", RawElement::from_element(&op));
    let p = parse(&r.to_bytes());
    assert!(p.violations.is_empty());
    assert_eq!(rpc(&p).operation_name(), Some("get-config"));
}

#[test]
fn fuzz_oracle_survives_hostile_and_edge_inputs() {
    let inputs: Vec<Vec<u8>> = vec![
        vec![],
        b"<".to_vec(),
        b"<rpc".to_vec(),
        b"<rpc-reply xmlns:a=\"urn:a\"><a:ok/><ok/><rpc-error xmlns:p=\"urn:p\"><error-info><p:x/></error-info><p:y/></rpc-error></rpc-reply>".to_vec(),
        b"<n:rpc-reply xmlns:n=\"urn:ietf:params:xml:ns:netconf:base:1.0\" xmlns=\"urn:other\"><n:rpc-error><n:error-info a=\"1\"/></n:rpc-error><n:ok/><n:data/><n:data/></n:rpc-reply>".to_vec(),
        b"<notification xmlns=\"urn:ietf:params:xml:ns:netconf:notification:1.0\"><eventTime>x</eventTime><eventTime>y</eventTime></notification>".to_vec(),
        b"<hello><capabilities><capability>a&#13;b</capability></capabilities><session-id>+5</session-id></hello>".to_vec(),
        RFC_TWO_ERRORS.to_vec(),
        CHASSIS_INVENTORY_REPLY.to_vec(),
    ];
    for input in inputs {
        netconf::fuzz::target(&input);
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const SEEDS: &[&[u8]] = &[
        RFC_RPC,
        RFC_REPLY_DATA,
        RFC_ERROR_MISSING_ATTRIBUTE,
        RFC_TWO_ERRORS,
        RFC_OK,
        RFC_HELLO,
        RFC_NOTIFICATION,
        CHASSIS_INVENTORY_REPLY,
        EDIT_CONFIG,
    ];

    /// Fragments that make mutations likely to stay well-formed but change
    /// the structure: prefixes, declarations, references, envelope parts.
    const TOKENS: &[&[u8]] = &[
        b"<",
        b">",
        b"/>",
        b"</",
        b"\"",
        b"'",
        b"=",
        b" ",
        b"\r\n",
        b":",
        b"&amp;",
        b"&#10;",
        b"&#13;",
        b"xmlns=\"\"",
        b" xmlns:p=\"urn:p\"",
        b"p:",
        b"nc:",
        b" xmlns:nc=\"urn:ietf:params:xml:ns:netconf:base:1.0\"",
        b"<ok/>",
        b"<data/>",
        b"<data>x</data>",
        b"<rpc-error>",
        b"</rpc-error>",
        b"<error-info>",
        b"</error-info>",
        b"<error-tag>in-use</error-tag>",
        b"<bad-element>x</bad-element>",
        b" message-id=\"7\"",
        b"<![CDATA[]]>",
        b"<!--c-->",
        b"<?pi x?>",
        b"<eventTime>2007-07-08T00:01:00Z</eventTime>",
        b"<x/>",
        b"</x>",
        b"<x>",
        b"<capability>urn:ietf:params:netconf:base:1.0</capability>",
        b"<session-id>1</session-id>",
        b" xml:lang=\"en\"",
        b"<error-message>m</error-message>",
    ];

    fn mutate(seed: &[u8], edits: &[(usize, usize, u8)]) -> Vec<u8> {
        let mut out = seed.to_vec();
        for &(at, token, kind) in edits {
            let at = if out.is_empty() {
                0
            } else {
                at % (out.len() + 1)
            };
            let tok = TOKENS[token % TOKENS.len()];
            match kind % 3 {
                0 => {
                    out.splice(at..at, tok.iter().copied());
                }
                1 => {
                    let end = (at + tok.len()).min(out.len());
                    out.splice(at..end, tok.iter().copied());
                }
                _ => {
                    let end = (at + 1 + token % 8).min(out.len());
                    out.drain(at..end);
                }
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, .. ProptestConfig::default() })]

        #[test]
        fn oracle_holds_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            netconf::fuzz::target(&data);
        }

        #[test]
        fn oracle_holds_on_mutated_messages(
            seed in 0..SEEDS.len(),
            edits in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<u8>()), 1..6),
        ) {
            netconf::fuzz::target(&mutate(SEEDS[seed], &edits));
        }
    }
}
