//! `jnx.jet.interfaces.Interfaces`: reading an interface, a unit and an
//! address back as configured, adding and deleting an address of a unit.

use super::{connect, logged_in, netconf_running, serve_grpc};
use confuzz_net::grpc::proto::jnx::jet::common::{AfType, IpAddress, StatusCode, ip_address};
use confuzz_net::grpc::proto::jnx::jet::interfaces::interfaces_client::InterfacesClient;
use confuzz_net::grpc::proto::jnx::jet::interfaces::{
    InterfaceAddRequest, InterfaceAddressConfig, InterfaceAddressDelete, InterfaceConfig,
    InterfaceDeleteRequest, InterfaceGetRequest, InterfaceType, InterfaceUnit,
    interface_add_request, interface_delete_request, interface_delete_response,
    interface_get_request, interface_get_response,
};
use confuzz_sim::serve::grpc::GrpcOptions;

fn ip(s: &str) -> Option<IpAddress> {
    Some(IpAddress {
        addr_format: Some(ip_address::AddrFormat::AddrString(s.into())),
    })
}

fn address(port: &str, unit: u32, a: &str) -> InterfaceAddressConfig {
    InterfaceAddressConfig {
        port_name: port.into(),
        unit: Some(InterfaceUnit { number: unit }),
        family: AfType::AfInet as i32,
        ip_address: ip(a),
        ..InterfaceAddressConfig::default()
    }
}

fn get_address(port: &str, unit: u32, a: &str) -> InterfaceGetRequest {
    InterfaceGetRequest {
        r#type: InterfaceType::TypeInterfaceAddressObject as i32,
        interface_object: Some(interface_get_request::InterfaceObject::Address(address(
            port, unit, a,
        ))),
    }
}

fn delete_address(port: &str, unit: u32, a: &str) -> InterfaceDeleteRequest {
    InterfaceDeleteRequest {
        r#type: InterfaceType::TypeInterfaceAddressObject as i32,
        interface_object: Some(interface_delete_request::InterfaceObject::Address(
            InterfaceAddressDelete {
                port_name: port.into(),
                unit: Some(InterfaceUnit { number: unit }),
                family: AfType::AfInet as i32,
                ip_address: ip(a),
            },
        )),
    }
}

const OK: i32 = StatusCode::Success as i32;
const FAILED: i32 = StatusCode::Failure as i32;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interface_get_reads_back_the_configured_interface_and_address() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let c = logged_in(s.grpc, "admin", "admin").await;
    let mut intf = InterfacesClient::new(c.channel());

    let r = intf
        .interface_get(InterfaceGetRequest {
            r#type: InterfaceType::TypeInterfaceObject as i32,
            interface_object: Some(interface_get_request::InterfaceObject::Interfaces(
                InterfaceConfig {
                    port_name: "ge-0/0/0".into(),
                    attributes: None,
                },
            )),
        })
        .await
        .expect("InterfaceGet answers")
        .into_inner();
    assert_eq!(
        r.status.as_ref().map(|s| s.code),
        Some(OK),
        "{:?}",
        r.status
    );
    match r.interface_object {
        Some(interface_get_response::InterfaceObject::Interfaces(i)) => {
            assert_eq!(i.port_name, "ge-0/0/0");
        }
        other => panic!("not an interface object: {other:?}"),
    }

    // Asked without its length, the address comes back as configured.
    let r = intf
        .interface_get(get_address("ge-0/0/0", 0, "192.0.2.1"))
        .await
        .expect("answer")
        .into_inner();
    match r.interface_object {
        Some(interface_get_response::InterfaceObject::Address(a)) => {
            assert_eq!(a.ip_address, ip("192.0.2.1/24"));
            assert_eq!(a.unit, Some(InterfaceUnit { number: 0 }));
        }
        other => panic!("not an address object: {other:?} {:?}", r.status),
    }

    let r = intf
        .interface_get(get_address("ge-0/0/0", 0, "198.51.100.9"))
        .await
        .expect("answer")
        .into_inner();
    let st = r.status.expect("status");
    assert_eq!(st.code, FAILED);
    assert_eq!(
        r.sub_code,
        interface_get_response::StatusCode::ObjectNotFound as i32
    );
    assert!(
        st.message
            .contains("address 198.51.100.9 is not configured"),
        "{}",
        st.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_added_to_a_unit_is_committed_and_deleting_it_removes_it() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let c = logged_in(s.grpc, "admin", "admin").await;
    let mut intf = InterfacesClient::new(c.channel());

    let r = intf
        .interface_add(InterfaceAddRequest {
            r#type: InterfaceType::TypeInterfaceAddressObject as i32,
            interface_object: Some(interface_add_request::InterfaceObject::Address(address(
                "ge-0/0/3",
                5,
                "10.20.30.1/29",
            ))),
        })
        .await
        .expect("InterfaceAdd answers")
        .into_inner();
    assert_eq!(
        r.status.as_ref().map(|s| s.code),
        Some(OK),
        "{:?}",
        r.status
    );
    let running = netconf_running(s.tcp).await;
    assert!(
        running.contains("<interface><name>ge-0/0/3</name><unit><name>5</name><family><inet><address><name>10.20.30.1/29</name></address></inet></family></unit></interface>"),
        "{running}"
    );

    let r = intf
        .interface_delete(delete_address("ge-0/0/3", 5, "10.20.30.1"))
        .await
        .expect("InterfaceDelete answers")
        .into_inner();
    assert_eq!(
        r.status.as_ref().map(|s| s.code),
        Some(OK),
        "{:?}",
        r.status
    );
    assert!(!netconf_running(s.tcp).await.contains("10.20.30.1"));

    let r = intf
        .interface_delete(delete_address("ge-0/0/3", 5, "10.20.30.1"))
        .await
        .expect("answer")
        .into_inner();
    assert_eq!(r.status.map(|s| s.code), Some(FAILED));
    assert_eq!(
        r.sub_code,
        interface_delete_response::StatusCode::ObjectNotFound as i32
    );

    // An IPv6 address in family inet is refused before anything changes.
    let r = intf
        .interface_add(InterfaceAddRequest {
            r#type: InterfaceType::TypeInterfaceAddressObject as i32,
            interface_object: Some(interface_add_request::InterfaceObject::Address(address(
                "ge-0/0/3",
                5,
                "2001:db8::1/64",
            ))),
        })
        .await
        .expect("answer")
        .into_inner();
    let st = r.status.expect("status");
    assert_eq!(st.code, FAILED);
    assert!(
        st.message.contains("does not belong to family inet"),
        "{}",
        st.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interfaces_calls_before_login_are_unauthenticated() {
    let s = serve_grpc(GrpcOptions::default()).await;
    let c = connect(s.grpc).await;
    let mut intf = InterfacesClient::new(c.channel());
    let e = intf
        .interface_get(get_address("ge-0/0/0", 0, "192.0.2.1"))
        .await
        .expect_err("refused before login");
    assert_eq!(e.code(), tonic::Code::Unauthenticated);
}
