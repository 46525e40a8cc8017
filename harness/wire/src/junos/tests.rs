//! Unit tests of the Junos XML protocol layer.

use super::*;

#[test]
fn smoke_stream() {
    let s = br#"<?xml version="1.0" encoding="us-ascii"?>
<junoscript xmlns="http://xml.juniper.net/xnm/1.1/xnm" xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos" os="JUNOS" release="20.4R3.8" hostname="router1" version="1.0">
<!-- user client, class j-super-user -->
<rpc-reply xmlns:junos="http://xml.juniper.net/junos/20.4R0/junos">
<xnm:error xmlns="http://xml.juniper.net/xnm/1.1/xnm" xmlns:xnm="http://xml.juniper.net/xnm/1.1/xnm"><source-daemon>mgd</source-daemon><message>syntax error</message></xnm:error>
</rpc-reply>
<rpc-reply><end-session/></rpc-reply>
</junoscript>
"#;
    let (ev, err) = fuzz::decode_all(s, &[1]);
    println!("{ev:#?} {err:?}");
    assert!(err.is_none());
    assert_eq!(ev.len(), 5);
    fuzz::target(s);
}
