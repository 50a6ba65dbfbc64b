//! The real binary, run as operators run it: commands that run to their end, and
//! `storefront serve` processes. Every wait is bounded, and every process is killed when the test
//! that started it ends, however it ends: a server left running would hold the test runner's
//! output open, and a hung command would hang the suite.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::app::fresh_database_url;

/// How long a command may take to finish, a server to print its banner, or to exit when asked.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The lines `storefront serve` prints on stdout when it is ready; scripts depend on them.
const LISTENING: &str = "storefront is listening on http://";
const GRAPHIQL: &str = "GraphiQL: http://";
const FIRST_TOKEN: &str = "A public storefront access token was created for this shop: ";

/// One installation: a data directory and a database, shared by every process of the binary
/// started for it (as the nodes of one deployment share them). Processes must end before it is
/// dropped: it removes the directory.
pub struct Installation {
    pub dir: tempfile::TempDir,
    pub database_url: String,
}

impl Installation {
    /// A fresh database on the test PostgreSQL server when the suite runs there, else an SQLite
    /// file in the installation's directory.
    pub async fn new() -> Self {
        match fresh_database_url().await {
            Some(database_url) => Self {
                dir: tempfile::tempdir().expect("tempdir"),
                database_url,
            },
            None => Self::on_sqlite(),
        }
    }

    /// Always an SQLite file, for tests that read the file itself.
    pub fn on_sqlite() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("shop.db").display());
        Self { dir, database_url }
    }

    /// The SQLite file of a shop made by `on_sqlite`.
    pub fn sqlite_file(&self) -> PathBuf {
        self.dir.path().join("shop.db")
    }

    /// Where the binary keeps its files: the generated secret key, the mail it writes.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The binary on this installation's database and data directory, with cheap password hashing and
    /// only warnings logged. `env` is set last, so that it may change any of these.
    pub fn command(&self, env: &[(&str, &str)]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_storefront"));
        command
            .env("DATABASE_URL", &self.database_url)
            .env("STOREFRONT_DATA_DIR", self.data_dir())
            .env("STOREFRONT_PASSWORD__HASH__MEMORY_KIB", "8")
            .env("STOREFRONT_PASSWORD__HASH__ITERATIONS", "1")
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .current_dir(self.dir.path())
            .stdin(Stdio::null());
        command
    }

    /// `storefront ARGS...` run to its end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, &[])
    }

    /// `storefront ARGS...` with more environment, run to its end within `START_TIMEOUT`: one
    /// that does not finish by then fails the test (and is killed).
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut child = self
            .command(env)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        // Read on threads of their own, so that neither pipe fills up while the other is read.
        let stdout = read_to_end(child.stdout.take().expect("stdout"));
        let stderr = read_to_end(child.stderr.take().expect("stderr"));
        let mut process = Process(child);
        let status = process.wait_within(START_TIMEOUT).unwrap_or_else(|| {
            panic!(
                "`storefront {}` did not finish within {START_TIMEOUT:?}",
                args.join(" ")
            )
        });
        Output {
            status,
            stdout: stdout.join().expect("stdout read").into_bytes(),
            stderr: stderr.join().expect("stderr read").into_bytes(),
        }
    }

    /// A second shop, `HANDLE` (named after it, on `HANDLE.example.com`), made with
    /// `storefront shops create`.
    pub fn create_shop(&self, handle: &str) {
        let name = format!("Shop {handle}");
        let domain = format!("{handle}.example.com");
        let created = self.run(&[
            "shops", "create", "--handle", handle, "--name", &name, "--domain", &domain,
        ]);
        assert!(created.status.success(), "{}", stderr(&created));
    }

    /// `storefront ARGS...` started and left running, its output discarded; killed when the
    /// handle is dropped.
    pub fn start(&self, args: &[&str]) -> Running {
        let child = self
            .command(&[])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        Running(Process(child))
    }

    /// `storefront serve` on a free loopback port, its log going to the test's stderr. Only the
    /// first start of an installation's database prints a storefront token (`first_start`): waiting for
    /// a line that never comes would fail the test.
    pub fn serve(&self, env: &[(&str, &str)], first_start: bool) -> Server {
        Server::start(self.command(env), first_start, false)
    }

    /// The same, with its log kept for `Server::logs`.
    pub fn serve_capturing_logs(&self, env: &[(&str, &str)], first_start: bool) -> Server {
        Server::start(self.command(env), first_start, true)
    }
}

