//! The `seawarden` command: parses arguments and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

mod cli;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::init_logging(args.verbose);
    match cli::run(args) {
        Ok(code) => code,
        // `seawarden decode … | head` closes our stdout early: that is success, not an error.
        Err(e) if cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("seawarden: {e:#}");
            ExitCode::from(2)
        }
    }
}
