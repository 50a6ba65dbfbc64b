//! `--soak LENGTH`: does the server hold up over time? It measures the most `mixed` can do
//! (closed loop, the usual duration), then drives `mixed` open loop at half that rate for
//! LENGTH, sampling the server's memory and open file descriptors every 10 s, and reports drift:
//! memory after the warm-up against the end, latency at the start against the end, and a row
//! per minute.
//!
//! Open loop, because a closed loop slows down with the server and so hides a slowdown: here
//! request n is due at `start + n / rate`, whatever happened before, and its latency counts from
//! when it was due. A request that a connection can only send late, because the previous one is
//! still out, is sent as soon as it can and its wait is in its latency (no coordinated
//! omission).

mod duration;
mod record;
mod report;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::load::{self, Answered, Fixture, Kind, Worker};
use crate::server;
use record::{Recorder, Sample};

pub use duration::parse as parse_length;

/// How often the server's memory and file descriptors are read.
const SAMPLE_EVERY: Duration = Duration::from_secs(10);
/// A request still unanswered after this counts as an error (and the connection moves on): a
/// hung request must not hang a soak.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// After the soak's length, a connection behind its schedule may go on sending the requests that
/// were due for this long; what is still unsent then is reported as not sent.
const CATCH_UP: Duration = Duration::from_secs(10);
/// The first and last windows compared, and the warm-up after which memory is the baseline.
const WINDOW: Duration = Duration::from_secs(5 * 60);

/// Runs the soak against `servers` (whose processes are `pids`) and prints its report.
pub async fn run(
    servers: &[String],
    pids: &[u32],
    fixture: &Arc<Fixture>,
    concurrency: usize,
    max_rate_duration: Duration,
    length: Duration,
) -> anyhow::Result<()> {
    eprintln!(
        "soak: measuring mixed's maximum rate ({} s, closed loop)",
        max_rate_duration.as_secs()
    );
    let max = load::run(
        Kind::Mixed,
        servers,
        fixture,
        concurrency,
        max_rate_duration,
    )
    .await;
    println!(
        "mixed, closed loop, {concurrency} connections, {:.1} s: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
        max.elapsed.as_secs_f64(),
        max.per_second(),
        max.ms(0.5),
        max.ms(0.99),
        max.errors
    );
    if let Some(error) = &max.first_error {
        eprintln!("  mixed: first error: {}", crate::truncate(error, 300));
    }
    // Half of it is the soak's rate: under two requests a second is no load to speak of.
    if max.per_second() < 4.0 {
        anyhow::bail!(
            "mixed served {:.1} requests/s: no rate to soak at",
            max.per_second()
        );
    }
    let rate = max.per_second() / 2.0;
    eprintln!(
        "soak: mixed, open loop, {rate:.1} requests/s for {} s over {concurrency} connections",
        length.as_secs()
    );
    let soak = drive(servers, pids, fixture, concurrency, rate, length).await;
    report::print(&soak, max.per_second(), pids.len());
    Ok(())
}

/// What a soak measured.
pub struct Soak {
    pub rate: f64,
    pub length: Duration,
    pub concurrency: usize,
    /// From the start to the last answer.
    pub elapsed: Duration,
    /// Requests that were due but never sent: the connection was still behind at the end.
    pub unsent: u64,
    pub timeouts: u64,
    pub first_error: Option<String>,
    /// The first and last windows' length, and the warm-up (see `report`).
    pub window: Duration,
    pub warm_up: Duration,
    pub tables: record::Tables,
}

