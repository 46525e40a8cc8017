//! NSO JSON-RPC over HTTP against the simulated device: the manual's flow
//! replayed with curl, sessions and param errors, batches, and the same
//! device state seen over NETCONF.

mod cross;
mod keys;

use confuzz_net::{Limits, NetconfClient};
use confuzz_sim::DeviceConfig;
use confuzz_sim::nso::NsoOptions;
use confuzz_sim::serve::http::{HttpOptions, NsoService, serve_http_service};
use confuzz_sim::serve::netconf::ServeOptions;
use confuzz_sim::serve::{SimDevice, serve_tcp};
use confuzz_wire::session::SessionConfig;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

struct Served {
    service: Arc<NsoService>,
    http: SocketAddr,
    netconf: SocketAddr,
}

async fn serve_with(options: HttpOptions) -> Served {
    let device = SimDevice::new(DeviceConfig::default());
    let service = NsoService::new(device.clone(), options);
    let hl = TcpListener::bind("127.0.0.1:0").await.expect("bind http");
    let tl = TcpListener::bind("127.0.0.1:0").await.expect("bind tcp");
    let (http, netconf) = (
        hl.local_addr().expect("addr"),
        tl.local_addr().expect("addr"),
    );
    tokio::spawn(serve_http_service(service.clone(), hl));
    tokio::spawn(serve_tcp(device, tl, ServeOptions::default()));
    Served {
        service,
        http,
        netconf,
    }
}

async fn serve() -> Served {
    serve_with(HttpOptions::default()).await
}

/// An HTTP exchange: status, raw head, body.
struct Exchange {
    status: u16,
    head: String,
    body: String,
}

