//! `jnx.jet.interfaces.Interfaces` on the device: an interface, a logical
//! unit, a family of a unit and an address of a family are read from and
//! written to `interfaces interface IFD unit U family F address A/L` in
//! the configuration; writes are `set`/`delete` commands, loaded and
//! committed (client "grpc") like the firewall service's, so NETCONF and
//! the MQTT events see them.
//!
//! `InterfaceGet` reads back what is configured (as the JET call does):
//! the interface's `mtu` and `mac`, the unit's `vlan-id`, the address with
//! its prefix length. Operational state is `OpCommandGet`'s
//! (`show interfaces`). ARP/NDP objects are not served (OPERATION_FAILED).

use super::JetService;
use super::firewall::word;
use super::service::{conn, failure, ok};
use crate::jet::configured;
use confuzz_net::grpc::proto::jnx::jet::common::{AfType, IpAddress, RpcStatus, ip_address};
use confuzz_net::grpc::proto::jnx::jet::interfaces::interfaces_server::Interfaces;
use confuzz_net::grpc::proto::jnx::jet::interfaces::{
    IntegerAttribute, InterfaceAddRequest, InterfaceAddResponse, InterfaceAddressConfig,
    InterfaceAttributeList, InterfaceConfig, InterfaceDeleteRequest, InterfaceDeleteResponse,
    InterfaceFamilyConfig, InterfaceGetRequest, InterfaceGetResponse, InterfaceType, InterfaceUnit,
    InterfaceUnitConfig, StringAttribute, interface_add_request, interface_delete_request,
    interface_get_request, interface_get_response,
};
use std::net::IpAddr;
use tonic::{Request, Response, Status};

/// Why a call failed, as the sub-codes of the three answers tell it
/// (their numbers differ: each answer maps this its own way).
enum Why {
    NoPort,
    NoUnit,
    NoFamily,
    NoAddress,
    Mismatch,
    FamilyMismatch,
    NotFound,
    Failed,
}

struct Fail(Why, String);

/// The object a request names, checked: interface, unit, family, address.
#[derive(Debug, Clone, Default)]
struct Target {
    ifd: String,
    unit: Option<u32>,
    family: Option<&'static str>,
    /// `A/L` (or `A` in a delete or get).
    address: Option<String>,
}

impl Target {
    fn path(&self) -> String {
        let mut p = format!("interfaces {}", self.ifd);
        if let Some(u) = self.unit {
            p += &format!(" unit {u}");
        }
        if let Some(f) = self.family {
            p += &format!(" family {f}");
        }
        p
    }
}

fn port(name: &str) -> Result<String, Fail> {
    if name.is_empty() {
        return Err(Fail(Why::NoPort, "port_name is not given".into()));
    }
    word("port name", name)
        .map(str::to_owned)
        .map_err(|e| Fail(Why::Failed, e))
}

fn unit(u: Option<&InterfaceUnit>) -> Result<u32, Fail> {
    u.map(|u| u.number)
        .ok_or_else(|| Fail(Why::NoUnit, "unit is not given (unit { number: N })".into()))
}

fn family(n: i32) -> Result<&'static str, Fail> {
    match AfType::try_from(n) {
        Ok(AfType::AfInet) => Ok("inet"),
        Ok(AfType::AfInet6) => Ok("inet6"),
        Ok(AfType::AfUnspecified) => Err(Fail(Why::NoFamily, "family is not given".into())),
        _ => Err(Fail(
            Why::FamilyMismatch,
            format!("family {n}: only AF_INET (1) and AF_INET6 (2) are served"),
        )),
    }
}

/// `A/L` (or `A` when no length is given) of `ip`, checked against `family`.
fn address(ip: Option<&IpAddress>, family: &str) -> Result<String, Fail> {
    let (addr, len) = match ip.and_then(|a| a.addr_format.as_ref()) {
        Some(ip_address::AddrFormat::AddrString(s)) => {
            let s = s.trim();
            match s.split_once('/') {
                Some((a, l)) => (a.parse::<IpAddr>().ok(), Some(l)),
                None => (s.parse::<IpAddr>().ok(), None),
            }
        }
        Some(ip_address::AddrFormat::AddrBytes(b)) => (
            match b.len() {
                4 => <[u8; 4]>::try_from(b.as_slice()).ok().map(IpAddr::from),
                16 => <[u8; 16]>::try_from(b.as_slice()).ok().map(IpAddr::from),
                _ => None,
            },
            None,
        ),
        None => return Err(Fail(Why::NoAddress, "ip_address is not given".into())),
    };
    let Some(addr) = addr else {
        return Err(Fail(
            Why::Failed,
            "ip_address is not an IP address (A or A/L)".into(),
        ));
    };
    let top = if addr.is_ipv4() { 32 } else { 128 };
    if (family == "inet") != addr.is_ipv4() {
        return Err(Fail(
            Why::FamilyMismatch,
            format!("address {addr} does not belong to family {family}"),
        ));
    }
    match len {
        None => Ok(addr.to_string()),
        Some(l) => match l.parse::<u32>() {
            Ok(l) if l <= top => Ok(format!("{addr}/{l}")),
            _ => Err(Fail(
                Why::Failed,
                format!("prefix length {l:?} is not 0 to {top}"),
            )),
        },
    }
}

