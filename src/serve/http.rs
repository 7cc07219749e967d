//! The HTTP side of `serve`: files from the in-memory [`Store`], the site's
//! `404.html`, and the live-reload event stream at [`EVENTS_PATH`].
//!
//! Every request path is checked before it names a file: a path with `..`
//! or `.` segments, a backslash, a NUL, an empty segment (`//etc/passwd`) or
//! anything that only appears after percent-decoding (`%2e%2e`, `%2f`) is
//! refused with 400. The store only holds files the build wrote, so even a
//! path that passed could not leave the site.

use super::store::Store;
use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tiny_http::{Header, Request, Response, StatusCode};

/// URL of the server-sent event stream the live-reload script listens to.
pub const EVENTS_PATH: &str = "/__specsite/events";

/// How often an idle event stream sends a comment line, so a closed browser
/// tab is noticed (its write fails) and its thread ends.
const KEEPALIVE: Duration = Duration::from_secs(10);

/// What a request path names, once checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// The live-reload event stream.
    Events,
    /// An output path such as `alpha/guide/index.html`.
    File(String),
    /// The path was refused (traversal, bad encoding…).
    Bad,
}

/// Checks a request target and maps it to an output path: `/` and folder
/// URLs name their `index.html`; the query string is ignored.
pub fn route(target: &str) -> Route {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == EVENTS_PATH {
        return Route::Events;
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Route::Bad;
    };
    // Separators and dots must be literal: `%2f`, `%5c` and `%2e` are refused
    // outright, so decoding can never create a segment.
    let lower = rest.to_ascii_lowercase();
    if ["%2f", "%5c", "%2e", "%00"]
        .iter()
        .any(|e| lower.contains(e))
    {
        return Route::Bad;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(rest).decode_utf8() else {
        return Route::Bad;
    };
    if decoded.contains(['\\', '\0']) || decoded.starts_with('/') {
        return Route::Bad;
    }
    let segments: Vec<&str> = decoded.split('/').collect();
    let last = segments.len() - 1;
    for (i, s) in segments.iter().enumerate() {
        if *s == ".." || *s == "." || (s.is_empty() && i != last) || s.contains(':') && i == 0 {
            return Route::Bad;
        }
    }
    if decoded.is_empty() || decoded.ends_with('/') {
        Route::File(format!("{decoded}index.html"))
    } else {
        Route::File(decoded.into_owned())
    }
}

/// The `Content-Type` of an output path.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == mime_guess::mime::JAVASCRIPT
            || mime.subtype() == mime_guess::mime::JSON
            || mime.subtype() == "xml" =>
        {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    }
}

/// The live-reload channel: one sender per connected browser tab, plus the
/// current build-error payload so a tab that (re)connects sees the overlay.
#[derive(Debug, Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
    error: Mutex<Option<String>>,
}

impl Hub {
    /// Sends a server-sent event (`event:` name, one-line `data`) to every
    /// connected tab; forgets tabs that went away.
    pub fn broadcast(&self, event: &str, data: &str) {
        let msg = sse_message(event, data);
        if let Ok(mut clients) = self.clients.lock() {
            clients.retain(|c| c.send(msg.clone()).is_ok());
        }
    }

    /// Sets (or clears, with `None`) the error overlay and tells every tab.
    pub fn set_error(&self, payload: Option<String>) {
        let changed = match self.error.lock() {
            Ok(mut e) => {
                let changed = *e != payload;
                e.clone_from(&payload);
                changed || payload.is_some()
            }
            Err(_) => false,
        };
        match payload {
            Some(p) => self.broadcast("error", &p),
            None if changed => self.broadcast("clear", "{}"),
            None => {}
        }
    }

    /// Number of connected tabs.
    pub fn clients(&self) -> usize {
        self.clients.lock().map_or(0, |c| c.len())
    }

    fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = mpsc::channel();
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(tx);
        }
        rx
    }
}

fn sse_message(event: &str, data: &str) -> String {
    let mut msg = format!("event: {event}\n");
    for line in data.lines() {
        msg.push_str("data: ");
        msg.push_str(line);
        msg.push('\n');
    }
    msg.push('\n');
    msg
}

