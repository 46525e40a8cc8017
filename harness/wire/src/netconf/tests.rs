//! Unit tests of the NETCONF messages.

use super::*;

fn limits() -> XmlLimits {
    XmlLimits::default()
}

#[test]
fn smoke_rfc_rpc_example() {
    let input = br#"<rpc message-id="101" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:ex="http://example.net/content/1.0" ex:user-id="fred"><get/></rpc>"#;
    let p = parse(input, &limits()).unwrap();
    println!("{p:#?}");
    let Message::Rpc(rpc) = &p.message else {
        panic!()
    };
    assert_eq!(rpc.message_id.as_deref(), Some("101"));
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    println!("{}", String::from_utf8_lossy(&p.message.to_bytes()));
    fuzz::target(input);
}
