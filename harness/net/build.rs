//! Generates the gRPC messages and services of JET from `proto/` at build
//! time with `protox` (a protobuf compiler in Rust), so no system `protoc`
//! is needed.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    const FILES: &[&str] = &[
        "proto/jnx/jet/common.proto",
        "proto/jnx/jet/authentication.proto",
        "proto/jnx/jet/management.proto",
        "proto/jnx/jet/common_addr.proto",
        "proto/jnx/jet/firewall.proto",
        "proto/jnx/jet/interfaces.proto",
        "proto/legacy/authentication_service.proto",
        "proto/legacy/management_service.proto",
    ];
    println!("cargo:rerun-if-changed=proto");
    let fds = protox::compile(FILES, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .build_transport(false)
        .compile_fds(fds)?;
    Ok(())
}
