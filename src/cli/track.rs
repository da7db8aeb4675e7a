//! `seawarden track`: the batch tracker (DESIGN "Tracker batch contract").
use std::fs::File;
use std::io::{BufReader, BufWriter, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use seawarden::track::config::{DEFAULT_TOML, TrackerConfig};

/// Track measurements: JSONL detections in, one line per confirmed track per scan time out.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Measurements, JSONL sorted by time (`-` for stdin).
    #[arg(long, required_unless_present = "print_config")]
    input: Option<PathBuf>,
    /// Where to write the tracks, JSONL (`-` for stdout).
    #[arg(long, required_unless_present = "print_config")]
    output: Option<PathBuf>,
    /// Tracker configuration (TOML); see `--print-config` for every key and its default.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Monitoring sites (`sites.toml`): where the mast of a polar line's `site` is. Default: the
    /// built-in Macau sites.
    #[arg(long, value_name = "SITES.toml")]
    sites: Option<PathBuf>,
    /// Print the commented default configuration and exit.
    #[arg(long)]
    print_config: bool,
}

/// Run the subcommand.
pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    if args.print_config {
        print!("{DEFAULT_TOML}");
        return Ok(ExitCode::SUCCESS);
    }
    let cfg = match &args.config {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            TrackerConfig::from_toml(&text, &p.display().to_string())?
        }
        None => TrackerConfig::default(),
    };
    let (Some(input), Some(output)) = (&args.input, &args.output) else {
        anyhow::bail!("--input and --output are required");
    };
    let reader: Box<dyn std::io::BufRead> = if input.as_os_str() == "-" {
        Box::new(BufReader::new(std::io::stdin().lock()))
    } else {
        let f = File::open(input).with_context(|| format!("reading {}", input.display()))?;
        Box::new(BufReader::with_capacity(1 << 16, f))
    };
    let writer: Box<dyn std::io::Write> = if output.as_os_str() == "-" {
        Box::new(BufWriter::new(std::io::stdout().lock()))
    } else {
        let f = File::create(output).with_context(|| format!("writing {}", output.display()))?;
        Box::new(BufWriter::with_capacity(1 << 16, f))
    };
    let sites = match &args.sites {
        Some(p) => seawarden::coast::Sites::from_path(p).with_context(|| format!("reading {}", p.display()))?,
        None => seawarden::coast::Sites::macau(),
    };
    let sites = sites.iter().map(|s| (s.id.clone(), s.position())).collect();
    let s = seawarden::track::run_batch_with_sites(reader, writer, &cfg, &sites)
        .with_context(|| format!("tracking {}", input.display()))?;
    if s.skipped() > 0 {
        tracing::warn!(
            malformed = s.malformed,
            bad_values = s.bad_values,
            absurd_sigma = s.absurd_sigma,
            unknown_sensor = s.unknown_sensor,
            out_of_order = s.out_of_order,
            "skipped {} bad input lines",
            s.skipped()
        );
    }
    let mut err = std::io::stderr().lock();
    writeln!(
        err,
        "seawarden track: {} lines, {} detections, {} scans, {} output times, {} track lines; skipped {} \
         (malformed {}, bad values {}, absurd sigma {}, unknown sensor {}, out of order {}); late AIS applied {}",
        s.lines,
        s.detections,
        s.scans,
        s.output_times,
        s.output_lines,
        s.skipped(),
        s.malformed,
        s.bad_values,
        s.absurd_sigma,
        s.unknown_sensor,
        s.out_of_order,
        s.late_applied
    )?;
    Ok(ExitCode::SUCCESS)
}
