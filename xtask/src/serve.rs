//! `cargo xtask serve`: builds the site, then serves `www/` on 127.0.0.1 (a secure context,
//! so WebGPU is available) until interrupted.
//!
//! The files are served by tower-http's `ServeDir` on hyper: percent-decoding, `..` removed,
//! the right MIME types (`application/wasm` for streaming compilation), ETag and
//! Last-Modified revalidation (304), range requests, `404.html` for a missing file (as GitHub
//! Pages does), the gzipped copy `cargo xtask build` writes of the wasm and its glue to a
//! browser that takes gzip (3.4 MB on the wire instead of 14.3), and every other text file
//! (HTML, JavaScript, CSS, JSON, SVG) gzipped on the fly to a browser that takes it, as GitHub
//! Pages does (tower-http's `CompressionLayer`). Around it: files are served only from
//! inside `www/` (a link out of it is not followed), every response carries the page's
//! Content-Security-Policy (read from `www/index.html`, so that the network worker, whose
//! policy comes from its own response, gets it too), `Cache-Control: no-cache` and
//! `Access-Control-Allow-Origin: *` (a public static site, as GitHub Pages serves it: another
//! site's page may load `embed.js` as a module);
//! connections are capped, and one that does not send its headers in time is dropped.
//!
//! The browser tests serve the site through this command too (`--port 0 --no-build`).

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use http::header::{
    ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderMap,
    HeaderValue,
};
use http::{Extensions, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::services::fs::{Backend, TokioBackend, TokioFile};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::{build, sh};

/// Options of `cargo xtask serve`.
#[derive(clap::Args)]
pub struct Args {
    /// The port on 127.0.0.1 (0: any free port; the address is printed).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Serve `www/` as it is, without building first.
    #[arg(long)]
    no_build: bool,
    /// Serve this folder instead of `www/` (the browser tests serve a host page from a second
    /// origin).
    #[arg(long)]
    root: Option<PathBuf>,
    #[command(flatten)]
    build: build::Args,
}

/// Connections served at once; more wait until one closes.
const MAX_CONNECTIONS: usize = 64;
/// A connection that has not sent its request headers in this time is closed.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most bytes of request line and headers read (hyper's floor is 8 KiB).
const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Builds (unless told not to) and serves until the process is stopped.
pub fn run(args: Args) -> anyhow::Result<()> {
    if !args.no_build {
        build::run(args.build)?;
    }
    let root = args.root.unwrap_or_else(|| sh::root().join("www"));
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot serve {}: no such folder", root.display()))?;
    let policy = content_security_policy(&sh::root().join("www/index.html"))?;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the server's runtime")?
        .block_on(serve(root, args.port, policy))
}

/// The Content-Security-Policy of the page's `<meta http-equiv>`: one policy, written once, in
/// the page (static hosts that send no headers still apply it there).
pub fn content_security_policy(index: &Path) -> anyhow::Result<String> {
    let html = std::fs::read_to_string(index)
        .with_context(|| format!("cannot read {}", index.display()))?;
    let meta = html
        .split("<meta ")
        .find(|tag| tag.contains(r#"http-equiv="Content-Security-Policy""#))
        .with_context(|| {
            format!(
                "{} has no Content-Security-Policy meta tag",
                index.display()
            )
        })?;
    let content = meta
        .split_once(r#"content=""#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(content, _)| content.to_string())
        .with_context(|| format!("the policy meta tag of {} has no content", index.display()))?;
    if content.trim().is_empty() {
        bail!("the policy meta tag of {} is empty", index.display());
    }
    Ok(content)
}

async fn serve(root: PathBuf, port: u16, policy: String) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("could not listen on 127.0.0.1:{port} (in use? try --port)"))?;
    let address = listener.local_addr()?;
    // The one line a caller (the browser tests) reads to find the address.
    println!("xtask: serving {} at http://{address}/", root.display());
    let policy = HeaderValue::from_str(&policy).context("the page's policy is not a header")?;
    let files = tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            policy,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .compress_when(SizeAbove::default().and(is_text)),
        )
        .service(
            ServeDir::with_backend(&root, InsideRoot::new(&root))
                .precompressed_gzip()
                .not_found_service(ServeFile::new(root.join("404.html"))),
        );
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = slots.clone().acquire_owned().await?;
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("xtask serve: {e}");
                continue;
            }
        };
        let service = TowerToHyperService::new(files.clone());
        tokio::spawn(async move {
            let served = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEADER_BYTES)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            // An idle keep-alive connection timing out, or a client leaving mid-request, is
            // how connections end; anything else is worth a line.
            if let Err(e) = served
                && !e.is_incomplete_message()
                && !e.is_timeout()
            {
                eprintln!("xtask serve: {e}");
            }
            drop(permit);
        });
    }
}

/// The media types served gzipped on the fly: text, which shrinks by two thirds and more (the
/// networks' weights and the pictures do not; the wasm is gzipped ahead, by `cargo xtask build`).
const TEXT_TYPES: [&str; 5] = [
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
];

/// Whether a response is text (by its `Content-Type`), to be gzipped for a browser that takes it.
fn is_text(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|kind| TEXT_TYPES.iter().any(|text| kind.starts_with(text)))
}

/// tokio's file system, limited to the files inside one folder: a path that resolves (through
/// a symbolic link) outside it is "not found".
#[derive(Clone)]
struct InsideRoot {
    root: Arc<PathBuf>,
}

impl InsideRoot {
    fn new(root: &Path) -> Self {
        InsideRoot {
            root: Arc::new(root.to_path_buf()),
        }
    }

    /// `path` once known to resolve inside the root.
    async fn check(root: Arc<PathBuf>, path: PathBuf) -> io::Result<PathBuf> {
        let resolved = tokio::fs::canonicalize(&path).await?;
        if resolved.starts_with(&*root) {
            Ok(resolved)
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, "outside the site"))
        }
    }
}

type Boxed<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

impl Backend for InsideRoot {
    type File = TokioFile;
    type Metadata = std::fs::Metadata;
    type OpenFuture = Boxed<TokioFile>;
    type MetadataFuture = Boxed<std::fs::Metadata>;

    fn open(&self, path: PathBuf) -> Self::OpenFuture {
        let root = self.root.clone();
        Box::pin(async move { TokioBackend.open(Self::check(root, path).await?).await })
    }

    fn metadata(&self, path: PathBuf) -> Self::MetadataFuture {
        let root = self.root.clone();
        Box::pin(async move { TokioBackend.metadata(Self::check(root, path).await?).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_gzipped_and_the_rest_is_not() {
        let typed = |kind: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_str(kind).unwrap());
            is_text(
                StatusCode::OK,
                Version::HTTP_11,
                &headers,
                &Extensions::new(),
            )
        };
        for kind in [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
        ] {
            assert!(typed(kind), "{kind}");
        }
        for kind in ["application/wasm", "application/octet-stream", "image/png"] {
            assert!(!typed(kind), "{kind}");
        }
        assert!(!is_text(
            StatusCode::OK,
            Version::HTTP_11,
            &HeaderMap::new(),
            &Extensions::new()
        ));
    }

    #[test]
    fn the_policy_is_read_from_the_page() {
        let policy = content_security_policy(&sh::root().join("www/index.html")).unwrap();
        assert!(policy.starts_with("default-src 'self'"), "{policy}");
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
    }
}
