//! `jnx.jet.firewall.Firewall` on the device: filters become
//! `firewall family inet filter NAME` and bindings
//! `interfaces IFD unit U family inet filter input|output NAME` in the
//! configuration, loaded as `set`/`delete` commands and committed (client
//! "grpc"), so NETCONF `<get-config>` shows them and the commit engine
//! announces them on MQTT like any other change.
//!
//! Only the inet family is served. A failure is status FAILURE with a
//! message and a sub-code (`EINVALID_MESSAGE` for a bad or unknown
//! object, `EUNSUPPORTED_OP` for what this device does not do,
//! `EINTERNAL` when the load or commit fails).

use super::JetService;
use super::service::{conn, failure, ok};
use crate::jet::configured;
use confuzz_net::grpc::proto::jnx::jet::common::{IpAddress, RpcStatus, ip_address};
use confuzz_net::grpc::proto::jnx::jet::firewall::firewall_server::Firewall;
use confuzz_net::grpc::proto::jnx::jet::firewall::{
    FilterAddRequest, FilterAddResponse, FilterBindAddResponse, FilterBindDeleteResponse,
    FilterBindDirection, FilterBindObjType, FilterDeleteRequest, FilterDeleteResponse,
    FilterFamilies, FilterInetTerm, FilterObjBindAddRequest, FilterObjBindDeleteRequest,
    FilterTermOperation, MatchIpAddress, MatchOperation, filter_add_response::StatusCode as Sub,
    filter_bind_obj_point, filter_term, filter_term_inet_terminating_action::TerminatingAction,
};
use std::net::Ipv4Addr;
use tonic::{Request, Response, Status};

/// A failed call: the sub-code (the same numbers in every answer of the
/// service) and why.
struct Fail(Sub, String);

type Outcome = Result<(), Fail>;

fn invalid(why: impl Into<String>) -> Fail {
    Fail(Sub::EinvalidMessage, why.into())
}

/// `(status, sub_code)` of an answer.
fn answer(r: Outcome) -> (Option<RpcStatus>, i32) {
    match r {
        Ok(()) => (ok(), Sub::Eok as i32),
        Err(Fail(sub, why)) => (failure(why), sub as i32),
    }
}

/// A name that can stand in a `set` command unquoted.
pub(super) fn word<'a>(what: &str, s: &'a str) -> Result<&'a str, String> {
    let fine = |c: char| c.is_ascii_alphanumeric() || "-_./:".contains(c);
    if s.is_empty() {
        Err(format!("the {what} is empty"))
    } else if s.len() > 64 || !s.chars().all(fine) {
        Err(format!(
            "the {what} {s:?} is not 1 to 64 letters, digits and - _ . / :"
        ))
    } else {
        Ok(s)
    }
}

fn inet_family(n: i32, what: &str) -> Outcome {
    match FilterFamilies::try_from(n) {
        Ok(FilterFamilies::FamilyInet) => Ok(()),
        Ok(FilterFamilies::FamilyInvalid) => Err(invalid(format!(
            "the {what} is not given; this device serves FAMILY_INET (1)"
        ))),
        Ok(f) => Err(Fail(
            Sub::EunsupportedOp,
            format!(
                "{what} {} is not served here; only FAMILY_INET (1) is",
                f.as_str_name()
            ),
        )),
        Err(_) => Err(invalid(format!("{what} {n} is not a FilterFamilies value"))),
    }
}

fn ipv4(a: Option<&IpAddress>) -> Result<Ipv4Addr, String> {
    match a.and_then(|a| a.addr_format.as_ref()) {
        Some(ip_address::AddrFormat::AddrString(s)) => s
            .trim()
            .parse()
            .map_err(|_| format!("{s:?} is not an IPv4 address")),
        Some(ip_address::AddrFormat::AddrBytes(b)) => <[u8; 4]>::try_from(b.as_slice())
            .map(Ipv4Addr::from)
            .map_err(|_| format!("addr_bytes holds {} bytes, not the 4 of IPv4", b.len())),
        None => Err("the address is not given".into()),
    }
}

