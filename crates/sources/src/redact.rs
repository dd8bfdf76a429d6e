//! Secrets never reach a message: credentials are wrapped in [`Secret`],
//! whose `Debug` and `Display` print a placeholder, and URLs lose their
//! user information and signed query strings before they are shown.

use std::fmt;

/// A credential value. Printing it, by any means, shows `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one place that sends it.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Query parameters that carry credentials (pre-signed S3, GCS and Azure
/// URLs, tokens passed as parameters).
const SECRET_PARAMS: &[&str] = &[
    "x-amz-signature",
    "x-amz-credential",
    "x-amz-security-token",
    "x-goog-signature",
    "x-goog-credential",
    "sig",
    "signature",
    "token",
    "access_token",
    "api_key",
    "apikey",
    "key",
    "password",
];

/// `url` as it may be shown: no user or password, and the values of
/// credential-bearing query parameters replaced.
pub fn url(raw: &str) -> String {
    let Ok(mut u) = url::Url::parse(raw) else {
        return raw.to_string();
    };
    if !u.username().is_empty() || u.password().is_some() {
        let _ = u.set_username("");
        let _ = u.set_password(None);
    }
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str());
                (
                    k.into_owned(),
                    if secret {
                        "REDACTED".to_string()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

/// Free text (a library's error message) with any URLs in it redacted.
pub fn text(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            if w.contains("://") {
                url(w.trim_matches(|c| c == '"' || c == '\'' || c == ',' || c == '(' || c == ')'))
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hf_abcdef");
        assert_eq!(format!("{s} {s:?}"), "<redacted> <redacted>");
    }

    #[test]
    fn urls_lose_credentials() {
        let shown = url("https://user:pw@example.com/a?X-Amz-Signature=abc&part=1");
        assert_eq!(
            shown,
            "https://example.com/a?X-Amz-Signature=REDACTED&part=1"
        );
        assert_eq!(url("not a url"), "not a url");
    }
}
