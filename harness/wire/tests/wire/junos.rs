//! The Junos XML protocol: junoscript sessions through the stream decoder
//! at every split, typed requests and replies (seed 001's operations), the
//! same bodies inside NETCONF, diagnostics, bad streams and the fuzz oracle.

use bytes::{Bytes, BytesMut};
use confuzz_wire::junos::{
    self, CommitConfiguration, ConfigPayload, GetChassisInventory, JunosEvent, JunosMessage,
    JunosReply, JunosRpc, LoadAction, LoadConfiguration, LoadFormat, Reply, Request, SessionStart,
    StreamDecoder, StreamError, XNM_NS, XnmDiagnostic, XnmSeverity, rules,
};
use confuzz_wire::netconf::{self, Message};
use confuzz_wire::xml::{Element, XmlError, XmlLimits};
use confuzz_wire::{Level, Rule};

fn limits() -> XmlLimits {
    XmlLimits::default()
}

fn decode(stream: &[u8], sizes: &[usize]) -> (Vec<JunosEvent>, Option<StreamError>) {
    junos::fuzz::decode_all(stream, sizes)
}

fn decode_ok(stream: &[u8]) -> Vec<JunosEvent> {
    let (events, err) = decode(stream, &[stream.len().max(1)]);
    if let Some(e) = err {
        panic!("{e}");
    }
    events
}

fn message(ev: &JunosEvent) -> &JunosMessage {
    match ev {
        JunosEvent::Element { parsed: Ok(p), .. } => &p.message,
        other => panic!("not a parsed element: {other:?}"),
    }
}

fn reply_body(ev: &JunosEvent) -> Reply {
    let JunosMessage::RpcReply(r) = message(ev) else {
        panic!("not a reply")
    };
    Reply::parse(&r.content[0], &limits()).unwrap().message
}

fn request(ev: &JunosEvent) -> Request {
    let JunosMessage::Rpc(r) = message(ev) else {
        panic!("not an rpc")
    };
    Request::parse(r.operation.as_ref().unwrap(), &limits())
        .unwrap()
        .message
}

const CLIENT_SESSION: &[u8] = br#"<?xml version="1.0" encoding="us-ascii"?>
<junoscript version="1.0" release="20.4R3" hostname="client1">
<rpc><get-chassis-inventory/></rpc>
<rpc>
  <get-software-information><brief/></get-software-information>
</rpc>
<rpc><lock-configuration/></rpc>
<rpc>
  <load-configuration action="merge" format="xml">
    <configuration>
      <system>
        <login>
          <class>
            <name>network-mgmt</name>
            <permissions>configure</permissions>
            <permissions>admin</permissions>
            <permissions>rollback</permissions>
          </class>
        </login>
      </system>
    </configuration>
  </load-configuration>
</rpc>
<rpc><commit-configuration><log>add class network-mgmt</log></commit-configuration></rpc>
<rpc><unlock-configuration/></rpc>
<rpc><request-end-session/></rpc>
</junoscript>
"#;

const SERVER_SESSION: &[u8] = br#"<?xml version="1.0" encoding="us-ascii"?>
<junoscript xmlns="http://xml.juniper.net/xnm/1.1/xnm" xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos" schemaLocation="http://xml.juniper.net/junos/20.4R0/junos junos/20.4R0/junos.xsd" os="JUNOS" release="20.4R3.8" hostname="router1" version="1.0">
<!-- session start at 2024-05-01 10:00:00 UTC -->
<!-- user client1, class j-super-user -->
<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
<chassis-inventory xmlns="http://xml.juniper.net/junos/20.4R0/junos-chassis">
<chassis junos:style="inventory">
<name>Chassis</name>
<serial-number>JN11F2D4AAFA</serial-number>
<description>MX480</description>
<chassis-module>
<name>FPC 0</name>
<version>REV 22</version>
<part-number>750-044130</part-number>
<serial-number>ABDF7292</serial-number>
<description>MPC6E 3D</description>
<chassis-sub-module>
<name>CPU</name>
<version>REV 12</version>
<part-number>711-045719</part-number>
<serial-number>ABDF7304</serial-number>
<description>RMPC PMB</description>
</chassis-sub-module>
</chassis-module>
</chassis>
</chassis-inventory>
</rpc-reply>
<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
<software-information>
<host-name>router1</host-name>
<product-model>mx480</product-model>
<product-name>mx480</product-name>
<junos-version>20.4R3.8</junos-version>
<package-information>
<name>junos</name>
<comment>JUNOS Base OS boot [20.4R3.8]</comment>
</package-information>
</software-information>
</rpc-reply>
<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
</rpc-reply>
<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
<load-configuration-results>
<load-success/>
</load-configuration-results>
</rpc-reply>
<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
<commit-results>
<routing-engine junos:style="normal">
<name>re0</name>
<commit-success/>
</routing-engine>
</commit-results>
</rpc-reply>
<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
</rpc-reply>
<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
<end-session/>
</rpc-reply>
</junoscript>
"#;

