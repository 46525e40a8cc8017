//! Locks per datastore: contention, release on session end, the dirty
//! candidate rule, unlock by a non-holder.

use crate::support::*;
use confuzz_sim::Datastore;
use confuzz_wire::netconf::ErrorTag;

#[test]
fn second_session_is_denied_with_the_holders_session_id() {
    let mut b = Bench::new();
    let a = b.open("admin");
    let c = b.open("admin");
    b.ok(a, LOCK_CANDIDATE);
    let r = b.error(c, LOCK_CANDIDATE, ErrorTag::LockDenied);
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .session_id
            .as_deref(),
        Some(a.0.to_string().as_str())
    );
    // the holder itself cannot lock twice either
    b.error(a, LOCK_CANDIDATE, ErrorTag::LockDenied);
    // other datastores are independent
    b.ok(c, "<lock><target><running/></target></lock>");
    assert_eq!(b.dev.lock_holder(Datastore::Running), Some(c));
    assert_eq!(b.dev.lock_holder(Datastore::Candidate), Some(a));
}

#[test]
fn locked_candidate_refuses_changes_from_other_sessions() {
    let mut b = Bench::new();
    let a = b.open("admin");
    let c = b.open("admin");
    b.ok(a, LOCK_CANDIDATE);
    let r = b.error(
        c,
        &edit("<system><host-name>x</host-name></system>"),
        ErrorTag::InUse,
    );
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .session_id
            .as_deref(),
        Some(a.0.to_string().as_str())
    );
    b.error(c, "<commit/>", ErrorTag::InUse);
    b.error(c, "<discard-changes/>", ErrorTag::InUse);
    b.ok(a, &edit("<system><host-name>x</host-name></system>"));
    b.ok(a, "<commit/>");
}

#[test]
fn lock_is_released_when_its_session_closes_or_drops() {
    let mut b = Bench::new();
    let a = b.open("admin");
    let c = b.open("admin");
    b.ok(a, LOCK_CANDIDATE);
    b.ok(a, "<close-session/>");
    b.ok(c, LOCK_CANDIDATE);
    let d = b.open("admin");
    b.error(d, LOCK_CANDIDATE, ErrorTag::LockDenied);
    b.dev.close_session(c, b.t0);
    assert_eq!(b.dev.lock_holder(Datastore::Candidate), None);
    b.ok(d, LOCK_CANDIDATE);
}

#[test]
fn unlock_by_non_holder_or_of_an_unlocked_store_fails() {
    let mut b = Bench::new();
    let a = b.open("admin");
    let c = b.open("admin");
    b.error(a, UNLOCK_CANDIDATE, ErrorTag::OperationFailed);
    b.ok(a, LOCK_CANDIDATE);
    b.error(c, UNLOCK_CANDIDATE, ErrorTag::OperationFailed);
    b.ok(a, UNLOCK_CANDIDATE);
}

#[test]
fn lock_on_a_modified_candidate_is_refused_until_discarded() {
    let mut b = Bench::new();
    let a = b.open("admin");
    let c = b.open("admin");
    b.ok(c, &edit("<system><host-name>dirty</host-name></system>"));
    let r = b.error(a, LOCK_CANDIDATE, ErrorTag::LockDenied);
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .session_id
            .as_deref(),
        Some("0")
    );
    b.error(c, LOCK_CANDIDATE, ErrorTag::LockDenied);
    b.ok(c, "<discard-changes/>");
    b.ok(a, LOCK_CANDIDATE);
}

#[test]
fn netconf_state_reports_the_lock() {
    let mut b = Bench::new();
    let a = b.open("admin");
    b.ok(a, LOCK_CANDIDATE);
    let r = b.call(
        a,
        r#"<get><filter><netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><datastores/></netconf-state></filter></get>"#,
    );
    let d = data(&r);
    let stores = at(&d, &["netconf-state", "datastores"]).expect("datastores");
    let cand = entry(stores, "datastore", "candidate").unwrap();
    assert_eq!(
        at(cand, &["locks", "global-lock", "locked-by-session"]).map(|e| e.text.as_str()),
        Some(a.0.to_string().as_str())
    );
    assert!(at(&d, &["configuration"]).is_none());
}

#[test]
fn junos_lock_configuration_shares_the_candidate_lock() {
    let mut b = Bench::new();
    let a = b.open("admin");
    let c = b.open("admin");
    b.ok(a, "<lock-configuration/>");
    b.error(c, LOCK_CANDIDATE, ErrorTag::LockDenied);
    b.error(c, "<lock-configuration/>", ErrorTag::LockDenied);
    b.ok(a, "<unlock-configuration/>");
    b.ok(c, LOCK_CANDIDATE);
}
