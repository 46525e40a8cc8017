//! `confuzz decode`: read one side of a captured session and report every
//! message and every protocol violation.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use confuzz_wire::capture::{self, CaptureOptions, CaptureReport, FramingChoice, ProtocolChoice};
use confuzz_wire::framing::Strictness;
use serde::Serialize;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Largest capture read into memory; a larger file is refused with a clear error.
const MAX_CAPTURE_BYTES: u64 = 4 << 30;

#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Capture file holding the bytes one peer sent; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,

    /// Framing of the stream: `auto` reads end-of-message framing until a hello
    /// announcing base:1.1 is followed by chunks (RFC 6242 §4.1).
    #[arg(long, value_enum, default_value_t = FramingArg::Auto)]
    pub framing: FramingArg,

    /// Protocol of the stream: `auto` tells a Junos XML protocol session
    /// (`<junoscript>`) from NETCONF.
    #[arg(long, value_enum, default_value_t = ProtocolArg::Auto)]
    pub protocol: ProtocolArg,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Stop at the first framing violation instead of recording it and reading on.
    #[arg(long)]
    pub strict: bool,

    /// Largest message accepted, in bytes (suffixes k, M, G allowed: 64M).
    #[arg(long, default_value = "64M", value_parser = parse_size)]
    pub max_message: usize,

    /// Also print bytes, messages and decode throughput (measured over the
    /// in-memory decoding only, not start-up or file reading).
    #[arg(long)]
    pub stats: bool,

    /// With --stats, measure one layer alone.
    #[arg(long, value_enum, requires = "stats")]
    pub only: Option<OnlyArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FramingArg {
    Auto,
    Eom,
    Chunked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    Auto,
    Netconf,
    Junos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnlyArg {
    /// The RFC 6242 framing layer, without parsing the messages.
    Framing,
}

fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => s.split_at(i),
        None => (s, ""),
    };
    let n: usize = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size; write a number of bytes, e.g. 65536 or 64M"))?;
    let factor: usize = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("unknown size unit `{unit}`; use k, M or G")),
    };
    match n.checked_mul(factor) {
        Some(0) => Err("the size must be at least 1 byte".to_string()),
        Some(v) => Ok(v),
        None => Err(format!("`{s}` is too large")),
    }
}

/// Throughput figures for `--stats`.
#[derive(Debug, Serialize)]
struct Stats {
    bytes: u64,
    messages: usize,
    layer: &'static str,
    passes: u32,
    seconds_per_pass: f64,
    bytes_per_second: f64,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    source: &'a str,
    #[serde(flatten)]
    report: &'a CaptureReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    stats: Option<&'a Stats>,
}

pub fn run(args: &DecodeArgs) -> Result<ExitCode> {
    let (source, input) = read_input(args.file.as_ref())?;
    let options = CaptureOptions {
        framing: match args.framing {
            FramingArg::Auto => FramingChoice::Auto,
            FramingArg::Eom => FramingChoice::EndOfMessage,
            FramingArg::Chunked => FramingChoice::Chunked,
        },
        protocol: match args.protocol {
            ProtocolArg::Auto => ProtocolChoice::Auto,
            ProtocolArg::Netconf => ProtocolChoice::Netconf,
            ProtocolArg::Junos => ProtocolChoice::Junos,
        },
        strictness: if args.strict {
            Strictness::Strict
        } else {
            Strictness::Lenient
        },
        max_message_size: args.max_message,
        parse_messages: args.only != Some(OnlyArg::Framing),
        ..CaptureOptions::default()
    };

    let report = capture::decode(&input, &options);
    let stats = args.stats.then(|| measure(&input, &options, &report));

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        FormatArg::Json => {
            let doc = JsonOutput {
                source: &source,
                report: &report,
                stats: stats.as_ref(),
            };
            serde_json::to_writer_pretty(&mut out, &doc).context("writing JSON to stdout")?;
            writeln!(out)?;
        }
        FormatArg::Text => {
            write!(out, "{}", report.to_text(&source))?;
            if let Some(s) = &stats {
                writeln!(
                    out,
                    "stats: {} bytes, {} messages, layer {}, {:.3} ms per pass over {} passes, {:.3} GB/s",
                    s.bytes,
                    s.messages,
                    s.layer,
                    s.seconds_per_pass * 1e3,
                    s.passes,
                    s.bytes_per_second / 1e9
                )?;
            }
        }
    }
    out.flush()?;
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Times the in-memory decode alone: repeated passes until about 200 ms have
/// gone by (at least one), so small captures still give a stable figure.
fn measure(input: &[u8], options: &CaptureOptions, report: &CaptureReport) -> Stats {
    let options = &CaptureOptions {
        summaries: false,
        ..options.clone()
    };
    let budget = Duration::from_millis(200);
    let mut passes = 0u32;
    let mut busy = Duration::ZERO;
    loop {
        // Each pass decodes its own copy of the capture; making the copy
        // is not decoding, so it stays outside the timed region.
        let copy = bytes::BytesMut::from(input);
        let start = Instant::now();
        let r = capture::decode_owned(std::hint::black_box(copy), options);
        busy += start.elapsed();
        drop(std::hint::black_box(r));
        passes += 1;
        if busy >= budget || passes >= 1_000_000 {
            break;
        }
    }
    let per_pass = busy.as_secs_f64() / f64::from(passes);
    Stats {
        bytes: input.len() as u64,
        messages: report.messages.len(),
        layer: if options.parse_messages {
            "framing+messages"
        } else {
            "framing"
        },
        passes,
        seconds_per_pass: per_pass,
        bytes_per_second: if per_pass > 0.0 {
            input.len() as f64 / per_pass
        } else {
            0.0
        },
    }
}

fn read_input(file: Option<&PathBuf>) -> Result<(String, Vec<u8>)> {
    match file {
        Some(path) if path.as_os_str() != "-" => {
            let meta = std::fs::metadata(path).with_context(|| {
                format!("cannot read capture {}: check the path", path.display())
            })?;
            anyhow::ensure!(
                meta.len() <= MAX_CAPTURE_BYTES,
                "capture {} is {} bytes, over the {} byte limit; split it into smaller captures",
                path.display(),
                meta.len(),
                MAX_CAPTURE_BYTES
            );
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read capture {}", path.display()))?;
            Ok((path.display().to_string(), bytes))
        }
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(MAX_CAPTURE_BYTES + 1)
                .read_to_end(&mut bytes)
                .context("cannot read the capture from standard input")?;
            anyhow::ensure!(
                bytes.len() as u64 <= MAX_CAPTURE_BYTES,
                "standard input is over the {MAX_CAPTURE_BYTES} byte limit; split the capture"
            );
            Ok(("<stdin>".to_string(), bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn parse_size_accepts_units_and_rejects_garbage() {
        assert_eq!(parse_size("65536"), Ok(65536));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12 parsecs").unwrap_err().contains("unit"));
        assert!(parse_size("lots").unwrap_err().contains("not a size"));
    }
}
