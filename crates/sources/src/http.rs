//! One HTTP client for every source that speaks HTTP (the Hub, MLflow,
//! Artifactory, plain URLs): redirects followed by hand so credentials never
//! travel to another host, retries with exponential backoff, connect and
//! read timeouts, and a size limit checked before and while reading.

use std::io::Write;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::error::SourceError;
use crate::progress::Progress;
use crate::redact::{self, Secret};
use crate::settings::Settings;

/// How requests to one service authenticate.
#[derive(Debug, Clone, Default)]
pub(crate) enum Auth {
    #[default]
    None,
    Bearer(Secret),
    Basic {
        user: String,
        password: Secret,
    },
    /// A named header (`X-JFrog-Art-Api`).
    Header(&'static str, Secret),
}

impl Auth {
    fn apply(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match self {
            Auth::None => req,
            Auth::Bearer(t) => req.bearer_auth(t.expose()),
            Auth::Basic { user, password } => req.basic_auth(user, Some(password.expose())),
            Auth::Header(name, v) => match HeaderValue::from_str(v.expose()) {
                Ok(mut v) => {
                    v.set_sensitive(true);
                    req.header(*name, v)
                }
                Err(_) => req,
            },
        }
    }

    pub(crate) fn is_none(&self) -> bool {
        matches!(self, Auth::None)
    }
}

/// What a finished download produced.
#[derive(Debug, Clone)]
pub(crate) struct Downloaded {
    pub size: u64,
    pub digests: crate::digest::FileDigests,
    pub etag: Option<String>,
    /// Headers of the final response (after redirects).
    pub headers: HeaderMap,
}

pub(crate) struct Http {
    client: reqwest::Client,
    settings: Settings,
}

const MAX_REDIRECTS: usize = 10;

impl Http {
    pub(crate) fn new(settings: &Settings) -> Result<Http, SourceError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.connect_timeout)
            .read_timeout(settings.read_timeout)
            .user_agent(concat!("sentrascan-model/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SourceError::Network {
                url: String::new(),
                message: format!("cannot build the HTTP client: {e}"),
            })?;
        Ok(Http {
            client,
            settings: settings.clone(),
        })
    }

    /// Sends a request, following redirects (credentials only to the
    /// original origin) and retrying transient failures. Returns the final
    /// response with a success or 304 status; anything else is an error.
    pub(crate) async fn send(
        &self,
        method: Method,
        url: &str,
        auth: &Auth,
        headers: &[(HeaderName, String)],
        json_body: Option<&serde_json::Value>,
    ) -> Result<reqwest::Response, SourceError> {
        self.retrying(url, || {
            self.send_once(method.clone(), url, auth, headers, json_body)
        })
        .await
    }

    /// Runs `attempt` up to `1 + retries` times while it fails transiently,
    /// waiting `backoff`, then twice as long, and so on (or what the server
    /// asked in `Retry-After`, capped).
    pub(crate) async fn retrying<T, F, Fut>(
        &self,
        url: &str,
        mut attempt: F,
    ) -> Result<T, SourceError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, Attempt>>,
    {
        let mut backoff = Backoff::new(self.settings.backoff);
        loop {
            match attempt().await {
                Ok(v) => return Ok(v),
                Err(Attempt::Final(e)) => return Err(e),
                Err(Attempt::Transient(e, retry_after)) => {
                    if !self.pause(url, &e, retry_after, &mut backoff).await {
                        return Err(e);
                    }
                }
            }
        }
    }

    /// Waits before the next attempt; `false` when attempts are used up.
    async fn pause(
        &self,
        url: &str,
        e: &SourceError,
        retry_after: Option<u64>,
        b: &mut Backoff,
    ) -> bool {
        if b.tries >= self.settings.retries {
            return false;
        }
        b.tries += 1;
        let wait = retry_after
            .map(|s| Duration::from_secs(s.min(30)))
            .unwrap_or(b.delay);
        if !self.settings.quiet {
            eprintln!(
                "warning: {} ({e}); retry {}/{} in {:.1} s",
                redact::url(url),
                b.tries,
                self.settings.retries,
                wait.as_secs_f64()
            );
        }
        tokio::time::sleep(wait).await;
        b.delay = b.delay.saturating_mul(2);
        true
    }

    async fn send_once(
        &self,
        method: Method,
        url: &str,
        auth: &Auth,
        headers: &[(HeaderName, String)],
        json_body: Option<&serde_json::Value>,
    ) -> Result<reqwest::Response, Attempt> {
        let first = origin(url);
        let mut current = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let mut req = self.client.request(method.clone(), &current);
            if origin(&current) == first {
                req = auth.apply(req);
            }
            for (k, v) in headers {
                req = req.header(k, v);
            }
            if let Some(b) = json_body {
                req = req.json(b);
            }
            let resp = req
                .send()
                .await
                .map_err(|e| self.transport_error(&current, e))?;
            let status = resp.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let Some(loc) = resp.headers().get(LOCATION).and_then(|v| v.to_str().ok()) else {
                    return Err(Attempt::Final(SourceError::protocol(
                        &current,
                        format!("HTTP {status} without a Location header"),
                    )));
                };
                let next = url::Url::parse(&current)
                    .and_then(|base| base.join(loc))
                    .map_err(|e| {
                        Attempt::Final(SourceError::protocol(
                            &current,
                            format!("bad redirect: {e}"),
                        ))
                    })?;
                if next.scheme() == "http" && current.starts_with("https:") {
                    return Err(Attempt::Final(SourceError::protocol(
                        &current,
                        "refusing a redirect from https to plain http",
                    )));
                }
                current = next.to_string();
                continue;
            }
            if status.is_success() || status == StatusCode::NOT_MODIFIED {
                return Ok(resp);
            }
            return Err(status_error(&current, status, resp.headers(), auth));
        }
        Err(Attempt::Final(SourceError::protocol(
            url,
            format!("more than {MAX_REDIRECTS} redirects"),
        )))
    }

    fn transport_error(&self, url: &str, e: reqwest::Error) -> Attempt {
        let shown = redact::url(url);
        if e.is_timeout() {
            Attempt::Transient(
                SourceError::Timeout {
                    url: shown,
                    seconds: self.settings.read_timeout.as_secs(),
                },
                None,
            )
        } else {
            // Connection refused, reset, DNS: worth another try. The error's
            // own text includes the URL, which we show redacted instead.
            let message = match std::error::Error::source(&e) {
                Some(s) => format!("connection failed: {s}"),
                None => "connection failed".to_string(),
            };
            Attempt::Transient(
                SourceError::Network {
                    url: shown,
                    message,
                },
                None,
            )
        }
    }

    /// GETs JSON.
    pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        auth: &Auth,
    ) -> Result<T, SourceError> {
        let resp = self.send(Method::GET, url, auth, &[], None).await?;
        decode_json(url, resp).await
    }

    /// POSTs JSON and reads JSON back.
    pub(crate) async fn post_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        auth: &Auth,
        body: &serde_json::Value,
    ) -> Result<T, SourceError> {
        let resp = self.send(Method::POST, url, auth, &[], Some(body)).await?;
        decode_json(url, resp).await
    }

    /// Downloads `url` into `out`, hashing as it goes. Returns `None` when
    /// the server answered 304 to `if_none_match`. A transient failure in
    /// the middle of the body starts the download again from the beginning.
    pub(crate) async fn download(
        &self,
        url: &str,
        auth: &Auth,
        if_none_match: Option<&str>,
        out: &std::fs::File,
        progress: &mut Progress,
        want256: bool,
    ) -> Result<Option<Downloaded>, SourceError> {
        let headers: Vec<(HeaderName, String)> = if_none_match
            .map(|e| (reqwest::header::IF_NONE_MATCH, e.to_string()))
            .into_iter()
            .collect();
        let mut backoff = Backoff::new(self.settings.backoff);
        loop {
            match self
                .download_once(url, auth, &headers, out, progress, want256)
                .await
            {
                Ok(v) => return Ok(v),
                Err(Attempt::Final(e)) => return Err(e),
                Err(Attempt::Transient(e, after)) => {
                    if !self.pause(url, &e, after, &mut backoff).await {
                        return Err(e);
                    }
                }
            }
        }
    }

    async fn download_once(
        &self,
        url: &str,
        auth: &Auth,
        headers: &[(HeaderName, String)],
        out: &std::fs::File,
        progress: &mut Progress,
        want256: bool,
    ) -> Result<Option<Downloaded>, Attempt> {
        {
            let resp = self
                .send_once(Method::GET, url, auth, headers, None)
                .await?;
            if resp.status() == StatusCode::NOT_MODIFIED {
                return Ok(None);
            }
            let mut file = out;
            file.set_len(0)
                .and_then(|()| std::io::Seek::rewind(&mut file))
                .map_err(|e| Attempt::Final(SourceError::io("<download>", e)))?;
            progress.restart(resp.content_length());
            let limit = self.settings.max_download_bytes;
            if let Some(len) = resp.content_length().filter(|&l| l > limit) {
                return Err(Attempt::Final(SourceError::TooLarge {
                    url: redact::url(url),
                    size: len,
                    limit,
                }));
            }
            let etag = resp
                .headers()
                .get(reqwest::header::ETAG)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let headers = resp.headers().clone();
            let mut resp = resp;
            let mut pipe =
                crate::digest::DigestPipe::new(want256, self.settings.sha1, self.settings.md5);
            let mut size = 0u64;
            let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
            while let Some(chunk) = resp
                .chunk()
                .await
                .map_err(|e| self.transport_error(url, e))?
            {
                size = size.saturating_add(chunk.len() as u64);
                if size > limit {
                    return Err(Attempt::Final(SourceError::TooLarge {
                        url: redact::url(url),
                        size,
                        limit,
                    }));
                }
                pipe.feed(&chunk);
                writer
                    .write_all(&chunk)
                    .map_err(|e| Attempt::Final(SourceError::io("<download>", e)))?;
                progress.advance(chunk.len() as u64);
            }
            writer
                .flush()
                .map_err(|e| Attempt::Final(SourceError::io("<download>", e)))?;
            Ok(Some(Downloaded {
                size,
                digests: pipe.finish(want256, self.settings.sha1, self.settings.md5),
                etag,
                headers,
            }))
        }
    }
}

