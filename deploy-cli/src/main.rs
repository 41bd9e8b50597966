//! `luckee` binary: parses the command line, sets up logging, runs the library, maps errors to
//! the documented exit codes (see `luckee --help` and `luckee::error`).

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() {
    let cli = luckee::cli::Cli::parse();
    let default_filter = match cli.global.verbose {
        0 => "warn",
        1 => "warn,luckee=info",
        2 => "info,luckee=debug",
        _ => "debug,luckee=trace",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = match runtime.block_on(luckee::run(cli)) {
        Ok(()) => luckee::error::exit::OK,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}
