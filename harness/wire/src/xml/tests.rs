//! Unit tests of the XML layer: the reader's rules and limits, the tree and
//! its writers.

use super::*;

fn limits() -> XmlLimits {
    XmlLimits::default()
}

fn parse(input: &[u8]) -> Result<Element, XmlError> {
    Element::parse(input, &limits())
}

fn err(input: &[u8]) -> XmlError {
    match parse(input) {
        Ok(el) => panic!("accepted {:?}: {el:?}", String::from_utf8_lossy(input)),
        Err(e) => e,
    }
}

#[test]
fn well_formed_documents_are_accepted() {
    let valid: &[&[u8]] = &[
        b"<a/>",
        b"<a></a>",
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/>\n",
        b"\xEF\xBB\xBF<a/>",
        b"<!-- c --><?pi x?><a><!-- in --><?pi?></a><!-- after -->\n",
        b"<a x='1' y=\"2\" >t&amp;&lt;&gt;&apos;&quot;&#65;&#x42;</a>",
        b"<a><![CDATA[<not markup> & ]]></a>",
        b"<p:a xmlns:p=\"urn:x\" p:b=\"1\"><p:c/></p:a>",
        b"<a xml:lang=\"en\"/>",
        "<\u{00E9}l\u{00E8}ve/>".as_bytes(),
    ];
    for v in valid {
        parse(v).unwrap_or_else(|e| panic!("{}: {e}", String::from_utf8_lossy(v)));
    }
}

#[test]
fn malformed_documents_are_rejected_with_offset() {
    let cases: &[(&[u8], u64, &str)] = &[
        (b"", 0, "no root"),
        (b"  ", 2, "no root"),
        (b"<a>", 0, "ends before"),
        (b"<a></b>", 3, "does not match"),
        (b"</a>", 0, "closes nothing"),
        (b"<a/><b/>", 4, "after the root"),
        (b"x<a/>", 0, "outside the root"),
        (b"<a/>x", 4, "after the root"),
        (b"<a x=1/>", 5, "quoted"),
        (b"<a x/>", 4, "expected '='"),
        (b"<a x=\"1\"y=\"2\"/>", 8, "separated"),
        (b"<a x=\"1\" x=\"2\"/>", 9, "repeated"),
        (b"<a x=\"<\"/>", 6, "'<' inside"),
        (b"<a>]]></a>", 3, "']]>'"),
        (b"<p:a/>", 1, "not bound"),
        (b"<a p:x=\"1\"/>", 3, "not bound"),
        (b"<1a/>", 1, "not a valid XML name"),
        (b"<a:b:c xmlns:a=\"u\"/>", 1, "not a valid XML name"),
        (b"<a xmlns:p=\"\"/>", 3, "namespace"),
        (b"<a xmlns:xml=\"urn:other\"/>", 3, "namespace"),
        (b"<a>&unknown;</a>", 3, "undeclared entity"),
        (b"<a>&#0;</a>", 3, "character reference"),
        (b"<a>&#xD800;</a>", 3, "character reference"),
        (b"<a x=\"&#1;\"/>", 6, "character reference"),
        (b"<a/><?xml version=\"1.0\"?>", 4, "declaration"),
        (b"<?xml version=\"2.0\"?><a/>", 0, "declaration"),
        (b"<a><!-- a -- b --></a>", 10, "malformed"),
    ];
    for (input, offset, words) in cases {
        let e = err(input);
        assert_eq!(
            e.offset(),
            *offset,
            "{}: {e}",
            String::from_utf8_lossy(input)
        );
        assert!(
            e.to_string().contains(words),
            "{}: {e}",
            String::from_utf8_lossy(input)
        );
    }
}

const BILLION_LAUGHS: &[u8] = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
]>
<lolz>&lol2;</lolz>"#;