struct Backoff {
    tries: u32,
    delay: Duration,
}

impl Backoff {
    fn new(first: Duration) -> Backoff {
        Backoff {
            tries: 0,
            delay: first,
        }
    }
}

/// One try's failure: worth retrying or not (with the server's
/// `Retry-After`, in seconds).
pub(crate) enum Attempt {
    Transient(SourceError, Option<u64>),
    Final(SourceError),
}

fn status_error(url: &str, status: StatusCode, headers: &HeaderMap, auth: &Auth) -> Attempt {
    let shown = redact::url(url);
    let code = status.as_u16();
    match status {
        StatusCode::NOT_FOUND => Attempt::Final(SourceError::NotFound { url: shown }),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Attempt::Final(SourceError::Denied {
            url: shown,
            status: code,
            hint: if auth.is_none() {
                " and no credential was sent".to_string()
            } else {
                " with the credential given".to_string()
            },
        }),
        StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT => {
            let after = headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok());
            Attempt::Transient(
                SourceError::Http {
                    url: shown,
                    status: code,
                },
                after,
            )
        }
        s if s.is_server_error() => Attempt::Transient(
            SourceError::Http {
                url: shown,
                status: code,
            },
            None,
        ),
        _ => Attempt::Final(SourceError::Http {
            url: shown,
            status: code,
        }),
    }
}

async fn decode_json<T: serde::de::DeserializeOwned>(
    url: &str,
    resp: reqwest::Response,
) -> Result<T, SourceError> {
    // API answers are small; anything past 64 MiB is not one.
    const MAX_JSON: usize = 64 << 20;
    if resp.content_length().is_some_and(|l| l > MAX_JSON as u64) {
        return Err(SourceError::protocol(url, "JSON answer over 64 MiB"));
    }
    let mut resp = resp;
    let mut body = Vec::new();
    while let Some(c) = resp
        .chunk()
        .await
        .map_err(|e| SourceError::protocol(url, format!("reading the answer: {e}")))?
    {
        body.extend_from_slice(&c);
        if body.len() > MAX_JSON {
            return Err(SourceError::protocol(url, "JSON answer over 64 MiB"));
        }
    }
    serde_json::from_slice(&body)
        .map_err(|e| SourceError::protocol(url, format!("not the expected JSON: {e}")))
}

/// `scheme://host:port` of a URL, to decide where credentials may go.
fn origin(u: &str) -> Option<(String, String, Option<u16>)> {
    let u = url::Url::parse(u).ok()?;
    Some((
        u.scheme().to_string(),
        u.host_str()?.to_string(),
        u.port_or_known_default(),
    ))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
