//! Keypaths to list entries with two keys (module `accounts`, list
//! `account` keyed by `realm` and `username`): keys quoted and escaped as
//! NSO clients write them, every method that takes a keypath, the wrong
//! number of keys, and the same entry edited over NETCONF and JSON-RPC.

use super::cross::{netconf, running};
use super::{call, login, ok, rw_trans, serve};
use confuzz_net::NetconfClient;
use serde_json::{Value, json};
use std::net::SocketAddr;

const ACCT: &str = "http://acme.com/ns/accounts";

/// Keypaths of entries written as an NSO client writes them, with the
/// realm and username they name.
const ENTRIES: &[(&str, &str, &str)] = &[
    ("/acct:accounts/account{sales kim}", "sales", "kim"),
    (
        r#"/acct:accounts/account{"Sales Dept" o\'brien}"#,
        "Sales Dept",
        "o'brien",
    ),
    (r"/acct:accounts/account{a\{b\} c:\\d}", "a{b}", r"c:\d"),
    (
        r#"/acct:accounts/account{"say \"hi\"" "x \{y\}"}"#,
        r#"say "hi""#,
        "x {y}",
    ),
];

async fn edit_commit(nc: &mut NetconfClient, config: &str) -> Vec<String> {
    let r = nc
        .rpc(&format!(
            "<edit-config><target><candidate/></target><config><configuration>{config}</configuration></config></edit-config>"
        ))
        .await
        .expect("edit");
    if !r.reply.is_ok() {
        let _ = nc.rpc("<discard-changes/>").await;
        return r.reply.errors.iter().map(|e| format!("{e:?}")).collect();
    }
    let r = nc.rpc("<commit/>").await.expect("commit");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    Vec::new()
}

/// `<account>` XML for NETCONF, text escaped for XML.
fn account_xml(realm: &str, user: &str, extra: &str) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('"', "&quot;")
    };
    format!(
        "<account><realm>{}</realm><username>{}</username>{extra}</account>",
        esc(realm),
        esc(user)
    )
}

async fn read(addr: SocketAddr, cookie: &str, method: &str, mut params: Value) -> Value {
    params["th"] = ok(addr, cookie, "new_trans", json!({"mode": "read"})).await["th"].clone();
    ok(addr, cookie, method, params).await
}

