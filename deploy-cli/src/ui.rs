//! Output format and the spinner shown while waiting for blocks.

use std::io::IsTerminal;
use std::time::Duration;

use std::sync::{Arc, Mutex};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::chain::Progress;

/// `--output`: human text (tables) or one JSON document on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text.
    #[default]
    Text,
    /// One JSON document on stdout (no spinner).
    Json,
}

/// Decides whether spinners are drawn: only on a terminal stderr and with text output.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    spinner: bool,
}

impl Ui {
    /// Spinners on only when stderr is a TTY and `output` is text.
    pub fn new(output: OutputFormat) -> Ui {
        Ui {
            spinner: output == OutputFormat::Text && std::io::stderr().is_terminal(),
        }
    }

    /// No spinners at all.
    pub fn quiet() -> Ui {
        Ui { spinner: false }
    }

    /// Starts a spinner with `msg` on stderr (a hidden one when spinners are off); it is
    /// cleared when dropped.
    pub fn spinner(&self, msg: impl Into<String>) -> Spinner {
        let bar = if self.spinner {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .expect("static template"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        bar.set_message(msg.into());
        Spinner(bar)
    }

    /// A progress bar of `len` steps named `unit` (rate and ETA) on stderr; hidden when
    /// spinners are off (no terminal, or JSON output). Clear it with `finish_and_clear`.
    pub fn bar(&self, len: u64, unit: &str) -> ProgressBar {
        if !self.spinner {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        let template =
            format!("{{bar:30}} {{human_pos}}/{{human_len}} {unit} {{per_sec}} ETA {{eta}}");
        bar.set_style(ProgressStyle::with_template(&template).expect("valid template"));
        bar
    }

    /// A [`Progress`] for the chain client that shows each wait as a spinner.
    pub fn progress(&self) -> Arc<dyn Progress> {
        Arc::new(SpinnerProgress {
            ui: *self,
            current: Mutex::new(None),
        })
    }
}

/// Shows the chain client's waits ([`Progress`]) as one spinner at a time.
struct SpinnerProgress {
    ui: Ui,
    current: Mutex<Option<Spinner>>,
}

impl Progress for SpinnerProgress {
    fn waiting(&self, what: Option<&str>) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        match (what, current.as_ref()) {
            (Some(msg), Some(s)) => s.set_message(msg),
            (Some(msg), None) => *current = Some(self.ui.spinner(msg)),
            (None, _) => *current = None,
        }
    }
}

/// A running spinner; cleared on drop.
pub struct Spinner(ProgressBar);

impl Spinner {
    /// Replaces the message.
    pub fn set_message(&self, msg: impl Into<String>) {
        self.0.set_message(msg.into());
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// A command's result: printed as text or as JSON (`--output json`) on stdout.
pub trait Report: serde::Serialize {
    /// The human-readable rendering.
    fn text(&self) -> String;
}

/// Prints `report` on stdout in `format`.
pub fn print_report(format: OutputFormat, report: &impl Report) {
    match format {
        OutputFormat::Text => {
            let t = report.text();
            print!("{t}");
            if !t.ends_with('\n') {
                println!();
            }
        }
        OutputFormat::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(report).expect("reports serialize")
            );
        }
    }
}

/// `v` as text, or `-` when absent (table cells).
pub fn or_dash(v: Option<impl ToString>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// `note: …` lines for a report's notes.
pub fn notes_text(notes: &[String]) -> String {
    notes.iter().map(|n| format!("note: {n}\n")).collect()
}

/// Renders rows as a left-aligned text table with a header line.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_aligns_columns() {
        let t = super::table(&["a", "bb"], &[vec!["xxx".into(), "y".into()]]);
        assert_eq!(t, "a    bb\nxxx  y\n");
    }
}