impl Exchange {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    fn error_type(&self) -> String {
        self.json()["error"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// One HTTP/1.1 POST over a fresh connection (our own minimal client).
async fn post_raw(addr: SocketAddr, path: &str, headers: &[(&str, &str)], body: &str) -> Exchange {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        req += &format!("{k}: {v}\r\n");
    }
    req += "\r\n";
    req += body;
    s.write_all(req.as_bytes()).await.expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("read");
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Exchange {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

async fn call(addr: SocketAddr, cookie: Option<&str>, method: &str, params: Value) -> Exchange {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
    let c = cookie.map(|c| format!("sessionid={c}"));
    let mut h = vec![("Content-Type", "application/json")];
    if let Some(c) = &c {
        h.push(("Cookie", c.as_str()));
    }
    post_raw(addr, "/jsonrpc", &h, &body).await
}

async fn login(addr: SocketAddr, user: &str) -> String {
    let r = call(addr, None, "login", json!({"user": user, "passwd": user})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let sc = r.header("set-cookie").expect("Set-Cookie on login");
    assert!(sc.contains("HttpOnly"), "{sc}");
    sc.split(';')
        .next()
        .and_then(|kv| kv.strip_prefix("sessionid="))
        .expect("sessionid cookie")
        .to_owned()
}

async fn ok(addr: SocketAddr, cookie: &str, method: &str, params: Value) -> Value {
    let r = call(addr, Some(cookie), method, params).await;
    let v = r.json();
    assert!(v.get("error").is_none(), "{method}: {}", r.body);
    v["result"].clone()
}

async fn rw_trans(addr: SocketAddr, cookie: &str, db: &str) -> i64 {
    ok(
        addr,
        cookie,
        "new_trans",
        json!({"db": db, "mode": "read_write"}),
    )
    .await["th"]
        .as_i64()
        .expect("th")
}

// ---- curl: the manual's examples replayed by a third-party client ----

/// Whether curl runs; if not, skip (or fail on CI).
fn have_curl() -> bool {
    let found = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        let why = "curl is not installed";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why} (CI=true: third-party client tests must run)");
        }
        eprintln!("skipped: {why}");
    }
    found
}

async fn curl(jar: &std::path::Path, url: &str, body: &Value, extra: &[&str]) -> Value {
    let out = tokio::process::Command::new("curl")
        .args([
            "-s",
            "-S",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
        ])
        .args([
            "-c",
            &jar.display().to_string(),
            "-b",
            &jar.display().to_string(),
        ])
        .args(extra)
        .args(["-d", &body.to_string(), url])
        .output()
        .await
        .expect("curl");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_replays_the_manuals_transaction_and_comet_flow() {
    if !have_curl() {
        return;
    }
    let s = serve().await;
    let url = format!("http://{}/jsonrpc", s.http);
    let dir = std::env::temp_dir().join(format!("confuzz-jsonrpc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let jar = dir.join("cookies");
    let req = |id: i64, method: &str, params: Value| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
    // login: a wrong password fails, the right one sets the cookie.
    let r = curl(
        &jar,
        &url,
        &req(1, "login", json!({"user": "joe", "passwd": "SWkkasE32"})),
        &[],
    )
    .await;
    assert_eq!(r["error"]["type"], "rpc.method.failed", "{r}");
    let r = curl(
        &jar,
        &url,
        &req(1, "login", json!({"user": "admin", "passwd": "admin"})),
        &[],
    )
    .await;
    assert_eq!(r, json!({"jsonrpc": "2.0", "id": 1, "result": {}}));
    let jar_text = std::fs::read_to_string(&jar).expect("cookie jar");
    assert!(
        jar_text.contains("#HttpOnly_") && jar_text.contains("sessionid"),
        "{jar_text}"
    );
    let r = curl(
        &jar,
        &url,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "get_trans"}),
        &[],
    )
    .await;
    assert_eq!(r["result"], json!({"trans": []}));
    // new_trans, get_value, set_value, validate_commit, commit.
    let r = curl(
        &jar,
        &url,
        &req(
            2,
            "new_trans",
            json!({"db": "running", "mode": "read_write"}),
        ),
        &[],
    )
    .await;
    let th = r["result"]["th"].as_i64().expect("th");
    let r = curl(
        &jar,
        &url,
        &req(
            3,
            "get_value",
            json!({"th": th, "path": "/dhcp:dhcp/max-lease-time"}),
        ),
        &[],
    )
    .await;
    assert_eq!(r["result"], json!({"value": "7200"}));
    let r = curl(
        &jar,
        &url,
        &req(
            4,
            "set_value",
            json!({"th": th, "path": "/dhcp:dhcp/max-lease-time", "value": "4500"}),
        ),
        &[],
    )
    .await;
    assert_eq!(r, json!({"jsonrpc": "2.0", "id": 4, "result": {}}));
    // subscribe to /dhcp:dhcp on comet channel "main" before committing.
    let r = curl(
        &jar,
        &url,
        &req(
            5,
            "subscribe_changes",
            json!({"comet_id": "main", "path": "/dhcp:dhcp"}),
        ),
        &[],
    )
    .await;
    let handle = r["result"]["handle"].as_str().expect("handle").to_owned();
    let r = curl(
        &jar,
        &url,
        &req(6, "start_subscription", json!({"handle": handle})),
        &[],
    )
    .await;
    assert_eq!(r["result"], json!({}));
    let r = curl(
        &jar,
        &url,
        &req(7, "validate_commit", json!({"th": th})),
        &[],
    )
    .await;
    assert_eq!(r["result"], json!({}), "{r}");
    let r = curl(&jar, &url, &req(8, "commit", json!({"th": th})), &[]).await;
    assert_eq!(r["result"], json!({}), "{r}");
    // The comet long poll returns the change the commit made.
    let r = curl(
        &jar,
        &url,
        &req(9, "comet", json!({"comet_id": "main"})),
        &["-m", "15"],
    )
    .await;
    let msgs = r["result"].as_array().expect("comet result").clone();
    assert_eq!(msgs.len(), 1, "{r}");
    assert_eq!(msgs[0]["handle"], json!(handle));
    let m = &msgs[0]["message"];
    assert_eq!(m["db"], "running");
    assert_eq!(m["user"], "admin");
    assert_eq!(
        m["changes"][0],
        json!({"keypath": "/dhcp:dhcp/max-lease-time", "path": "/dhcp:dhcp/max-lease-time", "op": "value_set", "value": "4500", "old": "7200"})
    );
    // A comet call waiting while another client commits wakes up with it.
    let waiting = {
        let (jar, url) = (jar.clone(), url.clone());
        tokio::spawn(async move {
            curl(&jar, &url, &json!({"jsonrpc": "2.0", "id": 10, "method": "comet", "params": {"comet_id": "main"}}), &["-m", "15"]).await
        })
    };
    let other = login(s.http, "admin").await;
    let th2 = rw_trans(s.http, &other, "running").await;
    ok(
        s.http,
        &other,
        "set_value",
        json!({"th": th2, "path": "/dhcp:dhcp/default-lease-time", "value": 100}),
    )
    .await;
    ok(s.http, &other, "validate_commit", json!({"th": th2})).await;
    ok(s.http, &other, "commit", json!({"th": th2})).await;
    let r = waiting.await.expect("comet task");
    let c = &r["result"][0]["message"]["changes"][0];
    assert_eq!(c["keypath"], "/dhcp:dhcp/default-lease-time", "{r}");
    assert_eq!(c["value"], "100");
    // logout: the cookie is no longer valid.
    let r = curl(
        &jar,
        &url,
        &json!({"jsonrpc": "2.0", "id": 11, "method": "logout"}),
        &[],
    )
    .await;
    assert_eq!(r["result"], json!({}));
    let r = curl(
        &jar,
        &url,
        &json!({"jsonrpc": "2.0", "id": 12, "method": "get_trans"}),
        &["--cookie", "sessionid=sess4245223558720207078"],
    )
    .await;
    assert_eq!(r["error"]["type"], "session.invalid_sessionid");
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- the same device state over NETCONF ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jsonrpc_commit_is_seen_by_netconf_get_config() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    cross::commit_calls(
        s.http,
        &c,
        &[
            (
                "set_value",
                json!({"path": "/junos:configuration/system/host-name", "value": "from-jsonrpc"}),
            ),
            ("create", json!({"path": "/d:config/device{eth1}"})),
            (
                "set_value",
                json!({"path": "/d:config/device{eth1}/date", "value": "2024-05-01"}),
            ),
        ],
    )
    .await;
    let mut nc = cross::netconf(s.netconf).await;
    let data = cross::running(&mut nc, "").await;
    assert!(
        data.contains("<host-name>from-jsonrpc</host-name>"),
        "{data}"
    );
    assert!(
        data.contains("xmlns=\"http://acme.com/ns/devices\""),
        "{data}"
    );
    assert!(
        data.contains("<interface>eth1</interface><date>2024-05-01</date>"),
        "{data}"
    );
    // And a NETCONF commit is seen by a new JSON-RPC transaction.
    let r = nc
        .rpc("<edit-config><target><candidate/></target><config><configuration><system><host-name>from-netconf</host-name></system></configuration></config></edit-config>")
        .await
        .expect("edit");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    assert!(nc.rpc("<commit/>").await.expect("commit").reply.is_ok());
    let th = ok(s.http, &c, "new_trans", json!({"mode": "read"})).await["th"]
        .as_i64()
        .expect("th");
    let v = ok(
        s.http,
        &c,
        "get_value",
        json!({"th": th, "path": "/junos:configuration/system/host-name"}),
    )
    .await;
    assert_eq!(v, json!({"value": "from-netconf"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lock_db_conflicts_with_a_netconf_lock_and_names_the_holder() {
    let s = serve().await;
    let c = login(s.http, "admin").await;
    let mut nc = NetconfClient::connect_tcp(
        &s.netconf.to_string(),
        SessionConfig::client(),
        Limits::client(),
    )
    .await
    .expect("netconf");
    let r = nc
        .rpc("<lock><target><running/></target></lock>")
        .await
        .expect("lock");
    assert!(r.reply.is_ok(), "{:?}", r.reply.errors);
    let r = call(s.http, Some(&c), "lock_db", json!({"db": "running"})).await;
    let v = r.json();
    assert_eq!(v["error"]["type"], "db.locked", "{}", r.body);
    let sessions = v["error"]["data"]["sessions"]
        .as_array()
        .expect("data.sessions");
    assert!(
        sessions[0]
            .as_str()
            .unwrap_or("")
            .contains("admin netconf session"),
        "{sessions:?}"
    );
    // Writes into a transaction on the locked datastore are refused too.
    let th = rw_trans(s.http, &c, "running").await;
    let r = call(
        s.http,
        Some(&c),
        "set_value",
        json!({"th": th, "path": "/dhcp:dhcp/max-lease-time", "value": "1"}),
    )
    .await;
    assert_eq!(r.error_type(), "db.locked");
    // Released over NETCONF, JSON-RPC takes it; then NETCONF is refused.
    assert!(
        nc.rpc("<unlock><target><running/></target></unlock>")
            .await
            .expect("unlock")
            .reply
            .is_ok()
    );
    ok(s.http, &c, "lock_db", json!({"db": "running"})).await;
    let r = nc
        .rpc("<lock><target><running/></target></lock>")
        .await
        .expect("lock");
    assert!(
        !r.reply.is_ok(),
        "NETCONF lock must fail while JSON-RPC holds it"
    );
    ok(s.http, &c, "unlock_db", json!({"db": "running"})).await;
    assert!(
        nc.rpc("<lock><target><running/></target></lock>")
            .await
            .expect("lock")
            .reply
            .is_ok()
    );
}

// ---- sessions ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_errors_missing_invalid_logged_out_and_idle() {
    let mut o = HttpOptions::default();
    o.nso.idle_timeout = std::time::Duration::from_millis(300);
    let s = serve_with(o).await;
    let r = call(s.http, None, "get_trans", json!({})).await;
    assert_eq!(r.error_type(), "session.missing_sessionid");
    assert_eq!(r.json()["error"]["code"], -32000);
    let r = call(s.http, Some("sess1"), "get_trans", json!({})).await;
    assert_eq!(r.error_type(), "session.invalid_sessionid");
    assert!(
        r.header("set-cookie")
            .is_some_and(|c| c.contains("Max-Age=0"))
    );
    let c = login(s.http, "admin").await;
    ok(s.http, &c, "get_trans", json!({})).await;
    ok(s.http, &c, "logout", json!({})).await;
    let r = call(s.http, Some(&c), "logout", json!({})).await;
    assert_eq!(r.error_type(), "session.invalid_sessionid");
    // Idle past the timeout: the session is gone.
    let c = login(s.http, "admin").await;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let r = call(s.http, Some(&c), "get_trans", json!({})).await;
    assert_eq!(r.error_type(), "session.invalid_sessionid");
    assert_eq!(s.service.state().session_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_without_params_uses_basic_authorization() {
    let s = serve().await;
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"login","params":{}}"#;
    let h = [
        ("Content-Type", "application/json"),
        ("Authorization", "Basic YWRtaW46YWRtaW4="),
    ];
    let r = post_raw(s.http, "/jsonrpc/login", &h, body).await;
    assert_eq!(r.json()["result"], json!({}), "{}", r.body);
    assert!(
        r.header("set-cookie")
            .is_some_and(|c| c.starts_with("sessionid=sess"))
    );
    let r = post_raw(s.http, "/jsonrpc", &h[..1], body).await;
    assert_eq!(r.error_type(), "rpc.method.failed");
    assert!(r.header("set-cookie").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_overload_past_the_per_session_limit() {
    let mut o = HttpOptions::default();
    o.nso.max_per_session = 2;
    let s = serve_with(o).await;
    let c = login(s.http, "admin").await;
    ok(s.http, &c, "new_trans", json!({})).await;
    ok(
        s.http,
        &c,
        "subscribe_changes",
        json!({"comet_id": "x", "path": "/dhcp:dhcp"}),
    )
    .await;
    let r = call(s.http, Some(&c), "new_trans", json!({})).await;
    assert_eq!(r.error_type(), "session.overload", "{}", r.body);
    let r = call(
        s.http,
        Some(&c),
        "subscribe_changes",
        json!({"comet_id": "x", "path": "/dhcp:dhcp"}),
    )
    .await;
    assert_eq!(r.error_type(), "session.overload");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operator_is_read_only() {
    let s = serve().await;
    let c = login(s.http, "operator").await;
    let th = ok(s.http, &c, "new_trans", json!({"mode": "read"})).await["th"]
        .as_i64()
        .expect("th");
    ok(
        s.http,
        &c,
        "get_value",
        json!({"th": th, "path": "/dhcp:dhcp/max-lease-time"}),
    )
    .await;
    let r = call(s.http, Some(&c), "new_trans", json!({"mode": "read_write"})).await;
    assert_eq!(r.error_type(), "rpc.method.denied");
    let r = call(s.http, Some(&c), "lock_db", json!({"db": "running"})).await;
    assert_eq!(r.error_type(), "rpc.method.denied");
}

// ---- params and the HTTP layer ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn param_errors_carry_data_param() {
    let s = serve().await;
    let r = call(
        s.http,
        None,
        "login",
        json!({"foo": "joe", "bar": "SWkkasE32"}),
    )
    .await;
    assert_eq!(
        r.json()["error"],
        json!({"code": -32602, "type": "rpc.method.unexpected_params", "message": "Unexpected params", "data": {"param": "bar"}})
    );
    let c = login(s.http, "admin").await;
    for (params, kind, param) in [
        (json!({}), "rpc.method.missing_params", "th"),
        (
            json!({"th": 1.0, "path": "/dhcp:dhcp/max-lease-time"}),
            "rpc.method.invalid_params_type",
            "th",
        ),
        (
            json!({"th": "1", "path": "/dhcp:dhcp/max-lease-time"}),
            "rpc.method.invalid_params_type",
            "th",
        ),
        (
            json!({"th": 99, "path": "/dhcp:dhcp/max-lease-time"}),
            "rpc.method.unknown_params_value",
            "th",
        ),
        (
            json!({"th": 1, "path": "/nope:x"}),
            "rpc.method.invalid_params",
            "path",
        ),
    ] {
        let r = call(s.http, Some(&c), "get_value", params.clone()).await;
        let e = &r.json()["error"];
        assert_eq!(e["type"], kind, "{params}: {}", r.body);
        assert_eq!(e["data"]["param"], param, "{params}");
    }
    let body = r#"{"jsonrpc":"2.0","id":7,"method":"get_value","params":{"th":1e999999,"path":"/dhcp:dhcp"}}"#;
    let cookie = format!("sessionid={c}");
    let r = post_raw(
        s.http,
        "/jsonrpc",
        &[("Content-Type", "application/json"), ("Cookie", &cookie)],
        body,
    )
    .await;
    assert_eq!(
        r.error_type(),
        "rpc.method.invalid_params_type",
        "{}",
        r.body
    );
    let r = call(s.http, Some(&c), "get_trans", json!([1, 2])).await;
    assert_eq!(r.json()["error"]["data"]["param"], "params");
    let r = call(s.http, Some(&c), "no_such_method", json!({})).await;
    assert_eq!(r.error_type(), "rpc.method.not_found");
    let th = rw_trans(s.http, &c, "running").await;
    let r = call(
        s.http,
        Some(&c),
        "get_value",
        json!({"th": th, "path": "/d:config/device{eth9}/date"}),
    )
    .await;
    assert_eq!(r.error_type(), "data.not_found");
    let r = call(
        s.http,
        Some(&c),
        "create",
        json!({"th": th, "path": "/d:config/device{eth0}"}),
    )
    .await;
    assert_eq!(r.error_type(), "data.already_exists");
    ok(
        s.http,
        &c,
        "set_value",
        json!({"th": th, "path": "/dhcp:dhcp/default-lease-time", "value": "9000"}),
    )
    .await;
    let r = call(s.http, Some(&c), "validate_commit", json!({"th": th})).await;
    let e = &r.json()["error"];
    assert_eq!(e["type"], "trans.validation_failed", "{}", r.body);
    assert_eq!(
        e["data"]["errors"][0]["paths"][0],
        "/dhcp:dhcp/default-lease-time"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_replies_match_ids_and_http_checks_hold() {
    let s = serve_with(HttpOptions {
        max_body: 4096,
        ..HttpOptions::default()
    })
    .await;
    let c = login(s.http, "admin").await;
    let cookie = format!("sessionid={c}");
    let h = [
        ("Content-Type", "application/json"),
        ("Cookie", cookie.as_str()),
    ];
    let body = r#"[{"jsonrpc":"2.0","id":"a","method":"get_system_setting","params":{"operation":"version"}},
                  {"jsonrpc":"2.0","method":"get_trans"},
                  {"jsonrpc":"2.0","id":2,"method":"get_module_prefix_map","params":{}},
                  42]"#;
    let r = post_raw(s.http, "/jsonrpc", &h, body).await;
    let v = r.json();
    let items = v.as_array().expect("batch reply");
    assert_eq!(items.len(), 3, "the notification gets no reply: {v}");
    let by_id = |id: Value| {
        items
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
            .expect("reply")
    };
    assert_eq!(by_id(json!("a"))["result"], "6.1.2");
    assert_eq!(by_id(json!(2))["result"]["dhcp"], "dhcp");
    assert_eq!(by_id(json!(2))["result"]["devices"], "d");
    assert_eq!(by_id(Value::Null)["error"]["type"], "rpc.request.invalid");
    let r = post_raw(s.http, "/jsonrpc", &h, "[]").await;
    assert_eq!(r.error_type(), "rpc.request.invalid");
    let r = post_raw(s.http, "/jsonrpc", &[("Content-Type", "text/plain")], "{}").await;
    assert_eq!(r.status, 415);
    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"login","params":{{"user":"{}"}}}}"#,
        "x".repeat(5000)
    );
    let r = post_raw(s.http, "/jsonrpc", &h, &big).await;
    assert_eq!(r.error_type(), "rpc.request.too_big", "{}", r.body);
    let r = post_raw(s.http, "/jsonrpc", &h, r#"{"jsonrpc":"2.0","id":1,"#).await;
    assert_eq!(r.error_type(), "rpc.request.eof_parse_error", "{}", r.body);
    let r = post_raw(s.http, "/other", &h, "{}").await;
    assert_eq!(r.status, 404);
    // Trace Context headers are echoed.
    let tp = "00-100456789abcde10123456789abcde10-001006789abcdef0-01";
    let h2 = [
        h[0],
        h[1],
        ("traceparent", tp),
        ("tracestate", "key1=value1,key2=value2"),
    ];
    let r = post_raw(
        s.http,
        "/jsonrpc/new_trans",
        &h2,
        r#"{"jsonrpc":"2.0","id":1,"method":"new_trans","params":{"mode":"read_write"}}"#,
    )
    .await;
    assert_eq!(r.header("traceparent").as_deref(), Some(tp));
    assert_eq!(
        r.header("tracestate").as_deref(),
        Some("key1=value1,key2=value2")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transaction_methods_changes_show_config_load_and_confirmed_commit() {
    let s = serve_with(HttpOptions {
        nso: NsoOptions::default(),
        ..HttpOptions::default()
    })
    .await;
    let c = login(s.http, "admin").await;
    let th = rw_trans(s.http, &c, "candidate").await;
    assert_eq!(
        ok(s.http, &c, "is_trans_modified", json!({"th": th})).await,
        json!({"modified": false})
    );
    ok(
        s.http,
        &c,
        "set_value",
        json!({"th": th, "path": "/dhcp:dhcp/default-lease-time", "value": "100"}),
    )
    .await;
    let ch = ok(s.http, &c, "get_trans_changes", json!({"th": th})).await;
    assert_eq!(ch["changes"][0]["keypath"], "/dhcp:dhcp/default-lease-time");
    assert_eq!(ch["changes"][0]["op"], "value_set");
    assert_eq!(ch["changes"][0]["old"], "600");
    assert_eq!(
        ok(
            s.http,
            &c,
            "exists",
            json!({"th": th, "path": "/d:config/device{eth0}"})
        )
        .await,
        json!({"exists": true})
    );
    ok(s.http, &c, "load", json!({"th": th, "format": "xml", "data": "<config xmlns=\"http://acme.com/ns/devices\"><device><interface>eth2</interface><date>d</date></device></config>"})).await;
    let sc = ok(
        s.http,
        &c,
        "show_config",
        json!({"th": th, "path": "/d:config", "result_as": "json"}),
    )
    .await;
    assert_eq!(
        sc["data"]["d:config"]["device"][1]["interface"], "eth2",
        "{sc}"
    );
    let v = ok(
        s.http,
        &c,
        "get_values",
        json!({"th": th, "path": "/dhcp:dhcp", "leafs": ["max-lease-time", "nope"]}),
    )
    .await;
    assert_eq!(v["values"][0]["value"], "7200");
    assert_eq!(v["values"][1]["not_found"], true);
    let schema = ok(
        s.http,
        &c,
        "get_schema",
        json!({"th": th, "path": "/d:config/device", "levels": 1}),
    )
    .await;
    assert_eq!(schema["data"]["kind"], "list");
    assert_eq!(schema["data"]["key"], json!(["interface"]));
    let dry = ok(
        s.http,
        &c,
        "commit",
        json!({"th": th, "flags": ["dry-run=cli"]}),
    )
    .await;
    assert!(
        dry["dry-run"]["changes"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "{dry}"
    );
    // A commit without validate_commit is refused; then a confirmed commit.
    let r = call(s.http, Some(&c), "commit", json!({"th": th, "timeout": 60})).await;
    assert_eq!(r.error_type(), "rpc.method.failed");
    ok(s.http, &c, "validate_commit", json!({"th": th})).await;
    ok(s.http, &c, "commit", json!({"th": th, "timeout": 60})).await;
    assert!(s.service.device().lock().confirm_pending());
    ok(s.http, &c, "abort_commit", json!({})).await;
    assert!(!s.service.device().lock().confirm_pending());
    let th = ok(s.http, &c, "new_trans", json!({})).await["th"]
        .as_i64()
        .expect("th");
    let v = ok(
        s.http,
        &c,
        "get_value",
        json!({"th": th, "path": "/dhcp:dhcp/default-lease-time"}),
    )
    .await;
    assert_eq!(v, json!({"value": "600"}), "aborted: rolled back");
    // apply: validate and commit in one go; confirm_commit ends a confirmed one.
    let th = rw_trans(s.http, &c, "running").await;
    ok(
        s.http,
        &c,
        "set_value",
        json!({"th": th, "path": "/dhcp:dhcp/default-lease-time", "value": "300"}),
    )
    .await;
    ok(s.http, &c, "apply", json!({"th": th})).await;
    let th = rw_trans(s.http, &c, "running").await;
    let r = call(s.http, Some(&c), "commit", json!({"th": th, "timeout": 5})).await;
    assert_eq!(
        r.error_type(),
        "rpc.method.failed",
        "needs validate_commit first"
    );
    ok(s.http, &c, "validate_commit", json!({"th": th})).await;
    let r = call(s.http, Some(&c), "commit", json!({"th": th, "timeout": 5})).await;
    assert_eq!(
        r.error_type(),
        "trans.confirmed_commit_is_only_valid_for_candidate"
    );
    ok(s.http, &c, "clear_validate_lock", json!({"th": th})).await;
    ok(s.http, &c, "delete_trans", json!({"th": th})).await;
    let th = ok(s.http, &c, "new_trans", json!({})).await["th"]
        .as_i64()
        .expect("th");
    let v = ok(
        s.http,
        &c,
        "get_value",
        json!({"th": th, "path": "/dhcp:dhcp/default-lease-time"}),
    )
    .await;
    assert_eq!(v, json!({"value": "300"}));
}
