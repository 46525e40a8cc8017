//! Every malformed or refused request gets its exact rpc-error.

use crate::support::*;
use confuzz_sim::{Capabilities, DeviceConfig};
use confuzz_wire::netconf::{ErrorTag, ErrorType};

#[test]
fn rpc_without_message_id_is_missing_attribute_and_echoes_the_other_attributes() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call_raw(
        s,
        r#"<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:ex="urn:x" ex:tag="7"><get/></rpc>"#,
    );
    assert_error(&r, ErrorTag::MissingAttribute, "no message-id");
    let e = &r.errors[0];
    assert_eq!(e.error_type, Some(ErrorType::Rpc));
    let info = e.error_info.as_ref().unwrap();
    assert_eq!(info.bad_attribute.as_deref(), Some("message-id"));
    assert_eq!(info.bad_element.as_deref(), Some("rpc"));
    assert!(r.message_id.is_none());
    assert!(
        r.attributes
            .iter()
            .any(|a| a.name.local == "tag" && a.value == "7")
    );
}

#[test]
fn reply_echoes_every_rpc_attribute_in_order() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call_raw(
        s,
        r#"<nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="m-1" xmlns:a="urn:a" a:one="1" a:two="2"><nc:get-config><nc:source><nc:running/></nc:source></nc:get-config></nc:rpc>"#,
    );
    assert!(r.errors.is_empty(), "{}", text(&r));
    assert_eq!(r.message_id.as_deref(), Some("m-1"));
    assert_eq!(r.prefix.as_deref(), Some("nc"));
    let names: Vec<String> = r.attributes.iter().map(|a| a.name.to_string()).collect();
    assert_eq!(names, ["xmlns:nc", "xmlns:a", "a:one", "a:two"]);
    assert!(text(&r).contains("<nc:data>"), "{}", text(&r));
}

#[test]
fn rpc_in_the_wrong_namespace_is_unknown_namespace() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call_raw(s, r#"<rpc xmlns="urn:wrong" message-id="1"><get/></rpc>"#);
    assert_error(&r, ErrorTag::UnknownNamespace, "wrong envelope namespace");
    let info = r.errors[0].error_info.as_ref().unwrap();
    assert_eq!(info.bad_namespace.as_deref(), Some("urn:wrong"));
    // no namespace at all is accepted, as on Junos, and answered in the base namespace
    let r = b.call_raw(
        s,
        r#"<rpc message-id="2"><get-config><source><running/></source></get-config></rpc>"#,
    );
    assert!(r.errors.is_empty(), "{}", text(&r));
    assert!(
        text(&r).starts_with(
            r#"<rpc-reply message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">"#
        ),
        "{}",
        text(&r)
    );
}

#[test]
fn empty_rpc_is_missing_element() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.call_raw(
        s,
        r#"<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"/>"#,
    );
    assert_error(&r, ErrorTag::MissingElement, "no operation");
}

#[test]
fn unknown_operation_is_operation_not_supported() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.error(s, "<frobnicate/>", ErrorTag::OperationNotSupported);
    assert_eq!(r.errors[0].error_path.as_deref(), Some("/rpc/frobnicate"));
}

#[test]
fn operation_in_a_foreign_namespace_is_unknown_namespace() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.error(
        s,
        r#"<get xmlns="urn:example:other"/>"#,
        ErrorTag::UnknownNamespace,
    );
}

#[test]
fn unknown_parameter_is_unknown_element_with_its_path() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.error(
        s,
        "<get-config><source><running/></source><bogus/></get-config>",
        ErrorTag::UnknownElement,
    );
    assert_eq!(
        r.errors[0].error_path.as_deref(),
        Some("/rpc/get-config/bogus")
    );
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .bad_element
            .as_deref(),
        Some("bogus")
    );
}

#[test]
fn missing_source_and_target_are_missing_element() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.error(s, "<get-config/>", ErrorTag::MissingElement);
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .bad_element
            .as_deref(),
        Some("source")
    );
    b.error(s, "<lock/>", ErrorTag::MissingElement);
    b.error(s, "<lock><target/></lock>", ErrorTag::MissingElement);
    b.error(
        s,
        "<edit-config><target><candidate/></target></edit-config>",
        ErrorTag::MissingElement,
    );
    b.error(s, "<kill-session/>", ErrorTag::MissingElement);
}

