//! The suite against a NETCONF server nobody here wrote: OpenYuma's
//! `netconfd` behind OpenSSH (`Subsystem netconf netconf-subsystem`), run
//! as a remote target over SSH with key authentication and known_hosts.
//!
//! The rfc* scenarios run unchanged; the target's variables (in
//! `netconfd/targets.toml`) give them content of a small YANG module
//! instead of the Junos configuration. netconfd 2.13 (Debian bookworm)
//! passes all of them but five steps, and those are real findings the
//! suite must keep reporting:
//! - `missing-attribute` names the attribute `nc:message-id` (a name in the
//!   base namespace) where the attribute is unqualified (RFC 6241 §4.1's
//!   example says `message-id`);
//! - an unknown operation is `unknown-element` with error-type `rpc`, a
//!   type Appendix A does not allow for that tag;
//! - a message it cannot frame (end-of-message after the switch to
//!   chunked, a chunk-size of 0) is refused with `malformed-message` of
//!   error-type `transport`, where Appendix A says `rpc` (two scenarios);
//! - a chunk header announcing 4294967295 bytes is not refused: netconfd
//!   waits for the data (the step times out).

use confuzz_runner::parse::load;
use confuzz_runner::run::{RunOptions, Status, run_suite};
use confuzz_runner::target::TargetsFile;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NETCONFD: &str = "/usr/sbin/netconfd";
const SUBSYSTEM: &str = "/usr/sbin/netconf-subsystem";
const SSHD: &str = "/usr/sbin/sshd";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/runner/netconfd")
}

/// Whether netconfd, OpenSSH's server and ssh-keygen are installed; if not,
/// skip (or fail on CI, where `.ci/run` installs them).
fn have_peers() -> bool {
    let keygen = Command::new("ssh-keygen")
        .arg("-?")
        .stderr(Stdio::null())
        .status()
        .is_ok();
    let missing: Vec<&str> = [NETCONFD, SUBSYSTEM, SSHD]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .chain((!keygen).then_some("ssh-keygen"))
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "{} not installed (apt-get install netconfd openssh-server)",
        missing.join(", ")
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why} (CI=true: third-party server tests must run)");
    }
    eprintln!("skipped: {why}");
    false
}

/// Child processes killed when the test ends, pass or fail.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn wait_for(what: &str, log: &Path, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !ready() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start within 15 s; its log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn keygen(path: &Path) {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .expect("ssh-keygen runs")
        .success();
    assert!(ok, "ssh-keygen failed for {}", path.display());
}

/// Starts netconfd and an sshd on a free loopback port whose `netconf`
/// subsystem reaches it; returns the port and the running servers.
fn start(dir: &Path, user: &str) -> (u16, Servers) {
    let port = free_port();
    let socket = dir.join("ncxserver.sock");
    let module = dir.join("confuzz-test.yang");
    std::fs::copy(fixtures().join("confuzz-test.yang"), &module).expect("copy module");
    let netconfd_log = dir.join("netconfd.log");
    let netconfd = Command::new(NETCONFD)
        .arg("--no-startup")
        .arg(format!("--port={port}"))
        .arg(format!("--superuser={user}"))
        .arg(format!("--module={}", module.display()))
        .arg(format!("--ncxserver-sockname={}", socket.display()))
        .arg(format!("--log={}", netconfd_log.display()))
        .arg(format!("--home={}", dir.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("netconfd starts");
    let mut servers = Servers(vec![netconfd]);
    wait_for("netconfd", &netconfd_log, || socket.exists());

    keygen(&dir.join("host_key"));
    keygen(&dir.join("client_key"));
    std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).expect("keys");
    let host_pub = std::fs::read_to_string(dir.join("host_key.pub")).expect("host key");
    let host_pub: Vec<&str> = host_pub.split_whitespace().take(2).collect();
    std::fs::write(
        dir.join("known_hosts"),
        format!("[127.0.0.1]:{port} {}\n", host_pub.join(" ")),
    )
    .expect("known_hosts");
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\n\
         AuthorizedKeysFile {d}/authorized_keys\nPidFile {d}/sshd.pid\n\
         StrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
         UsePAM no\nPermitRootLogin prohibit-password\n\
         Subsystem netconf \"{SUBSYSTEM} --ncxserver-sockname={port}@{sock}\"\n",
        d = dir.display(),
        sock = socket.display(),
    );
    std::fs::write(dir.join("sshd_config"), config).expect("sshd_config");
    // sshd refuses to start without its privilege-separation directory.
    let _ = std::fs::create_dir_all("/run/sshd");
    let sshd_log = dir.join("sshd.log");
    let sshd = Command::new(SSHD)
        .arg("-D")
        .arg("-f")
        .arg(dir.join("sshd_config"))
        .arg("-E")
        .arg(&sshd_log)
        .stdin(Stdio::null())
        .spawn()
        .expect("sshd starts");
    servers.0.push(sshd);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    wait_for("sshd", &sshd_log, || {
        TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
    });
    (port, servers)
}

