//! A running `specsite serve` for the integration tests: started on a free
//! port over a site root, its standard error read line by line, requests
//! over a plain `TcpStream`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// How long one step (a rebuild, an answer) may take.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// A running `specsite serve`; killed on drop, also when a test panics.
pub struct Server {
    child: Child,
    /// The port it listens on.
    pub port: u16,
    stderr: Receiver<String>,
    /// The site root it serves.
    pub root: PathBuf,
    /// The temporary folder holding the root, if the server owns it.
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `specsite serve --port 0` on `root` and waits for its address.
    /// `dir`, if given, is kept until the server is dropped.
    pub fn start(root: PathBuf, dir: Option<tempfile::TempDir>) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_specsite"))
            .args(["serve", "--port", "0", "--root"])
            .arg(&root)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start specsite serve");
        let (tx, rx) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            port: 0,
            stderr: rx,
            root,
            _dir: dir,
        };
        let line = server
            .wait_line(|l| l.contains("serving at http://127.0.0.1:"))
            .expect("serve prints its address");
        let port = line
            .split("127.0.0.1:")
            .nth(1)
            .and_then(|r| r.split('/').next())
            .and_then(|p| p.parse().ok())
            .expect("a port number");
        assert_ne!(port, 0);
        server.port = port;
        server
    }

    /// Waits for a stderr line matching `pred`.
    pub fn wait_line(&self, pred: impl Fn(&str) -> bool) -> Option<String> {
        let end = Instant::now() + DEADLINE * 3;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(l) if pred(&l) => return Some(l),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }

    /// Asserts that no rebuild happens for `d` (stderr shows no status line).
    pub fn assert_quiet(&self, d: Duration) {
        let end = Instant::now() + d;
        while let Some(left) = end.checked_duration_since(Instant::now()) {
            if let Ok(l) = self.stderr.recv_timeout(left) {
                assert!(!l.starts_with("[serve]"), "unexpected rebuild: {l}");
            }
        }
    }

    /// Sends a raw request target (not normalised) and returns (status, body).
    pub fn get(&self, target: &str) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }

    /// Header block of a response.
    pub fn head(&self, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        text.split_once("\r\n\r\n").unwrap().0.to_ascii_lowercase()
    }

    /// Opens the live-reload event stream; its bytes arrive on the receiver.
    pub fn events(&self) -> Receiver<String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "GET /__specsite/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = s.read(&mut buf) {
                if n == 0
                    || tx
                        .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                        .is_err()
                {
                    break;
                }
            }
        });
        // The stream is open once its head arrived.
        let first = rx.recv_timeout(DEADLINE).expect("event stream head");
        assert!(first.contains("text/event-stream"), "{first}");
        // Hand on the first chunk too: an event may have come with the head.
        let (tx2, rx2) = mpsc::channel();
        tx2.send(first).unwrap();
        std::thread::spawn(move || {
            for chunk in rx {
                if tx2.send(chunk).is_err() {
                    break;
                }
            }
        });
        rx2
    }

    pub fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.root.join(rel), text).unwrap();
    }
}

/// Polls `target` until its body contains `needle`.
pub fn wait_for_content(server: &Server, target: &str, needle: &str) -> String {
    let end = Instant::now() + DEADLINE * 3;
    loop {
        let (status, body) = server.get(target);
        if status == 200 && body.contains(needle) {
            return body;
        }
        assert!(
            Instant::now() < end,
            "{target} never showed {needle:?}; last status {status}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
