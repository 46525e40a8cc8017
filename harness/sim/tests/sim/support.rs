//! Helpers: build rpcs from XML text, call the device, read replies.

use confuzz_sim::{Device, DeviceConfig, SessionId};
use confuzz_wire::netconf::{self, ErrorTag, Message, Rpc, RpcReply};
use confuzz_wire::xml::{Element, XmlLimits};
use std::time::{Duration, Instant};

/// A device and a fixed start instant; `at(s)` is `s` seconds later.
pub struct Bench {
    pub dev: Device,
    pub t0: Instant,
    next_id: u64,
}

impl Bench {
    pub fn new() -> Self {
        Self::with(DeviceConfig::default())
    }

    pub fn with(config: DeviceConfig) -> Self {
        let t0 = Instant::now();
        Bench {
            dev: Device::new(config, t0),
            t0,
            next_id: 100,
        }
    }

    pub fn at(&self, secs: u64) -> Instant {
        self.t0 + Duration::from_secs(secs)
    }

    pub fn open(&mut self, user: &str) -> SessionId {
        self.dev.open_session(user).expect("user exists")
    }

    /// Sends `op` (one operation element) at `t0 + secs`.
    pub fn call_at(&mut self, s: SessionId, secs: u64, op: &str) -> RpcReply {
        self.next_id += 1;
        let rpc = Rpc::from_xml(
            self.next_id.to_string(),
            op.to_owned(),
            &XmlLimits::default(),
        )
        .expect("test rpc parses");
        let now = self.at(secs);
        let reply = self.dev.handle_rpc(s, now, &rpc);
        roundtrip(&reply);
        reply
    }

    pub fn call(&mut self, s: SessionId, op: &str) -> RpcReply {
        self.call_at(s, 0, op)
    }

    /// Sends a whole `<rpc>` message as written.
    pub fn call_raw(&mut self, s: SessionId, message: &str) -> RpcReply {
        let parsed = netconf::parse(message.as_bytes(), &XmlLimits::default()).expect("parses");
        let Message::Rpc(rpc) = parsed.message else {
            panic!("not an rpc: {message}");
        };
        let reply = self.dev.handle_rpc(s, self.t0, &rpc);
        roundtrip(&reply);
        reply
    }

    pub fn ok(&mut self, s: SessionId, op: &str) {
        let r = self.call(s, op);
        assert_ok(&r, op);
    }

    pub fn error(&mut self, s: SessionId, op: &str, tag: ErrorTag) -> RpcReply {
        let r = self.call(s, op);
        assert_error(&r, tag, op);
        r
    }
}

/// The reply written and parsed back breaks no rule.
pub fn roundtrip(reply: &RpcReply) {
    let bytes = reply.to_bytes();
    let parsed = netconf::parse(&bytes, &XmlLimits::default()).unwrap_or_else(|e| {
        panic!(
            "reply does not parse: {e}\n{}",
            String::from_utf8_lossy(&bytes)
        )
    });
    let errors: Vec<_> = parsed
        .violations
        .iter()
        .filter(|v| v.level == confuzz_wire::Level::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "reply breaks rules {errors:?}\n{}",
        String::from_utf8_lossy(&bytes)
    );
}

pub fn text(reply: &RpcReply) -> String {
    String::from_utf8_lossy(&reply.to_bytes()).into_owned()
}

pub fn assert_ok(r: &RpcReply, what: &str) {
    assert!(
        r.ok && r.errors.is_empty(),
        "{what} was not ok: {}",
        text(r)
    );
}

pub fn assert_error(r: &RpcReply, tag: ErrorTag, what: &str) {
    assert!(!r.ok, "{what}: ok next to an error: {}", text(r));
    assert!(
        r.errors.iter().any(|e| e.error_tag.as_ref() == Some(&tag)),
        "{what}: expected error-tag {tag}, got {}",
        text(r)
    );
}

/// The `<data>` content as one parsed tree (wrapped in `<data>`).
pub fn data(r: &RpcReply) -> Element {
    let raw = r
        .data
        .as_ref()
        .unwrap_or_else(|| panic!("no data: {}", text(r)));
    raw.to_element(&XmlLimits::default()).expect("data parses")
}

/// The first body element other than data, parsed.
pub fn body(r: &RpcReply) -> Element {
    let raw = r
        .other
        .first()
        .unwrap_or_else(|| panic!("no body: {}", text(r)));
    raw.to_element(&XmlLimits::default()).expect("body parses")
}

/// Follows `path` (local names) from `el`.
pub fn at<'e>(el: &'e Element, path: &[&str]) -> Option<&'e Element> {
    let mut cur = el;
    for p in path {
        cur = cur.child(p)?;
    }
    Some(cur)
}

/// The list entry `list` whose `<name>` is `key`.
pub fn entry<'e>(el: &'e Element, list: &str, key: &str) -> Option<&'e Element> {
    el.children
        .iter()
        .find(|c| c.name.local == list && c.child_text("name") == Some(key))
}

pub const GET_RUNNING: &str = "<get-config><source><running/></source></get-config>";
pub const GET_CANDIDATE: &str = "<get-config><source><candidate/></source></get-config>";
pub const LOCK_CANDIDATE: &str = "<lock><target><candidate/></target></lock>";
pub const UNLOCK_CANDIDATE: &str = "<unlock><target><candidate/></target></unlock>";

/// An edit-config of the candidate with `config` inside `<configuration>`.
pub fn edit(config: &str) -> String {
    format!(
        "<edit-config><target><candidate/></target><config><configuration>{config}</configuration></config></edit-config>"
    )
}