#[test]
fn doctype_is_rejected_naming_billion_laughs_and_xxe() {
    let xxe: &[u8] = b"<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]><r>&x;</r>";
    for input in [BILLION_LAUGHS, xxe, b"<!doctype a><a/>", b"<!DOCTYPE a"] {
        let e = err(input);
        assert!(matches!(e, XmlError::Doctype { .. }), "{e:?}");
        let s = e.to_string();
        assert!(s.contains("billion laughs") && s.contains("XXE"), "{s}");
    }
}

#[test]
fn entity_in_attribute_is_not_expanded() {
    let e = err(b"<a x=\"&lol9;\"/>");
    assert_eq!(
        e,
        XmlError::UndeclaredEntity {
            offset: 6,
            name: "lol9".into()
        }
    );
}

#[test]
fn depth_limit_stops_deep_nesting_without_recursion() {
    let n = 100_000;
    let mut doc = "<a>".repeat(n).into_bytes();
    doc.extend("</a>".repeat(n).bytes());
    let e = err(&doc);
    assert_eq!(
        e,
        XmlError::TooDeep {
            offset: 256 * 3,
            limit: 256
        }
    );
    let mut ok = "<a>".repeat(256).into_bytes();
    ok.extend("</a>".repeat(256).bytes());
    parse(&ok).unwrap();
}

#[test]
fn text_limit_stops_huge_text_node() {
    let small = XmlLimits {
        max_text_len: 100,
        ..limits()
    };
    let mut doc = b"<a>".to_vec();
    doc.extend(std::iter::repeat_n(b'x', 101));
    doc.extend(b"</a>");
    let e = Element::parse(&doc, &small).unwrap_err();
    assert_eq!(
        e,
        XmlError::TextTooLong {
            offset: 3,
            limit: 100
        }
    );
    // References and CDATA count towards the same text node.
    let mut doc = b"<a>".to_vec();
    doc.extend(std::iter::repeat_n(b'x', 95));
    doc.extend(b"&amp;&amp;<![CDATA[1234]]></a>");
    assert!(matches!(
        Element::parse(&doc, &small),
        Err(XmlError::TextTooLong { offset: 3, .. })
    ));
    // The default follows libxml2: text beyond 10,000,000 bytes is refused.
    let mut doc = b"<a>".to_vec();
    doc.extend(std::iter::repeat_n(b'x', 10_000_001));
    doc.extend(b"</a>");
    assert!(matches!(
        err(&doc),
        XmlError::TextTooLong {
            limit: 10_000_000,
            ..
        }
    ));
}

#[test]
fn attribute_limits_stop_many_and_huge_attributes() {
    let mut many = b"<a".to_vec();
    for i in 0..100_000 {
        many.extend(format!(" a{i}=\"1\"").bytes());
    }
    many.extend(b"/>");
    assert_eq!(
        err(&many),
        XmlError::TooManyAttributes {
            offset: 0,
            limit: 256
        }
    );
    let mut huge = b"<a x=\"".to_vec();
    huge.extend(std::iter::repeat_n(b'v', 16 << 20));
    huge.extend(b"\"/>");
    assert_eq!(
        err(&huge),
        XmlError::AttributeTooLong {
            offset: 6,
            limit: 64 << 10
        }
    );
}

#[test]
fn size_name_and_element_limits() {
    let tight = XmlLimits {
        max_size: 10,
        max_name_len: 3,
        max_elements: 2,
        ..limits()
    };
    assert!(matches!(
        Element::parse(b"<a>01234567</a>", &tight),
        Err(XmlError::TooLarge {
            size: 15,
            limit: 10
        })
    ));
    let tight = XmlLimits {
        max_size: 100,
        ..tight
    };
    assert!(matches!(
        Element::parse(b"<abcd/>", &tight),
        Err(XmlError::NameTooLong {
            offset: 1,
            limit: 3
        })
    ));
    assert!(matches!(
        Element::parse(b"<a><b/><c/></a>", &tight),
        Err(XmlError::TooManyElements {
            offset: 7,
            limit: 2
        })
    ));
}

