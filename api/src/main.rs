use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = licheng::cli::Cli::parse();
    match licheng::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("licheng: {e}");
            ExitCode::FAILURE
        }
    }
}
