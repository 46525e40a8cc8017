//! The device over SSH and TCP with our own client: host-key pinning,
//! authentication, the Junos XML protocol, kill-session, confirmed-commit
//! expiry and fault plans.

use super::{serve, serve_default};
use confuzz_net::ssh::{HostKeyCheck, SshClientConfig, connect_ssh, load_or_create_host_key};
use confuzz_net::{Limits, NetError, NetconfClient};
use confuzz_sim::DeviceConfig;
use confuzz_sim::fault::{Fault, FaultPlan, Trigger};
use confuzz_sim::serve::netconf::ServeOptions;
use confuzz_wire::session::SessionConfig;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn hostname(served: &super::Served) -> String {
    served
        .device
        .lock()
        .running()
        .child("system")
        .and_then(|s| s.child_text("host-name"))
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_client_pins_the_host_key_fingerprint_and_reads_the_configuration() {
    let served = serve_default().await;
    let addr = served.ssh.to_string();
    let ssh = SshClientConfig::password(
        "admin",
        "admin",
        HostKeyCheck::Fingerprint(served.fingerprint.clone()),
    );
    let mut c = NetconfClient::connect_ssh(&addr, &ssh, SessionConfig::client(), Limits::client())
        .await
        .expect("connect with the pinned key");
    assert!(c.session_id().is_some_and(|id| id > 0));
    let r = c
        .rpc("<get-config><source><running/></source></get-config>")
        .await
        .expect("reply");
    let data = String::from_utf8_lossy(&r.raw).into_owned();
    assert!(data.contains("<host-name>sim-mx480</host-name>"), "{data}");
    c.close().await.expect("close");

    // The key file is kept: loading it again gives the same fingerprint.
    let again = load_or_create_host_key(&served.host_key).expect("reload");
    assert_eq!(
        confuzz_net::ssh::fingerprint(again.public_key()),
        served.fingerprint
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_client_refuses_a_host_key_that_is_not_the_pinned_one() {
    let served = serve_default().await;
    let ssh = SshClientConfig::password(
        "admin",
        "admin",
        HostKeyCheck::Fingerprint("SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
    );
    let err = connect_ssh(&served.ssh.to_string(), &ssh).await.err();
    match err {
        Some(NetError::HostKeyMismatch { found, .. }) => assert_eq!(found, served.fingerprint),
        other => panic!("expected a host-key mismatch, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssh_server_rejects_a_wrong_password() {
    let served = serve_default().await;
    let ssh = SshClientConfig::password("admin", "wrong", HostKeyCheck::Insecure);
    let err = connect_ssh(&served.ssh.to_string(), &ssh).await.err();
    assert!(
        matches!(err, Some(NetError::AuthRejected(ref u)) if u == "admin"),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_user_over_ssh_is_denied_a_lock() {
    let served = serve_default().await;
    let ssh = SshClientConfig::password(
        "operator",
        "operator",
        HostKeyCheck::Fingerprint(served.fingerprint.clone()),
    );
    let mut c = NetconfClient::connect_ssh(
        &served.ssh.to_string(),
        &ssh,
        SessionConfig::client(),
        Limits::client(),
    )
    .await
    .expect("connect");
    let r = c
        .rpc("<lock><target><candidate/></target></lock>")
        .await
        .expect("reply");
    let tag = r.reply.errors.first().and_then(|e| e.error_tag.clone());
    assert_eq!(tag, Some(confuzz_wire::netconf::ErrorTag::AccessDenied));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junoscript_session_over_ssh_exec_answers_requests_and_ends() {
    let served = serve_default().await;
    let mut ssh = SshClientConfig::password(
        "admin",
        "admin",
        HostKeyCheck::Fingerprint(served.fingerprint.clone()),
    );
    ssh.subsystem = "junoscript".into();
    ssh.exec = true;
    let mut stream = connect_ssh(&served.ssh.to_string(), &ssh)
        .await
        .expect("junoscript channel");
    stream
        .write_all(
            b"<?xml version=\"1.0\" encoding=\"us-ascii\"?>\n<junoscript version=\"1.0\" release=\"20.4R3.8\">\n\
              <rpc><get-software-information/></rpc>\n<rpc><request-end-session/></rpc>\n",
        )
        .await
        .expect("write");
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out))
        .await
        .expect("the server ends the session")
        .expect("read");
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("<?xml version=\"1.0\""), "{text}");
    assert!(text.contains("<junoscript "), "{text}");
    assert!(text.contains("<software-information>"), "{text}");
    assert!(text.contains("<end-session/>"), "{text}");
    assert!(text.trim_end().ends_with("</junoscript>"), "{text}");
    assert!(served.device.lock().sessions().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_session_drops_the_victims_connection_and_frees_its_lock() {
    let served = serve_default().await;
    let addr = served.tcp.to_string();
    let mut a = NetconfClient::connect_tcp(&addr, SessionConfig::client(), Limits::client())
        .await
        .expect("a");
    let mut b = NetconfClient::connect_tcp(&addr, SessionConfig::client(), Limits::client())
        .await
        .expect("b");
    let r = b
        .rpc("<lock><target><candidate/></target></lock>")
        .await
        .expect("lock");
    assert!(r.reply.is_ok());
    let victim = b.session_id().expect("b's id");
    let r = a
        .rpc(&format!(
            "<kill-session><session-id>{victim}</session-id></kill-session>"
        ))
        .await
        .expect("kill");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    let after = b
        .rpc("<get-config><source><running/></source></get-config>")
        .await;
    assert!(
        matches!(after, Err(NetError::Closed(_)) | Err(NetError::Io { .. })),
        "the killed session's connection is dropped: {after:?}"
    );
    let r = a
        .rpc("<lock><target><candidate/></target></lock>")
        .await
        .expect("lock");
    assert!(
        r.reply.is_ok(),
        "the victim's lock is released: {:?}",
        r.reply.errors
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unconfirmed_commit_is_rolled_back_when_its_timer_fires() {
    let served = serve_default().await;
    let addr = served.tcp.to_string();
    let mut c = NetconfClient::connect_tcp(&addr, SessionConfig::client(), Limits::client())
        .await
        .expect("connect");
    let r = c
        .rpc("<edit-config><target><candidate/></target><config><configuration><system><host-name>brief</host-name></system></configuration></config></edit-config>")
        .await
        .expect("edit");
    assert!(r.reply.is_ok());
    let r = c
        .rpc("<commit><confirmed/><confirm-timeout>1</confirm-timeout></commit>")
        .await
        .expect("commit");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    assert_eq!(hostname(&served), "brief");
    // Subscribe to see the rollback's config-change event arrive.
    let r = c
        .rpc("<create-subscription xmlns=\"urn:ietf:params:xml:ns:netconf:notification:1.0\"/>")
        .await
        .expect("subscribe");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    let n = c
        .next_notification(Duration::from_secs(10))
        .await
        .expect("session open");
    assert!(
        n.is_some(),
        "a notification arrives when the confirm timer fires"
    );
    assert_eq!(hostname(&served), "sim-mx480", "rolled back");
    assert!(!served.device.lock().confirm_pending());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fault_plan_duplicates_warns_and_drops_over_tcp() {
    let plan = FaultPlan::new(vec![
        Fault::DuplicateReply {
            when: Trigger::Nth(1),
        },
        Fault::WarningOnSuccess {
            when: Trigger::Nth(3),
        },
        Fault::DropAfter { messages: 3 },
    ]);
    let config = DeviceConfig {
        faults: plan,
        ..DeviceConfig::default()
    };
    let served = serve(config, ServeOptions::default()).await;
    let mut c = NetconfClient::connect_tcp(
        &served.tcp.to_string(),
        SessionConfig::client(),
        Limits::client(),
    )
    .await
    .expect("connect");
    let lock = "<lock><target><candidate/></target></lock>";
    let unlock = "<unlock><target><candidate/></target></unlock>";
    // Reply 1 (to the lock) comes twice.
    assert!(c.rpc(lock).await.expect("first").reply.is_ok());
    let r = c.rpc(unlock).await.expect("second");
    assert!(r.reply.is_ok() && r.reply.errors.is_empty());
    let violations = c.take_violations();
    assert!(
        violations.iter().any(|v| v.rule.id == "duplicate-reply"),
        "the duplicate reply is a violation: {violations:?}"
    );
    // Reply 3 carries a warning next to <ok/>; then the device hangs up.
    let r = c.rpc(lock).await.expect("third");
    assert!(r.reply.is_ok(), "a warning is not an error");
    assert_eq!(r.reply.errors.len(), 1, "{:?}", r.reply.errors);
    let after = c.rpc(unlock).await;
    assert!(
        matches!(after, Err(NetError::Closed(_)) | Err(NetError::Io { .. })),
        "{after:?}"
    );
}

/// Sends a message that is not well-formed XML and returns the error the
/// device answers with (a reply without message-id) and the violations the
/// client saw; the session is still usable afterwards.
async fn unreadable_message_answer(
    capabilities: &[&str],
) -> (
    confuzz_wire::netconf::RpcError,
    Vec<confuzz_wire::Violation>,
) {
    use confuzz_wire::session::Event;
    let served = serve_default().await;
    let mut config = SessionConfig::client();
    config.capabilities = capabilities.iter().map(|c| c.to_string()).collect();
    let mut c = NetconfClient::connect_tcp(&served.tcp.to_string(), config, Limits::client())
        .await
        .expect("connect");
    c.driver()
        .session_mut()
        .send_message(b"<rpc message-id=\"bad\"><get-config></rpc>")
        .expect("queued");
    let reply = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match c.driver().next_event().await.expect("session open") {
                Event::UnmatchedReply { reply, .. } => return reply,
                Event::Violation(v) if v.rule.id != "reply-without-message-id" => {
                    panic!("unexpected violation: {v:?}")
                }
                _ => {}
            }
        }
    })
    .await
    .expect("the device answers");
    assert_eq!(reply.message_id, None);
    assert_eq!(reply.errors.len(), 1, "{:?}", reply.errors);
    let r = c
        .rpc("<get-config><source><running/></source></get-config>")
        .await
        .expect("the session goes on");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    (reply.errors[0].clone(), c.take_violations())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_message_from_a_base_1_0_client_is_operation_failed_not_malformed_message() {
    use confuzz_wire::netconf::{BASE_1_0, ErrorTag, ErrorType};
    let (e, violations) = unreadable_message_answer(&[BASE_1_0]).await;
    assert_eq!(e.error_tag, Some(ErrorTag::OperationFailed));
    assert_eq!(e.error_type, Some(ErrorType::Rpc));
    let m = e.error_message.expect("says why").text;
    assert!(m.contains("could not be read"), "{m}");
    assert!(violations.is_empty(), "{violations:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_message_from_a_base_1_1_client_is_malformed_message() {
    use confuzz_wire::netconf::{BASE_1_0, BASE_1_1, ErrorTag, ErrorType};
    let (e, violations) = unreadable_message_answer(&[BASE_1_0, BASE_1_1]).await;
    assert_eq!(e.error_tag, Some(ErrorTag::MalformedMessage));
    assert_eq!(e.error_type, Some(ErrorType::Rpc));
    assert!(violations.is_empty(), "{violations:?}");
}
