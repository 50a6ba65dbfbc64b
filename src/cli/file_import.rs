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

/// The reading thread: it gives back its state and how reading ended.
pub type Reader<S> = tokio::task::JoinHandle<(S, anyhow::Result<()>)>;

/// Reads on a blocking thread and hands what `next` yields over in batches of `size`, a few
/// batches ahead of the writer, so that reading and writing overlap and memory stays bounded
/// whatever the input's size.
///
/// `next` returns `Ok(Some(Some(item)))` for an item to batch, `Ok(Some(None))` for a record it
/// dealt with itself (a refusal it noted in `state`), `Ok(None)` at the end, and an error when
/// the rest cannot be read; what was read before an error is still handed over. The reader stops
/// at its next batch once the receiver is dropped. The handle gives back `state` and how
/// reading ended.
pub fn read_in_batches<T, S>(
    size: usize,
    mut state: S,
    mut next: impl FnMut(&mut S) -> anyhow::Result<Option<Option<T>>> + Send + 'static,
) -> (tokio::sync::mpsc::Receiver<Vec<T>>, Reader<S>)
where
    T: Send + 'static,
    S: Send + 'static,
{
    /// Batches read ahead of the one being written.
    const BATCHES_AHEAD: usize = 2;
    let (send, receive) = tokio::sync::mpsc::channel::<Vec<T>>(BATCHES_AHEAD);
    let reader = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(size);
        let result = loop {
            match next(&mut state) {
                Ok(Some(Some(item))) => batch.push(item),
                Ok(Some(None)) => {}
                Ok(None) => break Ok(()),
                Err(error) => break Err(error),
            }
            if batch.len() >= size {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(size));
                if send.blocking_send(full).is_err() {
                    // The writer stopped; it says why.
                    return (state, Ok(()));
                }
            }
        };
        if !batch.is_empty() {
            let _ = send.blocking_send(batch);
        }
        (state, result)
    });
    (receive, reader)
}
