//! `confuzz`: protocol conformance and fuzz testing for network-device management protocols.

mod decode;
mod fleet;
mod scenario;
mod sim;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Protocol conformance and fuzz testing harness for NETCONF, the Junos XML
/// protocol, NSO JSON-RPC and Juniper JET.
#[derive(Debug, Parser)]
#[command(name = "confuzz", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per run: the size of the largest arguments costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Decode one side of a captured session and report every message and protocol violation.
    Decode(decode::DecodeArgs),
    /// Serve simulated NETCONF / Junos XML devices over SSH, TCP or stdio, with NSO JSON-RPC, JET MQTT and JET gRPC.
    Sim(sim::SimArgs),
    /// Run scenarios against targets (default: the built-in simulated device) and report.
    Run(scenario::RunArgs),
    /// Validate scenario files without running them.
    Check(scenario::CheckArgs),
    /// Show pending snapshots as diffs and accept or reject them.
    Review(scenario::ReviewArgs),
    /// List the targets of the targets file.
    Targets(scenario::TargetsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Decode(args) => decode::run(&args),
        Command::Sim(args) => sim::run(&args),
        Command::Run(args) => scenario::run(&args),
        Command::Check(args) => scenario::check(&args),
        Command::Review(args) => scenario::review(&args),
        Command::Targets(args) => scenario::targets(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("confuzz: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