/// Answers one request (runs on its own thread; the event stream blocks
/// until the tab goes away).
pub fn handle(request: Request, store: &Store, hub: &Hub) {
    let head = *request.method() == tiny_http::Method::Head;
    if !head && *request.method() != tiny_http::Method::Get {
        let _ = request.respond(text(405, "method not allowed\n"));
        return;
    }
    match route(request.url()) {
        Route::Events => stream_events(request, hub),
        Route::Bad => {
            let _ = request.respond(text(400, "bad request path\n"));
        }
        Route::File(path) => {
            let response = match store.get(&path).map(|e| e.bytes()) {
                Some(Ok(bytes)) => file_response(200, &path, &bytes),
                Some(Err(e)) => text(500, &format!("cannot read {path}: {e}\n")),
                None if store.contains(&format!("{path}/index.html")) => {
                    // A folder URL without its slash: relative links need it.
                    let query = request.url().find('?').map_or("", |i| &request.url()[i..]);
                    let location = format!("/{path}/{query}");
                    text(301, "moved\n").with_header(header("Location", &location))
                }
                None => not_found(store),
            };
            let _ = request.respond(response);
        }
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names and values are ASCII")
}

fn text(status: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("Cache-Control", "no-store"))
}

fn file_response(status: u16, path: &str, bytes: &[u8]) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(bytes.to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", &content_type(path)))
        .with_header(header("Cache-Control", "no-store"))
}

/// The site's own `404.html`, made to load its assets from the site root
/// whatever the depth of the missing URL.
fn not_found(store: &Store) -> Response<std::io::Cursor<Vec<u8>>> {
    match store.get("404.html").and_then(|e| e.bytes().ok()) {
        Some(bytes) => {
            let html = String::from_utf8_lossy(&bytes);
            let html = if html.contains("<base ") {
                html.into_owned()
            } else {
                html.replacen("<head>", "<head><base href=\"/\">", 1)
            };
            file_response(404, "404.html", html.as_bytes())
        }
        None => text(404, "not found\n"),
    }
}

/// Streams server-sent events to one tab. tiny_http's chunked responses
/// buffer 8 KiB before sending, so the stream writes to the socket itself
/// (no length, `Connection: close`) and flushes after every event.
fn stream_events(request: Request, hub: &Hub) {
    let rx = hub.subscribe();
    let current = hub.error.lock().ok().and_then(|e| e.clone());
    let mut w = request.into_writer();
    let mut send = |s: &str| -> bool { w.write_all(s.as_bytes()).and_then(|_| w.flush()).is_ok() };
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if !send(head) {
        return;
    }
    if let Some(p) = current {
        if !send(&sse_message("error", &p)) {
            return;
        }
    }
    loop {
        let msg = match rx.recv_timeout(KEEPALIVE) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if !send(&msg) {
            return;
        }
    }
}

/// Serves forever: one thread per request, so long-lived event streams never
/// hold up page requests.
pub fn serve(server: tiny_http::Server, store: Arc<Store>, hub: Arc<Hub>) {
    for request in server.incoming_requests() {
        let (store, hub) = (store.clone(), hub.clone());
        let spawned = std::thread::Builder::new()
            .name("specsite-http".into())
            .spawn(move || handle(request, &store, &hub));
        if let Err(e) = spawned {
            eprintln!("serve: cannot start a request thread: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_urls_name_their_index() {
        assert_eq!(route("/"), Route::File("index.html".into()));
        assert_eq!(
            route("/alpha/guide/"),
            Route::File("alpha/guide/index.html".into())
        );
        assert_eq!(
            route("/alpha/guide/?x=1"),
            Route::File("alpha/guide/index.html".into())
        );
        assert_eq!(
            route("/assets/a%20b.css"),
            Route::File("assets/a b.css".into())
        );
        assert_eq!(route(EVENTS_PATH), Route::Events);
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for bad in [
            "/../etc/passwd",
            "/alpha/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2fetc/passwd",
            "/..%2Fetc/passwd",
            "/..%5cetc",
            "/..\\etc",
            "//etc/passwd",
            "/a//b",
            "/./index.html",
            "/c:/windows",
            "/%00",
            "/%ff",
            "etc/passwd",
            "http://example.com/",
        ] {
            assert_eq!(route(bad), Route::Bad, "{bad}");
        }
    }

    #[test]
    fn content_types_carry_a_charset_for_text() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("assets/x.css"), "text/css; charset=utf-8");
        assert!(content_type("x.svg").starts_with("image/svg+xml"));
        assert_eq!(content_type("x.png"), "image/png");
        assert!(content_type("x.js").contains("javascript"));
    }

    #[test]
    fn events_split_multi_line_data() {
        assert_eq!(
            sse_message("reload", "a\nb"),
            "event: reload\ndata: a\ndata: b\n\n"
        );
    }
}
