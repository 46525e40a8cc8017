//! An owned element tree: the simulated device's datastores, typed Junos
//! messages and snapshots are built on it.
//!
//! Character data directly inside an element is kept as one string; when the
//! element also has child elements and that text is only whitespace
//! (indentation) it is dropped. Mixed content keeps its text but not its
//! position between children, which no NETCONF or Junos payload relies on.
//!
//! Building, writing and canonical writing are loops over explicit stacks;
//! trees that came from the parser are at most `max_depth` deep, so the
//! derived `Drop`, `Clone` and `PartialEq` stay shallow too.

use super::reader::{Tag, XmlEvent, XmlReader};
use super::{
    Attribute, NsBinding, QName, XML_NS, XmlError, XmlLimits, escape_attr, escape_text, push_text,
};
use std::borrow::Cow;

/// An XML element with its attributes (in document order), children and text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    /// The name as written (prefix and local part).
    pub name: QName,
    /// The namespace the name resolves to.
    pub namespace: Option<String>,
    /// Attributes in document order, namespace declarations included.
    pub attributes: Vec<Attribute>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Character data directly inside this element, references resolved.
    pub text: String,
}

impl Element {
    /// An element named `local` in no namespace.
    pub fn new(local: impl Into<String>) -> Self {
        Element {
            name: QName::local(local),
            ..Element::default()
        }
    }

    /// An element named `local` in namespace `ns` (written with a default
    /// namespace declaration where needed).
    pub fn in_ns(local: impl Into<String>, ns: impl Into<String>) -> Self {
        Element {
            name: QName::local(local),
            namespace: Some(ns.into()),
            ..Element::default()
        }
    }

    /// Adds an unprefixed attribute.
    pub fn with_attr(mut self, local: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push(Attribute::new(local, value));
        self
    }

    /// Adds a child element.
    pub fn with_child(mut self, child: Element) -> Self {
        self.children.push(child);
        self
    }

    /// Sets the text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }

    /// A child `<local>text</local>` in this element's namespace.
    pub fn leaf(&self, local: impl Into<String>, text: impl Into<String>) -> Element {
        Element {
            name: QName::local(local),
            namespace: self.namespace.clone(),
            text: text.into(),
            ..Element::default()
        }
    }

