//! `colt`: the command-line companion of the Colt query layer (see the `colt_cli` library
//! for each subcommand).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match colt_cli::run(colt_cli::Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("colt: error: {message}");
            ExitCode::FAILURE
        }
    }
}
