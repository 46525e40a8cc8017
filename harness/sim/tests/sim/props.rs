//! Random edit sequences never panic and keep every datastore well-formed.

use crate::support::*;
use confuzz_sim::{Datastore, Device};
use confuzz_wire::netconf::Rpc;
use confuzz_wire::xml::{Element, XmlLimits};
use proptest::prelude::*;

fn op() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec!["ge-0/0/0", "ge-0/0/1", "ge-0/0/9", "lo0", "x"]);
    let opn = prop::sample::select(vec![
        "", "merge", "replace", "create", "delete", "remove", "bogus",
    ]);
    let host = "[a-z]{0,6}";
    let addr = prop::sample::select(vec!["10.0.0.1/24", "192.0.2.9/32", "bad", ""]);
    let def = prop::sample::select(vec!["merge", "replace", "none"]);
    let erro = prop::sample::select(vec![
        "stop-on-error",
        "continue-on-error",
        "rollback-on-error",
    ]);
    prop_oneof![
        (name, opn.clone(), addr, def, erro).prop_map(|(n, o, a, d, e)| {
            let attr = if o.is_empty() { String::new() } else { format!(" operation=\"{o}\"") };
            format!(
                "<edit-config><target><candidate/></target><default-operation>{d}</default-operation><error-option>{e}</error-option><test-option>set</test-option><config><configuration><interfaces><interface{attr}><name>{n}</name><unit><name>0</name><family><inet><address><name>{a}</name></address></inet></family></unit></interface></interfaces></configuration></config></edit-config>"
            )
        }),
        (host, opn).prop_map(|(h, o)| {
            let attr = if o.is_empty() { String::new() } else { format!(" operation=\"{o}\"") };
            edit(&format!("<system><host-name{attr}>{h}</host-name></system>"))
        }),
        Just("<commit/>".to_owned()),
        Just("<commit><confirmed/><confirm-timeout>5</confirm-timeout></commit>".to_owned()),
        Just("<cancel-commit/>".to_owned()),
        Just("<discard-changes/>".to_owned()),
        Just(LOCK_CANDIDATE.to_owned()),
        Just(UNLOCK_CANDIDATE.to_owned()),
        Just("<load-configuration action=\"set\"><configuration-set>set interfaces ge-0/0/4 unit 0 family inet address 10.9.9.9/24\ndelete interfaces ge-0/0/1</configuration-set></load-configuration>".to_owned()),
        Just("<load-configuration rollback=\"1\"/>".to_owned()),
        Just("<get-configuration compare=\"rollback\" rollback=\"1\"/>".to_owned()),
        Just("<get><filter><configuration><interfaces><interface><name>ge-0/0/0</name></interface></interfaces></configuration></filter></get>".to_owned()),
    ]
}

/// No list holds two entries with the same key; leaves hold no children.
fn well_formed(e: &Element) -> bool {
    let mut seen = std::collections::HashSet::new();
    for c in &e.children {
        if let Some(k) = confuzz_sim::tree::key_of(c)
            && !seen.insert((c.name.local.clone(), k.to_owned()))
        {
            return false;
        }
        if !well_formed(c) {
            return false;
        }
    }
    !e.name.local.is_empty() && (e.children.is_empty() || e.text.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_never_panic_and_keep_datastores_well_formed(
        ops in prop::collection::vec((0usize..2, op(), 0u64..20), 1..25)
    ) {
        let t0 = std::time::Instant::now();
        let mut dev = Device::with_defaults(t0);
        let sessions = [dev.open_session("admin").unwrap(), dev.open_session("admin").unwrap()];
        let mut now = 0u64;
        for (i, (who, text, dt)) in ops.iter().enumerate() {
            now += dt;
            let at = t0 + std::time::Duration::from_secs(now);
            dev.handle_timeout(at);
            let rpc = Rpc::from_xml(i.to_string(), text.clone(), &XmlLimits::default()).unwrap();
            let reply = dev.handle_rpc(sessions[*who], at, &rpc);
            roundtrip(&reply);
            prop_assert!(reply.ok != reply.errors.iter().any(|e| e.is_error()) || !reply.other.is_empty() || reply.data.is_some());
            for ds in [Datastore::Running, Datastore::Candidate, Datastore::Startup] {
                let c = dev.datastore(ds);
                prop_assert_eq!(c.name.local.as_str(), "configuration");
                prop_assert!(well_formed(c), "{:?} not well-formed: {:?}", ds, c);
            }
            prop_assert!(confuzz_sim::validate::check(dev.running()).is_empty(), "running invalid: {:?}", dev.running());
        }
    }

    #[test]
    fn arbitrary_operation_elements_get_a_reply(name in "[a-z][a-z-]{0,12}", body in "[a-z<>/ ]{0,20}") {
        let mut dev = Device::with_defaults(std::time::Instant::now());
        let s = dev.open_session("admin").unwrap();
        let xml = format!("<{name}>{body}</{name}>");
        if let Ok(rpc) = Rpc::from_xml("1", xml, &XmlLimits::default()) {
            let reply = dev.handle_rpc(s, std::time::Instant::now(), &rpc);
            roundtrip(&reply);
            prop_assert_eq!(reply.message_id.as_deref(), Some("1"));
        }
    }
}