const XNM_ERROR_REPLY: &[u8] = br#"<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
<load-configuration-results>
<xnm:error xmlns="http://xml.juniper.net/xnm/1.1/xnm" xmlns:xnm="http://xml.juniper.net/xnm/1.1/xnm">
<source-daemon>mgd</source-daemon>
<filename>terminal</filename>
<line-number>3</line-number>
<column>5</column>
<token>permisions</token>
<edit-path>[edit system login class network-mgmt]</edit-path>
<statement>permisions configure;</statement>
<message>syntax error</message>
<re-name>re0</re-name>
</xnm:error>
<load-error-count>1</load-error-count>
</load-configuration-results>
</rpc-reply>"#;

#[test]
fn client_session_decodes_into_declaration_start_requests_and_end() {
    let events = decode_ok(CLIENT_SESSION);
    assert_eq!(events.len(), 10, "{events:#?}");
    let JunosEvent::Declaration(d) = &events[0] else {
        panic!()
    };
    assert_eq!(
        (d.version.as_str(), d.encoding.as_deref()),
        ("1.0", Some("us-ascii"))
    );
    let JunosEvent::SessionStart(start) = &events[1] else {
        panic!()
    };
    assert!(start.violations.is_empty(), "{:?}", start.violations);
    assert_eq!(start.message.version(), Some("1.0"));
    assert_eq!(start.message.release(), Some("20.4R3"));
    assert_eq!(start.message.hostname(), Some("client1"));
    assert_eq!(
        request(&events[2]),
        Request::GetChassisInventory(GetChassisInventory::default())
    );
    let Request::GetSoftwareInformation(sw) = request(&events[3]) else {
        panic!()
    };
    assert!(sw.brief && !sw.detail);
    assert_eq!(request(&events[4]), Request::LockConfiguration);
    let Request::LoadConfiguration(load) = request(&events[5]) else {
        panic!()
    };
    assert_eq!(load.action, Some(LoadAction::Merge));
    assert_eq!(load.format, Some(LoadFormat::Xml));
    let Some(ConfigPayload::Xml(cfg)) = &load.payload else {
        panic!()
    };
    let class = cfg
        .child("system")
        .and_then(|s| s.child("login"))
        .and_then(|l| l.child("class"))
        .unwrap();
    assert_eq!(class.child_text("name"), Some("network-mgmt"));
    let Request::CommitConfiguration(commit) = request(&events[6]) else {
        panic!()
    };
    assert_eq!(commit.comment.as_deref(), Some("add class network-mgmt"));
    assert_eq!(request(&events[7]), Request::UnlockConfiguration);
    assert_eq!(request(&events[8]), Request::RequestEndSession);
    assert_eq!(events[9], JunosEvent::SessionEnd);
    for ev in &events[2..9] {
        let JunosEvent::Element {
            parsed: Ok(p),
            raw,
            offset,
        } = ev
        else {
            panic!()
        };
        assert!(p.violations.is_empty(), "{:?}", p.violations);
        assert!(raw.starts_with(b"<rpc>"));
        assert_eq!(
            &CLIENT_SESSION[*offset as usize..*offset as usize + raw.len()],
            &raw[..]
        );
    }
}

