//! What the file imports share: opening the input (a file or standard input) and the progress
//! line on a terminal.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

/// The file at `path`, or standard input for `-`, buffered.
pub fn open_input(path: &Path) -> anyhow::Result<Box<dyn BufRead + Send>> {
    // Large reads: the readers scan every byte, and fewer system calls keep that cheap.
    const BUFFER: usize = 256 * 1024;
    if path.as_os_str() == "-" {
        return Ok(Box::new(BufReader::with_capacity(BUFFER, std::io::stdin())));
    }
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(Box::new(BufReader::with_capacity(BUFFER, file)))
}

/// A spinner on stderr with the records read and their rate. Hidden when stderr is not a
/// terminal, so that captured output stays clean.
pub fn progress_bar(records: &str) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    let template =
        format!("{{spinner}} {{human_pos}} {records} read ({{rate}}), {{elapsed}} {{msg}}");
    let style = ProgressStyle::with_template(&template).map(|style| {
        style.with_key(
            "rate",
            |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{:.0}/s", state.per_sec());
            },
        )
    });
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