    /// The value of the unprefixed attribute `local`.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name.prefix.is_none() && a.name.local == local)
            .map(|a| a.value.as_str())
    }

    /// The first child whose local name is `local`.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name.local == local)
    }

    /// The first child with local name `local` in namespace `ns`.
    pub fn child_ns(&self, ns: &str, local: &str) -> Option<&Element> {
        self.children
            .iter()
            .find(|c| c.name.local == local && c.namespace.as_deref() == Some(ns))
    }

    /// All children whose local name is `local`.
    pub fn children_named<'s>(&'s self, local: &'s str) -> impl Iterator<Item = &'s Element> + 's {
        self.children.iter().filter(move |c| c.name.local == local)
    }

    /// The text of the first child named `local`.
    pub fn child_text(&self, local: &str) -> Option<&str> {
        self.child(local).map(|c| c.text.as_str())
    }

    /// Parses a whole document into a tree.
    pub fn parse(input: &[u8], limits: &XmlLimits) -> Result<Element, XmlError> {
        Self::parse_with_scope(input, &[], limits)
    }

    /// Parses a fragment cut out of a larger document, given the namespace
    /// bindings in scope where it was cut (see [`RawElement`](super::RawElement)).
    pub fn parse_with_scope(
        input: &[u8],
        scope: &[NsBinding],
        limits: &XmlLimits,
    ) -> Result<Element, XmlError> {
        let mut r = XmlReader::with_scope(input, scope, limits)?;
        let root = loop {
            match r.next_event()? {
                XmlEvent::Start(t) => break t,
                XmlEvent::Eof => {
                    return Err(XmlError::NoRootElement {
                        offset: input.len() as u64,
                    });
                }
                _ => {}
            }
        };
        let el = Self::read(&mut r, &root)?;
        r.finish()?;
        Ok(el)
    }

    /// Builds the tree of the element `root`, whose `Start` the reader just
    /// returned.
    pub fn read(r: &mut XmlReader<'_>, root: &Tag<'_>) -> Result<Element, XmlError> {
        let max = r.limits().max_elements;
        let mut count = 1usize;
        let mut stack = vec![start_element(r, root)];
        loop {
            match r.next_event()? {
                XmlEvent::Start(t) => {
                    count += 1;
                    if count > max {
                        return Err(XmlError::TooManyElements {
                            offset: t.span.start,
                            limit: max,
                        });
                    }
                    stack.push(start_element(r, &t));
                }
                XmlEvent::End(_) => {
                    let Some(mut el) = stack.pop() else {
                        return Err(XmlError::Syntax {
                            offset: 0,
                            detail: "end without start".into(),
                        });
                    };
                    if !el.children.is_empty() && el.text.trim_ascii().is_empty() {
                        el.text.clear();
                    }
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(el),
                        None => return Ok(el),
                    }
                }
                XmlEvent::Text(t, _) | XmlEvent::CData(t, _) => {
                    if let Some(top) = stack.last_mut() {
                        push_text(&mut top.text, t);
                    }
                }
                XmlEvent::Ref(c, _) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push(c);
                    }
                }
                XmlEvent::Eof => {
                    return Err(XmlError::UnclosedElement {
                        offset: root.span.start,
                        name: root.name.to_owned(),
                    });
                }
            }
        }
    }

    /// The element as XML bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out);
        out
    }

    /// Appends the element as XML. Prefixes and attributes are written as
    /// they are; a namespace declaration is added wherever a name's
    /// namespace is not already in scope, so trees built by hand come out
    /// right and parsed trees come out as they went in.
    pub fn write(&self, out: &mut Vec<u8>) {
        self.write_in(out, &[]);
    }

    /// As [`Element::write`], for an element placed where `scope` is
    /// already in force (no declaration is repeated for it).
    pub fn write_in(&self, out: &mut Vec<u8>, scope: &[NsBinding]) {
        let mut scope: Vec<(Option<Cow<'_, str>>, Cow<'_, str>)> = scope
            .iter()
            .map(|b| {
                (
                    b.prefix.as_deref().map(Cow::Borrowed),
                    Cow::Borrowed(b.uri.as_str()),
                )
            })
            .collect();
        let mut stack: Vec<(&Element, usize, usize, String)> = Vec::new();
        let mut next = Some(self);
        loop {
            if let Some(el) = next.take() {
                let mark = scope.len();
                let name = open_tag(out, el, &mut scope);
                if el.children.is_empty() && el.text.is_empty() {
                    out.extend_from_slice(b"/>");
                    scope.truncate(mark);
                } else {
                    out.push(b'>');
                    escape_text(out, &el.text);
                    stack.push((el, 0, mark, name));
                }
            }
            let Some(top) = stack.last_mut() else { return };
            if let Some(child) = top.0.children.get(top.1) {
                top.1 += 1;
                next = Some(child);
            } else {
                out.extend_from_slice(b"</");
                out.extend_from_slice(top.3.as_bytes());
                out.push(b'>');
                scope.truncate(top.2);
                stack.pop();
            }
        }
    }

    /// The canonical form as bytes (see [`Element::write_canonical`]).
    pub fn to_canonical(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_canonical(&mut out);
        out
    }

    /// Appends a canonical form: two trees that mean the same (prefixes,
    /// attribute order, declaration placement, empty-element syntax and
    /// quoting aside) give the same bytes. Elements are unprefixed with a
    /// default namespace declaration where their namespace changes;
    /// namespace declarations from the input are dropped; other attributes
    /// are sorted by (namespace, local name), namespaced ones written with
    /// generated prefixes `n0`, `n1`, ... (`xml:` kept); every element is
    /// written as a start and end tag; text is escaped as by
    /// [`escape_text`]. Meant for snapshots and comparisons.
    pub fn write_canonical(&self, out: &mut Vec<u8>) {
        let mut stack: Vec<(&Element, usize)> = Vec::new();
        let mut next = Some(self);
        loop {
            if let Some(el) = next.take() {
                let parent_ns = stack.last().and_then(|(p, _)| p.namespace.as_deref());
                canonical_open(out, el, parent_ns, stack.is_empty());
                escape_text(out, &el.text);
                stack.push((el, 0));
            }
            let Some(top) = stack.last_mut() else { return };
            if let Some(child) = top.0.children.get(top.1) {
                top.1 += 1;
                next = Some(child);
            } else {
                out.extend_from_slice(b"</");
                out.extend_from_slice(top.0.name.local.as_bytes());
                out.push(b'>');
                stack.pop();
            }
        }
    }
}

fn start_element(r: &XmlReader<'_>, t: &Tag<'_>) -> Element {
    Element {
        name: QName {
            prefix: (!t.prefix.is_empty()).then(|| t.prefix.to_owned()),
            local: t.local.to_owned(),
        },
        namespace: r.namespace(t).map(str::to_owned),
        attributes: r
            .attributes(t)
            .map(|a| Attribute {
                name: QName::parse(a.name),
                namespace: r.attr_namespace(&a).map(str::to_owned),
                value: a.value().into_owned(),
            })
            .collect(),
        children: Vec::new(),
        text: String::new(),
    }
}

type Scope<'e> = Vec<(Option<Cow<'e, str>>, Cow<'e, str>)>;

fn resolve<'s>(scope: &'s Scope<'_>, prefix: Option<&str>) -> Option<&'s str> {
    if prefix == Some("xml") {
        return Some(XML_NS);
    }
    scope
        .iter()
        .rev()
        .find(|(p, _)| p.as_deref() == prefix)
        .map(|(_, u)| u.as_ref())
        .filter(|u| !u.is_empty())
}

