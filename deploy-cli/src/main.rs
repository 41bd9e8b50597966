//! `luckee` binary: parses the command line, sets up logging, runs the library, maps errors to
//! the documented exit codes (see `luckee --help` and `luckee::error`).

use clap::Parser;
use luckee::cli::LogFormat;
use tracing_subscriber::EnvFilter;

fn main() {
    let cli = luckee::cli::Cli::parse();
    let default_filter = match cli.global.verbose {
        0 => "warn",
        1 => "warn,luckee=info",
        2 => "info,luckee=debug",
        _ => "debug,luckee=trace",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let json = cli.global.log_format == LogFormat::Json;
    if json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_current_span(false)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_target(false)
            .init();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = match runtime.block_on(luckee::run(cli)) {
        Ok(()) => luckee::error::exit::OK,
        Err(e) => {
            let code = e.exit_code();
            if json {
                // The final error as one more JSON line (always shown, whatever the filter).
                let line = serde_json::json!({
                    "timestamp": humantime::format_rfc3339_micros(std::time::SystemTime::now()).to_string(),
                    "level": "ERROR",
                    "target": "luckee",
                    "fields": {"message": e.to_string(), "exit_code": code},
                });
                eprintln!("{line}");
            } else {
                eprintln!("error: {e}");
            }
            code
        }
    };
    std::process::exit(code);
}
