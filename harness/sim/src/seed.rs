//! What a fresh device holds and reports: a small Junos-like configuration
//! (host name, login classes and users, interfaces) with the data of NSO's
//! example modules beside it, and the operational
//! answers of an MX480-like chassis.

use crate::config::DeviceConfig;
use crate::tree;
use confuzz_wire::junos::{
    Chassis, ChassisInventory, ChassisModule, PackageInformation, Reply, SoftwareInformation,
};
use confuzz_wire::xml::{Attribute, Element};

fn leaf(name: &str, value: &str) -> Element {
    Element::new(name).with_text(value)
}

fn entry(list: &str, key: &str) -> Element {
    Element::new(list).with_child(leaf("name", key))
}

fn interface(name: &str, description: Option<&str>, address: Option<&str>) -> Element {
    let mut i = entry("interface", name);
    if let Some(d) = description {
        i.children.push(leaf("description", d));
    }
    let mut unit = entry("unit", "0");
    let mut inet = Element::new("inet");
    if let Some(a) = address {
        inet.children.push(entry("address", a));
    }
    unit.children.push(Element::new("family").with_child(inet));
    i.children.push(unit);
    i
}

/// The configuration a fresh device starts with.
pub fn initial_configuration(cfg: &DeviceConfig) -> Element {
    let mut login = Element::new("login");
    login.children.push(
        entry("class", "ops")
            .with_child(leaf("idle-timeout", "60"))
            .with_child(leaf("permissions", "view"))
            .with_child(leaf("permissions", "view-configuration")),
    );
    for (n, u) in cfg.users.iter().enumerate() {
        let uid = 2000 + n.min(60_000) as u32;
        login.children.push(
            entry("user", &u.name)
                .with_child(leaf("uid", &uid.to_string()))
                .with_child(leaf("class", u.class.as_str()))
                .with_child(
                    Element::new("authentication")
                        .with_child(leaf("encrypted-password", &format!("$6$sim${}", u.name))),
                ),
        );
    }
    let hostname = if cfg.hostname.is_empty() {
        "sim"
    } else {
        cfg.hostname.as_str()
    };
    let system = Element::new("system")
        .with_child(leaf("host-name", hostname))
        .with_child(
            Element::new("root-authentication")
                .with_child(leaf("encrypted-password", "$6$sim$root")),
        )
        .with_child(login)
        .with_child(
            Element::new("services")
                .with_child(Element::new("ssh"))
                .with_child(Element::new("netconf").with_child(Element::new("ssh"))),
        );
    let interfaces = Element::new("interfaces")
        .with_child(interface(
            "ge-0/0/0",
            Some("uplink to core"),
            Some("192.0.2.1/24"),
        ))
        .with_child(interface("ge-0/0/1", None, Some("198.51.100.1/24")))
        .with_child(interface("ge-0/0/2", Some("spare"), None))
        .with_child(interface("lo0", None, Some("10.255.0.1/32")));
    let mut c = Element::new("configuration")
        .with_child(leaf("version", &cfg.junos_version))
        .with_child(system)
        .with_child(interfaces);
    // NSO's example modules (seed 002), in their own namespaces, so every
    // protocol sees them (JSON-RPC keypaths, NETCONF get-config and edits).
    c.children.extend(crate::nso::schema::example_config());
    tree::normalized(&c)
}

fn module(name: &str, version: &str, part: &str, serial: &str, description: &str) -> ChassisModule {
    ChassisModule {
        name: Some(name.into()),
        version: (!version.is_empty()).then(|| version.into()),
        part_number: (!part.is_empty()).then(|| part.into()),
        serial_number: (!serial.is_empty()).then(|| serial.into()),
        description: Some(description.into()),
        ..ChassisModule::default()
    }
}

/// `<chassis-inventory>` of an MX480 with one RE, one SCB and one MPC.
pub fn chassis_inventory(cfg: &DeviceConfig, detail: bool) -> Element {
    let release = cfg.schema_release();
    let mut re0 = module(
        "Routing Engine 0",
        "REV 07",
        "740-031116",
        "9009099843",
        "RE-S-1800x4",
    );
    if detail {
        re0.model_number = Some("RE-S-1800X4-16G-S".into());
        re0.clei_code = Some("COUCAJYBAA".into());
    }
    let mut pic = module("PIC 0", "", "BUILTIN", "BUILTIN", "4x 10GE SFP+");
    pic.sub_modules = vec![
        module("Xcvr 0", "REV 01", "740-031980", "ALN1F2K3", "SFP+-10G-SR"),
        module("Xcvr 1", "REV 01", "740-031980", "ALN1F2K4", "SFP+-10G-SR"),
    ];
    let mut mic = module(
        "MIC 0",
        "REV 19",
        "750-028387",
        "CAAJ5723",
        "3D 4x 10GE  XFP",
    );
    mic.sub_modules = vec![pic];
    let mut fpc = module(
        "FPC 0",
        "REV 45",
        "750-045715",
        "CADT6182",
        "MPCE Type 3 3D",
    );
    fpc.sub_modules = vec![
        module("CPU", "REV 10", "711-035209", "CADR4712", "HMPC PMB 2G"),
        mic,
    ];
    let inv = ChassisInventory {
        attributes: vec![Attribute::xmlns(
            None,
            format!("http://xml.juniper.net/junos/{release}/junos-chassis"),
        )],
        chassis: vec![Chassis {
            attributes: vec![Attribute {
                name: confuzz_wire::xml::QName::prefixed("junos", "style"),
                namespace: Some(confuzz_wire::junos::junos_namespace(&release)),
                value: "inventory".into(),
            }],
            name: Some("Chassis".into()),
            serial_number: Some(cfg.serial_number.clone()),
            description: Some("MX480".into()),
            modules: vec![
                module(
                    "Midplane",
                    "REV 02",
                    "750-047862",
                    "ACRC2937",
                    "Enhanced MX480 Midplane",
                ),
                module(
                    "FPM Board",
                    "REV 03",
                    "710-017254",
                    "KE2411",
                    "Front Panel Display",
                ),
                module(
                    "PEM 0",
                    "Rev 10",
                    "740-029970",
                    "QCS1712U07T",
                    "PS 1.4-2.52kW; 90-264V AC in",
                ),
                module(
                    "PEM 1",
                    "Rev 10",
                    "740-029970",
                    "QCS1712U08A",
                    "PS 1.4-2.52kW; 90-264V AC in",
                ),
                re0,
                module(
                    "CB 0",
                    "REV 22",
                    "750-031391",
                    "CAEB8421",
                    "Enhanced MX SCB",
                ),
                fpc,
                module("Fan Tray", "", "", "", "Enhanced Left Fan Tray"),
            ],
        }],
    };
    Reply::ChassisInventory(inv).to_element()
}

/// `<software-information>`.
pub fn software_information(cfg: &DeviceConfig, hostname: &str) -> Element {
    let v = &cfg.junos_version;
    Reply::SoftwareInformation(SoftwareInformation {
        host_name: Some(hostname.to_owned()),
        product_model: Some("mx480".into()),
        product_name: Some("mx480".into()),
        junos_version: Some(v.clone()),
        packages: vec![
            PackageInformation {
                name: Some("junos".into()),
                comment: Some(format!("JUNOS Software Release [{v}]")),
            },
            PackageInformation {
                name: Some("junos-libs".into()),
                comment: Some(format!("JUNOS libs [{v}]")),
            },
        ],
    })
    .to_element()
}
