//! `<get-route-engine-information>`: the routing engine a fact-gathering
//! client (PyEZ's `RE0`, `2RE`, `master`, `re_info`) reads, for a chassis
//! with one routing engine in slot 0.

use crate::device::{Answer, Device};
use crate::tree;
use confuzz_wire::xml::{Element, escape_text};

fn text(s: &str) -> String {
    let mut out = Vec::new();
    escape_text(&mut out, s);
    String::from_utf8_lossy(&out).into_owned()
}
use std::time::Instant;

impl Device {
    pub(crate) fn op_route_engine_information(&self, now: Instant) -> Answer {
        let up = now.saturating_duration_since(self.start).as_secs();
        let (d, h, m, s) = (up / 86_400, up / 3600 % 24, up / 60 % 60, up % 60);
        let xml = format!(
            "<route-engine-information><route-engine>\
             <slot>0</slot><mastership-state>master</mastership-state>\
             <mastership-priority>master (default)</mastership-priority>\
             <status>OK</status><model>RE-S-1800x4</model>\
             <serial-number>{serial}-RE0</serial-number>\
             <start-time>{start}</start-time>\
             <up-time>{d} days, {h} hours, {m} minutes, {s} seconds</up-time>\
             <last-reboot-reason>Router rebooted after a normal shutdown.</last-reboot-reason>\
             </route-engine></route-engine-information>",
            serial = text(&self.config.serial_number),
            start =
                crate::time::format_junos(self.config.start_unix_seconds.saturating_mul(1_000_000)),
        );
        match Element::parse(xml.as_bytes(), &tree::limits()) {
            Ok(el) => Answer::body(vec![el]),
            Err(e) => crate::rpc_error::operation_failed(
                confuzz_wire::netconf::ErrorType::Application,
                format!("route engine information: {e}"),
            )
            .into(),
        }
    }
}
