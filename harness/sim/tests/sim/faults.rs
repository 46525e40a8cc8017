//! Fault plans turn replies into the actions a transport carries out.

use confuzz_sim::fault::GARBAGE;
use confuzz_sim::{Action, Fault, FaultPlan, FaultState, Trigger};
use confuzz_wire::framing::Framing;
use confuzz_wire::netconf::{self, Message, RpcReply};
use confuzz_wire::xml::XmlLimits;
use std::time::Duration;

fn sent(actions: &[Action]) -> Vec<RpcReply> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send(b) => match netconf::parse(b, &XmlLimits::default()).ok()?.message {
                Message::RpcReply(r) => Some(r),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[test]
fn empty_plan_sends_every_reply_as_is() {
    let mut f = FaultState::new(FaultPlan::none());
    let r = RpcReply::ok("1");
    assert_eq!(
        f.reply(&r, Framing::Chunked),
        vec![Action::Send(r.to_bytes().into())]
    );
    assert_eq!(f.hello(b"<hello/>"), vec![Action::Send("<hello/>".into())]);
}

#[test]
fn delay_applies_to_the_chosen_reply_only() {
    let plan = FaultPlan::none().with(Fault::Delay {
        when: Trigger::Nth(2),
        delay: Duration::from_secs(3),
    });
    let mut f = FaultState::new(plan);
    let r = RpcReply::ok("1");
    assert_eq!(f.reply(&r, Framing::Chunked).len(), 1);
    let second = f.reply(&r, Framing::Chunked);
    assert_eq!(second[0], Action::Delay(Duration::from_secs(3)));
    assert_eq!(f.reply(&r, Framing::Chunked).len(), 1);
}

#[test]
fn drop_after_closes_once_the_count_is_reached() {
    let mut f = FaultState::new(FaultPlan::new(vec![Fault::DropAfter { messages: 2 }]));
    let r = RpcReply::ok("1");
    assert!(!f.reply(&r, Framing::EndOfMessage).contains(&Action::Close));
    assert_eq!(
        f.reply(&r, Framing::EndOfMessage).last(),
        Some(&Action::Close)
    );
    assert!(f.is_closed());
    assert!(f.reply(&r, Framing::EndOfMessage).is_empty());
    let mut f = FaultState::new(FaultPlan::new(vec![Fault::DropAfter { messages: 0 }]));
    assert_eq!(f.hello(b"<hello/>").last(), Some(&Action::Close));
}

#[test]
fn wrong_and_duplicate_message_ids() {
    let mut f = FaultState::new(FaultPlan::new(vec![Fault::WrongMessageId {
        when: Trigger::Always,
    }]));
    let got = sent(&f.reply(&RpcReply::ok("7"), Framing::Chunked));
    assert_ne!(got[0].message_id.as_deref(), Some("7"));
    let mut f = FaultState::new(FaultPlan::new(vec![Fault::DuplicateReply {
        when: Trigger::EveryNth(1),
    }]));
    let got = sent(&f.reply(&RpcReply::ok("7"), Framing::Chunked));
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].message_id, got[1].message_id);
}

#[test]
fn warning_on_success_adds_a_warning_next_to_ok() {
    let mut f = FaultState::new(FaultPlan::new(vec![Fault::WarningOnSuccess {
        when: Trigger::From(1),
    }]));
    let got = sent(&f.reply(&RpcReply::ok("1"), Framing::Chunked));
    assert!(got[0].ok);
    assert_eq!(got[0].errors.len(), 1);
    assert!(!got[0].errors[0].is_error());
}

#[test]
fn garbage_and_malformed_frames_are_unreadable() {
    let mut f = FaultState::new(FaultPlan::new(vec![Fault::GarbageXml {
        when: Trigger::Always,
    }]));
    let a = f.reply(&RpcReply::ok("1"), Framing::Chunked);
    assert_eq!(a, vec![Action::Send(GARBAGE.into())]);
    assert!(netconf::parse(GARBAGE, &XmlLimits::default()).is_err());

    let mut f = FaultState::new(FaultPlan::new(vec![Fault::MalformedFrame {
        when: Trigger::Always,
    }]));
    let Action::SendRaw(raw) = &f.reply(&RpcReply::ok("1"), Framing::Chunked)[0] else {
        panic!()
    };
    assert!(raw.starts_with(b"\n#0"));
    let mut dec = confuzz_wire::framing::ChunkedDecoder::new(
        1 << 20,
        confuzz_wire::framing::Strictness::Strict,
    );
    let mut buf = bytes::BytesMut::from(&raw[..]);
    assert!(dec.decode(&mut buf).is_err());
    let Action::SendRaw(raw) = &f.reply(&RpcReply::ok("1"), Framing::EndOfMessage)[0] else {
        panic!()
    };
    let mut dec =
        confuzz_wire::framing::EomDecoder::new(1 << 20, confuzz_wire::framing::Strictness::Strict);
    let mut buf = bytes::BytesMut::from(&raw[..]);
    let frame = dec.decode(&mut buf).unwrap().unwrap();
    assert!(netconf::parse(&frame.payload, &XmlLimits::default()).is_err());
}

#[test]
fn chunked_hello_is_sent_raw_in_chunks() {
    let mut f = FaultState::new(FaultPlan::new(vec![Fault::ChunkedHello]));
    let a = f.hello(b"<hello/>");
    assert_eq!(a, vec![Action::SendRaw("\n#8\n<hello/>\n##\n".into())]);
}
