//! Unit tests of the Junos XML protocol layer.

use super::*;
use crate::xml::XmlLimits;
use bytes::BytesMut;

#[test]
fn junos_namespace_round_trips_the_release() {
    let ns = junos_namespace("20.4R0");
    assert_eq!(ns, "http://xml.juniper.net/junos/20.4R0/junos");
    assert_eq!(junos_release(&ns), Some("20.4R0"));
    for bad in [
        "http://xml.juniper.net/junos//junos",
        "http://xml.juniper.net/junos/20.4R0/junos-chassis",
        "http://xml.juniper.net/junos/a b/junos",
        "urn:x",
    ] {
        assert_eq!(junos_release(bad), None, "{bad}");
    }
}

#[test]
fn session_start_builders_carry_the_version_attributes() {
    let server = SessionStart::server("20.4R3.8", "r1");
    assert_eq!(server.version(), Some("1.0"));
    assert_eq!(server.release(), Some("20.4R3.8"));
    assert_eq!(server.os(), Some("JUNOS"));
    assert_eq!(server.hostname(), Some("r1"));
    let scope = server.scope();
    assert!(
        scope.iter().any(
            |b| b.prefix.as_deref() == Some("junos") && junos_release(&b.uri) == Some("20.4R0")
        )
    );
    let client = SessionStart::client(Some("20.4R3"), None);
    let mut out = Vec::new();
    client.write(&mut out);
    assert_eq!(out, b"<junoscript version=\"1.0\" release=\"20.4R3\">");
    let parsed = SessionStart::parse(&out, &XmlLimits::default()).unwrap();
    assert_eq!(parsed.message, client);
    assert!(parsed.violations.is_empty());
}

#[test]
fn session_start_must_be_junoscript() {
    assert!(SessionStart::parse(b"<junos version=\"1.0\">", &XmlLimits::default()).is_err());
}

#[test]
fn decoder_waits_for_a_split_comment_terminator() {
    let mut dec = StreamDecoder::new(XmlLimits::default());
    let mut buf = BytesMut::from(&b"<junoscript version=\"1.0\"><!-- a --"[..]);
    assert!(matches!(
        dec.decode(&mut buf),
        Ok(Some(JunosEvent::SessionStart(_)))
    ));
    assert_eq!(dec.decode(&mut buf), Ok(None));
    buf.extend_from_slice(b"><rpc><lock-configuration/></rpc>");
    let Ok(Some(JunosEvent::Element { offset, .. })) = dec.decode(&mut buf) else {
        panic!()
    };
    assert_eq!(offset, 36);
    assert!(buf.is_empty());
}

#[test]
fn decoder_consumes_whitespace_between_elements() {
    let mut dec = StreamDecoder::new(XmlLimits::default());
    let mut buf = BytesMut::from(&b"<junoscript version=\"1.0\">\n\n   "[..]);
    let _ = dec.decode(&mut buf);
    assert_eq!(dec.decode(&mut buf), Ok(None));
    assert!(buf.is_empty(), "whitespace between elements is not kept");
}