fn attributes(
    a: Option<&InterfaceAttributeList>,
    known: &[&str],
) -> Result<Vec<(String, String)>, Fail> {
    let mut out = Vec::new();
    let Some(a) = a else { return Ok(out) };
    let strings = a
        .string_attributes
        .iter()
        .map(|s| (s.key.as_str(), s.value.clone()));
    let ints = a
        .integer_attributes
        .iter()
        .map(|i| (i.key.as_str(), i.value.to_string()));
    for (k, v) in strings.chain(ints) {
        if !known.contains(&k) {
            return Err(Fail(
                Why::Failed,
                format!(
                    "attribute {k:?} is not served here; known: {}",
                    known.join(", ")
                ),
            ));
        }
        let v = word(k, &v).map_err(|e| Fail(Why::Failed, e))?;
        out.push((k.to_owned(), v.to_owned()));
    }
    Ok(out)
}

fn mismatch(t: i32) -> Fail {
    Fail(
        Why::Mismatch,
        format!("type {t} does not match the object the request holds"),
    )
}

fn arp() -> Fail {
    Fail(
        Why::Failed,
        "ARP/NDP objects are not served by this device".into(),
    )
}

fn integer(config: &confuzz_wire::xml::Element, key: &str) -> Option<IntegerAttribute> {
    configured::leaf(config, key)?
        .parse()
        .ok()
        .map(|value| IntegerAttribute {
            key: key.into(),
            value,
        })
}

impl JetService {
    fn interface_add(
        &self,
        sid: crate::device::SessionId,
        r: &InterfaceAddRequest,
    ) -> Result<(), Fail> {
        use interface_add_request::InterfaceObject as O;
        let t = r.r#type;
        let (target, attrs) = match (InterfaceType::try_from(t), &r.interface_object) {
            (Ok(InterfaceType::TypeInterfaceObject), Some(O::Interfaces(c))) => (
                Target {
                    ifd: port(&c.port_name)?,
                    ..Target::default()
                },
                attributes(c.attributes.as_ref(), &["mtu", "mac"])?,
            ),
            (Ok(InterfaceType::TypeInterfaceUnitObject), Some(O::Unit(c))) => (
                Target {
                    ifd: port(&c.port_name)?,
                    unit: Some(unit(c.unit.as_ref())?),
                    ..Target::default()
                },
                attributes(c.attributes.as_ref(), &["vlan-id"])?,
            ),
            (Ok(InterfaceType::TypeInterfaceFamilyObject), Some(O::Family(c))) => (
                Target {
                    ifd: port(&c.port_name)?,
                    unit: Some(unit(c.unit.as_ref())?),
                    family: Some(family(c.family)?),
                    address: None,
                },
                attributes(c.attributes.as_ref(), &[])?,
            ),
            (Ok(InterfaceType::TypeInterfaceAddressObject), Some(O::Address(c))) => {
                let f = family(c.family)?;
                (
                    Target {
                        ifd: port(&c.port_name)?,
                        unit: Some(unit(c.unit.as_ref())?),
                        family: Some(f),
                        address: Some(address(c.ip_address.as_ref(), f)?),
                    },
                    attributes(c.attributes.as_ref(), &[])?,
                )
            }
            (Ok(InterfaceType::TypeInterfaceArpObject), _) => return Err(arp()),
            _ => return Err(mismatch(t)),
        };
        let at = target.path();
        let mut lines = vec![match &target.address {
            Some(a) => format!("set {at} address {a}"),
            None => format!("set {at}"),
        }];
        lines.extend(attrs.iter().map(|(k, v)| format!("set {at} {k} {v}")));
        self.apply_set(sid, &lines, &format!("JET InterfaceAdd {at}"))
            .map_err(|e| Fail(Why::Failed, e))
    }

