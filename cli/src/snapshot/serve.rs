//! `kplay snapshot --watch --serve 127.0.0.1:PORT`: a tiny HTTP/1.0-style
//! server on a loopback address. `GET /snapshot.json` returns the latest
//! snapshot (with `Access-Control-Allow-Origin: *`, so an app served
//! elsewhere can follow it); with `--dist DIR`, other paths serve the built
//! app's files. Bounded: request heads of at most 8 KiB, read within 5 s,
//! at most 16 connections at once, one request per connection.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Largest request head read.
const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// Most connections handled at once (more get `503`).
const MAX_CONNECTIONS: usize = 16;
/// Largest static file served.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The latest snapshot JSON, shared between the snapshot loop and the server.
#[derive(Clone, Default)]
pub(crate) struct Latest(Arc<Mutex<Option<Arc<String>>>>);

impl Latest {
    pub(crate) fn set(&self, json: String) {
        if let Ok(mut g) = self.0.lock() {
            *g = Some(Arc::new(json));
        }
    }
    fn get(&self) -> Option<Arc<String>> {
        self.0.lock().ok().and_then(|g| g.clone())
    }
}

pub(crate) struct Server {
    listener: TcpListener,
    dist: Option<PathBuf>,
    latest: Latest,
    active: Arc<AtomicUsize>,
}

/// Parses `--serve`: an IP literal and port on a loopback address.
pub(crate) fn loopback_addr(addr: &str) -> Result<SocketAddr, String> {
    let a: SocketAddr = addr.parse().map_err(|_| {
        format!("--serve {addr:?} must be a loopback IP and port, e.g. 127.0.0.1:8081")
    })?;
    if !a.ip().is_loopback() {
        return Err(format!(
            "--serve {addr:?} is not a loopback address: kplay serves snapshots on 127.0.0.1 or [::1] only"
        ));
    }
    Ok(a)
}

impl Server {
    pub(crate) fn bind(addr: &str, dist: Option<PathBuf>, latest: Latest) -> Result<Self, String> {
        let a = loopback_addr(addr)?;
        if let Some(d) = &dist {
            if !d.is_dir() {
                return Err(format!("--dist {} is not a directory", d.display()));
            }
        }
        let listener = TcpListener::bind(a).map_err(|e| format!("cannot listen on {a}: {e}"))?;
        Ok(Self {
            listener,
            dist,
            latest,
            active: Arc::new(AtomicUsize::new(0)),
        })
    }

    pub(crate) fn local_addr(&self) -> String {
        self.listener
            .local_addr()
            .map_or_else(|_| "?".into(), |a| a.to_string())
    }

    pub(crate) fn run(self) {
        for stream in self.listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            if self.active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                let _ = respond(&mut stream, 503, "text/plain", b"busy\n", false);
                continue;
            }
            self.active.fetch_add(1, Ordering::SeqCst);
            let (active, latest, dist) =
                (self.active.clone(), self.latest.clone(), self.dist.clone());
            std::thread::spawn(move || {
                let _ = handle(&mut stream, &latest, dist.as_deref());
                active.fetch_sub(1, Ordering::SeqCst);
            });
        }
    }
}

fn respond(
    s: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Access-Control-Allow-Origin: *\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes())?;
    if !head_only {
        s.write_all(body)?;
    }
    s.flush()
}