fn except(op: i32) -> Result<bool, String> {
    match MatchOperation::try_from(op) {
        Ok(MatchOperation::OpInvalid | MatchOperation::OpEqual) => Ok(false),
        Ok(MatchOperation::OpNotEqual) => Ok(true),
        Err(_) => Err(format!("operation {op} is not a MatchOperation value")),
    }
}

/// `A/L [except]` of one address match.
fn address_match(m: &MatchIpAddress) -> Result<String, String> {
    let a = ipv4(m.addr.as_ref())?;
    if m.prefix_length > 32 {
        return Err(format!("prefix_length {} is over 32", m.prefix_length));
    }
    let tail = if except(m.operation)? { " except" } else { "" };
    Ok(format!("{a}/{}{tail}", m.prefix_length))
}

/// `N` or `N-M` of a range; `max` 0 means `min` alone.
fn range(min: u32, max: u32, top: u32) -> Result<String, String> {
    let max = if max == 0 { min } else { max };
    if min > max || max > top {
        return Err(format!("range {min}..{max} is not min <= max <= {top}"));
    }
    Ok(if min == max {
        min.to_string()
    } else {
        format!("{min}-{max}")
    })
}

/// The `set` commands of one inet term under `at` (`... filter NAME`).
fn term_lines(at: &str, t: &FilterInetTerm, out: &mut Vec<String>) -> Result<(), String> {
    let name = word("term name", &t.term_name)?;
    match FilterTermOperation::try_from(t.term_op) {
        Ok(FilterTermOperation::TermOperationInvalid | FilterTermOperation::TermOperationAdd) => {}
        _ => {
            return Err(format!(
                "term {name}: term_op {} is not TERM_OPERATION_ADD (1), the only operation of FilterAdd",
                t.term_op
            ));
        }
    }
    let at = format!("{at} term {name}");
    let before = out.len();
    if let Some(m) = &t.matches {
        for (list, leaf) in [
            (&m.ipv4_src_addrs, "source-address"),
            (&m.ipv4_dst_addrs, "destination-address"),
        ] {
            for a in list {
                let a = address_match(a).map_err(|e| format!("term {name}: {leaf}: {e}"))?;
                out.push(format!("set {at} from {leaf} {a}"));
            }
        }
        let ports = [
            (&m.src_ports, "source-port"),
            (&m.dst_ports, "destination-port"),
        ];
        for (list, leaf) in ports {
            for p in list {
                let r =
                    range(p.min, p.max, 65535).map_err(|e| format!("term {name}: {leaf}: {e}"))?;
                let leaf = if except(p.operation)? {
                    format!("{leaf}-except")
                } else {
                    leaf.to_owned()
                };
                out.push(format!("set {at} from {leaf} {r}"));
            }
        }
        for p in &m.protocols {
            let r = range(p.min, p.max, 255).map_err(|e| format!("term {name}: protocol: {e}"))?;
            let leaf = if except(p.operation)? {
                "protocol-except"
            } else {
                "protocol"
            };
            out.push(format!("set {at} from {leaf} {r}"));
        }
    }
    if let Some(a) = &t.actions {
        match a
            .action_t
            .as_ref()
            .and_then(|t| t.terminating_action.as_ref())
        {
            Some(TerminatingAction::Accept(true)) => out.push(format!("set {at} then accept")),
            Some(TerminatingAction::Discard(true)) => out.push(format!("set {at} then discard")),
            // `false`, or an action this device does not know (reject,
            // routing-instance): not silently turned into accept.
            Some(_) => {
                return Err(format!(
                    "term {name}: the terminating action must be accept: true or discard: true"
                ));
            }
            None => {}
        }
        if let Some(nt) = &a.actions_nt {
            if let Some(c) = &nt.count {
                let c = word("counter name", &c.counter_name)
                    .map_err(|e| format!("term {name}: {e}"))?;
                out.push(format!("set {at} then count {c}"));
            }
            for (on, what) in [(nt.log, "log"), (nt.syslog, "syslog")] {
                if on {
                    out.push(format!("set {at} then {what}"));
                }
            }
        }
    }
    if out.len() == before {
        out.push(format!("set {at}"));
    }
    Ok(())
}

