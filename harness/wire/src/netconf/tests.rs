//! Unit tests of the NETCONF messages: writer details the integration tests
//! do not reach.

use super::*;
use crate::xml::{Attribute, QName};

fn limits() -> XmlLimits {
    XmlLimits::default()
}

fn reparse(m: impl Into<Message>) -> Parsed<Message> {
    let m = m.into();
    parse(&m.to_bytes(), &limits()).unwrap_or_else(|e| panic!("{e}: {:?}", m))
}

#[test]
fn announces_ignores_capability_query() {
    let h =
        Hello::new(["urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit"]);
    assert!(h.announces("urn:ietf:params:netconf:capability:with-defaults:1.0"));
    assert!(!h.announces("urn:ietf:params:netconf:capability:with-defaults"));
}

#[test]
fn message_id_and_attributes_are_escaped_and_read_back() {
    let mut rpc =
        Rpc::from_xml("1\"<&>\n", bytes::Bytes::from_static(b"<get/>"), &limits()).unwrap();
    rpc.attributes.push(Attribute::new("note", "tab\there"));
    let p = reparse(rpc.clone());
    let Message::Rpc(back) = &p.message else {
        panic!()
    };
    assert_eq!(back.message_id, rpc.message_id);
    assert_eq!(back.attributes[1].value, "tab\there");
}

#[test]
fn prefix_without_namespace_is_dropped_not_left_unbound() {
    let mut reply = RpcReply::ok("1");
    reply.prefix = Some("nc".into());
    reply.attributes.clear();
    reply.namespace = None;
    let bytes = reply.to_bytes();
    assert!(
        bytes.starts_with(b"<rpc-reply "),
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(parse(&bytes, &limits()).is_ok());
}

#[test]
fn rpc_error_inside_prefixed_reply_is_written_in_the_base_namespace() {
    let mut reply = RpcReply::with_errors("1", vec![RpcError::malformed_message()]);
    reply.prefix = Some("nc".into());
    reply.attributes = vec![Attribute {
        name: QName::prefixed("xmlns", "nc"),
        namespace: Some(crate::xml::XMLNS_NS.into()),
        value: BASE_NS.into(),
    }];
    let p = reparse(reply);
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let Message::RpcReply(r) = &p.message else {
        panic!()
    };
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].error_tag, Some(ErrorTag::MalformedMessage));
}

#[test]
fn standalone_rpc_error_declares_the_base_namespace() {
    let mut out = Vec::new();
    RpcError::new(ErrorType::Protocol, ErrorTag::InUse).write(&mut out);
    assert!(out.starts_with(b"<rpc-error xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">"));
}

#[test]
fn error_info_written_from_fields_when_raw_is_empty() {
    let info = ErrorInfo {
        bad_attribute: Some("message-id".into()),
        bad_element: Some("rpc".into()),
        ..ErrorInfo::default()
    };
    let reply = RpcReply::with_errors(
        "1",
        vec![RpcError::new(ErrorType::Rpc, ErrorTag::MissingAttribute).with_info(info)],
    );
    let p = reparse(reply);
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let Message::RpcReply(r) = &p.message else {
        panic!()
    };
    let info = r.errors[0].error_info.as_ref().unwrap();
    assert_eq!(
        &info.raw[..],
        b"<bad-attribute>message-id</bad-attribute><bad-element>rpc</bad-element>"
    );
}

#[test]
fn message_kind_and_ids() {
    let m: Message = RpcReply::ok("9").into();
    assert_eq!((m.kind(), m.message_id()), ("rpc-reply", Some("9")));
    let m: Message = Hello::new([BASE_1_1]).into();
    assert_eq!((m.kind(), m.message_id()), ("hello", None));
}