#[test]
fn server_session_decodes_with_the_junoscript_namespaces() {
    let events = decode_ok(SERVER_SESSION);
    assert_eq!(events.len(), 10);
    let JunosEvent::SessionStart(start) = &events[1] else {
        panic!()
    };
    let s = &start.message;
    assert_eq!(
        (s.os(), s.release(), s.hostname(), s.version()),
        (
            Some("JUNOS"),
            Some("20.4R3.8"),
            Some("router1"),
            Some("1.0")
        )
    );
    let scope = s.scope();
    assert!(scope.iter().any(|b| b.prefix.is_none() && b.uri == XNM_NS));
    let Reply::ChassisInventory(inv) = reply_body(&events[2]) else {
        panic!()
    };
    let chassis = &inv.chassis[0];
    assert_eq!(chassis.serial_number.as_deref(), Some("JN11F2D4AAFA"));
    assert_eq!(chassis.attributes[0].value, "inventory");
    assert_eq!(
        chassis.modules[0].sub_modules[0].name.as_deref(),
        Some("CPU")
    );
    let Reply::SoftwareInformation(sw) = reply_body(&events[3]) else {
        panic!()
    };
    assert_eq!(sw.junos_version.as_deref(), Some("20.4R3.8"));
    assert_eq!(sw.packages[0].name.as_deref(), Some("junos"));
    let JunosMessage::RpcReply(lock) = message(&events[4]) else {
        panic!()
    };
    assert!(lock.content.is_empty() && lock.is_ok());
    assert_eq!(
        junos::junos_release(lock.junos_namespace().unwrap()),
        Some("20.4R0")
    );
    let Reply::LoadConfigurationResults(load) = reply_body(&events[5]) else {
        panic!()
    };
    assert!(load.load_success && load.diagnostics.is_empty());
    let Reply::CommitResults(commit) = reply_body(&events[6]) else {
        panic!()
    };
    assert!(commit.succeeded());
    assert_eq!(commit.routing_engines[0].name.as_deref(), Some("re0"));
    let JunosMessage::RpcReply(end) = message(&events[8]) else {
        panic!()
    };
    assert!(end.end_session);
    assert_eq!(events[9], JunosEvent::SessionEnd);
    // The rpc-reply inherits the xnm default namespace from <junoscript>.
    let JunosEvent::Element { raw, .. } = &events[2] else {
        panic!()
    };
    let alone = junos::parse_message(raw, &[], &limits()).unwrap();
    assert_eq!(
        alone.message,
        message(&events[2]).clone().without_scope_for_test()
    );
}

trait WithoutScope {
    fn without_scope_for_test(self) -> Self;
}

impl WithoutScope for JunosMessage {
    /// The same message as if parsed outside the session (raw parts keep
    /// only their own bindings).
    fn without_scope_for_test(mut self) -> Self {
        if let JunosMessage::RpcReply(r) = &mut self {
            for c in &mut r.content {
                c.scope.retain(|b| b.prefix.as_deref() == Some("junos"));
            }
        }
        self
    }
}

#[test]
fn every_split_point_gives_the_same_events() {
    for stream in [CLIENT_SESSION, SERVER_SESSION] {
        let whole = decode(stream, &[stream.len()]);
        assert!(whole.1.is_none());
        for cut in 0..=stream.len() {
            let mut dec = StreamDecoder::new(limits());
            let mut buf = BytesMut::new();
            let mut events = Vec::new();
            buf.extend_from_slice(&stream[..cut]);
            while let Some(ev) = dec.decode(&mut buf).unwrap() {
                events.push(ev);
            }
            buf.extend_from_slice(&stream[cut..]);
            while let Some(ev) = dec.decode_eof(&mut buf).unwrap() {
                events.push(ev);
            }
            assert_eq!(events, whole.0, "cut at {cut}");
        }
        assert_eq!(decode(stream, &[1]), whole);
        assert_eq!(decode(stream, &[3, 1, 4, 1, 5, 9, 2, 6]), whole);
    }
}

#[test]
fn many_messages_in_one_read_are_all_returned() {
    let mut dec = StreamDecoder::new(limits());
    let mut buf = BytesMut::from(SERVER_SESSION);
    let mut n = 0;
    while dec.decode(&mut buf).unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 10);
    assert!(buf.is_empty());
}