/// The interface and unit of a bind point: `IFD.UNIT`, or `IFD` for unit 0.
pub(super) fn ifl(name: &str) -> Result<(&str, u32), String> {
    let name = word("interface name", name)?;
    match name.rsplit_once('.') {
        Some((ifd, u)) => u
            .parse()
            .map(|u| (ifd, u))
            .map_err(|_| format!("{name:?}: the unit after the dot is not a number")),
        None => Ok((name, 0)),
    }
}

/// The filter name, interface, unit and direction of a bind request.
fn bind_target(
    filter: Option<&confuzz_net::grpc::proto::jnx::jet::firewall::Filter>,
    obj_type: i32,
    point: Option<&filter_bind_obj_point::BindPoint>,
    direction: i32,
    family: i32,
) -> Result<(String, String, u32, &'static str), Fail> {
    let f = filter.ok_or_else(|| invalid("the request names no filter"))?;
    let name = word("filter name", &f.name).map_err(invalid)?;
    inet_family(f.family, "filter family")?;
    if family != FilterFamilies::FamilyInvalid as i32 {
        inet_family(family, "bind_family")?;
    }
    match FilterBindObjType::try_from(obj_type) {
        Ok(FilterBindObjType::BindObjTypeInterface | FilterBindObjType::BindObjTypeInvalid) => {}
        _ => {
            return Err(Fail(
                Sub::EunsupportedOp,
                format!("obj_type {obj_type}: only BIND_OBJ_TYPE_INTERFACE (1) is served"),
            ));
        }
    }
    let Some(filter_bind_obj_point::BindPoint::InterfaceName(i)) = point else {
        return Err(Fail(
            Sub::EunsupportedOp,
            "bind_object must be an interface_name (e.g. ge-0/0/0.0)".into(),
        ));
    };
    let (ifd, unit) = ifl(i).map_err(invalid)?;
    let dir = match FilterBindDirection::try_from(direction) {
        Ok(FilterBindDirection::BindDirectionInput) => "input",
        Ok(FilterBindDirection::BindDirectionOutput) => "output",
        _ => {
            return Err(invalid(format!(
                "bind_direction {direction} is not BIND_DIRECTION_INPUT (1) or _OUTPUT (2)"
            )));
        }
    };
    Ok((name.to_owned(), ifd.to_owned(), unit, dir))
}

impl JetService {
    /// Loads `lines` as `set`/`delete` commands and commits them.
    pub(super) fn apply_set(
        &self,
        sid: crate::device::SessionId,
        lines: &[String],
        comment: &str,
    ) -> Result<(), String> {
        let text = lines.join("\n");
        self.set_config(
            sid,
            crate::jet::mgmt::LoadType::Set as i32,
            Ok(crate::jet::mgmt::ConfigText::Text(&text)),
            Some(comment.to_owned()),
        )
    }