async fn drive(
    servers: &[String],
    pids: &[u32],
    fixture: &Arc<Fixture>,
    concurrency: usize,
    rate: f64,
    length: Duration,
) -> Soak {
    // The first and last 5 minutes; a run under 15 minutes compares its thirds instead.
    let window = if length >= 3 * WINDOW {
        WINDOW
    } else {
        length / 3
    };
    // Memory settles in the first 5 minutes, or the first sixth of a shorter run.
    let warm_up = WINDOW.min(length / 6);
    let start = Instant::now();
    let recorder = Arc::new(Recorder::new(start, length, window));
    let (stop, stopped) = oneshot::channel();
    let sampler = tokio::spawn(sample(Arc::clone(&recorder), pids.to_vec(), stopped));

    let client = load::client(concurrency);
    let sequence = Arc::new(AtomicU64::new(0));
    let schedule = Schedule {
        start,
        rate,
        length,
        connections: concurrency.max(1),
    };
    let connections: Vec<_> = (0..schedule.connections)
        .map(|index| {
            let worker = Worker::new(
                client.clone(),
                servers.to_vec(),
                Arc::clone(fixture),
                Arc::clone(&sequence),
                index,
            )
            .stationary();
            tokio::spawn(connection(index, schedule, worker, Arc::clone(&recorder)))
        })
        .collect();
    let (mut unsent, mut timeouts, mut first_error) = (0, 0, None);
    for connection in connections {
        if let Ok(done) = connection.await {
            unsent += done.unsent;
            timeouts += done.timeouts;
            first_error = first_error.or(done.first_error);
        }
    }
    let elapsed = start.elapsed();
    let _ = stop.send(());
    let _ = sampler.await;
    let tables = recorder.finish();
    Soak {
        rate,
        length,
        concurrency,
        elapsed,
        unsent,
        timeouts,
        first_error,
        window,
        warm_up,
        tables,
    }
}

/// The run's schedule: request n is due at `start + n / rate`; connection i sends requests i,
/// i + connections, i + 2 connections, and so on.
#[derive(Clone, Copy)]
struct Schedule {
    start: Instant,
    rate: f64,
    length: Duration,
    connections: usize,
}

impl Schedule {
    /// When request `n` is due, if it is in the run.
    fn due(&self, n: u64) -> Option<Instant> {
        let offset = Duration::from_secs_f64(n as f64 / self.rate);
        (offset < self.length).then_some(self.start + offset)
    }
}

struct ConnectionDone {
    unsent: u64,
    timeouts: u64,
    first_error: Option<String>,
}

/// One connection's share of the schedule, each request sent when due, or late as soon as the
/// previous one is back; its latency counts from when it was due.
async fn connection(
    index: usize,
    schedule: Schedule,
    mut worker: Worker,
    recorder: Arc<Recorder>,
) -> ConnectionDone {
    let step = schedule.connections as u64;
    let give_up = schedule.start + schedule.length + CATCH_UP;
    let mut done = ConnectionDone {
        unsent: 0,
        timeouts: 0,
        first_error: None,
    };
    let mut n = index as u64;
    while let Some(due) = schedule.due(n) {
        n += step;
        if Instant::now() >= give_up {
            done.unsent += 1;
            continue;
        }
        tokio::time::sleep_until(due.into()).await;
        let answered =
            match tokio::time::timeout(REQUEST_TIMEOUT, worker.one_scheduled(Kind::Mixed, due))
                .await
            {
                Ok(answered) => answered,
                Err(_elapsed) => {
                    done.timeouts += 1;
                    done.first_error.get_or_insert_with(|| {
                        format!("no answer within {} s", REQUEST_TIMEOUT.as_secs())
                    });
                    vec![Answered {
                        micros: (due.elapsed().as_micros() as u64).min(100_000_000),
                        ok: false,
                    }]
                }
            };
        recorder.record(&answered);
    }
    done.first_error = worker.first_error().map(str::to_owned).or(done.first_error);
    done
}

/// Every 10 s from the start: the server's RSS and open fds, and a progress line for each
/// minute that ended; a last sample when stopped.
async fn sample(recorder: Arc<Recorder>, pids: Vec<u32>, mut stopped: oneshot::Receiver<()>) {
    let mut ticks = tokio::time::interval_at(recorder.start.into(), SAMPLE_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = &mut stopped => break,
        }
        recorder.sample(read_server(&pids, recorder.start));
        for minute in recorder.close_minutes() {
            if let Some(line) = recorder.minute_line(minute) {
                eprintln!("  soak {line}");
            }
        }
    }
    recorder.sample(read_server(&pids, recorder.start));
}

fn read_server(pids: &[u32], start: Instant) -> Sample {
    Sample {
        at: start.elapsed(),
        rss_mib: pids.iter().map(|pid| server::memory_mib(*pid).0).sum(),
        fds: pids.iter().map(|pid| server::open_fds(*pid)).sum(),
    }
}