#[test]
fn invalid_utf8_and_nul_are_rejected_with_offset() {
    let cases: &[(&[u8], u64)] = &[
        (b"<a>\xC0\xAF</a>", 3),
        (b"<a>\x80</a>", 3),
        (b"<a>\xED\xA0\x80</a>", 3),
        (b"<a>\xF5\x80\x80\x80</a>", 3),
        (b"<a>\xFF</a>", 3),
        (b"<a x=\"\xC0\xAF\"/>", 6),
    ];
    for (input, offset) in cases {
        let e = err(input);
        assert!(matches!(e, XmlError::InvalidUtf8 { .. }), "{e:?}");
        assert_eq!(e.offset(), *offset);
    }
    assert_eq!(
        err(b"<a>x\x00y</a>"),
        XmlError::InvalidChar {
            offset: 4,
            code_point: 0
        }
    );
    assert!(matches!(
        err(b"<a\x00/>"),
        XmlError::InvalidChar { offset: 2, .. }
    ));
}

#[test]
fn tree_keeps_names_namespaces_attributes_and_text() {
    let el = parse(
        br#"<nc:rpc xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1" b="x&amp;y"><nc:get><filter type="subtree">  </filter></nc:get> </nc:rpc>"#,
    )
    .unwrap();
    assert_eq!(el.name, QName::prefixed("nc", "rpc"));
    assert_eq!(
        el.namespace.as_deref(),
        Some("urn:ietf:params:xml:ns:netconf:base:1.0")
    );
    let names: Vec<String> = el.attributes.iter().map(|a| a.name.to_string()).collect();
    assert_eq!(names, ["xmlns:nc", "message-id", "b"]);
    assert_eq!(el.attr("b"), Some("x&y"));
    assert_eq!(el.text, "", "indentation between children is dropped");
    let get = el.child("get").unwrap();
    let filter = get.child("filter").unwrap();
    assert_eq!(
        filter.namespace, None,
        "unprefixed child of a prefixed parent has no namespace"
    );
    assert_eq!(filter.text, "  ", "whitespace-only leaf text is kept");
}

#[test]
fn writer_round_trips_parsed_trees_and_escapes() {
    let inputs: &[&[u8]] = &[
        br#"<a xmlns="urn:a" xmlns:b="urn:b" b:x="1&lt;2" y="q&quot;&#10;&#9;&#13;"><b:c>t &amp; &lt;x&gt; ]]&gt;</b:c><d xmlns="">&#13;</d></a>"#,
        br#"<x:a xmlns:x="urn:x" xml:lang="en"><x:b><c/></x:b></x:a>"#,
    ];
    for input in inputs {
        let el = parse(input).unwrap();
        let written = el.to_bytes();
        let again = parse(&written).unwrap();
        assert_eq!(el, again, "{}", String::from_utf8_lossy(&written));
        assert_eq!(again.to_bytes(), written);
    }
}

#[test]
fn writer_declares_namespaces_of_hand_built_trees() {
    let mut el = Element::in_ns("config", "urn:ietf:params:xml:ns:netconf:base:1.0");
    let mut sys = Element::in_ns("system", "http://example.com/system");
    sys.attributes.push(Attribute {
        name: QName::local("operation"),
        namespace: Some("urn:ietf:params:xml:ns:netconf:base:1.0".into()),
        value: "merge".into(),
    });
    sys.children
        .push(Element::in_ns("hostname", "http://example.com/system").with_text("r1"));
    el.children.push(sys);
    el.children.push(Element::new("plain"));
    let bytes = el.to_bytes();
    let back = parse(&bytes).unwrap();
    let s = String::from_utf8_lossy(&bytes);
    assert_eq!(back.namespace, el.namespace, "{s}");
    let sys = back.child("system").unwrap();
    assert_eq!(
        sys.namespace.as_deref(),
        Some("http://example.com/system"),
        "{s}"
    );
    let op = sys
        .attributes
        .iter()
        .find(|a| a.name.local == "operation")
        .unwrap();
    assert_eq!(
        op.namespace.as_deref(),
        Some("urn:ietf:params:xml:ns:netconf:base:1.0"),
        "{s}"
    );
    assert_eq!(sys.child_text("hostname"), Some("r1"));
    assert_eq!(back.child("plain").unwrap().namespace, None, "{s}");
}

