//! `confuzz sim --targets-out PATH`: a targets file naming every device the
//! simulator serves, so one `confuzz run --target 'sim-*'` drives the whole
//! fleet over real SSH, as it would a lab of real devices.
//!
//! The password is never written: targets read it from
//! [`PASSWORD_ENV`], as a real lab's targets file would.

use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::path::Path;

/// The environment variable the written targets read the password from.
pub const PASSWORD_ENV: &str = "CONFUZZ_SIM_PASSWORD";

/// One served device, as a target.
pub struct FleetDevice {
    /// The target's name (`sim-0000`, ...).
    pub name: String,
    /// NETCONF and Junos XML protocol over SSH.
    pub ssh: String,
    /// `http://host:port/jsonrpc`, when JSON-RPC is served.
    pub jsonrpc_url: Option<String>,
    /// Target variables the scenarios compare with (host name, serial).
    pub hostname: String,
    /// The chassis serial number.
    pub serial_number: String,
}

/// The name of device `index` in a fleet of `count`.
pub fn target_name(index: u16) -> String {
    format!("sim-{index:04}")
}

/// A TOML basic string (JSON's escapes are TOML's).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The targets file text for `devices`, logging in as `user` and pinning
/// the SSH host key `host_key` (SHA256 fingerprint).
pub fn targets_file(devices: &[FleetDevice], user: &str, host_key: &str) -> String {
    let mut out = format!(
        "# Written by `confuzz sim --targets-out`: {} simulated device(s).\n\
         # Run: {PASSWORD_ENV}=<password of {user}> confuzz run scenarios/ --targets-file THIS --target 'sim-*'\n",
        devices.len()
    );
    for d in devices {
        let mut tags = vec!["junos", "netconf", "fleet"];
        if d.jsonrpc_url.is_some() {
            tags.push("nso");
        }
        let tags: Vec<String> = tags.iter().map(|t| quote(t)).collect();
        let _ = write!(
            out,
            "\n[targets.{name}]\naddress = {ssh}\nuser = {user}\npassword-env = {env}\n\
             host-key = {key}\nprofile = \"sim\"\ntags = [{tags}]\n",
            name = d.name,
            ssh = quote(&d.ssh),
            user = quote(user),
            env = quote(PASSWORD_ENV),
            key = quote(host_key),
            tags = tags.join(", "),
        );
        if let Some(url) = &d.jsonrpc_url {
            let _ = writeln!(out, "jsonrpc-url = {}", quote(url));
        }
        let _ = write!(
            out,
            "[targets.{}.vars]\nhostname = {}\nserial_number = {}\n",
            d.name,
            quote(&d.hostname),
            quote(&d.serial_number)
        );
    }
    out
}

/// Writes the targets file.
pub fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--targets-out: creating {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("--targets-out: writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use confuzz_runner::target::TargetsFile;

    #[test]
    fn written_targets_file_parses_and_resolves_every_device() {
        let devices: Vec<FleetDevice> = (0..3)
            .map(|i| FleetDevice {
                name: target_name(i),
                ssh: format!("127.0.0.1:{}", 10830 + i),
                jsonrpc_url: (i == 0).then(|| "http://127.0.0.1:18080/jsonrpc".to_owned()),
                hostname: format!("confuzz-sim-{i}"),
                serial_number: "JN\"1\\".to_owned(),
            })
            .collect();
        let text = targets_file(&devices, "admin", "SHA256:abc");
        let file: TargetsFile = toml::from_str(&text).expect(&text);
        assert_eq!(file.targets.len(), 3);
        let spec = &file.targets["sim-0001"];
        assert_eq!(spec.address.as_deref(), Some("127.0.0.1:10831"));
        assert_eq!(spec.password_env.as_deref(), Some(PASSWORD_ENV));
        assert_eq!(spec.vars["serial_number"], "JN\"1\\");
        assert!(spec.tags.contains(&"fleet".to_owned()));
        assert!(!spec.tags.contains(&"nso".to_owned()));
        assert!(file.targets["sim-0000"].tags.contains(&"nso".to_owned()));
        // SAFETY: the test sets a variable no other test reads.
        unsafe { std::env::set_var(PASSWORD_ENV, "admin") };
        let t = file.resolve("sim-0002", false).expect("resolves");
        assert_eq!(t.profile, "sim");
        assert_eq!(t.vars["hostname"], "confuzz-sim-2");
    }
}
