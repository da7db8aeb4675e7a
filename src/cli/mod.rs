//! Command-line interface: one file per subcommand, each exposing `run(args) -> Result<ExitCode>`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod analyze;
pub mod audit;
pub mod bench;
pub mod calibrate;
pub mod broker;
pub mod broker_login;
pub mod certs;
#[cfg(feature = "console")]
pub mod console;
pub mod decode;
pub mod demo;
pub mod detect;
pub mod edge;
pub mod eval;
pub mod eval_alerts;
pub mod ingest;
pub mod listen;
pub mod mission;
pub mod patrol;
pub mod sim;
pub mod track;

/// Seawarden: maritime surveillance for a busy coastline.
///
/// Edge nodes turn AIS, radar and infrared sensor data into vessel tracks and alerts; the
/// command console shows every site on one map. Start with `seawarden decode --help` to turn a
/// raw AIS log into JSON.
#[derive(Debug, Parser)]
#[command(name = "seawarden", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// More log output (-v info, -vv debug, -vvv trace). `RUST_LOG` overrides it.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Decode(decode::Args),
    Demo(demo::Args),
    Detect(detect::Args),
    Ingest(ingest::Args),
    Sim(sim::Args),
    Track(track::Args),
    Analyze(analyze::Args),
    Eval(eval::Args),
    EvalAlerts(eval_alerts::Args),
    Bench(bench::Args),
    Calibrate(calibrate::Args),
    Edge(edge::Args),
    Listen(listen::Args),
    Broker(broker::Args),
    Certs(certs::Args),
    Mission(mission::Args),
    Patrol(patrol::Args),
    #[cfg(feature = "console")]
    Console(console::Args),
    Audit(audit::Args),
}

/// Dispatch to the subcommand.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Decode(args) => decode::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Detect(args) => detect::run(&args),
        Command::Ingest(args) => ingest::run(&args),
        Command::Sim(args) => sim::run(&args),
        Command::Track(args) => track::run(&args),
        Command::Analyze(args) => analyze::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::EvalAlerts(args) => eval_alerts::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
        Command::Edge(args) => edge::run(&args),
        Command::Listen(args) => listen::run(&args),
        Command::Broker(args) => broker::run(&args),
        Command::Certs(args) => certs::run(&args),
        Command::Mission(args) => mission::run(&args),
        Command::Patrol(args) => patrol::run(&args),
        #[cfg(feature = "console")]
        Command::Console(args) => console::run(&args),
        Command::Audit(args) => audit::run(&args),
    }
}

/// Logs go to stderr through `tracing`, so stdout stays clean for JSON.
pub fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

/// True when the error chain bottoms out in a closed pipe on stdout.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