#[test]
fn xnm_error_reports_every_child() {
    let p = junos::parse_message(XNM_ERROR_REPLY, &[], &limits()).unwrap();
    assert!(p.violations.is_empty());
    let JunosMessage::RpcReply(r) = &p.message else {
        panic!()
    };
    let Reply::LoadConfigurationResults(load) =
        Reply::parse(&r.content[0], &limits()).unwrap().message
    else {
        panic!()
    };
    assert!(!load.load_success);
    assert_eq!(load.load_error_count, Some(1));
    let d = &load.diagnostics[0];
    assert_eq!(d.severity, XnmSeverity::Error);
    assert_eq!(d.source_daemon.as_deref(), Some("mgd"));
    assert_eq!(d.filename.as_deref(), Some("terminal"));
    assert_eq!(d.line_number.as_deref(), Some("3"));
    assert_eq!(d.column.as_deref(), Some("5"));
    assert_eq!(d.token.as_deref(), Some("permisions"));
    assert_eq!(
        d.edit_path.as_deref(),
        Some("[edit system login class network-mgmt]")
    );
    assert_eq!(d.statement.as_deref(), Some("permisions configure;"));
    assert_eq!(d.message.as_deref(), Some("syntax error"));
    assert_eq!(d.re_name.as_deref(), Some("re0"));
    junos::fuzz::target(XNM_ERROR_REPLY);
}

#[test]
fn top_level_diagnostics_and_warnings() {
    let reply = br#"<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos"><xnm:warning xmlns:xnm="http://xml.juniper.net/xnm/1.1/xnm"><message>statement not found</message></xnm:warning><xnm:error xmlns:xnm="http://xml.juniper.net/xnm/1.1/xnm"><source-daemon>mgd</source-daemon></xnm:error></rpc-reply>"#;
    let p = junos::parse_message(reply, &[], &limits()).unwrap();
    let JunosMessage::RpcReply(r) = &p.message else {
        panic!()
    };
    assert_eq!(r.diagnostics.len(), 2);
    assert_eq!(r.diagnostics[0].severity, XnmSeverity::Warning);
    assert!(!r.is_ok());
    assert_eq!(p.violations.len(), 1);
    assert_eq!(p.violations[0].rule, rules::XNM_MISSING_MESSAGE);
    assert!(p.violations[0].span.is_some());
    junos::fuzz::target(reply);
    let alone = br#"<xnm:error xmlns:xnm="http://xml.juniper.net/xnm/1.1/xnm"><message>permission denied</message></xnm:error>"#;
    let p = junos::parse_message(alone, &[], &limits()).unwrap();
    let JunosMessage::Diagnostic(d) = &p.message else {
        panic!()
    };
    assert_eq!(d.message.as_deref(), Some("permission denied"));
}

#[test]
fn typed_requests_write_and_read_back() {
    let requests = [
        Request::GetChassisInventory(GetChassisInventory {
            detail: true,
            ..Default::default()
        }),
        Request::GetSoftwareInformation(Default::default()),
        Request::LockConfiguration,
        Request::UnlockConfiguration,
        Request::RequestEndSession,
        Request::LoadConfiguration(LoadConfiguration {
            action: Some(LoadAction::Merge),
            format: Some(LoadFormat::Xml),
            payload: Some(ConfigPayload::Xml(
                Element::new("configuration").with_child(
                    Element::new("system").with_child(Element::new("host-name").with_text("r1")),
                ),
            )),
            ..Default::default()
        }),
        Request::LoadConfiguration(LoadConfiguration {
            action: Some(LoadAction::Set),
            format: Some(LoadFormat::Text),
            payload: Some(ConfigPayload::Set(
                "set system login class network-mgmt permissions configure\n".into(),
            )),
            ..Default::default()
        }),
        Request::LoadConfiguration(LoadConfiguration {
            action: Some(LoadAction::Replace),
            format: Some(LoadFormat::Text),
            payload: Some(ConfigPayload::Text("system { host-name r1; }".into())),
            ..Default::default()
        }),
        Request::LoadConfiguration(LoadConfiguration {
            rollback: Some(1),
            ..Default::default()
        }),
        Request::CommitConfiguration(CommitConfiguration {
            check: false,
            confirmed: true,
            confirm_timeout: Some(5),
            comment: Some("maintenance <window> & more".into()),
            synchronize: true,
            force_synchronize: false,
            at_time: Some("2024-05-01 02:00".into()),
        }),
        Request::CommitConfiguration(CommitConfiguration {
            check: true,
            ..Default::default()
        }),
    ];
    for req in requests {
        // As a junoscript rpc.
        let rpc = JunosMessage::Rpc(JunosRpc {
            attributes: vec![],
            operation: Some(req.to_raw()),
        });
        let bytes = rpc.to_bytes();
        let p = junos::parse_message(&bytes, &[], &limits()).unwrap();
        assert!(p.violations.is_empty(), "{:?}", p.violations);
        let back = Request::parse(junos_operation(&p.message), &limits()).unwrap();
        assert!(back.violations.is_empty(), "{req:?}: {:?}", back.violations);
        assert_eq!(back.message, req, "{}", String::from_utf8_lossy(&bytes));
        // As a NETCONF rpc body.
        let nc = netconf::Rpc::new("7", req.to_raw());
        let p = netconf::parse(&nc.to_bytes(), &limits()).unwrap();
        assert!(p.violations.is_empty());
        let Message::Rpc(r) = &p.message else {
            panic!()
        };
        let back = Request::parse(r.operation.as_ref().unwrap(), &limits()).unwrap();
        assert_eq!(back.message.name(), req.name());
        if !matches!(
            req,
            Request::LoadConfiguration(LoadConfiguration {
                payload: Some(ConfigPayload::Xml(_)),
                ..
            })
        ) {
            // (An XML payload picks up the base namespace of the envelope.)
            assert_eq!(back.message, req);
        }
    }
}

