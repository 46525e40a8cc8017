//! ConfigSet (every load type, then commit, seen by NETCONF and in the
//! commit history) and its failures; the ephemeral database.

use super::{logged_in, netconf_running, serve_grpc};
use confuzz_net::NetconfClient;
use confuzz_net::grpc::proto::jnx::jet::management::{ConfigGetOutputFormat, ConfigLoadType};
use confuzz_net::grpc::{Config, GrpcError};
use confuzz_sim::serve::grpc::GrpcOptions;
use confuzz_wire::session::SessionConfig;

fn failed(e: &GrpcError) -> &str {
    match e {
        GrpcError::Failed(m) => m,
        other => panic!("expected status FAILURE, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_set_loads_with_each_load_type_and_commits_for_netconf_to_see() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let mut c = logged_in(s.grpc, "admin", "admin").await;
    let cases: Vec<(ConfigLoadType, Config, &str)> = vec![
        (
            ConfigLoadType::ConfigLoadMerge,
            Config::Text("system { host-name grpc-merged; }".into()),
            "<host-name>grpc-merged</host-name>",
        ),
        (
            ConfigLoadType::ConfigLoadSet,
            Config::Text("set interfaces ge-0/0/7 description \"by set\"".into()),
            "<description>by set</description>",
        ),
        (
            ConfigLoadType::ConfigLoadMerge,
            Config::Xml(
                "<configuration><interfaces><interface><name>ge-0/0/8</name><description>by xml</description></interface></interfaces></configuration>"
                    .into(),
            ),
            "<description>by xml</description>",
        ),
        (
            ConfigLoadType::ConfigLoadMerge,
            Config::Json(
                r#"{"configuration": {"interfaces": {"interface": [{"name": "ge-0/0/6", "description": "by json", "unit": [{"name": 0, "family": {"inet": {"address": [{"name": "203.0.113.6/24"}]}}}]}]}}}"#
                    .into(),
            ),
            "<name>203.0.113.6/24</name>",
        ),
        (
            ConfigLoadType::ConfigLoadReplace,
            Config::Text(
                "interfaces { replace: ge-0/0/0 { description \"replaced whole\"; } }".into(),
            ),
            "<description>replaced whole</description>",
        ),
    ];
    for (i, (load, config, expect)) in cases.into_iter().enumerate() {
        let comment = format!("grpc change {i}");
        c.config_set(config, load, Some(&comment))
            .await
            .unwrap_or_else(|e| panic!("{load:?}: {e}"));
        let running = netconf_running(s.tcp).await;
        assert!(
            running.contains(expect),
            "{load:?}: {expect} not in\n{running}"
        );
        let dev = s.device.lock();
        let h = dev.history().next().expect("a commit record");
        assert_eq!(h.comment.as_deref(), Some(comment.as_str()));
        assert_eq!((h.user.as_str(), h.client.as_str()), ("admin", "grpc"));
    }
    // replace: ge-0/0/0 lost its unit and its address.
    let running = netconf_running(s.tcp).await;
    assert!(!running.contains("192.0.2.1/24"), "{running}");

    // Override and update take a whole configuration: drop ge-0/0/2.
    let mut whole = s.device.lock().running().clone();
    let ifaces = whole
        .children
        .iter_mut()
        .find(|e| e.name.local == "interfaces")
        .expect("interfaces");
    ifaces
        .children
        .retain(|i| i.child_text("name") != Some("ge-0/0/2"));
    let text = confuzz_sim::junos::text::write(&whole);
    c.config_set(
        Config::Text(text.clone()),
        ConfigLoadType::ConfigLoadOverride,
        Some("override"),
    )
    .await
    .expect("override");
    let running = netconf_running(s.tcp).await;
    assert!(!running.contains("<name>ge-0/0/2</name>"), "{running}");
    assert!(running.contains("<name>ge-0/0/1</name>"), "{running}");
    let updated = text.replace("by set", "by update");
    c.config_set(
        Config::Text(updated),
        ConfigLoadType::ConfigLoadUpdate,
        Some("update"),
    )
    .await
    .expect("update");
    assert!(
        netconf_running(s.tcp)
            .await
            .contains("<description>by update</description>")
    );

    // Without a commit the change stays in the candidate.
    c.config_set(
        Config::Text("system { host-name not-committed; }".into()),
        ConfigLoadType::ConfigLoadMerge,
        None,
    )
    .await
    .expect("load only");
    let dev = s.device.lock();
    let name = |e: &confuzz_wire::xml::Element| {
        e.child("system")
            .and_then(|x| x.child_text("host-name"))
            .map(str::to_owned)
    };
    assert_eq!(name(dev.candidate()).as_deref(), Some("not-committed"));
    assert_eq!(name(dev.running()).as_deref(), Some("grpc-merged"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_set_failures_are_status_failure_and_leave_nothing_behind() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let mut c = logged_in(s.grpc, "admin", "admin").await;
    let commit = Some("should not happen");
    let e = c
        .config_set(
            Config::Text("system { host-name ".into()),
            ConfigLoadType::ConfigLoadMerge,
            commit,
        )
        .await
        .expect_err("bad text");
    assert!(failed(&e).contains("syntax error"), "{e}");
    let e = c
        .config_set(
            Config::Xml("<configuration><system>".into()),
            ConfigLoadType::ConfigLoadMerge,
            commit,
        )
        .await
        .expect_err("bad xml");
    assert!(failed(&e).contains("cannot be read"), "{e}");
    let e = c
        .config_set(
            Config::Json("{\"configuration\": [1]}".into()),
            ConfigLoadType::ConfigLoadMerge,
            commit,
        )
        .await
        .expect_err("bad json");
    assert!(!failed(&e).is_empty(), "{e}");
    let e = c
        .config_set(
            Config::Xml("<configuration/>".into()),
            ConfigLoadType::ConfigLoadSet,
            commit,
        )
        .await
        .expect_err("set with xml");
    assert!(
        failed(&e).contains("CONFIG_LOAD_SET takes text_config"),
        "{e}"
    );
    {
        let dev = s.device.lock();
        assert_eq!(dev.candidate(), dev.running(), "a failed load left changes");
        assert_eq!(dev.history().count(), 1, "a failed call committed");
    }

    // A NETCONF session holding the candidate lock.
    let mut nc = NetconfClient::connect_tcp(
        &s.tcp.to_string(),
        SessionConfig::client(),
        confuzz_net::Limits::client(),
    )
    .await
    .expect("netconf");
    let r = nc
        .rpc("<lock><target><candidate/></target></lock>")
        .await
        .expect("lock");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    let e = c
        .config_set(
            Config::Text("system { host-name locked-out; }".into()),
            ConfigLoadType::ConfigLoadMerge,
            commit,
        )
        .await
        .expect_err("the lock is held");
    assert!(failed(&e).to_lowercase().contains("lock"), "{e}");
    drop(nc);

    // A read-only user may look but not change.
    let mut op = logged_in(s.grpc, "operator", "operator").await;
    let e = op
        .config_set(
            Config::Text("system { host-name by-operator; }".into()),
            ConfigLoadType::ConfigLoadMerge,
            commit,
        )
        .await
        .expect_err("operator may not configure");
    assert!(failed(&e).contains("denied"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ephemeral_instances_keep_their_own_configuration() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let mut c = logged_in(s.grpc, "admin", "admin").await;
    let running_before = s.device.lock().running().clone();
    c.ephemeral_set(
        "",
        Config::Json(
            r#"{"configuration": {"interfaces": {"interface": [{"name": "ge-0/0/5", "description": "ephemeral"}]}}}"#
                .into(),
        ),
        false,
    )
    .await
    .expect("set default instance");
    let got = c
        .ephemeral_get("", ConfigGetOutputFormat::ConfigGetOutputJson, &["/"])
        .await
        .expect("get json");
    let v: serde_json::Value = serde_json::from_str(&got[0].value).expect("JSON value parses");
    assert_eq!(
        v["configuration"]["interfaces"]["interface"][0]["description"], "ephemeral",
        "{}",
        got[0].value
    );
    let got = c
        .ephemeral_get(
            "",
            ConfigGetOutputFormat::ConfigGetOutputXml,
            &["/interfaces/interface[name='ge-0/0/5']"],
        )
        .await
        .expect("get xml at a path");
    assert!(
        got[0]
            .value
            .contains("<description>ephemeral</description>"),
        "{}",
        got[0].value
    );
    assert_eq!(
        s.device.lock().running(),
        &running_before,
        "the static configuration is untouched"
    );

    // load_only: loaded, not active.
    c.ephemeral_set(
        "",
        Config::Xml(
            "<configuration><system><host-name>eph</host-name></system></configuration>".into(),
        ),
        true,
    )
    .await
    .expect("load only");
    let e = c
        .ephemeral_get("", ConfigGetOutputFormat::ConfigGetOutputXml, &["/system"])
        .await
        .expect_err("not active yet");
    assert!(failed(&e).contains("no configuration at path"), "{e}");

    // Only "/" is a set path.
    let mut mgmt = c.management();
    let req = confuzz_net::grpc::proto::jnx::jet::management::EphemeralConfigSetRequest {
        config_operations: vec![confuzz_net::grpc::proto::jnx::jet::management::ephemeral_config_set_request::ConfigOperation {
            id: "x".into(),
            operation: 0,
            path: "/interfaces".into(),
            value: Some(confuzz_net::grpc::proto::jnx::jet::management::ephemeral_config_set_request::config_operation::Value::XmlConfig("<interfaces/>".into())),
        }],
        ..Default::default()
    };
    let r = mgmt
        .ephemeral_config_set(req)
        .await
        .expect("answer")
        .into_inner();
    let status = r.status.expect("status");
    assert_eq!(status.code, 1, "FAILURE");
    assert!(
        status.message.contains("takes path \"/\""),
        "{}",
        status.message
    );

    // A named instance must be configured first.
    let named = Config::Xml(
        "<configuration><system><host-name>named</host-name></system></configuration>".into(),
    );
    let e = c
        .ephemeral_set("jet-apps", named.clone(), false)
        .await
        .expect_err("unconfigured instance");
    assert!(failed(&e).contains("is not configured"), "{e}");
    c.config_set(
        Config::Xml("<configuration><system><configuration-database><ephemeral><instance><name>jet-apps</name></instance></ephemeral></configuration-database></system></configuration>".into()),
        ConfigLoadType::ConfigLoadMerge,
        Some("ephemeral instance"),
    )
    .await
    .expect("configure the instance");
    c.ephemeral_set("jet-apps", named, false)
        .await
        .expect("set the named instance");
    let got = c
        .ephemeral_get(
            "jet-apps",
            ConfigGetOutputFormat::ConfigGetOutputXml,
            &["/system/host-name"],
        )
        .await
        .expect("get named");
    assert!(
        got[0].value.contains("<host-name>named</host-name>"),
        "{}",
        got[0].value
    );
    let default = c
        .ephemeral_get("", ConfigGetOutputFormat::ConfigGetOutputXml, &["/"])
        .await
        .expect("get default");
    assert!(
        !default[0].value.contains("named"),
        "instances are separate"
    );
}
