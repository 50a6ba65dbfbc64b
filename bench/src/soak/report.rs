//! The soak's report: totals against the target rate; memory after the warm-up against the end
//! (a leak shows as drift); open file descriptors after the warm-up (a leak of connections or
//! files shows as a climbing maximum); latency at the start against the end; a row per minute.

use std::time::Duration;

use super::Soak;
use super::record::{Sample, last_sample_in_minute, ms};

pub fn print(soak: &Soak, max_rate: f64, instances: usize) {
    let tables = &soak.tables;
    let achieved = tables.requests as f64 / soak.elapsed.as_secs_f64().max(f64::EPSILON);
    println!();
    println!(
        "soak: mixed, open loop, {} at {:.1} requests/s (half of {max_rate:.0}), {} connections{}",
        human(soak.length),
        soak.rate,
        soak.concurrency,
        if instances > 1 {
            format!("; RSS and fds summed over {instances} instances")
        } else {
            String::new()
        }
    );
    println!();
    println!(
        "| requests | errors | timed out | not sent | achieved requests/s | target requests/s |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {} | {} | {achieved:.1} ({:.0} %) | {:.1} |",
        tables.requests,
        tables.errors,
        soak.timeouts,
        soak.unsent,
        100.0 * achieved / soak.rate,
        soak.rate
    );
    println!();
    if let Some(error) = &soak.first_error {
        eprintln!("  soak: first error: {}", crate::truncate(error, 300));
    }
    print_memory(&tables.samples, soak.warm_up);
    print_fds(&tables.samples, soak.warm_up);
    print_latency(soak);
    println!();
    println!("| minute | requests | errors | p50 ms | p99 ms | RSS MiB | fds |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (number, row) in tables.minutes.iter().enumerate() {
        let sample = last_sample_in_minute(&tables.samples, number);
        println!(
            "| {} | {} | {} | {:.2} | {:.2} | {} | {} |",
            number + 1,
            row.requests,
            row.errors,
            row.p50_ms,
            row.p99_ms,
            sample.map_or_else(|| "-".to_owned(), |s| format!("{:.1}", s.rss_mib)),
            sample.map_or_else(|| "-".to_owned(), |s| s.fds.to_string()),
        );
    }
    println!(
        "(a request counts in the minute its answer came back; RSS and fds are the minute's last 10-s sample)"
    );
}

/// RSS once warmed up (the first sample from then on) against the last sample.
fn print_memory(samples: &[Sample], warm_up: Duration) {
    let baseline = samples.iter().find(|s| s.at >= warm_up);
    match (samples.first(), baseline, samples.last()) {
        (Some(first), Some(baseline), Some(end)) if baseline.rss_mib > 0.0 => println!(
            "- RSS: {:.1} MiB after the first {} (at {}), {:.1} MiB at the end (at {}): drift {:+.1} % (at the start {:.1} MiB)",
            baseline.rss_mib,
            human(warm_up),
            human(baseline.at),
            end.rss_mib,
            human(end.at),
            100.0 * (end.rss_mib - baseline.rss_mib) / baseline.rss_mib,
            first.rss_mib
        ),
        _ => println!("- RSS: no sample after the warm-up ({})", human(warm_up)),
    }
}

fn print_fds(samples: &[Sample], warm_up: Duration) {
    let after = samples.iter().filter(|s| s.at >= warm_up).map(|s| s.fds);
    match (after.clone().min(), after.max()) {
        (Some(min), Some(max)) => println!(
            "- open file descriptors after the first {}: min {min}, max {max}{}",
            human(warm_up),
            samples
                .first()
                .map_or_else(String::new, |s| format!(" (at the start {})", s.fds))
        ),
        _ => println!(
            "- open file descriptors: no sample after the warm-up ({})",
            human(warm_up)
        ),
    }
}

fn print_latency(soak: &Soak) {
    let (first, last) = (&soak.tables.first, &soak.tables.last);
    let window = human(soak.window);
    if first.is_empty() || last.is_empty() {
        println!("- latency: no answers in the first or the last {window}");
        return;
    }
    let ratio = |end: f64, start: f64| {
        if start > 0.0 { end / start } else { f64::NAN }
    };
    println!(
        "- latency, first {window}: p50 {:.2} ms, p99 {:.2} ms ({} requests); last {window}: p50 {:.2} ms, p99 {:.2} ms ({} requests); last / first: p50 {:.2}x, p99 {:.2}x",
        ms(first, 0.5),
        ms(first, 0.99),
        first.len(),
        ms(last, 0.5),
        ms(last, 0.99),
        last.len(),
        ratio(ms(last, 0.5), ms(first, 0.5)),
        ratio(ms(last, 0.99), ms(first, 0.99)),
    );
}

/// `30 min`, `1 h 30 min`, `13.3 s`.
fn human(length: Duration) -> String {
    let seconds = length.as_secs();
    if length.subsec_nanos() == 0 && seconds >= 60 && seconds.is_multiple_of(60) {
        let (hours, minutes) = (seconds / 3_600, seconds % 3_600 / 60);
        match (hours, minutes) {
            (0, m) => format!("{m} min"),
            (h, 0) => format!("{h} h"),
            (h, m) => format!("{h} h {m} min"),
        }
    } else {
        format!("{:.1} s", length.as_secs_f64())
    }
}