fn handle(s: &mut TcpStream, latest: &Latest, dist: Option<&Path>) -> std::io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    s.set_write_timeout(Some(Duration::from_secs(30)))?;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && !buf.windows(2).any(|w| w == b"\n\n") {
        if buf.len() >= MAX_REQUEST_BYTES {
            return respond(s, 413, "text/plain", b"request too large\n", false);
        }
        let n = s.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf);
    let mut first = text.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (first.next().unwrap_or(""), first.next().unwrap_or(""));
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(s, 405, "text/plain", b"only GET and HEAD\n", false);
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == "/snapshot.json" {
        return match latest.get() {
            Some(json) => respond(s, 200, "application/json", json.as_bytes(), head_only),
            None => respond(
                s,
                503,
                "application/json",
                br#"{"error":"no snapshot yet"}"#,
                head_only,
            ),
        };
    }
    let Some(dist) = dist else {
        return respond(
            s,
            404,
            "text/plain",
            b"not found (only /snapshot.json; --dist DIR serves the app)\n",
            head_only,
        );
    };
    match static_file(dist, path) {
        Some((bytes, ct)) => respond(s, 200, ct, &bytes, head_only),
        None => respond(s, 404, "text/plain", b"not found\n", head_only),
    }
}

/// A file under `dist` for a URL path: only plain path components (no `..`,
/// no percent-escapes), `/` → `index.html`, paths without an extension →
/// `index.html` (the app's client-side routes).
fn static_file(dist: &Path, url_path: &str) -> Option<(Vec<u8>, &'static str)> {
    if url_path.contains('%') || url_path.contains('\\') || !url_path.starts_with('/') {
        return None;
    }
    let rel = Path::new(url_path.trim_start_matches('/'));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = dist.join(rel);
    if url_path.ends_with('/') || rel.as_os_str().is_empty() || rel.extension().is_none() {
        file = if file.is_dir() {
            file.join("index.html")
        } else {
            dist.join("index.html")
        };
    }
    let meta = std::fs::metadata(&file).ok()?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        return None;
    }
    let ct = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    };
    Some((std::fs::read(file).ok()?, ct))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_served() {
        assert!(loopback_addr("127.0.0.1:8081").is_ok());
        assert!(loopback_addr("[::1]:8081").is_ok());
        assert!(loopback_addr("0.0.0.0:8081")
            .unwrap_err()
            .contains("not a loopback"));
        assert!(loopback_addr("192.168.1.2:80").is_err());
        assert!(loopback_addr("localhost:8081").is_err());
    }

    #[test]
    fn serves_the_latest_snapshot_and_static_files_only_under_dist() {
        let dir = std::env::temp_dir().join(format!("kplay-serve-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("index.html"), "<html>app</html>").unwrap();
        std::fs::write(dir.join("assets/app.wasm"), [0u8, 97, 115, 109]).unwrap();
        let latest = Latest::default();
        let server = Server::bind("127.0.0.1:0", Some(dir.clone()), latest.clone()).unwrap();
        let addr = server.local_addr();
        std::thread::spawn(move || server.run());
        let get = |req: &str| {
            let mut s = TcpStream::connect(&addr).unwrap();
            s.write_all(req.as_bytes()).unwrap();
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            out
        };
        let r = get("GET /snapshot.json HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 503"), "{r}");
        latest.set(r#"{"version":1}"#.into());
        let r = get("GET /snapshot.json?t=1 HTTP/1.1\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 200"), "{r}");
        assert!(r.contains("Access-Control-Allow-Origin: *"));
        assert!(r.ends_with(r#"{"version":1}"#));
        latest.set(r#"{"version":1,"n":2}"#.into());
        assert!(get("GET /snapshot.json HTTP/1.1\r\n\r\n").ends_with(r#""n":2}"#));
        assert!(get("GET / HTTP/1.1\r\n\r\n").ends_with("<html>app</html>"));
        assert!(get("GET /cluster HTTP/1.1\r\n\r\n").ends_with("<html>app</html>"));
        assert!(get("GET /assets/app.wasm HTTP/1.1\r\n\r\n").contains("application/wasm"));
        assert!(get("GET /../etc/passwd HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(get("GET /%2e%2e/x HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(get("POST /snapshot.json HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        let big = format!("GET /{} HTTP/1.1\r\n", "a".repeat(MAX_REQUEST_BYTES));
        assert!(get(&big).starts_with("HTTP/1.1 413"));
    }
}