/// The value a command was given for an environment variable, if it was set on it.
fn command_env(command: &Command, name: &str) -> Option<String> {
    command
        .get_envs()
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value)
        .map(|value| value.to_string_lossy().into_owned())
}

/// The stdout of a command that must have succeeded.
pub fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The stderr of a command, for the messages operators read there.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Everything a pipe carries until it closes, read on a thread of its own.
fn read_to_end(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// A command started by `Installation::start`.
pub struct Running(Process);

impl Running {
    /// Kills it (SIGKILL: it gets no chance to finish anything) and returns how it ended.
    pub fn kill(mut self) -> ExitStatus {
        let _ = self.0.0.kill();
        self.0.0.wait().expect("reaped")
    }
}

/// A child process that is killed and reaped when dropped.
struct Process(Child);

impl Process {
    /// The exit status, once the process has exited within `timeout`.
    fn wait_within(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.0.try_wait().expect("wait") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A running `storefront serve`: the address it printed, the storefront token a first start
/// printed, and its log when captured. Dropping it kills the process.
pub struct Server {
    /// `127.0.0.1:PORT`.
    pub address: String,
    /// The GraphiQL line of the banner (none in production).
    pub graphiql: Option<String>,
    pub token: Option<String>,
    logs: Option<JoinHandle<String>>,
    process: Process,
}

impl Server {
    fn start(mut command: Command, first_start: bool, capture_logs: bool) -> Self {
        command
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped());
        if capture_logs {
            command.stderr(Stdio::piped());
        }
        let mut child = command.spawn().expect("serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let logs = capture_logs.then(|| read_to_end(child.stderr.take().expect("stderr")));
        // From here on, a panic kills the process.
        let process = Process(child);
        // The banner is read on a thread of its own, so that waiting for it is bounded; the
        // thread then keeps draining stdout until the process ends.
        let (send, banner) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = send.send(line);
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let next_line = || {
            banner
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|e| {
                    panic!("`storefront serve` did not start within {START_TIMEOUT:?}: {e}")
                })
        };
        let address = loop {
            if let Some(address) = next_line().strip_prefix(LISTENING) {
                break address.to_owned();
            }
        };
        // Production serves no GraphiQL, and its banner does not name it.
        let production =
            command_env(&command, "STOREFRONT_ENVIRONMENT").as_deref() == Some("production");
        let graphiql = (!production).then(|| {
            let line = next_line();
            assert!(
                line.starts_with(GRAPHIQL) && line.ends_with("/graphql"),
                "{line}"
            );
            line
        });
        let token = first_start.then(|| {
            let line = next_line();
            line.strip_prefix(FIRST_TOKEN)
                .unwrap_or_else(|| panic!("not the token line: {line}"))
                .to_owned()
        });
        Self {
            address,
            graphiql,
            token,
            logs,
            process,
        }
    }

    /// Asks the server to stop, as a service manager does (SIGTERM), and waits for it to exit.
    pub fn terminate(&mut self) -> ExitStatus {
        // Only the process this test started, by its id.
        let sent = Command::new("kill")
            .args(["-TERM", &self.process.0.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM was sent");
        self.process.wait_within(START_TIMEOUT).unwrap_or_else(|| {
            panic!("the server did not exit within {START_TIMEOUT:?} of SIGTERM")
        })
    }

    /// Kills the server at once (SIGKILL): it gets no chance to clean up.
    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// The exit status, if the server has exited.
    pub fn try_wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        self.process.0.try_wait()
    }

    /// Everything the server logged. A server still running is killed first, so that its log
    /// ends; `terminate` first to see what it logs on the way out.
    pub fn logs(&mut self) -> String {
        if self.try_wait().ok().flatten().is_none() {
            self.kill();
        }
        self.logs
            .take()
            .expect("started with serve_capturing_logs, and the log read once")
            .join()
            .expect("the log reader")
    }
}
