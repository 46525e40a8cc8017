//! Confirmed commit (RFC 6241 §8.4), driven by `now`, no sleeping.

use crate::support::*;
use confuzz_wire::netconf::ErrorTag;

const CHANGE: &str = "<system><host-name>trial</host-name></system>";

fn host(b: &Bench) -> String {
    b.dev
        .running()
        .child("system")
        .unwrap()
        .child_text("host-name")
        .unwrap()
        .to_owned()
}

#[test]
fn unconfirmed_commit_rolls_back_at_the_timeout() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(
        s,
        "<commit><confirmed/><confirm-timeout>120</confirm-timeout></commit>",
    );
    assert_eq!(host(&b), "trial");
    assert_eq!(b.dev.poll_timeout(), Some(b.at(120)));
    b.dev.handle_timeout(b.at(119));
    assert_eq!(host(&b), "trial");
    b.dev.handle_timeout(b.at(120));
    assert_eq!(host(&b), "sim-mx480");
    assert_eq!(b.dev.candidate(), b.dev.running());
    assert_eq!(b.dev.poll_timeout(), None);
}

#[test]
fn default_timeout_is_600_seconds() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(s, "<commit><confirmed/></commit>");
    assert_eq!(b.dev.poll_timeout(), Some(b.at(600)));
}

#[test]
fn confirming_commit_keeps_the_change() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(
        s,
        "<commit><confirmed/><confirm-timeout>60</confirm-timeout></commit>",
    );
    let r = b.call_at(s, 30, "<commit/>");
    assert_ok(&r, "confirming commit");
    b.dev.handle_timeout(b.at(3600));
    assert_eq!(host(&b), "trial");
    assert!(!b.dev.confirm_pending());
}

#[test]
fn follow_up_confirmed_commit_extends_and_rolls_back_to_the_first_state() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(
        s,
        "<commit><confirmed/><confirm-timeout>60</confirm-timeout></commit>",
    );
    b.ok(s, &edit("<system><host-name>trial2</host-name></system>"));
    assert_ok(
        &b.call_at(
            s,
            50,
            "<commit><confirmed/><confirm-timeout>60</confirm-timeout></commit>",
        ),
        "extend",
    );
    assert_eq!(b.dev.poll_timeout(), Some(b.at(110)));
    b.dev.handle_timeout(b.at(110));
    assert_eq!(host(&b), "sim-mx480");
}

#[test]
fn cancel_commit_rolls_back_at_once() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.error(s, "<cancel-commit/>", ErrorTag::OperationFailed);
    b.ok(s, &edit(CHANGE));
    b.ok(s, "<commit><confirmed/></commit>");
    b.ok(s, "<cancel-commit/>");
    assert_eq!(host(&b), "sim-mx480");
    assert!(!b.dev.confirm_pending());
}

#[test]
fn session_drop_rolls_back_without_persist_but_not_with_it() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(s, "<commit><confirmed/></commit>");
    b.dev.close_session(s, b.at(5));
    assert_eq!(host(&b), "sim-mx480");

    let s = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(s, "<commit><confirmed/><persist>tok-1</persist></commit>");
    b.ok(s, "<close-session/>");
    assert_eq!(host(&b), "trial");
    let t = b.open("admin");
    b.error(t, "<commit/>", ErrorTag::MissingElement);
    b.error(
        t,
        "<commit><persist-id>wrong</persist-id></commit>",
        ErrorTag::InvalidValue,
    );
    b.ok(t, "<commit><persist-id>tok-1</persist-id></commit>");
    b.dev.handle_timeout(b.at(10_000));
    assert_eq!(host(&b), "trial");
}

#[test]
fn persist_id_cancel_from_another_session() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(s, "<commit><confirmed/><persist>p</persist></commit>");
    let t = b.open("admin");
    b.error(t, "<cancel-commit/>", ErrorTag::MissingElement);
    b.ok(
        t,
        "<cancel-commit><persist-id>p</persist-id></cancel-commit>",
    );
    assert_eq!(host(&b), "sim-mx480");
}

#[test]
fn other_session_cannot_confirm_a_commit_without_persist() {
    let mut b = Bench::new();
    let s = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(s, "<commit><confirmed/></commit>");
    let t = b.open("admin");
    let r = b.error(t, "<commit/>", ErrorTag::InUse);
    assert_eq!(
        r.errors[0]
            .error_info
            .as_ref()
            .unwrap()
            .session_id
            .as_deref(),
        Some(s.0.to_string().as_str())
    );
    b.error(
        t,
        "<commit><persist-id>x</persist-id></commit>",
        ErrorTag::InvalidValue,
    );
    b.error(
        t,
        "<lock><target><running/></target></lock>",
        ErrorTag::LockDenied,
    );
}

#[test]
fn every_commit_is_kept_in_the_history_up_to_fifty() {
    let mut b = Bench::new();
    let s = b.open("admin");
    for n in 0..60 {
        b.ok(
            s,
            &edit(&format!("<system><host-name>r{n}</host-name></system>")),
        );
        b.ok(s, "<commit/>");
    }
    assert_eq!(b.dev.history().count(), 50);
    let newest = b.dev.history().next().unwrap();
    assert_eq!(
        newest
            .config
            .child("system")
            .unwrap()
            .child_text("host-name"),
        Some("r59")
    );
}

#[test]
fn killing_the_committing_session_rolls_back() {
    let mut b = Bench::new();
    let s = b.open("admin");
    let k = b.open("admin");
    b.ok(s, &edit(CHANGE));
    b.ok(s, "<commit><confirmed/></commit>");
    b.ok(
        k,
        &format!("<kill-session><session-id>{s}</session-id></kill-session>"),
    );
    assert_eq!(host(&b), "sim-mx480");
    assert_eq!(b.dev.poll_killed(), Some(s));
}