fn current_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id runs");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rfc_scenarios_run_unchanged_against_netconfd_and_report_its_deviations() {
    if !have_peers() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("confuzz-netconfd-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let user = current_user();
    let (port, _servers) = start(&dir, &user);

    let targets = std::fs::read_to_string(fixtures().join("targets.toml"))
        .expect("targets fixture")
        .replace("@PORT@", &port.to_string())
        .replace("@DIR@", &dir.display().to_string())
        .replace("@USER@", &user);
    let targets_path = dir.join("confuzz.toml");
    std::fs::write(&targets_path, targets).expect("targets file");
    let target = TargetsFile::load(&targets_path)
        .expect("targets file parses")
        .resolve("netconfd", false)
        .expect("target resolves with known_hosts");

    let (scenarios, errors) = load(&[root().join("scenarios")]);
    assert!(errors.is_empty(), "{errors:?}");
    let options = RunOptions {
        snapshot_root: root().join("snapshots"),
        check_snapshots: true,
        ..RunOptions::default()
    };
    let suite = run_suite(&scenarios, &[target], &options, |_| {}).await;

    let mut ran: Vec<&str> = suite
        .scenarios
        .iter()
        .map(|o| o.scenario.as_str())
        .collect();
    ran.sort_unstable();
    let rfc: Vec<&str> = {
        let mut v: Vec<&str> = scenarios
            .iter()
            .filter(|s| s.name.starts_with("rfc"))
            .map(|s| s.name.as_str())
            .collect();
        v.sort_unstable();
        v
    };
    assert_eq!(ran, rfc, "exactly the vendor-neutral rfc* scenarios run");

    let mut failures = Vec::new();
    for o in &suite.scenarios {
        assert!(o.setup_error.is_none(), "{:?}", o.setup_error);
        for s in o.steps.iter().filter(|s| s.status == Status::Fail) {
            failures.push((o.scenario.clone(), s.name.clone(), s.failure.clone()));
        }
    }
    let where_: Vec<(&str, &str)> = failures
        .iter()
        .map(|(sc, st, _)| (sc.as_str(), st.as_str()))
        .collect();
    assert_eq!(
        where_,
        [
            ("rfc6241-malformed", "unknown-operation"),
            ("rfc6241-missing-message-id", "rpc-without-message-id"),
            ("rfc6242-chunked", "end-of-message-after-switch"),
            ("rfc6242-malformed-chunks", "chunk-size-zero"),
            ("rfc6242-oversize", "huge-chunk-header"),
        ],
        "{failures:#?}"
    );
    let text = |i: usize| failures[i].2.clone().unwrap_or_default();
    assert!(text(0).contains("error-tag-type-mismatch"), "{}", text(0));
    assert!(text(1).contains("nc:message-id"), "{}", text(1));
    for i in [2, 3] {
        assert!(
            text(i).contains("malformed-message with error-type transport"),
            "{}",
            text(i)
        );
    }
    assert!(
        text(4).contains("neither replied nor closed"),
        "{}",
        text(4)
    );
    let (passed, _, _) = suite.step_counts();
    assert!(passed >= 40, "{passed} steps passed");
    let _ = std::fs::remove_dir_all(&dir);
}