#[test]
fn canonical_form_ignores_prefixes_attribute_order_and_empty_tag_syntax() {
    let a =
        parse(br#"<nc:a xmlns:nc="urn:a" xmlns:q="urn:q" z="1" q:y="2"><nc:b/></nc:a>"#).unwrap();
    let b = parse(br#"<a xmlns="urn:a" xmlns:r="urn:q" r:y='2' z='1'><b></b></a>"#).unwrap();
    assert_ne!(a, b);
    assert_eq!(a.to_canonical(), b.to_canonical());
    assert_eq!(
        String::from_utf8(a.to_canonical()).unwrap(),
        r#"<a xmlns="urn:a" xmlns:n0="urn:q" z="1" n0:y="2"><b></b></a>"#
    );
    let c = parse(br#"<a xmlns="urn:a" z="2"><b/></a>"#).unwrap();
    assert_ne!(a.to_canonical(), c.to_canonical());
}

#[test]
fn writing_deep_trees_does_not_recurse() {
    let mut el = Element::new("leaf");
    for _ in 0..100_000 {
        el = Element::new("n").with_child(el);
    }
    let bytes = el.to_bytes();
    assert_eq!(
        bytes.len(),
        "<n>".len() * 100_000 + "</n>".len() * 100_000 + "<leaf/>".len()
    );
    let canon = el.to_canonical();
    assert!(canon.ends_with(b"</n>"));
    // Drop without blowing the stack: take the chain apart iteratively.
    let mut next = Some(el);
    while let Some(mut e) = next {
        next = e.children.pop();
    }
}

#[test]
fn raw_element_is_zero_copy_and_parses_with_its_scope() {
    let doc = bytes::Bytes::from_static(br#"<p:x xmlns:p="urn:p">hello<p:y/></p:x>"#);
    let raw = RawElement::parse(doc.clone(), &limits()).unwrap();
    assert_eq!(raw.raw.as_ptr(), doc.as_ptr());
    assert_eq!(&raw.content_bytes()[..], b"hello<p:y/>");
    let el = raw.to_element(&limits()).unwrap();
    assert_eq!(el.child("y").unwrap().namespace.as_deref(), Some("urn:p"));
    let scoped = RawElement::parse_with_scope(
        bytes::Bytes::from_static(b"<p:y/>"),
        vec![NsBinding {
            prefix: Some("p".into()),
            uri: "urn:p".into(),
        }],
        &limits(),
    )
    .unwrap();
    assert_eq!(scoped.namespace.as_deref(), Some("urn:p"));
    assert!(RawElement::parse(bytes::Bytes::from_static(b"<p:y/>"), &limits()).is_err());
}

#[test]
fn reader_events_carry_offsets_and_resolve_references() {
    let input = b"<a x=\"1\">t&lt;<b/></a>";
    let mut r = XmlReader::new(input, &limits()).unwrap();
    let mut seen = Vec::new();
    loop {
        match r.next_event().unwrap() {
            XmlEvent::Start(t) => seen.push(format!("start {} {}", t.name, t.span)),
            XmlEvent::End(e) => seen.push(format!("end {} {}", e.name, e.span)),
            XmlEvent::Text(t, at) => seen.push(format!("text {t} {at}")),
            XmlEvent::Ref(c, at) => seen.push(format!("ref {c} {at}")),
            XmlEvent::CData(t, at) => seen.push(format!("cdata {t} {at}")),
            XmlEvent::Eof => break,
        }
    }
    assert_eq!(
        seen,
        [
            "start a 0..9",
            "text t 9",
            "ref < 10",
            "start b 14..18",
            "end b 18..18",
            "end a 18..22"
        ]
    );
}

/// Payload fragments for the fast scanner: it must accept and reject
/// exactly what the event reader does, with the same error where the
/// tokenizers see the problem at the same byte.
#[test]
fn payload_scanner_agrees_with_event_reader() {
    let cases: &[&str] = &[
        // valid
        "<d><a x='1' y=\"2\">t &amp; &#x41; &#65;<b/><![CDATA[<x>]]><!-- c --><?pi z?></a></d>",
        "<d xmlns:p=\"urn:p\"><p:a p:b=\"1\"/><c xmlns=\"\"/><e xml:lang=\"en\"/></d>",
        "<d><a>]]</a><b>]&gt;</b><c>&gt;</c><e>x > y</e></d>",
        "<d><a\n  x = '1'\t/></d>",
        "<d></d >",
        // invalid
        "<d><a></b></d>",
        "<d><a>",
        "<d><a x='1' x='2'/></d>",
        "<d><a x=1/></d>",
        "<d><a x='<'/></d>",
        "<d><a x='&bad;'/></d>",
        "<d>&bad;</d>",
        "<d>&#0;</d>",
        "<d>& x</d>",
        "<d>]]></d>",
        "<d><!-- a -- b --></d>",
        "<d><!DOCTYPE x></d>",
        "<d><!foo></d>",
        "<d><?xml version='1.0'?></d>",
        "<d><? x?></d>",
        "<d><p:a/></d>",
        "<d><a p:b='1'/></d>",
        "<d><a xmlns:p=''/></d>",
        "<d><1a/></d>",
        "<d><a:b:c xmlns:a='u'/></d>",
        "<d><a x='1'y='2'/></d>",
        "<d><a/ ></d>",
        "<d><![CDATA[x</d>",
        "<d></ d>",
    ];
    for case in cases {
        let fast = RawElement::parse(bytes::Bytes::copy_from_slice(case.as_bytes()), &limits());
        let events = Element::parse(case.as_bytes(), &limits());
        assert_eq!(
            fast.is_ok(),
            events.is_ok(),
            "{case}: {fast:?} / {events:?}"
        );
        if let (Err(a), Err(b)) = (&fast, &events) {
            assert_eq!(
                std::mem::discriminant(a),
                std::mem::discriminant(b),
                "{case}: {a} / {b}"
            );
        }
    }
}

#[test]
fn payload_scanner_enforces_limits() {
    let tight = XmlLimits {
        max_depth: 3,
        max_attributes: 2,
        max_attribute_len: 4,
        max_text_len: 5,
        max_name_len: 3,
        ..limits()
    };
    let cases: &[(&str, XmlError)] = &[
        (
            "<d><a><b><c/></b></a></d>",
            XmlError::TooDeep {
                offset: 9,
                limit: 3,
            },
        ),
        (
            "<d><a x='1' y='2' z='3'/></d>",
            XmlError::TooManyAttributes {
                offset: 3,
                limit: 2,
            },
        ),
        (
            "<d><a x='12345'/></d>",
            XmlError::AttributeTooLong {
                offset: 9,
                limit: 4,
            },
        ),
        (
            "<d>12<!-- -->3&amp;45</d>",
            XmlError::TextTooLong {
                offset: 3,
                limit: 5,
            },
        ),
        (
            "<d><abcd/></d>",
            XmlError::NameTooLong {
                offset: 4,
                limit: 3,
            },
        ),
    ];
    for (case, expected) in cases {
        let fast = RawElement::parse(bytes::Bytes::copy_from_slice(case.as_bytes()), &tight);
        assert_eq!(fast.as_ref().err(), Some(expected), "{case}");
        let events = Element::parse(case.as_bytes(), &tight);
        assert_eq!(
            events.as_ref().err(),
            Some(expected),
            "{case} (event reader)"
        );
    }
}