/// Writes `<name attrs...` (without the closing `>`) and returns the name
/// written.
fn open_tag<'e>(out: &mut Vec<u8>, el: &'e Element, scope: &mut Scope<'e>) -> String {
    for a in &el.attributes {
        if let Some(p) = a.declares() {
            scope.push((p.map(Cow::Borrowed), Cow::Borrowed(a.value.as_str())));
        }
    }
    let mut extra: Vec<(Option<Cow<'e, str>>, Cow<'e, str>)> = Vec::new();
    let want = el.namespace.as_deref();
    let mut prefix = el.name.prefix.as_deref().filter(|p| *p != "xmlns");
    if let Some(p) = prefix {
        match want {
            Some(ns) if p == "xml" && ns == XML_NS => {}
            Some(ns) if p != "xml" => {
                if resolve(scope, Some(p)) != Some(ns) {
                    extra.push((Some(Cow::Borrowed(p)), Cow::Borrowed(ns)));
                    scope.push((Some(Cow::Borrowed(p)), Cow::Borrowed(ns)));
                }
            }
            _ => prefix = None,
        }
    }
    if prefix.is_none() && resolve(scope, None) != want {
        let uri = Cow::Borrowed(want.unwrap_or(""));
        extra.push((None, uri.clone()));
        scope.push((None, uri));
    }
    let name = match prefix {
        Some(p) => format!("{p}:{}", el.name.local),
        None => el.name.local.clone(),
    };
    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    let mut generated = 0usize;
    for a in &el.attributes {
        if a.declares().is_some() {
            super::write_attr(out, &a.name.to_string(), &a.value);
            continue;
        }
        let written: Cow<'_, str> = match (a.name.prefix.as_deref(), a.namespace.as_deref()) {
            (Some("xml"), _) => Cow::Owned(a.name.to_string()),
            (Some(p), Some(ns)) => {
                if resolve(scope, Some(p)) != Some(ns) {
                    extra.push((Some(Cow::Borrowed(p)), Cow::Borrowed(ns)));
                    scope.push((Some(Cow::Borrowed(p)), Cow::Borrowed(ns)));
                }
                Cow::Owned(a.name.to_string())
            }
            (None, Some(ns)) if ns == XML_NS => Cow::Owned(format!("xml:{}", a.name.local)),
            (None, Some(ns)) => {
                let found = scope
                    .iter()
                    .rev()
                    .find(|(p, u)| p.is_some() && u.as_ref() == ns)
                    .and_then(|(p, _)| p.clone());
                let p = match found {
                    Some(p) if resolve(scope, Some(&p)) == Some(ns) => p,
                    _ => {
                        let mut p;
                        loop {
                            p = format!("a{generated}");
                            generated += 1;
                            if resolve(scope, Some(&p)).is_none() {
                                break;
                            }
                        }
                        let p: Cow<'e, str> = Cow::Owned(p);
                        extra.push((Some(p.clone()), Cow::Borrowed(ns)));
                        scope.push((Some(p.clone()), Cow::Borrowed(ns)));
                        p
                    }
                };
                Cow::Owned(format!("{p}:{}", a.name.local))
            }
            _ => Cow::Borrowed(a.name.local.as_str()),
        };
        super::write_attr(out, &written, &a.value);
    }
    for (p, uri) in &extra {
        match p {
            Some(p) => super::write_attr(out, &format!("xmlns:{p}"), uri),
            None => super::write_attr(out, "xmlns", uri),
        }
    }
    name
}

fn canonical_open(out: &mut Vec<u8>, el: &Element, parent_ns: Option<&str>, root: bool) {
    out.push(b'<');
    out.extend_from_slice(el.name.local.as_bytes());
    let ns = el.namespace.as_deref();
    if ns != parent_ns || (root && ns.is_some()) {
        super::write_attr(out, "xmlns", ns.unwrap_or(""));
    }
    let mut attrs: Vec<&Attribute> = el.attributes.iter().filter(|a| !a.is_xmlns()).collect();
    attrs.sort_by(|a, b| {
        (a.namespace.as_deref(), &a.name.local, &a.value).cmp(&(
            b.namespace.as_deref(),
            &b.name.local,
            &b.value,
        ))
    });
    let mut spaces: Vec<&str> = Vec::new();
    for a in &attrs {
        if let Some(ns) = a.namespace.as_deref()
            && ns != XML_NS
            && !spaces.contains(&ns)
        {
            spaces.push(ns);
        }
    }
    for (k, ns) in spaces.iter().enumerate() {
        super::write_attr(out, &format!("xmlns:n{k}"), ns);
    }
    for a in attrs {
        let name = match a.namespace.as_deref() {
            None => a.name.local.clone(),
            Some(XML_NS) => format!("xml:{}", a.name.local),
            Some(ns) => {
                let k = spaces.iter().position(|s| *s == ns).unwrap_or(0);
                format!("n{k}:{}", a.name.local)
            }
        };
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_attr(out, &a.value);
        out.push(b'"');
    }
    out.push(b'>');
}