fn junos_operation(m: &JunosMessage) -> &confuzz_wire::xml::RawElement {
    let JunosMessage::Rpc(r) = m else { panic!() };
    r.operation.as_ref().unwrap()
}

#[test]
fn typed_replies_write_and_read_back() {
    let events = decode_ok(SERVER_SESSION);
    for ev in &events[2..8] {
        let JunosMessage::RpcReply(r) = message(ev) else {
            panic!()
        };
        for c in &r.content {
            let typed = Reply::parse(c, &limits()).unwrap().message;
            let el = typed.to_element();
            let reread = Element::parse(&el.to_bytes(), &limits()).unwrap();
            let mut back = Reply::from_element(&reread).message;
            // Writing a chassis standalone declares the junos prefix its
            // style attribute needs; the declaration is the only change.
            match &mut back {
                Reply::ChassisInventory(inv) => {
                    for ch in &mut inv.chassis {
                        ch.attributes.retain(|a| !a.is_xmlns());
                    }
                }
                Reply::CommitResults(c) => {
                    for re in &mut c.routing_engines {
                        re.attributes.retain(|a| !a.is_xmlns());
                    }
                }
                _ => {}
            }
            assert_eq!(back, typed);
        }
    }
    let reply = JunosReply {
        attributes: vec![confuzz_wire::xml::Attribute::xmlns(
            Some("junos"),
            junos::junos_namespace("20.4R0"),
        )],
        diagnostics: vec![XnmDiagnostic::new(
            XnmSeverity::Warning,
            "uncommitted changes will be discarded on exit",
        )],
        content: vec![],
        end_session: true,
    };
    let bytes = JunosMessage::RpcReply(reply.clone()).to_bytes();
    let p = junos::parse_message(&bytes, &[], &limits()).unwrap();
    assert!(p.violations.is_empty());
    let JunosMessage::RpcReply(back) = p.message else {
        panic!()
    };
    assert_eq!(back.diagnostics[0].message, reply.diagnostics[0].message);
    assert!(back.end_session && back.is_ok());
}

#[test]
fn writers_produce_a_session_the_decoder_reads() {
    let mut stream = Vec::new();
    junos::write_declaration(&mut stream);
    let start = SessionStart::server("20.4R3.8", "router1");
    start.write(&mut stream);
    let scope = start.scope();
    let replies = [
        JunosMessage::RpcReply(JunosReply {
            diagnostics: vec![XnmDiagnostic::new(
                XnmSeverity::Error,
                "configuration database locked",
            )],
            ..Default::default()
        }),
        JunosMessage::RpcReply(JunosReply {
            end_session: true,
            ..Default::default()
        }),
    ];
    for r in &replies {
        r.write_in(&mut stream, &scope);
        stream.push(b'\n');
    }
    stream.extend_from_slice(junos::SESSION_END);
    let events = decode_ok(&stream);
    assert_eq!(events.len(), 5);
    let JunosEvent::SessionStart(s) = &events[1] else {
        panic!()
    };
    assert!(s.violations.is_empty());
    assert_eq!(s.message, start);
    for (ev, r) in events[2..4].iter().zip(&replies) {
        assert_eq!(message(ev), r);
    }
}

