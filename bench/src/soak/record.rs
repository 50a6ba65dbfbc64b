//! What the soak keeps while it runs, shared by its connections and its sampler:
//!
//! - per minute of the run, by when each answer came back: requests, errors and a latency
//!   histogram, which is summarized (p50, p99) and freed once the minute is over, so that a long
//!   soak holds a couple of histograms rather than one per minute (each is about 150 KB);
//! - the latency of a first and a last window of the run, to compare;
//! - the server's resident memory and open file descriptors, every 10 s.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

use crate::load::{Answered, histogram};

pub struct Recorder {
    pub start: Instant,
    /// Answers that came back before this offset make the first window…
    first_until: Duration,
    /// …and those from this offset on the last.
    last_from: Duration,
    tables: Mutex<Tables>,
}

pub struct Tables {
    pub minutes: Vec<Minute>,
    pub first: Histogram<u64>,
    pub last: Histogram<u64>,
    pub samples: Vec<Sample>,
    pub requests: u64,
    pub errors: u64,
}

impl Tables {
    fn empty() -> Self {
        Self {
            minutes: Vec::new(),
            first: histogram(),
            last: histogram(),
            samples: Vec::new(),
            requests: 0,
            errors: 0,
        }
    }
}

pub struct Minute {
    pub requests: u64,
    pub errors: u64,
    /// Open until the minute is over; then `None`, and the percentiles are set.
    latency: Option<Histogram<u64>>,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Minute {
    fn new() -> Self {
        Self {
            requests: 0,
            errors: 0,
            latency: Some(histogram()),
            p50_ms: 0.0,
            p99_ms: 0.0,
        }
    }

    fn close(&mut self) {
        if let Some(latency) = self.latency.take() {
            self.p50_ms = ms(&latency, 0.5);
            self.p99_ms = ms(&latency, 0.99);
        }
    }

    fn is_closed(&self) -> bool {
        self.latency.is_none()
    }
}

/// The server at one moment (summed over its instances).
#[derive(Clone, Copy)]
pub struct Sample {
    /// Since the start of the soak.
    pub at: Duration,
    pub rss_mib: f64,
    pub fds: u64,
}

pub fn ms(latency: &Histogram<u64>, quantile: f64) -> f64 {
    latency.value_at_quantile(quantile) as f64 / 1000.0
}

impl Recorder {
    /// `window`: the length of the first and the last window of a soak of `length`.
    pub fn new(start: Instant, length: Duration, window: Duration) -> Self {
        Self {
            start,
            first_until: window,
            last_from: length.saturating_sub(window),
            tables: Mutex::new(Tables::empty()),
        }
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        // A panic elsewhere while holding the lock leaves counts that are still counts.
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The requests of one operation, which just came back.
    pub fn record(&self, answered: &[Answered]) {
        let mut tables = self.tables();
        // Timed under the lock, as `close_minutes` is: an answer recorded after its minute was
        // closed is timed after that minute's end, so it belongs to a later one.
        self.record_at(&mut tables, Instant::now(), answered);
    }

    fn record_at(&self, tables: &mut Tables, completed: Instant, answered: &[Answered]) {
        let at = completed.saturating_duration_since(self.start);
        let minute = usize::try_from(at.as_secs() / 60).unwrap_or(usize::MAX);
        if tables.minutes.len() <= minute {
            tables.minutes.resize_with(minute + 1, Minute::new);
        }
        for answer in answered {
            tables.requests += 1;
            tables.errors += u64::from(!answer.ok);
            if at < self.first_until {
                let _ = tables.first.record(answer.micros);
            }
            if at >= self.last_from {
                let _ = tables.last.record(answer.micros);
            }
            let row = &mut tables.minutes[minute];
            row.requests += 1;
            row.errors += u64::from(!answer.ok);
            if let Some(latency) = &mut row.latency {
                let _ = latency.record(answer.micros);
            }
        }
    }

    pub fn sample(&self, sample: Sample) {
        self.tables().samples.push(sample);
    }

    /// Closes the minutes that are over; returns their numbers, for progress lines.
    pub fn close_minutes(&self) -> Vec<usize> {
        let mut tables = self.tables();
        self.close_minutes_at(&mut tables, Instant::now())
    }

    fn close_minutes_at(&self, tables: &mut Tables, now: Instant) -> Vec<usize> {
        let at = now.saturating_duration_since(self.start);
        let mut closed = Vec::new();
        for (number, row) in tables.minutes.iter_mut().enumerate() {
            let end = Duration::from_secs(60 * (number as u64 + 1));
            if !row.is_closed() && end <= at {
                row.close();
                closed.push(number);
            }
        }
        closed
    }

    /// One minute's row and the server's last sample in it, for a progress line.
    pub fn minute_line(&self, number: usize) -> Option<String> {
        let tables = self.tables();
        let row = tables.minutes.get(number)?;
        let sample = last_sample_in_minute(&tables.samples, number);
        Some(format!(
            "minute {}: {} requests, {} errors, p50 {:.2} ms, p99 {:.2} ms{}",
            number + 1,
            row.requests,
            row.errors,
            row.p50_ms,
            row.p99_ms,
            sample.map_or_else(String::new, |s| format!(
                ", RSS {:.1} MiB, {} fds",
                s.rss_mib, s.fds
            )),
        ))
    }

    /// Everything recorded, every minute closed (called once, when the run is over).
    pub fn finish(&self) -> Tables {
        let mut tables = std::mem::replace(&mut *self.tables(), Tables::empty());
        for row in &mut tables.minutes {
            row.close();
        }
        tables
    }
}

/// The last sample taken during minute `number` of the run (its RSS and fds at the minute's end).
pub fn last_sample_in_minute(samples: &[Sample], number: usize) -> Option<Sample> {
    samples
        .iter()
        .rev()
        .find(|s| usize::try_from(s.at.as_secs() / 60).is_ok_and(|m| m == number))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answered(micros: u64, ok: bool) -> Answered {
        Answered { micros, ok }
    }

    #[test]
    fn counts_each_answer_in_its_minute_and_window_and_closes_finished_minutes() {
        let start = Instant::now();
        let at = |seconds: u64| start + Duration::from_secs(seconds);
        // A 3-minute soak compared by its first and last minute.
        let recorder = Recorder::new(start, Duration::from_secs(180), Duration::from_secs(60));
        let record = |seconds, answers: &[Answered]| {
            recorder.record_at(&mut recorder.tables(), at(seconds), answers);
        };
        record(10, &[answered(1_000, true)]);
        record(70, &[answered(3_000, true), answered(5_000, false)]);
        record(150, &[answered(9_000, true)]);
        recorder.sample(Sample {
            at: Duration::from_secs(50),
            rss_mib: 30.0,
            fds: 12,
        });

        // At 2:00, the first two minutes are over, not the third.
        let close = |seconds| recorder.close_minutes_at(&mut recorder.tables(), at(seconds));
        assert_eq!(close(119), vec![0]);
        assert_eq!(close(120), vec![1]);
        assert_eq!(close(125), Vec::<usize>::new());
        let line = recorder.minute_line(0).unwrap();
        assert!(line.contains("1 requests, 0 errors"), "{line}");
        assert!(line.contains("RSS 30.0 MiB, 12 fds"), "{line}");

        let tables = recorder.finish();
        assert_eq!((tables.requests, tables.errors), (4, 1));
        let rows: Vec<_> = tables
            .minutes
            .iter()
            .map(|m| (m.requests, m.errors))
            .collect();
        assert_eq!(rows, vec![(1, 0), (2, 1), (1, 0)]);
        assert!((tables.minutes[2].p50_ms - 9.0).abs() < 0.01);
        assert_eq!((tables.first.len(), tables.last.len()), (1, 1));
        assert!((ms(&tables.last, 0.5) - 9.0).abs() < 0.01);
    }

    #[test]
    fn finds_the_last_sample_of_a_minute() {
        let sample = |seconds, fds| Sample {
            at: Duration::from_secs(seconds),
            rss_mib: 1.0,
            fds,
        };
        let samples = [sample(0, 1), sample(50, 2), sample(60, 3), sample(110, 4)];
        assert_eq!(last_sample_in_minute(&samples, 0).map(|s| s.fds), Some(2));
        assert_eq!(last_sample_in_minute(&samples, 1).map(|s| s.fds), Some(4));
        assert!(last_sample_in_minute(&samples, 2).is_none());
    }
}