    fn filter_add(&self, sid: crate::device::SessionId, r: &FilterAddRequest) -> Outcome {
        let name = word("filter name", &r.name).map_err(invalid)?;
        inet_family(r.family, "family")?;
        if configured::inet_filter(self.device.lock().running(), name).is_some() {
            return Err(invalid(format!(
                "filter {name} (family inet) exists already; delete it first"
            )));
        }
        if r.terms_list.is_empty() {
            return Err(invalid(format!("filter {name} has no terms")));
        }
        let at = format!("firewall family inet filter {name}");
        let mut lines = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, t) in r.terms_list.iter().enumerate() {
            let Some(filter_term::FilterTerm::InetTerm(t)) = &t.filter_term else {
                return Err(invalid(format!(
                    "term {} of filter {name} is not an inet_term",
                    i + 1
                )));
            };
            if !seen.insert(t.term_name.as_str()) {
                return Err(invalid(format!("term {} appears twice", t.term_name)));
            }
            term_lines(&at, t, &mut lines).map_err(invalid)?;
        }
        self.apply_set(sid, &lines, &format!("JET FilterAdd {name}"))
            .map_err(|e| Fail(Sub::Einternal, e))
    }

    fn filter_delete(&self, sid: crate::device::SessionId, r: &FilterDeleteRequest) -> Outcome {
        let name = word("filter name", &r.name).map_err(invalid)?;
        inet_family(r.family, "family")?;
        let Some(at) = configured::inet_filter(self.device.lock().running(), name) else {
            return Err(invalid(format!(
                "no filter {name} (family inet) is defined; FilterAdd defines one"
            )));
        };
        self.apply_set(
            sid,
            &[format!("delete {at} {name}")],
            &format!("JET FilterDelete {name}"),
        )
        .map_err(|e| Fail(Sub::Einternal, e))
    }

    fn bind_add(&self, sid: crate::device::SessionId, r: &FilterObjBindAddRequest) -> Outcome {
        let point = r.bind_object.as_ref().and_then(|p| p.bind_point.as_ref());
        let (name, ifd, unit, dir) = bind_target(
            r.filter.as_ref(),
            r.obj_type,
            point,
            r.bind_direction,
            r.bind_family,
        )?;
        {
            let dev = self.device.lock();
            if configured::inet_filter(dev.running(), &name).is_none() {
                return Err(invalid(format!(
                    "no filter {name} (family inet) is defined; FilterAdd defines one"
                )));
            }
            if configured::interface(dev.running(), &ifd).is_none() {
                return Err(invalid(format!(
                    "interface {ifd} is not configured; add it first (Interfaces/InterfaceAdd)"
                )));
            }
        }
        self.apply_set(
            sid,
            &[format!(
                "set interfaces {ifd} unit {unit} family inet filter {dir} {name}"
            )],
            &format!("JET FilterBindAdd {name} {ifd}.{unit} {dir}"),
        )
        .map_err(|e| Fail(Sub::Einternal, e))
    }

    fn bind_delete(
        &self,
        sid: crate::device::SessionId,
        r: &FilterObjBindDeleteRequest,
    ) -> Outcome {
        let point = r.bind_object.as_ref().and_then(|p| p.bind_point.as_ref());
        let (name, ifd, unit, dir) = bind_target(
            r.filter.as_ref(),
            r.obj_type,
            point,
            r.bind_direction,
            r.bind_family,
        )?;
        let bound = configured::bound_filter(self.device.lock().running(), &ifd, unit, dir);
        if bound.as_deref() != Some(name.as_str()) {
            return Err(invalid(match bound {
                Some(other) => format!("{ifd}.{unit} {dir} is bound to filter {other}, not {name}"),
                None => format!("filter {name} is not bound to {ifd}.{unit} {dir}"),
            }));
        }
        self.apply_set(
            sid,
            &[format!(
                "delete interfaces {ifd} unit {unit} family inet filter {dir}"
            )],
            &format!("JET FilterBindDelete {name} {ifd}.{unit} {dir}"),
        )
        .map_err(|e| Fail(Sub::Einternal, e))
    }
}

#[tonic::async_trait]
impl Firewall for JetService {
    async fn filter_add(
        &self,
        req: Request<FilterAddRequest>,
    ) -> Result<Response<FilterAddResponse>, Status> {
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let (status, sub_code) = answer(JetService::filter_add(self, sid, req.get_ref()));
        Ok(Response::new(FilterAddResponse { status, sub_code }))
    }

    async fn filter_delete(
        &self,
        req: Request<FilterDeleteRequest>,
    ) -> Result<Response<FilterDeleteResponse>, Status> {
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let (status, sub_code) = answer(JetService::filter_delete(self, sid, req.get_ref()));
        Ok(Response::new(FilterDeleteResponse { status, sub_code }))
    }

    async fn filter_bind_add(
        &self,
        req: Request<FilterObjBindAddRequest>,
    ) -> Result<Response<FilterBindAddResponse>, Status> {
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let (status, sub_code) = answer(self.bind_add(sid, req.get_ref()));
        Ok(Response::new(FilterBindAddResponse { status, sub_code }))
    }

    async fn filter_bind_delete(
        &self,
        req: Request<FilterObjBindDeleteRequest>,
    ) -> Result<Response<FilterBindDeleteResponse>, Status> {
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let (status, sub_code) = answer(self.bind_delete(sid, req.get_ref()));
        Ok(Response::new(FilterBindDeleteResponse { status, sub_code }))
    }
}