#[test]
fn session_start_rules() {
    let cases: [(&[u8], Option<Rule>); 4] = [
        (b"<?xml version=\"1.0\"?><junoscript version=\"1.0\">", None),
        (
            b"<junoscript version=\"1.0\">",
            Some(rules::DECLARATION_MISSING),
        ),
        (
            b"<?xml version=\"1.0\"?><junoscript release=\"20.4R3\">",
            Some(rules::JUNOSCRIPT_VERSION),
        ),
        (
            b"<?xml version=\"1.0\"?><junoscript version=\"2.0\">",
            Some(rules::JUNOSCRIPT_VERSION_UNSUPPORTED),
        ),
    ];
    for (input, rule) in cases {
        let (events, err) = decode(input, &[input.len()]);
        assert!(
            matches!(err, Some(StreamError::Truncated { .. })),
            "{err:?}"
        );
        let start = events.iter().find_map(|e| match e {
            JunosEvent::SessionStart(s) => Some(s),
            _ => None,
        });
        let ids: Vec<Rule> = start.unwrap().violations.iter().map(|v| v.rule).collect();
        assert_eq!(
            ids,
            rule.into_iter().collect::<Vec<_>>(),
            "{}",
            String::from_utf8_lossy(input)
        );
    }
    let (events, _) = decode(b"<junoscript version=\"1.0\">", &[1]);
    let JunosEvent::SessionStart(s) = &events[0] else {
        panic!()
    };
    assert_eq!(s.violations[0].level, Level::Warning);
    // An empty session.
    let events = decode_ok(b"<?xml version=\"1.0\"?><junoscript version=\"1.0\"/>");
    assert_eq!(events.last(), Some(&JunosEvent::SessionEnd));
}

#[test]
fn element_rules() {
    let bad_ns = br#"<rpc-reply xmlns:junos="http://example.com/junos"><ok/></rpc-reply>"#;
    let p = junos::parse_message(bad_ns, &[], &limits()).unwrap();
    assert_eq!(p.violations[0].rule, rules::JUNOS_NAMESPACE);
    let p = junos::parse_message(b"<rpc/>", &[], &limits()).unwrap();
    assert_eq!(p.violations[0].rule, rules::RPC_OPERATION);
    let p = junos::parse_message(
        b"<rpc><lock-configuration/><unlock-configuration/></rpc>",
        &[],
        &limits(),
    )
    .unwrap();
    assert_eq!(p.violations[0].rule, rules::RPC_OPERATION);
    assert!(matches!(
        junos::parse_message(b"<hello/>", &[], &limits()),
        Err(XmlError::UnexpectedElement { .. })
    ));
}

#[test]
fn request_rules() {
    let cases: [(&[u8], Rule); 9] = [
        (b"<load-configuration/>", rules::LOAD_PAYLOAD),
        (b"<load-configuration rollback=\"1\"><configuration/></load-configuration>", rules::LOAD_PAYLOAD),
        (b"<load-configuration format=\"text\"><configuration/></load-configuration>", rules::LOAD_PAYLOAD),
        (b"<load-configuration><configuration-set>set x</configuration-set></load-configuration>", rules::LOAD_PAYLOAD),
        (b"<load-configuration><configuration-text>x {}</configuration-text></load-configuration>", rules::LOAD_PAYLOAD),
        (b"<load-configuration rollback=\"50\"/>", rules::LOAD_ROLLBACK),
        (b"<commit-configuration><confirm-timeout>5</confirm-timeout></commit-configuration>", rules::COMMIT_CONFIRM_TIMEOUT),
        (b"<commit-configuration><confirmed/><confirm-timeout>0</confirm-timeout></commit-configuration>", rules::COMMIT_CONFIRM_TIMEOUT),
        (b"<get-chassis-inventory><bogus/></get-chassis-inventory>", rules::UNKNOWN_OPTION),
    ];
    for (input, rule) in cases {
        let el = Element::parse(input, &limits()).unwrap();
        let p = Request::from_element(&el);
        assert!(
            p.violations.iter().any(|v| v.rule == rule),
            "{}: {:?}",
            String::from_utf8_lossy(input),
            p.violations
        );
    }
}