#[test]
fn unknown_datastore_is_unknown_element_and_two_are_bad_element() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.error(
        s,
        "<get-config><source><nowhere/></source></get-config>",
        ErrorTag::UnknownElement,
    );
    b.error(
        s,
        "<get-config><source><running/><candidate/></source></get-config>",
        ErrorTag::BadElement,
    );
    b.error(
        s,
        "<get-config><source><url>file://x</url></source></get-config>",
        ErrorTag::OperationNotSupported,
    );
}

#[test]
fn bad_parameter_values_are_invalid_value() {
    let mut b = Bench::new();
    let s = b.open("admin");
    for op in [
        "<edit-config><target><candidate/></target><default-operation>sideways</default-operation><config/></edit-config>",
        "<edit-config><target><candidate/></target><test-option>maybe</test-option><config/></edit-config>",
        "<edit-config><target><candidate/></target><error-option>ignore</error-option><config/></edit-config>",
        "<get><with-defaults>everything</with-defaults></get>",
        "<commit><confirmed/><confirm-timeout>soon</confirm-timeout></commit>",
        "<commit><confirmed/><confirm-timeout>0</confirm-timeout></commit>",
        "<kill-session><session-id>abc</session-id></kill-session>",
    ] {
        b.error(s, op, ErrorTag::InvalidValue);
    }
}

#[test]
fn bad_operation_attribute_is_bad_attribute() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.error(
        s,
        &edit(r#"<system operation="explode"><host-name>x</host-name></system>"#),
        ErrorTag::BadAttribute,
    );
    let info = r.errors[0].error_info.as_ref().unwrap();
    assert_eq!(info.bad_attribute.as_deref(), Some("operation"));
    assert_eq!(info.bad_element.as_deref(), Some("system"));
}

#[test]
fn xpath_filter_without_the_capability_is_refused() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.error(
        s,
        r#"<get><filter type="xpath" select="/configuration"/></get>"#,
        ErrorTag::OperationNotSupported,
    );
    b.error(
        s,
        r#"<get><filter type="regex"/></get>"#,
        ErrorTag::BadAttribute,
    );
}

#[test]
fn config_outside_the_device_model_is_unknown_element_or_namespace() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.error(
        s,
        "<edit-config><target><candidate/></target><config><top/></config></edit-config>",
        ErrorTag::UnknownElement,
    );
    b.error(
        s,
        r#"<edit-config><target><candidate/></target><config><configuration><x xmlns="urn:example:x"/></configuration></config></edit-config>"#,
        ErrorTag::UnknownNamespace,
    );
}

