//! `seawarden decode`: AIS NMEA → one gpsd-style JSON object per decoded message per line.
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::ingest::ais::{Decoder, write_gpsd_json};

/// Decode AIS NMEA (`!AIVDM`/`!AIVDO`, tag blocks allowed) into JSON lines.
///
/// Each decoded message becomes one JSON object on stdout with the field names, values and
/// scaling that `gpsdecode -s` (gpsd 3.22) prints; sentences gpsd would drop (bad checksum,
/// out-of-order fragments, wrong payload lengths) are dropped too. The input is streamed, so
/// files of any size work.
///
/// Example: `seawarden decode --json capture.nmea > messages.jsonl`
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Input file, or `-` for stdin.
    #[arg(value_name = "FILE|-")]
    pub input: PathBuf,
    /// Write gpsd-style JSON lines (the only output format for now; kept for gpsd-like usage).
    #[arg(long)]
    pub json: bool,
    /// Print counts of rejected lines by reason to stderr at the end.
    #[arg(long)]
    pub stats: bool,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let input: Box<dyn Read> = if args.input.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(
            std::fs::File::open(&args.input).with_context(|| format!("reading {}", args.input.display()))?,
        )
    };
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let mut decoder = Decoder::new();
    let mut count = 0u64;
    decode_stream(BufReader::with_capacity(1 << 16, input), &mut decoder, |json| {
        count += 1;
        out.write_all(json)
    })
    .with_context(|| format!("decoding {}", args.input.display()))?;
    out.flush().context("writing stdout")?;
    if args.stats {
        eprint!("{}", decoder.stats());
    }
    tracing::info!(messages = count, "decode done");
    Ok(ExitCode::SUCCESS)
}

/// Stream lines through the decoder, calling `emit` with each JSON line (newline included).
/// Buffers are reused; nothing is allocated per message. A last line without a newline is
/// ignored, as gpsd's packet lexer never completes it.
pub fn decode_stream<R: BufRead>(
    mut input: R,
    decoder: &mut Decoder,
    mut emit: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut line = Vec::with_capacity(256);
    let mut json = Vec::with_capacity(1024);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        if line.last() != Some(&b'\n') {
            return Ok(());
        }
        if let Some(msg) = decoder.push_line(&line) {
            json.clear();
            write_gpsd_json(msg, &mut json);
            json.push(b'\n');
            emit(&json)?;
        }
    }
}