#[test]
fn bad_streams_are_clear_errors() {
    type Check = fn(&StreamError) -> bool;
    let cases: [(&[u8], Check); 10] = [
        (b"<rpc-reply/>", |e| {
            matches!(e, StreamError::NotJunoscript { offset: 0, .. })
        }),
        (b"<junoscript version=\"1.0\">hello", |e| {
            matches!(e, StreamError::TextOutsideElement { offset: 26 })
        }),
        (b"<junoscript version=\"1.0\"></junoscript>x", |e| {
            matches!(e, StreamError::AfterSessionEnd { offset: 39 })
        }),
        (b"<junoscript version=\"1.0\"></rpc>", |e| {
            matches!(e, StreamError::UnexpectedEndTag { offset: 26, .. })
        }),
        (b"<junoscript version=\"1.0\"><rpc>", |e| {
            matches!(e, StreamError::Truncated { offset: 31, .. })
        }),
        (b"<junoscript version=\"1.0\">", |e| {
            matches!(e, StreamError::Truncated { offset: 26, .. })
        }),
        (
            b"<?xml version=\"1.0\"?><!DOCTYPE junoscript [<!ENTITY x \"y\">]><junoscript/>",
            |e| matches!(e, StreamError::Xml(XmlError::Doctype { offset: 21 })),
        ),
        (b" <?xml version=\"1.0\"?><junoscript/>", |e| {
            matches!(
                e,
                StreamError::Xml(XmlError::BadDeclaration { offset: 1, .. })
            )
        }),
        (b"<junoscript version=\"1.0\" version=\"2\">", |e| {
            matches!(
                e,
                StreamError::Xml(XmlError::DuplicateAttribute { offset: 26, .. })
            )
        }),
        (b"<junoscript version=\"1.0\"><![CDATA[x]]>", |e| {
            matches!(e, StreamError::TextOutsideElement { offset: 26 })
        }),
    ];
    for (input, check) in cases {
        for sizes in [&[input.len()][..], &[1]] {
            let (_, err) = decode(input, sizes);
            let err = err.unwrap_or_else(|| panic!("{} accepted", String::from_utf8_lossy(input)));
            assert!(check(&err), "{}: {err:?}", String::from_utf8_lossy(input));
            assert!(!err.to_string().is_empty());
        }
    }
    // After an error the decoder stays failed.
    let mut dec = StreamDecoder::new(limits());
    let mut buf = BytesMut::from(&b"<rpc/>"[..]);
    assert!(dec.decode(&mut buf).is_err());
    assert_eq!(dec.decode(&mut buf), Err(StreamError::Failed));
}

#[test]
fn stream_limits_bound_each_element() {
    let small = XmlLimits {
        max_size: 64,
        max_depth: 4,
        ..limits()
    };
    let mut big = b"<junoscript version=\"1.0\"><rpc-reply>".to_vec();
    big.extend(std::iter::repeat_n(b'x', 1000));
    for sizes in [&[big.len()][..], &[1], &[7]] {
        let mut dec = StreamDecoder::new(small);
        let mut buf = BytesMut::new();
        let mut err = None;
        'feed: for chunk in big.chunks(sizes[0]) {
            buf.extend_from_slice(chunk);
            loop {
                match dec.decode(&mut buf) {
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => {
                        err = Some(e);
                        break 'feed;
                    }
                }
            }
        }
        assert_eq!(
            err,
            Some(StreamError::ElementTooLarge {
                offset: 26,
                limit: 64
            }),
            "{sizes:?}"
        );
        assert!(buf.len() <= 64 + sizes[0], "buffered {} bytes", buf.len());
    }
    let deep = b"<junoscript version=\"1.0\"><rpc-reply><a><b><c><d></d></c></b></a></rpc-reply></junoscript>";
    let mut dec = StreamDecoder::new(small);
    let mut buf = BytesMut::from(&deep[..]);
    let mut last = Ok(None);
    for _ in 0..4 {
        last = dec.decode(&mut buf);
        if last.is_err() {
            break;
        }
    }
    assert!(
        matches!(
            last,
            Err(StreamError::Xml(XmlError::TooDeep {
                offset: 46,
                limit: 4
            }))
        ),
        "{last:?}"
    );
}