    /// The configured object `target` names, answered as `InterfaceGet` does.
    fn interface_get(
        &self,
        target: &Target,
    ) -> Result<interface_get_response::InterfaceObject, Fail> {
        use interface_get_response::InterfaceObject as O;
        let dev = self.device.lock();
        let cfg = dev.running();
        let missing = || {
            Fail(
                Why::NotFound,
                format!("{} is not configured", target.path()),
            )
        };
        let ifd = target.ifd.clone();
        let unit_msg = target.unit.map(|number| InterfaceUnit { number });
        Ok(match (target.unit, target.family) {
            (None, _) => {
                let i = configured::interface(cfg, &ifd).ok_or_else(missing)?;
                let attributes = InterfaceAttributeList {
                    string_attributes: configured::leaf(i, "mac")
                        .map(|v| StringAttribute {
                            key: "mac".into(),
                            value: v.into(),
                        })
                        .into_iter()
                        .collect(),
                    integer_attributes: integer(i, "mtu").into_iter().collect(),
                };
                O::Interfaces(InterfaceConfig {
                    port_name: ifd,
                    attributes: Some(attributes),
                })
            }
            (Some(u), None) => {
                let e = configured::unit(cfg, &ifd, u).ok_or_else(missing)?;
                let attributes = InterfaceAttributeList {
                    string_attributes: Vec::new(),
                    integer_attributes: integer(e, "vlan-id").into_iter().collect(),
                };
                O::Unit(InterfaceUnitConfig {
                    port_name: ifd,
                    unit: unit_msg,
                    attributes: Some(attributes),
                })
            }
            (Some(u), Some(f)) => {
                configured::family(cfg, &ifd, u, f).ok_or_else(missing)?;
                let family = if f == "inet" {
                    AfType::AfInet
                } else {
                    AfType::AfInet6
                } as i32;
                match &target.address {
                    None => O::Family(InterfaceFamilyConfig {
                        port_name: ifd,
                        unit: unit_msg,
                        family,
                        attributes: None,
                    }),
                    Some(a) => {
                        let configured_as = configured::address(cfg, &target.ifd, u, f, a)
                            .ok_or_else(|| {
                                Fail(
                                    Why::NotFound,
                                    format!("{} address {a} is not configured", target.path()),
                                )
                            })?;
                        O::Address(InterfaceAddressConfig {
                            port_name: ifd,
                            unit: unit_msg,
                            family,
                            ip_address: Some(IpAddress {
                                addr_format: Some(ip_address::AddrFormat::AddrString(
                                    configured_as,
                                )),
                            }),
                            attributes: None,
                            destination_udp_port: 0,
                        })
                    }
                }
            }
        })
    }

    fn interface_delete(
        &self,
        sid: crate::device::SessionId,
        r: &InterfaceDeleteRequest,
    ) -> Result<(), Fail> {
        use interface_delete_request::InterfaceObject as O;
        let t = r.r#type;
        let target = match (InterfaceType::try_from(t), &r.interface_object) {
            (Ok(InterfaceType::TypeInterfaceObject), Some(O::Interfaces(c))) => Target {
                ifd: port(&c.port_name)?,
                ..Target::default()
            },
            (Ok(InterfaceType::TypeInterfaceUnitObject), Some(O::Unit(c))) => Target {
                ifd: port(&c.port_name)?,
                unit: Some(unit(c.unit.as_ref())?),
                ..Target::default()
            },
            (Ok(InterfaceType::TypeInterfaceFamilyObject), Some(O::Family(c))) => Target {
                ifd: port(&c.port_name)?,
                unit: Some(unit(c.unit.as_ref())?),
                family: Some(family(c.family)?),
                address: None,
            },
            (Ok(InterfaceType::TypeInterfaceAddressObject), Some(O::Address(c))) => {
                let f = family(c.family)?;
                Target {
                    ifd: port(&c.port_name)?,
                    unit: Some(unit(c.unit.as_ref())?),
                    family: Some(f),
                    address: Some(address(c.ip_address.as_ref(), f)?),
                }
            }
            (Ok(InterfaceType::TypeInterfaceArpObject), _) => return Err(arp()),
            _ => return Err(mismatch(t)),
        };
        let found = self.interface_get(&target)?;
        let at = target.path();
        let line = match found {
            interface_get_response::InterfaceObject::Address(a) => {
                let a = match a.ip_address.and_then(|i| i.addr_format) {
                    Some(ip_address::AddrFormat::AddrString(s)) => s,
                    _ => {
                        return Err(Fail(
                            Why::Failed,
                            "the configured address cannot be read".into(),
                        ));
                    }
                };
                format!("delete {at} address {a}")
            }
            _ => format!("delete {at}"),
        };
        self.apply_set(sid, &[line], &format!("JET InterfaceDelete {at}"))
            .map_err(|e| Fail(Why::Failed, e))
    }
}

fn status(r: &Result<(), Fail>) -> Option<RpcStatus> {
    match r {
        Ok(()) => ok(),
        Err(Fail(_, why)) => failure(why.clone()),
    }
}