#[test]
fn create_on_existing_data_is_data_exists() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let r = b.error(
        s,
        &edit(r#"<interfaces><interface operation="create"><name>ge-0/0/0</name></interface></interfaces>"#),
        ErrorTag::DataExists,
    );
    assert_eq!(r.errors[0].error_type, Some(ErrorType::Application));
    assert_eq!(
        r.errors[0].error_path.as_deref(),
        Some("/rpc/edit-config/config/configuration/interfaces/interface[name='ge-0/0/0']")
    );
    b.ok(s, &edit(r#"<interfaces><interface operation="create"><name>ge-0/0/9</name></interface></interfaces>"#));
}

#[test]
fn delete_of_missing_data_is_data_missing_and_remove_is_silent() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.error(
        s,
        &edit(r#"<interfaces><interface operation="delete"><name>xe-9/9/9</name></interface></interfaces>"#),
        ErrorTag::DataMissing,
    );
    b.ok(s, &edit(r#"<interfaces><interface operation="remove"><name>xe-9/9/9</name></interface></interfaces>"#));
    b.ok(s, &edit(r#"<interfaces><interface operation="delete"><name>ge-0/0/2</name></interface></interfaces>"#));
    let c = data(&b.call(s, GET_CANDIDATE));
    assert!(
        entry(
            at(&c, &["configuration", "interfaces"]).unwrap(),
            "interface",
            "ge-0/0/2"
        )
        .is_none()
    );
}

#[test]
fn default_operation_replace_and_none() {
    let mut b = Bench::new();
    let s = b.open("admin");
    // none: an element without operation on missing data is data-missing
    b.error(
        s,
        "<edit-config><target><candidate/></target><default-operation>none</default-operation><config><configuration><snmp><community><name>x</name></community></snmp></configuration></config></edit-config>",
        ErrorTag::DataMissing,
    );
    // none with a nested delete touches only that node
    b.ok(s, r#"<edit-config><target><candidate/></target><default-operation>none</default-operation><config><configuration><system><host-name operation="delete"/></system></configuration></config></edit-config>"#);
    let c = data(&b.call(s, GET_CANDIDATE));
    assert!(at(&c, &["configuration", "system", "host-name"]).is_none());
    assert!(at(&c, &["configuration", "interfaces"]).is_some());
    // replace as default replaces the whole configuration
    b.ok(s, "<edit-config><target><candidate/></target><default-operation>replace</default-operation><config><configuration><system><host-name>r9</host-name></system></configuration></config></edit-config>");
    let c = data(&b.call(s, GET_CANDIDATE));
    let cfg = at(&c, &["configuration"]).unwrap();
    assert_eq!(cfg.children.len(), 1, "{cfg:?}");
}

#[test]
fn error_options_stop_continue_and_rollback() {
    let two_bad = "<interfaces>\
        <interface operation=\"delete\"><name>nope-1</name></interface>\
        <interface operation=\"create\"><name>ge-1/0/0</name></interface>\
        <interface operation=\"delete\"><name>nope-2</name></interface></interfaces>";
    let run = |option: &str| {
        let mut b = Bench::new();
        let s = b.open("admin");
        let op = format!(
            "<edit-config><target><candidate/></target><error-option>{option}</error-option><config><configuration>{two_bad}</configuration></config></edit-config>"
        );
        let r = b.call(s, &op);
        let c = data(&b.call(s, GET_CANDIDATE));
        let created = entry(
            at(&c, &["configuration", "interfaces"]).unwrap(),
            "interface",
            "ge-1/0/0",
        )
        .is_some();
        (r.errors.len(), created)
    };
    assert_eq!(run("stop-on-error"), (1, false));
    assert_eq!(run("continue-on-error"), (2, true));
    assert_eq!(run("rollback-on-error"), (1, false));
}

#[test]
fn test_option_test_only_validates_without_changing() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let good = "<edit-config><target><candidate/></target><test-option>test-only</test-option><config><configuration><system><host-name>other</host-name></system></configuration></config></edit-config>";
    b.ok(s, good);
    assert_eq!(
        b.dev
            .candidate()
            .child("system")
            .unwrap()
            .child_text("host-name"),
        Some("sim-mx480")
    );
    let bad = "<edit-config><target><candidate/></target><config><configuration><system><login><user><name>eve</name><class>no-such-class</class></user></login></system></configuration></config></edit-config>";
    let r = b.error(s, bad, ErrorTag::OperationFailed);
    assert!(
        r.errors[0]
            .error_message
            .as_ref()
            .unwrap()
            .text
            .contains("no-such-class")
    );
    let set = bad.replace("<config>", "<test-option>set</test-option><config>");
    b.ok(s, &set);
    b.error(
        s,
        "<validate><source><candidate/></source></validate>",
        ErrorTag::OperationFailed,
    );
    b.error(s, "<commit/>", ErrorTag::OperationFailed);
    b.ok(s, "<discard-changes/>");
    b.ok(s, "<validate><source><candidate/></source></validate>");
}

#[test]
fn writable_running_is_refused_unless_advertised() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.error(
        s,
        "<edit-config><target><running/></target><config><configuration/></config></edit-config>",
        ErrorTag::OperationNotSupported,
    );
    let mut b = Bench::with(DeviceConfig {
        capabilities: Capabilities::minimal(),
        ..DeviceConfig::default()
    });
    let s = b.open("admin");
    b.ok(
        s,
        "<edit-config><target><running/></target><config><configuration><system><host-name>r2</host-name></system></configuration></config></edit-config>",
    );
    assert_eq!(
        b.dev
            .running()
            .child("system")
            .unwrap()
            .child_text("host-name"),
        Some("r2")
    );
    b.error(s, "<commit/>", ErrorTag::OperationNotSupported);
    b.error(s, GET_CANDIDATE, ErrorTag::OperationNotSupported);
    b.error(
        s,
        "<validate><source><running/></source></validate>",
        ErrorTag::OperationNotSupported,
    );
    b.error(
        s,
        "<get-chassis-inventory/>",
        ErrorTag::OperationNotSupported,
    );
    b.error(
        s,
        r#"<create-subscription xmlns="urn:ietf:params:xml:ns:netconf:notification:1.0"/>"#,
        ErrorTag::OperationNotSupported,
    );
    assert_eq!(
        b.dev.capabilities(),
        [
            "urn:ietf:params:netconf:base:1.0",
            "urn:ietf:params:netconf:capability:writable-running:1.0"
        ]
    );
}

#[test]
fn copy_config_and_delete_config() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, "<copy-config><target><candidate/></target><source><config><configuration><system><host-name>copied</host-name></system></configuration></config></source></copy-config>");
    assert_eq!(
        b.dev
            .candidate()
            .child("system")
            .unwrap()
            .child_text("host-name"),
        Some("copied")
    );
    b.error(
        s,
        "<copy-config><target><candidate/></target><source><candidate/></source></copy-config>",
        ErrorTag::InvalidValue,
    );
    b.ok(s, "<commit/>");
    b.ok(
        s,
        "<copy-config><target><startup/></target><source><running/></source></copy-config>",
    );
    assert_eq!(b.dev.startup(), b.dev.running());
    let r = b.error(
        s,
        "<delete-config><target><running/></target></delete-config>",
        ErrorTag::InvalidValue,
    );
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .bad_element
            .as_deref(),
        Some("running")
    );
    b.ok(
        s,
        "<delete-config><target><startup/></target></delete-config>",
    );
    assert!(b.dev.startup().children.is_empty());
}

#[test]
fn kill_session_refuses_itself_and_strangers_and_ends_the_victim() {
    let mut b = Bench::new();
    let a = b.open("admin");
    let v = b.open("admin");
    b.ok(v, LOCK_CANDIDATE);
    b.error(
        a,
        &format!("<kill-session><session-id>{a}</session-id></kill-session>"),
        ErrorTag::InvalidValue,
    );
    b.error(
        a,
        "<kill-session><session-id>999</session-id></kill-session>",
        ErrorTag::InvalidValue,
    );
    b.ok(
        a,
        &format!("<kill-session><session-id>{v}</session-id></kill-session>"),
    );
    assert_eq!(b.dev.poll_killed(), Some(v));
    assert_eq!(b.dev.poll_killed(), None);
    assert!(!b.dev.is_open(v));
    b.ok(a, LOCK_CANDIDATE);
}

#[test]
fn rpc_on_a_closed_session_is_refused() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, "<close-session/>");
    b.error(s, "<get/>", ErrorTag::OperationFailed);
}

#[test]
fn read_only_user_is_denied_every_change() {
    let mut b = Bench::new();
    let s = b.open("operator");
    for op in [
        edit("<system><host-name>x</host-name></system>"),
        "<commit/>".into(),
        LOCK_CANDIDATE.into(),
        "<unlock><target><candidate/></target></unlock>".into(),
        "<discard-changes/>".into(),
        "<copy-config><target><startup/></target><source><running/></source></copy-config>".into(),
        "<lock-configuration/>".into(),
        "<load-configuration><configuration/></load-configuration>".into(),
        "<commit-configuration/>".into(),
        "<kill-session><session-id>1</session-id></kill-session>".into(),
    ] {
        let r = b.error(s, &op, ErrorTag::AccessDenied);
        assert_eq!(r.errors[0].error_type, Some(ErrorType::Protocol));
    }
    b.ok(s, "<validate><source><running/></source></validate>");
    assert!(b.call(s, GET_RUNNING).errors.is_empty());
    assert!(b.call(s, "<get-chassis-inventory/>").errors.is_empty());
    b.ok(s, "<close-session/>");
}