#[test]
fn a_broken_element_spoils_only_itself() {
    let stream = b"<junoscript version=\"1.0\"><rpc><x>&bogus;</x></rpc><rpc><lock-configuration/></rpc></junoscript>";
    let events = decode_ok(stream);
    let JunosEvent::Element {
        parsed: Err(e),
        offset,
        ..
    } = &events[1]
    else {
        panic!("{events:?}")
    };
    assert_eq!(*offset, 26);
    assert_eq!(
        e,
        &XmlError::UndeclaredEntity {
            offset: 34,
            name: "bogus".into()
        }
    );
    assert_eq!(request(&events[2]), Request::LockConfiguration);
    assert_eq!(events[3], JunosEvent::SessionEnd);
}

#[test]
fn element_raw_bytes_are_zero_copy_slices() {
    let mut dec = StreamDecoder::new(limits());
    let mut buf =
        BytesMut::from(&b"<junoscript version=\"1.0\"><rpc><get-software-information/></rpc>"[..]);
    let _start = dec.decode(&mut buf).unwrap();
    let Some(JunosEvent::Element {
        raw, parsed: Ok(p), ..
    }) = dec.decode(&mut buf).unwrap()
    else {
        panic!()
    };
    let JunosMessage::Rpc(r) = &p.message else {
        panic!()
    };
    let op = r.operation.as_ref().unwrap();
    let raw: Bytes = raw;
    assert_eq!(op.raw.as_ptr(), raw[5..].as_ptr());
}

#[test]
fn fuzz_oracle_survives_hostile_and_edge_inputs() {
    let inputs: Vec<&[u8]> = vec![
        b"",
        b"<",
        b"<!",
        b"<!-",
        b"<?xml version=\"1.0\"?>",
        b"<junoscript version=\"1.0\"><rpc a='>'><!-- > --><![CDATA[ > ]]><?pi >?></rpc></junoscript>",
        b"<junoscript version=\"1.0\"><rpc><x/></rpc><rpc-reply><end-session/><end-session/></rpc-reply></junoscript>  ",
        b"<rpc-reply xmlns:x=\"http://xml.juniper.net/xnm/1.1/xnm\"><x:error a=\"1\"><message> m </message></x:error></rpc-reply>",
        b"<rpc><load-configuration action=\"weird\" format=\"yaml\" rollback=\"x\"><configuration-json>{}</configuration-json></load-configuration></rpc>",
        b"<rpc-reply><commit-results><routing-engine><name>re1</name><commit-check-success/></routing-engine></commit-results></rpc-reply>",
        CLIENT_SESSION,
        SERVER_SESSION,
        XNM_ERROR_REPLY,
    ];
    for input in inputs {
        junos::fuzz::target(input);
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const TOKENS: &[&[u8]] = &[
        b"<",
        b">",
        b"/>",
        b"</",
        b"\"",
        b"'",
        b" ",
        b"\n",
        b"<!--",
        b"-->",
        b"<![CDATA[",
        b"]]>",
        b"<?",
        b"?>",
        b"<rpc>",
        b"</rpc>",
        b"<rpc-reply>",
        b"</rpc-reply>",
        b"<end-session/>",
        b"</junoscript>",
        b"<xnm:error xmlns:xnm=\"http://xml.juniper.net/xnm/1.1/xnm\">",
        b"</xnm:error>",
        b"<message>m</message>",
        b" xmlns:junos=\"http://xml.juniper.net/junos/20.4R0/junos\"",
        b"&amp;",
        b"<x/>",
        b"<lock-configuration/>",
        b"<load-success/>",
        b"<commit-success/>",
        b" junos:style=\"normal\"",
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
        #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

        #[test]
        fn oracle_holds_on_arbitrary_bytes(data in proptest::collection::vec(any::<u8>(), 0..200)) {
            junos::fuzz::target(&data);
        }

        #[test]
        fn oracle_holds_on_mutated_sessions(
            seed in 0..3usize,
            edits in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<u8>()), 1..5),
        ) {
            let seeds = [CLIENT_SESSION, SERVER_SESSION, XNM_ERROR_REPLY];
            junos::fuzz::target(&mutate(seeds[seed], &edits));
        }
    }
}