#[tonic::async_trait]
impl Interfaces for JetService {
    async fn interface_add(
        &self,
        req: Request<InterfaceAddRequest>,
    ) -> Result<Response<InterfaceAddResponse>, Status> {
        use confuzz_net::grpc::proto::jnx::jet::interfaces::interface_add_response::StatusCode as S;
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let r = JetService::interface_add(self, sid, req.get_ref());
        let sub = match &r {
            Ok(()) => S::SuccessCompleted,
            Err(Fail(w, _)) => match w {
                Why::NoPort => S::PortNameNotSpecified,
                Why::NoUnit => S::UnitNotSpecified,
                Why::NoFamily => S::FamilyNotSpecified,
                Why::NoAddress => S::IpAddrNotSpecified,
                Why::Mismatch => S::InterfaceObjectMismatch,
                Why::FamilyMismatch => S::InterfaceFamilyMismatch,
                Why::NotFound | Why::Failed => S::OperationFailed,
            },
        };
        Ok(Response::new(InterfaceAddResponse {
            status: status(&r),
            sub_code: sub as i32,
        }))
    }

    async fn interface_delete(
        &self,
        req: Request<InterfaceDeleteRequest>,
    ) -> Result<Response<InterfaceDeleteResponse>, Status> {
        use confuzz_net::grpc::proto::jnx::jet::interfaces::interface_delete_response::StatusCode as S;
        let (sid, _) = self.session_of(conn(&req).as_ref())?;
        let r = JetService::interface_delete(self, sid, req.get_ref());
        let sub = match &r {
            Ok(()) => S::SuccessCompleted,
            Err(Fail(w, _)) => match w {
                Why::NoPort => S::PortNameNotSpecified,
                Why::NoUnit => S::UnitNotSpecified,
                Why::NoFamily => S::FamilyNotSpecified,
                Why::NoAddress => S::IpAddrNotSpecified,
                Why::Mismatch | Why::FamilyMismatch | Why::Failed => S::InterfaceObjectMismatch,
                Why::NotFound => S::ObjectNotFound,
            },
        };
        Ok(Response::new(InterfaceDeleteResponse {
            status: status(&r),
            sub_code: sub as i32,
        }))
    }

    async fn interface_get(
        &self,
        req: Request<InterfaceGetRequest>,
    ) -> Result<Response<InterfaceGetResponse>, Status> {
        use confuzz_net::grpc::proto::jnx::jet::interfaces::interface_get_response::StatusCode as S;
        use interface_get_request::InterfaceObject as O;
        self.session_of(conn(&req).as_ref())?;
        let r = req.into_inner();
        let t = r.r#type;
        let target = match (InterfaceType::try_from(t), &r.interface_object) {
            (Ok(InterfaceType::TypeInterfaceObject), Some(O::Interfaces(c))) => port(&c.port_name)
                .map(|ifd| Target {
                    ifd,
                    ..Target::default()
                }),
            (Ok(InterfaceType::TypeInterfaceUnitObject), Some(O::Unit(c))) => port(&c.port_name)
                .and_then(|ifd| {
                    Ok(Target {
                        ifd,
                        unit: Some(unit(c.unit.as_ref())?),
                        ..Target::default()
                    })
                }),
            (Ok(InterfaceType::TypeInterfaceFamilyObject), Some(O::Family(c))) => {
                port(&c.port_name).and_then(|ifd| {
                    Ok(Target {
                        ifd,
                        unit: Some(unit(c.unit.as_ref())?),
                        family: Some(family(c.family)?),
                        address: None,
                    })
                })
            }
            (Ok(InterfaceType::TypeInterfaceAddressObject), Some(O::Address(c))) => {
                port(&c.port_name).and_then(|ifd| {
                    let f = family(c.family)?;
                    Ok(Target {
                        ifd,
                        unit: Some(unit(c.unit.as_ref())?),
                        family: Some(f),
                        address: Some(address(c.ip_address.as_ref(), f)?),
                    })
                })
            }
            (Ok(InterfaceType::TypeInterfaceArpObject), _) => Err(arp()),
            _ => Err(mismatch(t)),
        };
        let found = target.and_then(|t| self.interface_get(&t));
        let (object, status, sub) = match found {
            Ok(o) => (Some(o), ok(), S::SuccessCompleted),
            Err(Fail(w, why)) => {
                let sub = match w {
                    Why::NoPort => S::PortNameNotSpecified,
                    Why::NoUnit => S::UnitNotSpecified,
                    Why::NoFamily => S::FamilyNotSpecified,
                    Why::NoAddress => S::IpAddrNotSpecified,
                    Why::NotFound => S::ObjectNotFound,
                    Why::Mismatch | Why::FamilyMismatch | Why::Failed => S::InterfaceObjectMismatch,
                };
                (None, failure(why), sub)
            }
        };
        Ok(Response::new(InterfaceGetResponse {
            r#type: t,
            interface_object: object,
            status,
            sub_code: sub as i32,
        }))
    }
}
