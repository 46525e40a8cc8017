//! Many sessions at once over TCP against one device.

use super::serve_default;
use confuzz_net::{Limits, NetconfClient};
use confuzz_wire::netconf::ErrorTag;
use confuzz_wire::session::SessionConfig;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

const SESSIONS: u32 = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_sessions_contend_for_the_candidate_lock_and_no_commit_is_lost() {
    let served = serve_default().await;
    let addr = served.tcp.to_string();
    let holders = Arc::new(AtomicU32::new(0));
    let max_holders = Arc::new(AtomicU32::new(0));
    let denied = Arc::new(AtomicU32::new(0));
    // Connect all sessions first, so they really are open at once.
    let mut clients = Vec::new();
    for _ in 0..SESSIONS {
        let c = NetconfClient::connect_tcp(&addr, SessionConfig::client(), Limits::client())
            .await
            .expect("connect");
        clients.push(c);
    }
    assert_eq!(served.device.lock().sessions().len(), SESSIONS as usize);
    let mut tasks = tokio::task::JoinSet::new();
    for (i, mut c) in clients.into_iter().enumerate() {
        let (holders, max_holders, denied) = (holders.clone(), max_holders.clone(), denied.clone());
        tasks.spawn(async move {
            let mut attempts = 0u32;
            loop {
                attempts += 1;
                assert!(attempts < 20_000, "session {i} never got the lock");
                let r = c
                    .rpc("<lock><target><candidate/></target></lock>")
                    .await
                    .expect("lock reply");
                if r.reply.is_ok() {
                    break;
                }
                let tag = r.reply.errors.first().and_then(|e| e.error_tag.clone());
                assert_eq!(tag, Some(ErrorTag::LockDenied), "{:?}", r.reply.errors);
                denied.fetch_add(1, Ordering::Relaxed);
                // Back off a little so the holder's rpcs get served.
                tokio::time::sleep(Duration::from_millis(1 + (i as u64 % 7))).await;
            }
            let now = holders.fetch_add(1, Ordering::SeqCst) + 1;
            max_holders.fetch_max(now, Ordering::SeqCst);
            let edit = format!(
                "<edit-config><target><candidate/></target><config><configuration><interfaces><interface><name>ge-9/0/{i}</name><description>session {i}</description></interface></interfaces></configuration></config></edit-config>"
            );
            let r = c.rpc(&edit).await.expect("edit reply");
            assert!(r.reply.is_ok(), "edit by {i}: {:?}", r.reply.errors);
            let r = c.rpc("<commit/>").await.expect("commit reply");
            assert!(r.reply.is_ok(), "commit by {i}: {:?}", r.reply.errors);
            holders.fetch_sub(1, Ordering::SeqCst);
            let r = c
                .rpc("<unlock><target><candidate/></target></unlock>")
                .await
                .expect("unlock reply");
            assert!(r.reply.is_ok(), "unlock by {i}: {:?}", r.reply.errors);
            c.close().await.expect("close");
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("a session task failed");
    }
    assert_eq!(
        max_holders.load(Ordering::SeqCst),
        1,
        "two sessions held the lock at once"
    );
    assert!(
        denied.load(Ordering::Relaxed) > 0,
        "the sessions really contended"
    );
    let dev = served.device.lock();
    let running = dev.running();
    let interfaces = running.child("interfaces").expect("interfaces");
    for i in 0..SESSIONS {
        let name = format!("ge-9/0/{i}");
        assert!(
            interfaces
                .children
                .iter()
                .any(|c| c.child_text("name") == Some(name.as_str())),
            "the commit of session {i} is lost"
        );
    }
    assert!(dev.sessions().is_empty());
    assert_eq!(dev.lock_holder(confuzz_sim::Datastore::Candidate), None);
}
