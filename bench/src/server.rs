//! The server under test: the release binary started as its own process, its start-up time, and
//! its CPU time, resident memory and open file descriptors read from /proc.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

pub struct Server {
    child: Child,
    pub address: String,
    pub startup: Duration,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `binary serve` with the settings in `env` and waits for its first answered GraphQL
    /// request, which is the start-up time reported.
    pub async fn start(
        binary: &Path,
        data_dir: &Path,
        database_url: &str,
        env: &[(&str, String)],
        token: &str,
    ) -> anyhow::Result<Self> {
        let address = format!("127.0.0.1:{}", free_port()?);
        let mut command = Command::new(binary);
        command
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("STOREFRONT_LISTEN", &address)
            .env("STOREFRONT_DATA_DIR", data_dir)
            .env("RUST_LOG", "warn");
        for (key, value) in env {
            command.env(key, value);
        }
        Self::spawn(command, address, token).await
    }

    /// Starts `command`, a server that listens on `address`, and waits for its first answered
    /// `{ __typename }` (sent with `token`); the real server and the bare one (`crate::bare`)
    /// start, and are timed, the same way.
    pub async fn spawn(mut command: Command, address: String, token: &str) -> anyhow::Result<Self> {
        command.stdout(Stdio::null()).stderr(Stdio::inherit());
        let started = Instant::now();
        let child = command.spawn().context("starting the server")?;
        let mut server = Self {
            child,
            address,
            startup: Duration::ZERO,
        };
        let client = crate::load::client(1);
        let deadline = started + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                bail!("the server exited at start: {status}");
            }
            if crate::load::post(
                &client,
                &server.address,
                token,
                r#"{"query":"{ __typename }"}"#,
            )
            .await
            .is_ok_and(|(status, _)| status == 200)
            {
                break;
            }
            if Instant::now() > deadline {
                bail!("the server did not answer within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.startup = started.elapsed();
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

pub fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// CPU seconds (user + system) the process has used.
pub fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name, which is in parentheses and may hold spaces.
    let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line; 12 and 13 after the name.
    (ticks(11) + ticks(12)) / clock_ticks_per_second()
}

fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

/// Resident memory now and its peak since the last reset, in MiB.
pub fn memory_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<f64>().ok())
            .map_or(0.0, |kib| kib / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Open file descriptors of the process (entries of /proc/PID/fd): sockets, database files,
/// pipes. A count that keeps growing over a soak is a leak.
pub fn open_fds(pid: u32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |entries| entries.count() as u64)
}

/// Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM).
pub fn reset_peak_memory(pid: u32) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}
