//! A real SMTP server on loopback (mailin, in-process) that keeps what it receives, so tests
//! read the links out of the messages lettre delivered over the wire.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::{Handler, Response, Server, response};

#[derive(Clone, Default)]
struct Inbox {
    current: Vec<u8>,
    received: Arc<Mutex<Vec<String>>>,
}

impl Handler for Inbox {
    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.current.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let message = String::from_utf8_lossy(&self.current).into_owned();
        self.received.lock().expect("inbox").push(message);
        response::OK
    }
}

pub struct SmtpServer {
    pub port: u16,
    received: Arc<Mutex<Vec<String>>>,
}

/// A loopback port nothing listens on (yet).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl SmtpServer {
    pub fn start() -> Self {
        Self::start_on(free_port())
    }

    /// Serves on `port` until the test process ends.
    pub fn start_on(port: u16) -> Self {
        let inbox = Inbox::default();
        let received = Arc::clone(&inbox.received);
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind the SMTP port");
        let mut server = Server::new(inbox);
        server
            .with_name("smtp.test")
            .with_num_threads(2)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { port, received }
    }

    pub fn messages(&self) -> Vec<String> {
        self.received.lock().expect("inbox").clone()
    }

    /// Waits until `count` messages arrived (or fails after a while).
    pub async fn wait_for(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} messages, got {}", self.messages().len());
    }
}

/// The settings that send the binary's mail to `port` on loopback, in plain text (as its
/// environment: `Installation::command` and friends take them).
pub fn binary_env(port: &str) -> [(&'static str, &str); 3] {
    [
        ("STOREFRONT_MAIL__SMTP__HOST", "127.0.0.1"),
        ("STOREFRONT_MAIL__SMTP__PORT", port),
        ("STOREFRONT_MAIL__SMTP__TLS", "none"),
    ]
}

/// The first link to `/account/{kind}/` in a message, with quoted-printable soft breaks undone.
pub fn link(message: &str, kind: &str) -> String {
    let unfolded = message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let marker = format!("/account/{kind}/");
    let at = unfolded
        .find(&marker)
        .unwrap_or_else(|| panic!("no {kind} link in: {unfolded}"));
    let start = unfolded[..at].rfind("http").expect("the link's scheme");
    let end = unfolded[at..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .map_or(unfolded.len(), |n| at + n);
    unfolded[start..end].to_owned()
}