async fn exists(addr: SocketAddr, cookie: &str, path: &str) -> bool {
    read(addr, cookie, "exists", json!({ "path": path })).await["exists"]
        .as_bool()
        .expect("exists is a boolean")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_with_two_quoted_and_escaped_keys_are_created_set_read_and_deleted() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    let th = rw_trans(s.http, &c, "running").await;
    for (i, (path, realm, user)) in ENTRIES.iter().enumerate() {
        ok(s.http, &c, "create", json!({"th": th, "path": path})).await;
        let again = call(s.http, Some(&c), "create", json!({"th": th, "path": path})).await;
        assert_eq!(again.error_type(), "data.already_exists", "{}", again.body);
        ok(
            s.http,
            &c,
            "set_value",
            json!({"th": th, "path": format!("{path}/full-name"), "value": format!("user {i}")}),
        )
        .await;
        ok(
            s.http,
            &c,
            "set_value",
            json!({"th": th, "path": format!("{path}/quota"), "value": i}),
        )
        .await;
        let v = ok(
            s.http,
            &c,
            "get_values",
            json!({"th": th, "path": path, "leafs": ["realm", "username", "full-name"]}),
        )
        .await;
        assert_eq!(v["values"][0]["value"], *realm, "{path}: {v}");
        assert_eq!(v["values"][1]["value"], *user, "{path}: {v}");
        assert_eq!(v["values"][2]["value"], format!("user {i}"), "{path}: {v}");
    }
    // Each change names its entry by both keys, written back as NSO does.
    let ch = ok(s.http, &c, "get_trans_changes", json!({"th": th})).await;
    let created: Vec<&str> = ch["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["op"] == "created")
        .filter_map(|c| c["keypath"].as_str())
        .collect();
    let want: Vec<&str> = std::iter::once("/acct:accounts")
        .chain(ENTRIES.iter().map(|(p, _, _)| *p))
        .collect();
    assert_eq!(created, want, "{ch}");
    assert!(
        ch["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| { c["keypath"] == format!("{}/quota", ENTRIES[1].0) && c["value"] == "1" }),
        "{ch}"
    );
    ok(s.http, &c, "validate_commit", json!({"th": th})).await;
    ok(s.http, &c, "commit", json!({"th": th})).await;

    for (i, (path, realm, user)) in ENTRIES.iter().enumerate() {
        assert!(exists(s.http, &c, path).await, "{path}");
        assert_eq!(
            read(
                s.http,
                &c,
                "get_value",
                json!({"path": format!("{path}/full-name")})
            )
            .await,
            json!({"value": format!("user {i}")}),
            "{path}"
        );
        let sc = read(
            s.http,
            &c,
            "show_config",
            json!({"path": path, "result_as": "json"}),
        )
        .await;
        let entry = &sc["data"]["acct:account"][0];
        assert_eq!(
            (&entry["realm"], &entry["username"], &entry["quota"]),
            (&json!(realm), &json!(user), &json!(i)),
            "{path}: {sc}"
        );
    }
    // Same realm, other username: another entry.
    assert!(!exists(s.http, &c, "/acct:accounts/account{sales bob}").await);

    let th = rw_trans(s.http, &c, "running").await;
    ok(
        s.http,
        &c,
        "delete",
        json!({"th": th, "path": ENTRIES[1].0}),
    )
    .await;
    let gone = call(
        s.http,
        Some(&c),
        "delete",
        json!({"th": th, "path": ENTRIES[1].0}),
    )
    .await;
    assert_eq!(gone.error_type(), "data.not_found", "{}", gone.body);
    ok(s.http, &c, "validate_commit", json!({"th": th})).await;
    ok(s.http, &c, "commit", json!({"th": th})).await;
    assert!(!exists(s.http, &c, ENTRIES[1].0).await);
    for (path, _, _) in ENTRIES.iter().filter(|e| e.0 != ENTRIES[1].0) {
        assert!(exists(s.http, &c, path).await, "{path} stays");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_number_of_keys_is_invalid_params_on_path() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    let th = rw_trans(s.http, &c, "running").await;
    for (method, path) in [
        ("create", "/acct:accounts/account{sales}"),
        ("exists", "/acct:accounts/account{sales}"),
        ("get_value", "/acct:accounts/account{sales kim extra}/quota"),
        ("delete", "/acct:accounts/account{\"Sales Dept\"}"),
        ("set_value", "/d:config/device{eth0 eth1}/date"),
    ] {
        let mut params = json!({"th": th, "path": path});
        if method == "set_value" {
            params["value"] = json!("x");
        }
        let r = call(s.http, Some(&c), method, params).await;
        let v = r.json();
        assert_eq!(
            v["error"]["type"], "rpc.method.invalid_params",
            "{method} {path}: {}",
            r.body
        );
        assert_eq!(v["error"]["data"]["param"], "path", "{}", r.body);
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(
            msg.contains("{REALM USERNAME}") || msg.contains("{INTERFACE}"),
            "the message says which keys to give: {msg}"
        );
    }
    assert!(
        !ok(s.http, &c, "is_trans_modified", json!({"th": th})).await["modified"]
            .as_bool()
            .unwrap_or(true),
        "nothing changed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_netconf_edit_matches_an_entry_on_both_keys_and_jsonrpc_reads_it() {
    let s = serve().await;
    let mut nc = netconf(s.netconf).await;
    let (realm, user) = (ENTRIES[1].1, ENTRIES[1].2);
    let errors = edit_commit(
        &mut nc,
        &format!(
            "<accounts xmlns=\"{ACCT}\">{}{}</accounts>",
            account_xml(realm, user, "<full-name>A</full-name>"),
            account_xml(realm, "kim", "<full-name>K</full-name>"),
        ),
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    // Same realm and username: the first entry changes, the second stays.
    let errors = edit_commit(
        &mut nc,
        &format!(
            "<accounts xmlns=\"{ACCT}\">{}</accounts>",
            account_xml(realm, user, "<full-name>B</full-name>")
        ),
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    let data = running(
        &mut nc,
        &format!("<configuration><accounts xmlns=\"{ACCT}\"/></configuration>"),
    )
    .await;
    assert_eq!(data.matches("<account>").count(), 2, "{data}");

    let c = login(s.http, "admin").await;
    let full_name = |path: &str| format!("{path}/full-name");
    assert_eq!(
        read(
            s.http,
            &c,
            "get_value",
            json!({"path": full_name(ENTRIES[1].0)})
        )
        .await,
        json!({"value": "B"})
    );
    let kim = r#"/acct:accounts/account{"Sales Dept" kim}"#;
    assert_eq!(
        read(s.http, &c, "get_value", json!({"path": full_name(kim)})).await,
        json!({"value": "K"})
    );
    // An entry given with one of its two keys names nothing: refused.
    let errors = edit_commit(
        &mut nc,
        &format!(
            "<accounts xmlns=\"{ACCT}\"><account operation=\"delete\"><realm>Sales Dept</realm></account></accounts>"
        ),
    )
    .await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("MissingElement") && errors[0].contains("username"),
        "{errors:?}"
    );
    assert!(exists(s.http, &c, kim).await);
    assert!(exists(s.http, &c, ENTRIES[1].0).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_made_over_jsonrpc_is_deleted_over_netconf_by_both_keys() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    let th = rw_trans(s.http, &c, "running").await;
    // Beside the entries, one with the same realm as the one deleted.
    let twin = r#"/acct:accounts/account{"say \"hi\"" other}"#;
    for path in ENTRIES.iter().map(|e| e.0).chain([twin]) {
        ok(s.http, &c, "create", json!({"th": th, "path": path})).await;
    }
    let (path, realm, user) = ENTRIES[3];
    ok(
        s.http,
        &c,
        "set_value",
        json!({"th": th, "path": format!("{path}/full-name"), "value": "Q"}),
    )
    .await;
    ok(s.http, &c, "validate_commit", json!({"th": th})).await;
    ok(s.http, &c, "commit", json!({"th": th})).await;

    let mut nc = netconf(s.netconf).await;
    let data = running(
        &mut nc,
        &format!("<configuration><accounts xmlns=\"{ACCT}\"/></configuration>"),
    )
    .await;
    assert!(
        data.contains("<account><realm>say \"hi\"</realm><username>x {y}</username><full-name>Q</full-name></account>"),
        "{data}"
    );
    let errors = edit_commit(
        &mut nc,
        &format!(
            "<accounts xmlns=\"{ACCT}\"><account operation=\"delete\"><username>{user}</username><realm>{}</realm></account></accounts>",
            realm.replace('"', "&quot;")
        ),
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    assert!(!exists(s.http, &c, path).await);
    for other in ENTRIES[..3].iter().map(|e| e.0).chain([twin]) {
        assert!(exists(s.http, &c, other).await, "{other} stays");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_wants_every_key_of_an_entry_and_different_keys() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    let th = rw_trans(s.http, &c, "running").await;
    let entry = |keys: &str| format!("<account>{keys}<quota>1</quota></account>");
    let data = format!(
        "<accounts xmlns=\"{ACCT}\">{}{}{}</accounts>",
        entry("<realm>r</realm><username>u</username>"),
        entry("<username>u</username><realm>r</realm>"),
        entry("<realm>r 2</realm>"),
    );
    ok(
        s.http,
        &c,
        "load",
        json!({"th": th, "format": "xml", "mode": "replace", "data": data}),
    )
    .await;
    let r = call(s.http, Some(&c), "validate_trans", json!({"th": th})).await;
    assert_eq!(r.error_type(), "trans.validation_failed", "{}", r.body);
    let errors: Vec<(String, String)> = r.json()["error"]["data"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors: {}", r.body))
        .iter()
        .map(|e| {
            (
                e["paths"][0].as_str().unwrap_or("").to_owned(),
                e["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "/acct:accounts/account{r u}");
    assert!(errors[0].1.contains("same keys"), "{errors:?}");
    assert_eq!(errors[1].0, r#"/acct:accounts/account{"r 2"}"#);
    assert!(
        errors[1].1.contains("lacks its key leaf username"),
        "{errors:?}"
    );
    let r = call(s.http, Some(&c), "validate_commit", json!({"th": th})).await;
    assert_eq!(r.error_type(), "trans.validation_failed", "{}", r.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_schema_lists_both_keys_and_marks_them_as_keys() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    let r = ok(
        s.http,
        &c,
        "get_schema",
        json!({"path": "/acct:accounts/account", "levels": 1}),
    )
    .await;
    let d = &r["data"];
    assert_eq!(d["kind"], "list", "{r}");
    assert_eq!(d["key"], json!(["realm", "username"]), "{r}");
    let kinds: Vec<(&str, &str)> = d["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or(""),
                c["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("realm", "key"),
            ("username", "key"),
            ("full-name", "leaf"),
            ("quota", "leaf")
        ]
    );
    let map = ok(s.http, &c, "get_module_prefix_map", json!({})).await;
    assert_eq!(map["accounts"], "acct", "{map}");
    let one = ok(
        s.http,
        &c,
        "get_schema",
        json!({"path": "/d:config/device", "levels": 1}),
    )
    .await;
    assert_eq!(one["data"]["key"], json!(["interface"]), "{one}");
    assert_eq!(one["data"]["children"][0]["kind"], "key", "{one}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comet_messages_name_a_changed_entry_by_both_keys() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    let handle = ok(
        s.http,
        &c,
        "subscribe_changes",
        json!({"comet_id": "k", "path": "/acct:accounts"}),
    )
    .await["handle"]
        .clone();
    ok(s.http, &c, "start_subscription", json!({"handle": handle})).await;
    let (path, _, _) = ENTRIES[2];
    let th = rw_trans(s.http, &c, "running").await;
    ok(s.http, &c, "create", json!({"th": th, "path": path})).await;
    ok(
        s.http,
        &c,
        "set_value",
        json!({"th": th, "path": format!("{path}/quota"), "value": 7}),
    )
    .await;
    ok(s.http, &c, "validate_commit", json!({"th": th})).await;
    ok(s.http, &c, "commit", json!({"th": th})).await;
    let r = ok(s.http, &c, "comet", json!({"comet_id": "k"})).await;
    let changes: Vec<(String, String)> = r[0]["message"]["changes"]
        .as_array()
        .unwrap_or_else(|| panic!("changes: {r}"))
        .iter()
        .map(|c| {
            (
                c["op"].as_str().unwrap_or("").to_owned(),
                c["keypath"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("created".to_owned(), "/acct:accounts".to_owned()),
            ("created".to_owned(), path.to_owned()),
            ("value_set".to_owned(), format!("{path}/quota")),
        ]
    );
}
