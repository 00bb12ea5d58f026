//! `cargo xtask serve`: builds the site, then serves `www/` on 127.0.0.1 (a secure context,
//! so WebGPU is available) until interrupted.
//!
//! A small static server on the standard library: GET and HEAD, the right MIME types
//! (`application/wasm` for streaming compilation), and ETag revalidation so that a second
//! visit takes the wasm from the HTTP cache.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use anyhow::Context;

use crate::{build, sh};

/// Options of `cargo xtask serve`.
#[derive(clap::Args)]
pub struct Args {
    /// The port on 127.0.0.1.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Serve `www/` as it is, without building first.
    #[arg(long)]
    no_build: bool,
    #[command(flatten)]
    build: build::Args,
}

/// Builds (unless told not to) and serves until the process is stopped.
pub fn run(args: Args) -> anyhow::Result<()> {
    if !args.no_build {
        build::run(args.build)?;
    }
    let root = sh::root().join("www");
    let listener = TcpListener::bind(("127.0.0.1", args.port)).with_context(|| {
        format!(
            "could not listen on 127.0.0.1:{} (in use? try --port)",
            args.port
        )
    })?;
    println!(
        "xtask: serving {} at http://127.0.0.1:{}/",
        root.display(),
        args.port
    );
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.clone();
        std::thread::spawn(move || {
            if let Err(e) = respond(stream, &root) {
                eprintln!("xtask serve: {e:#}");
            }
        });
    }
    Ok(())
}

fn respond(mut stream: TcpStream, root: &Path) -> anyhow::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    let mut if_none_match = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("if-none-match")
        {
            if_none_match = Some(value.trim().to_string());
        }
    }
    let mut parts = request.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let mut out = Reply {
        stream: &mut stream,
        head_only: method == "HEAD",
    };
    if method != "GET" && method != "HEAD" {
        return out.send("405 Method Not Allowed", "text/plain", None, b"GET only\n");
    }
    let Some(path) = resolve(root, target) else {
        return out.send("404 Not Found", "text/plain", None, b"not found\n");
    };
    let meta = std::fs::metadata(&path)?;
    let modified = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let etag = format!("\"{:x}-{:x}\"", meta.len(), modified);
    if if_none_match.as_deref() == Some(etag.as_str()) {
        return out.send("304 Not Modified", mime(&path), Some(&etag), b"");
    }
    let body = std::fs::read(&path)?;
    out.send("200 OK", mime(&path), Some(&etag), &body)
}

/// The file under `root` that `target` names (`index.html` for a directory); `None` for
/// anything outside `root` or missing.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let mut full = root.join(relative);
    if full.is_dir() {
        full = full.join("index.html");
    }
    full.is_file().then_some(full)
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// A response on its way: HEAD gets the headers of GET without the body.
struct Reply<'a> {
    stream: &'a mut TcpStream,
    head_only: bool,
}

impl Reply<'_> {
    fn send(
        &mut self,
        status: &str,
        content_type: &str,
        etag: Option<&str>,
        body: &[u8],
    ) -> anyhow::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
             Cache-Control: no-cache\r\nConnection: close\r\n",
            body.len()
        );
        if let Some(etag) = etag {
            head.push_str(&format!("ETag: {etag}\r\n"));
        }
        head.push_str("\r\n");
        self.stream.write_all(head.as_bytes())?;
        if !self.head_only {
            self.stream.write_all(body)?;
        }
        Ok(())
    }
}
