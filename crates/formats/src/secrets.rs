//! Credentials in text: provider API tokens, private keys, cloud
//! credentials, passwords in connection URLs, JWTs and high-entropy values
//! assigned to secret-looking names.
//!
//! [`scan`] is one bounded, linear-time pass per pattern (the `regex`
//! crate's automata, whose literal prefixes such as `ghp_` or `AKIA` are
//! searched with SIMD) over at most `max_bytes` of a text. Each candidate is
//! then validated the way its provider allows: GitHub's CRC-32 suffix, the
//! base64 JSON header of a JWT, the base64 body of a PEM block, the length
//! and alphabet of a key, and Shannon entropy for values that have no
//! format of their own. Tokenizer vocabularies and model cards are full of
//! `sk-`, `hf_` and `password` as words; validation is what keeps them quiet.
//!
//! A match never carries the secret: only [`SecretMatch::masked`], which
//! keeps a public prefix (`ghp_`), the last four characters of long
//! secrets and the length.

use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use regex::bytes::{Captures, Regex};

/// The class of a credential; each maps to one `SEC` rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SecretKind {
    /// A token of a named API provider (GitHub, Slack, OpenAI…).
    ProviderToken,
    /// A PEM or OpenSSH private key block.
    PrivateKey,
    /// A cloud account credential (AWS secret key, GCP service account, Azure storage key or SAS).
    CloudCredential,
    /// A password inside a database or message-broker URL.
    UrlCredential,
    /// A JSON Web Token.
    Jwt,
    /// A high-entropy value assigned to a name such as `password` or `api_key`.
    GenericAssignment,
}

/// How sure the scanner is that the match is a live credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// Documentation examples, placeholders, emulator keys, failed checksums.
    Example,
    /// Structure or entropy only.
    Probable,
    /// The provider's own format check passed (checksum, fixed alphabet and length, key body).
    Validated,
}

/// One credential found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    pub kind: SecretKind,
    /// What it is (`GitHub personal access token`).
    pub provider: &'static str,
    /// Byte offset of the secret in the scanned text.
    pub offset: usize,
    /// Length of the secret in bytes.
    pub len: usize,
    /// The secret with everything but a public prefix and its last
    /// characters replaced (`ghp_…a1b2 (40 chars)`).
    pub masked: String,
    pub confidence: Confidence,
    /// Why the confidence is what it is (`CRC-32 suffix matches`).
    pub reason: &'static str,
    /// The name the value was assigned to, when the pattern has one.
    pub key: Option<String>,
}

/// What a scan found and how much of the text it covered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretScan {
    pub matches: Vec<SecretMatch>,
    /// Bytes scanned (the text, or its first `max_bytes`).
    pub scanned: usize,
    /// The text was longer than `max_bytes`.
    pub truncated: bool,
}

/// Matches kept per scan (a file of keys is reported by its first ones).
pub const MAX_MATCHES: usize = 64;

type Check = fn(&Captures<'_>) -> Option<SecretMatch>;

struct Pattern {
    regex: Regex,
    check: Check,
}

/// The patterns as source, compiled once. Each group 1 is the secret
/// (or the whole match when there is no group).
const PATTERNS: &[(&str, Check)] = &[
    (r"\b(gh[pousr]_[A-Za-z0-9]{36})\b", github_classic),
    (
        r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
        github_fine_grained,
    ),
    (r"\b(glpat-[A-Za-z0-9_\-]{20,64})", gitlab),
    (r"\b(xox[baprs]-[A-Za-z0-9\-]{10,200})", slack_token),
    (
        r"(https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})",
        slack_webhook,
    ),
    (r"\b([rs]k_(?:live|test)_[A-Za-z0-9]{20,128})\b", stripe),
    (
        r"\b(sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,120})",
        anthropic,
    ),
    (
        r"\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,200})",
        openai,
    ),
    (r"\b(hf_[A-Za-z0-9]{34})\b", hugging_face),
    (r"\b(AIza[0-9A-Za-z_\-]{35})", google_api_key),
    (r"\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b", aws_access_key),
    (
        r#"(?i)aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})\b"#,
        aws_secret_key,
    ),
    (
        r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----",
        private_key,
    ),
    (r"(?i)AccountKey=([A-Za-z0-9+/]{86}==)", azure_account_key),
    (
        r"[?&](sv=\d{4}-\d{2}-\d{2}&[^\s\x22'<>]{0,300}?sig=[A-Za-z0-9%+/=]{40,120})",
        azure_sas,
    ),
    (
        r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,})",
        jwt,
    ),
    (
        r"(?i)\b((?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|clickhouse|cockroachdb)://)([^:/@\s\x22'<>]{1,64}):([^@/\s\x22'<>]{1,128})@([A-Za-z0-9.\-_\[\]:]{1,255})",
        url_credential,
    ),
    (
        r#"(?i)\b([a-z0-9_.\-]{0,40}(?:password|passwd|secret|api[_\-]?key|apikey|access[_\-]?token|auth[_\-]?token|private[_\-]?key|client[_\-]?secret)[a-z0-9_.\-]{0,20})["']?\s*[:=]\s*["']?([^\s"',;)}\]]{8,200})"#,
        generic_assignment,
    ),
];

static COMPILED: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .filter_map(|(src, check)| {
            // ASCII semantics (`(?-u)`): a Unicode `\b` makes the lazy DFA
            // give up on every non-ASCII byte, and vocabularies are full of them.
            Some(Pattern {
                regex: Regex::new(&format!("(?-u){src}")).ok()?,
                check: *check,
            })
        })
        .collect()
});

/// Scans the first `max_bytes` of `text` for credentials.
pub fn scan(text: &[u8], max_bytes: usize) -> SecretScan {
    let scanned = text.len().min(max_bytes);
    let truncated = scanned < text.len();
    let text = text.get(..scanned).unwrap_or(text);
    let mut matches: Vec<SecretMatch> = Vec::new();
    if text.len() >= 8 {
        for p in COMPILED.iter() {
            for caps in p.regex.captures_iter(text) {
                if matches.len() >= MAX_MATCHES.saturating_mul(4) {
                    break;
                }
                if let Some(m) = (p.check)(&caps) {
                    matches.push(m);
                }
            }
        }
    }
    finish_private_keys(text, &mut matches);
    refine(text, &mut matches);
    matches.truncate(MAX_MATCHES);
    SecretScan {
        matches,
        scanned,
        truncated,
    }
}

/// Removes matches inside other matches (the key of a service-account
/// JSON, a generic `api_key=` around a provider token), relabels private
/// keys of Google service accounts, and sorts by offset.
fn refine(text: &[u8], matches: &mut Vec<SecretMatch>) {
    for m in matches.iter_mut() {
        if m.kind == SecretKind::PrivateKey {
            let from = m.offset.saturating_sub(4096);
            let around = text.get(from..m.offset.saturating_add(8192).min(text.len()));
            if around.is_some_and(|a| {
                contains(a, b"\"service_account\"") && contains(a, b"\"private_key_id\"")
            }) {
                m.kind = SecretKind::CloudCredential;
                m.provider = "Google Cloud service-account key";
            }
        }
    }
    // Stronger classes first, then the earliest; a match overlapping a kept one is dropped.
    matches.sort_by_key(|m| {
        (
            m.kind == SecretKind::GenericAssignment,
            std::cmp::Reverse(m.confidence),
            m.offset,
        )
    });
    let mut kept: Vec<SecretMatch> = Vec::new();
    for m in matches.drain(..) {
        let end = m.offset.saturating_add(m.len);
        let overlaps = kept
            .iter()
            .any(|k| m.offset < k.offset.saturating_add(k.len) && k.offset < end);
        if !overlaps {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| (m.offset, m.kind));
    *matches = kept;
}

/// `text` with every credential that is not an example replaced by its
/// mask; `None` when there is nothing to replace. For evidence that other
/// rules quote (a command line, a URL, a metadata value), so that no report
/// field carries a secret.
pub fn redact(text: &str) -> Option<String> {
    // Replacing a secret can make text around it match (a `]` before a
    // name gives a pattern the word boundary it lacked), so the result is
    // scanned again until nothing is left to replace, at most a few times.
    let mut current = redact_once(text)?;
    for _ in 0..REDACT_PASSES {
        match redact_once(&current) {
            Some(next) => current = next,
            None => break,
        }
    }
    Some(current)
}

/// Extra passes [`redact`] makes over its own output.
const REDACT_PASSES: usize = 3;

fn redact_once(text: &str) -> Option<String> {
    if text.len() < 8 {
        return None;
    }
    let found = scan(text.as_bytes(), text.len());
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for m in found
        .matches
        .iter()
        .filter(|m| m.confidence > Confidence::Example)
    {
        let end = m.offset.saturating_add(m.len);
        let (Some(before), true) = (text.get(last..m.offset), text.is_char_boundary(end)) else {
            continue;
        };
        out.push_str(before);
        out.push_str(&format!("[redacted {}: {}]", m.provider, m.masked));
        last = end;
    }
    if last == 0 {
        return None;
    }
    out.push_str(text.get(last..).unwrap_or(""));
    Some(out)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// The secret as group `g` (offset, bytes).
fn group<'t>(caps: &Captures<'t>, g: usize) -> Option<(usize, &'t [u8])> {
    caps.get(g).map(|m| (m.start(), m.as_bytes()))
}

/// Masks a secret: its public `prefix` (kept as is), `…`, the last four
/// characters when the secret is long enough for them to reveal little,
/// and the length.
pub fn mask(secret: &[u8], prefix: usize) -> String {
    let len = secret.len();
    // Never the whole match, even when its "public" prefix is all of it (a
    // PEM header with no key body): at most half of it is shown.
    let prefix = prefix.min(len / 2);
    let head = String::from_utf8_lossy(secret.get(..prefix).unwrap_or(&[])).into_owned();
    let tail = if len >= prefix.saturating_add(20) {
        String::from_utf8_lossy(secret.get(len.saturating_sub(4)..).unwrap_or(&[])).into_owned()
    } else {
        String::new()
    };
    format!("{head}…{tail} ({len} chars)")
}

/// Shannon entropy in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c = c.saturating_add(1);
        }
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark documentation examples and placeholders.
const PLACEHOLDERS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "your",
    "xxxx",
    "changeme",
    "redacted",
    "fake",
    "test",
    "1234",
    "abcd",
    "****",
    "<",
    ">",
    "${",
    "{{",
    "%(",
    "$(",
    "env(",
    "environ",
];

/// True for values that are examples or placeholders rather than secrets.
pub fn is_placeholder(value: &[u8]) -> bool {
    let lower = value.to_ascii_lowercase();
    let text = String::from_utf8_lossy(&lower);
    if PLACEHOLDERS.iter().any(|p| text.contains(p)) {
        return true;
    }
    // A run of one character (`aaaaaaaa`, `00000000`).
    lower
        .windows(6)
        .any(|w| w.iter().all(|&c| Some(&c) == w.first()))
}

/// Letters, digits and symbols mixed: random strings have at least two classes.
fn char_classes(s: &[u8]) -> u32 {
    [
        s.iter().any(u8::is_ascii_lowercase),
        s.iter().any(u8::is_ascii_uppercase),
        s.iter().any(u8::is_ascii_digit),
        s.iter().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .into_iter()
    .filter(|&x| x)
    .count() as u32
}

/// A random-looking token: entropy of at least `min` bits per character
/// and at least two character classes.
fn random_looking(s: &[u8], min: f64) -> bool {
    entropy(s) >= min && char_classes(s) >= 2
}

fn token(
    kind: SecretKind,
    provider: &'static str,
    (offset, secret): (usize, &[u8]),
    prefix: usize,
    confidence: Confidence,
    reason: &'static str,
) -> Option<SecretMatch> {
    let (confidence, reason) = if confidence > Confidence::Example && is_placeholder(secret) {
        (
            Confidence::Example,
            "the value reads as an example or placeholder",
        )
    } else {
        (confidence, reason)
    };
    Some(SecretMatch {
        kind,
        provider,
        offset,
        len: secret.len(),
        masked: mask(secret, prefix),
        confidence,
        reason,
        key: None,
    })
}

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// GitHub's checksum: the last six characters are the base62 CRC-32 of the thirty before them.
pub fn github_checksum_ok(body: &[u8]) -> bool {
    let (Some(random), Some(check)) = (body.get(..30), body.get(30..36)) else {
        return false;
    };
    let mut n = crate::zip::crc32(random);
    let mut digits = [b'0'; 6];
    for d in digits.iter_mut().rev() {
        *d = BASE62.get((n % 62) as usize).copied().unwrap_or(b'0');
        n /= 62;
    }
    digits == check
}

fn github_classic(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    let ok = github_checksum_ok(s.get(4..)?);
    token(
        SecretKind::ProviderToken,
        "GitHub token",
        (at, s),
        4,
        if ok {
            Confidence::Validated
        } else {
            Confidence::Example
        },
        if ok {
            "CRC-32 suffix matches"
        } else {
            "CRC-32 suffix does not match (not an issued token)"
        },
    )
}

fn github_fine_grained(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    let ok = random_looking(s.get(11..)?, 4.0);
    token(
        SecretKind::ProviderToken,
        "GitHub fine-grained personal access token",
        (at, s),
        11,
        if ok {
            Confidence::Validated
        } else {
            Confidence::Example
        },
        "fixed `github_pat_` layout (22 + 59 characters)",
    )
}

fn prefixed(
    c: &Captures<'_>,
    provider: &'static str,
    prefix: usize,
    min_entropy: f64,
) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    let body = s.get(prefix..)?;
    if !random_looking(body, min_entropy) {
        return None;
    }
    token(
        SecretKind::ProviderToken,
        provider,
        (at, s),
        prefix,
        Confidence::Validated,
        "provider prefix, alphabet and length match, random body",
    )
}

fn gitlab(c: &Captures<'_>) -> Option<SecretMatch> {
    prefixed(c, "GitLab personal access token", 6, 3.5)
}

fn slack_token(c: &Captures<'_>) -> Option<SecretMatch> {
    let (_, s) = group(c, 1)?;
    // Real Slack tokens carry numeric workspace and user ids between dashes.
    if s.iter().filter(|&&b| b == b'-').count() < 2 {
        return None;
    }
    prefixed(c, "Slack token", 5, 3.0)
}

fn slack_webhook(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    token(
        SecretKind::ProviderToken,
        "Slack incoming webhook URL",
        (at, s),
        "https://hooks.slack.com/services/".len(),
        Confidence::Validated,
        "Slack webhook URL with workspace, channel and secret parts",
    )
}

fn stripe(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    let live = s.get(3..7) == Some(b"live");
    let mut m = prefixed(c, "Stripe secret key", 8, 3.5)?;
    if !live {
        m.provider = "Stripe test-mode key";
        m.confidence = Confidence::Example;
        m.reason = "test-mode key (no access to live data)";
    }
    m.offset = at;
    Some(m).filter(|_| s.len() >= 24)
}

fn anthropic(c: &Captures<'_>) -> Option<SecretMatch> {
    prefixed(c, "Anthropic API key", 14, 4.0)
}

fn openai(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    if s.starts_with(b"sk-ant-") {
        return None;
    }
    // `T3BlbkFJ` is base64 of `OpenAI`, embedded in every legacy and project key.
    let marker = contains(s, b"T3BlbkFJ");
    let project = [&b"sk-proj-"[..], b"sk-svcacct-", b"sk-admin-"]
        .iter()
        .find(|p| s.starts_with(p))
        .map(|p| p.len());
    let prefix = project.unwrap_or(3);
    let body = s.get(prefix..)?;
    let (confidence, reason) = if marker {
        (Confidence::Validated, "contains OpenAI's `T3BlbkFJ` marker")
    } else if project.is_some() && body.len() >= 40 && random_looking(body, 4.0) {
        (
            Confidence::Validated,
            "project key prefix with a long random body",
        )
    } else if body.len() >= 40
        && body.iter().all(u8::is_ascii_alphanumeric)
        && char_classes(body) >= 3
        && entropy(body) >= 4.5
    {
        (
            Confidence::Probable,
            "`sk-` followed by a long random alphanumeric body",
        )
    } else {
        return None;
    };
    token(
        SecretKind::ProviderToken,
        "OpenAI API key",
        (at, s),
        prefix,
        confidence,
        reason,
    )
}

fn hugging_face(c: &Captures<'_>) -> Option<SecretMatch> {
    let (_, s) = group(c, 1)?;
    let body = s.get(3..)?;
    // Hub tokens mix both cases; vocabulary pieces and identifiers do not look random.
    if !(body.iter().any(u8::is_ascii_uppercase) && body.iter().any(u8::is_ascii_lowercase)) {
        return None;
    }
    prefixed(c, "Hugging Face access token", 3, 4.0)
}

fn google_api_key(c: &Captures<'_>) -> Option<SecretMatch> {
    prefixed(c, "Google API key", 4, 3.5)
}

fn aws_access_key(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    token(
        SecretKind::ProviderToken,
        "AWS access key id",
        (at, s),
        4,
        Confidence::Probable,
        "AWS key-id prefix and base32 alphabet (the id names, the secret key proves)",
    )
}

fn aws_secret_key(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    if !random_looking(s, 4.0) {
        return None;
    }
    token(
        SecretKind::CloudCredential,
        "AWS secret access key",
        (at, s),
        0,
        Confidence::Validated,
        "40-character key assigned to `aws_secret_access_key`",
    )
}

fn private_key(c: &Captures<'_>) -> Option<SecretMatch> {
    let whole = c.get(0)?;
    let label = c.get(1)?.as_bytes();
    // The body is checked by [`finish_private_keys`], which sees the text after the header.
    let start = whole.end();
    Some(SecretMatch {
        kind: SecretKind::PrivateKey,
        provider: match label {
            b"RSA PRIVATE KEY" => "RSA private key",
            b"EC PRIVATE KEY" => "EC private key",
            b"DSA PRIVATE KEY" => "DSA private key",
            b"OPENSSH PRIVATE KEY" => "OpenSSH private key",
            b"ENCRYPTED PRIVATE KEY" => "encrypted private key",
            b"PGP PRIVATE KEY BLOCK" => "PGP private key",
            _ => "private key",
        },
        offset: whole.start(),
        len: start.saturating_sub(whole.start()),
        masked: format!("-----BEGIN {}-----…", String::from_utf8_lossy(label)),
        confidence: Confidence::Probable,
        reason: "PEM header (body checked by the scan)",
        key: None,
    })
}

fn azure_account_key(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    // The storage emulator's published key (`devstoreaccount1`).
    let emulator = s.starts_with(b"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq");
    token(
        SecretKind::CloudCredential,
        "Azure storage account key",
        (at, s),
        0,
        if emulator {
            Confidence::Example
        } else {
            Confidence::Validated
        },
        if emulator {
            "the storage emulator's published key"
        } else {
            "64-byte base64 key after `AccountKey=`"
        },
    )
}

fn azure_sas(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    let sig = memchr::memmem::find(s, b"sig=")?;
    let sig_at = at.checked_add(sig)?.checked_add(4)?;
    let value = s.get(sig.checked_add(4)?..)?;
    token(
        SecretKind::CloudCredential,
        "Azure shared access signature",
        (sig_at, value),
        0,
        Confidence::Validated,
        "`sv=` service version and `sig=` signature of a SAS URL",
    )
}

fn jwt(c: &Captures<'_>) -> Option<SecretMatch> {
    let (at, s) = group(c, 1)?;
    let header = s.split(|&b| b == b'.').next()?;
    let decoded = URL_SAFE_NO_PAD.decode(header).ok()?;
    let json: serde_json::Value = serde_json::from_slice(&decoded).ok()?;
    let alg = json.get("alg")?.as_str()?;
    let unsigned = alg.eq_ignore_ascii_case("none");
    token(
        SecretKind::Jwt,
        "JSON Web Token",
        (at, s),
        0,
        if unsigned {
            Confidence::Example
        } else {
            Confidence::Validated
        },
        if unsigned {
            "unsigned token (`alg: none`)"
        } else {
            "base64url JSON header with an `alg`"
        },
    )
}

fn url_credential(c: &Captures<'_>) -> Option<SecretMatch> {
    let scheme = c.get(1)?.as_bytes();
    let user = c.get(2)?.as_bytes();
    let (at, password) = group(c, 3)?;
    let host = c.get(4)?.as_bytes();
    let host_l = host.to_ascii_lowercase();
    let local = host_l.starts_with(b"localhost")
        || host_l.starts_with(b"127.")
        || host_l.starts_with(b"0.0.0.0")
        || host_l.starts_with(b"[::1]")
        || contains(&host_l, b"example")
        || host_l.ends_with(b".invalid")
        || host_l.ends_with(b".test");
    let placeholder = is_placeholder(password)
        || matches!(
            password.to_ascii_lowercase().as_slice(),
            b"password"
                | b"pass"
                | b"secret"
                | b"pwd"
                | b"root"
                | b"admin"
                | b"guest"
                | b"postgres"
        );
    let (confidence, reason) = if placeholder {
        (
            Confidence::Example,
            "the password is a placeholder or default",
        )
    } else if local {
        (
            Confidence::Example,
            "the URL points at a local or example host",
        )
    } else {
        (
            Confidence::Validated,
            "user, password and a remote host in the URL",
        )
    };
    Some(SecretMatch {
        kind: SecretKind::UrlCredential,
        provider: "connection URL password",
        offset: at,
        len: password.len(),
        masked: format!(
            "{}{}:…({} chars)@{}",
            String::from_utf8_lossy(scheme),
            without(user, password),
            password.len(),
            without(host, password)
        ),
        confidence,
        reason,
        key: None,
    })
}

/// `shown` as text with every copy of `secret` in it replaced by `…`: the
/// user and host of a URL are public, unless the password is repeated there.
fn without(shown: &[u8], secret: &[u8]) -> String {
    let mut out = Vec::with_capacity(shown.len());
    let mut rest = shown;
    while let Some(i) = (!secret.is_empty())
        .then(|| memchr::memmem::find(rest, secret))
        .flatten()
    {
        out.extend_from_slice(rest.get(..i).unwrap_or(&[]));
        out.extend_from_slice("…".as_bytes());
        rest = rest.get(i.saturating_add(secret.len())..).unwrap_or(&[]);
    }
    out.extend_from_slice(rest);
    String::from_utf8_lossy(&out).into_owned()
}

fn generic_assignment(c: &Captures<'_>) -> Option<SecretMatch> {
    let key = c.get(1)?.as_bytes();
    let (at, value) = group(c, 2)?;
    // Code and references, not values: `password=getpass()`, `key=os.environ[…]`.
    if value.iter().any(|b| b"([{$%".contains(b)) || value.ends_with(b"_") {
        return None;
    }
    let lower_key = key.to_ascii_lowercase();
    // Names that describe a key rather than hold one.
    if [
        &b"_path"[..],
        b"_file",
        b"_name",
        b"_env",
        b"_length",
        b"_len",
        b"_size",
        b"_id",
        b"_type",
        b"_url",
        b"_hash",
        b"_header",
    ]
    .iter()
    .any(|s| lower_key.ends_with(s))
    {
        return None;
    }
    let e = entropy(value);
    if value.len() < 12 || e < 3.5 || char_classes(value) < 2 {
        return None;
    }
    let hex = value.iter().all(u8::is_ascii_hexdigit);
    let (confidence, reason) = if is_placeholder(value) {
        (
            Confidence::Example,
            "the value reads as an example or placeholder",
        )
    } else if value.len() >= 16 && e >= 4.0 && !hex {
        (Confidence::Probable, "long high-entropy value")
    } else {
        (
            Confidence::Example,
            "short or hexadecimal value of moderate entropy",
        )
    };
    Some(SecretMatch {
        kind: SecretKind::GenericAssignment,
        provider: "secret assignment",
        offset: at,
        len: value.len(),
        masked: mask(value, 0),
        confidence,
        reason,
        key: Some(String::from_utf8_lossy(key).into_owned()),
    })
}

/// The body of a PEM block after its header, as far as it runs.
struct KeyBody {
    /// Base64 characters in the body.
    base64: usize,
    /// Offset (from the header's end) just past the last base64 character.
    end: usize,
    /// Offset (from the header's end) of the `-----END` line, when the body runs into it.
    end_line: Option<usize>,
}

/// Reads the body of a private-key block: base64 interleaved with line
/// breaks (real or JSON/string-escaped), the quotes and `+`/`,` of a key
/// split over string literals, and `Proc-Type:`/`DEK-Info:` header lines.
/// Anything else (prose, `...`, the next JSON field) ends it, so that a
/// key body is never counted from unrelated text after a bare header.
fn key_body(text: &[u8], header_end: usize) -> KeyBody {
    let rest = text
        .get(header_end..header_end.saturating_add(16384).min(text.len()))
        .unwrap_or(&[]);
    let mut body = KeyBody {
        base64: 0,
        end: 0,
        end_line: None,
    };
    let mut i = 0usize;
    while let Some(&b) = rest.get(i) {
        if b == b'-' && rest.get(i..).is_some_and(|r| r.starts_with(b"-----END")) {
            body.end_line = Some(i);
            break;
        }
        if b == b'\\' {
            // `\n`, `\r`, `\t` between lines of an escaped key.
            match rest.get(i.saturating_add(1)) {
                Some(b'n' | b'r' | b't') => {
                    i = i.saturating_add(2);
                    continue;
                }
                _ => break,
            }
        }
        if b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=' {
            body.base64 = body.base64.saturating_add(1);
            body.end = i.saturating_add(1);
        } else if !(b.is_ascii_whitespace() || matches!(b, b':' | b'-' | b',' | b'"' | b'\'')) {
            break;
        }
        i = i.saturating_add(1);
    }
    body
}

/// Completes private-key matches with their body: a block with at least
/// 64 base64 characters is a key; a header alone or `...` is an example.
/// The match covers the header and the whole body (up to the END line, or
/// to the body's last character when the block is cut short), so that a
/// redaction removes all of the key.
fn finish_private_keys(text: &[u8], matches: &mut [SecretMatch]) {
    for m in matches
        .iter_mut()
        .filter(|m| m.kind == SecretKind::PrivateKey)
    {
        let header_end = m.offset.saturating_add(m.len);
        let body = key_body(text, header_end);
        let through = body.end_line.unwrap_or(body.end);
        m.len = header_end.saturating_add(through).saturating_sub(m.offset);
        let masked = format!("{} ({} chars)", m.masked, m.len);
        m.masked = masked;
        if body.base64 >= 64 {
            m.confidence = if m.provider == "encrypted private key" {
                Confidence::Probable
            } else {
                Confidence::Validated
            };
            m.reason = if m.provider == "encrypted private key" {
                "passphrase-protected key block"
            } else {
                "PEM block with a base64 key body"
            };
        } else {
            m.confidence = Confidence::Example;
            m.reason = "PEM header without a key body (documentation or truncated)";
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ghp(random: &str) -> String {
        let mut n = crate::zip::crc32(random.as_bytes());
        let mut d = [b'0'; 6];
        for x in d.iter_mut().rev() {
            *x = BASE62[(n % 62) as usize];
            n /= 62;
        }
        format!("ghp_{random}{}", String::from_utf8_lossy(&d))
    }

    fn found(text: &str) -> Vec<(SecretKind, &'static str, Confidence)> {
        scan(text.as_bytes(), 1 << 20)
            .matches
            .into_iter()
            .map(|m| (m.kind, m.provider, m.confidence))
            .collect()
    }

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(COMPILED.len(), PATTERNS.len());
    }

    #[test]
    fn github_checksum() {
        let t = ghp("R8kQ2vLx9TzW4mNp7YbC3dFh6JsA1e");
        assert_eq!(t.len(), 40);
        let m = scan(format!("token: {t}").as_bytes(), 1 << 20).matches;
        assert_eq!(m[0].confidence, Confidence::Validated);
        assert_eq!(m[0].masked, format!("ghp_…{} (40 chars)", &t[36..]));
        // One character changed: the checksum fails.
        let bad = t.replace('R', "S");
        assert_eq!(
            found(&bad),
            [(
                SecretKind::ProviderToken,
                "GitHub token",
                Confidence::Example
            )]
        );
    }

    #[test]
    fn provider_tokens() {
        for (text, provider) in [
            ("glpat-Zx8Kq2Lm9Np4Rt7Vw1Yb", "GitLab personal access token"),
            (
                "xoxb-2048193724-4096381925-Hq8ZkP2mWvL9xRt4nB7c",
                "Slack token",
            ),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc9Q", "Stripe secret key"),
            (
                "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",
                "Hugging Face access token",
            ),
            ("AIzaSyD4k8Lq2Mv9Xp3Rt7Wn1Yb5Zc6Hf0Jg8Ks", "Google API key"),
            (
                "sk-proj-Ab3De5Gh7Jk9Lm2No4Pq6Rs8Tu0Vw1Xy3Za5Bc7De9Fg2Hi4",
                "OpenAI API key",
            ),
            (
                "sk-ant-api03-Xk2Lm9Np4Rt7Vw1Yb5Zc6Hf0Jg8Ks3Dq2Ab3De5Gh7Jk9Lm2No4Pq6Rs8Tu0Vw1Xy3Za5Bc7De9Fg2Hi4jKAA",
                "Anthropic API key",
            ),
        ] {
            let f = found(&format!("\"token\": \"{text}\""));
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(f[0].1, provider, "{text}");
            assert_eq!(f[0].2, Confidence::Validated, "{text}");
        }
    }

    #[test]
    fn aws_examples_are_examples() {
        let f = found(
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        );
        assert!(f.iter().all(|x| x.2 == Confidence::Example), "{f:?}");
        assert_eq!(f.len(), 2);
        let real = found("aws_secret_access_key = q7Rk2Lm9Np4Rt7Vw1Yb5Zc6Hf0Jg8Ks3Dq2Ab/+Z\n");
        assert_eq!(
            real,
            [(
                SecretKind::CloudCredential,
                "AWS secret access key",
                Confidence::Validated
            )]
        );
    }

    #[test]
    fn private_keys_need_a_body() {
        let body = "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQABAoIBAQCo";
        let pem =
            format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n");
        assert_eq!(
            found(&pem),
            [(
                SecretKind::PrivateKey,
                "RSA private key",
                Confidence::Validated
            )]
        );
        let json = format!(
            "{{\"type\": \"service_account\", \"private_key_id\": \"0a1b\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n\"}}"
        );
        assert_eq!(
            found(&json),
            [(
                SecretKind::CloudCredential,
                "Google Cloud service-account key",
                Confidence::Validated
            )]
        );
        assert_eq!(
            found("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----")[0].2,
            Confidence::Example
        );
    }

    #[test]
    fn urls_jwts_azure_and_assignments() {
        assert_eq!(
            found("DATABASE_URL=postgresql://svc:Q9v!xL2mR7pT@db.internal.corp:5432/app")[0].2,
            Confidence::Validated
        );
        assert_eq!(
            found("redis://user:password@localhost:6379")[0].2,
            Confidence::Example
        );
        let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert_eq!(
            found(jwt),
            [(SecretKind::Jwt, "JSON Web Token", Confidence::Validated)]
        );
        assert!(found("eyJub3QiOiJqd3QifQxx.eyJub3QiOiJqd3QifQxx.abcdefghijklmnopqrst").is_empty());
        let key = "Zk3Lm9Np4Rt7Vw1Yb5Zc6Hf0Jg8Ks3Dq2Ab3De5Gh7Jk9Lm2No4Pq6Rs8Tu0Vw1Xy3Za5Bc7De9Fg2Hi4jK0a1==";
        let f = found(&format!(
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};EndpointSuffix=core.windows.net"
        ));
        assert_eq!(
            f,
            [(
                SecretKind::CloudCredential,
                "Azure storage account key",
                Confidence::Validated
            )]
        );
        let sas = found(
            "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=Zk3Lm9Np4Rt7Vw1Yb5Zc6Hf0Jg8Ks3Dq2Ab3De5Gh7Jk%3D",
        );
        assert_eq!(sas[0].1, "Azure shared access signature");
        assert_eq!(
            found("api_key = \"Zk3Lm9Np4Rt7Vw1Yb5Zc6Hf0\""),
            [(
                SecretKind::GenericAssignment,
                "secret assignment",
                Confidence::Probable
            )]
        );
        assert!(found("password = os.environ['DB_PASSWORD']").is_empty());
        assert!(found("password_length = 1234567890123").is_empty());
    }

    #[test]
    fn vocabulary_words_are_not_secrets() {
        let vocab = r#"{"sk-": 1, "sk-learn": 2, "hf_hub": 3, "Ġpassword": 4, "password": 5, "AIza": 6,
            "ghp_": 7, "xoxb-": 8, "api_key": 9, "sk-abcdefghijklmnopqrstuvwxyzabcdefghij": 10,
            "hf_transfer_enabled_for_all_the_files": 11, "secret": "sauce", "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b"}"#;
        assert!(found(vocab).is_empty(), "{:?}", found(vocab));
    }

    #[test]
    fn redaction_replaces_secrets_and_keeps_the_rest() {
        let t = ghp("R8kQ2vLx9TzW4mNp7YbC3dFh6JsA1e");
        let text = format!("curl -H 'Authorization: token {t}' https://api.github.com/user");
        let red = redact(&text).unwrap();
        assert!(!red.contains(&t));
        assert!(red.starts_with("curl -H 'Authorization: token [redacted GitHub token: ghp_…"));
        assert!(red.ends_with("' https://api.github.com/user"));
        assert_eq!(redact("nothing to see here"), None);
        assert_eq!(redact("key AKIAIOSFODNN7EXAMPLE"), None);
    }

    #[test]
    fn input_is_bounded_and_masks_hide_the_secret() {
        let t = ghp("R8kQ2vLx9TzW4mNp7YbC3dFh6JsA1e");
        let text = format!("{}{t}", " ".repeat(100));
        let s = scan(text.as_bytes(), 64);
        assert!(s.truncated && s.matches.is_empty());
        let s = scan(text.as_bytes(), 1 << 20);
        assert!(!s.truncated);
        assert!(!s.matches[0].masked.contains(&t[4..36]));
        assert_eq!(mask(b"short", 0), "… (5 chars)");
    }
}

#[cfg(test)]
mod mask_tests {
    use super::mask;

    #[test]
    fn a_mask_never_repeats_the_whole_match() {
        // Found by the `secrets` fuzz target: a header-only PEM match whose
        // public prefix was the whole match.
        let header = b"-----BEGIN PRIVATE KEY-----";
        let m = mask(header, header.len());
        assert!(!m.contains("-----BEGIN PRIVATE KEY-----"), "{m}");
        assert_eq!(m, "-----BEGIN PR… (27 chars)");
        let token = b"ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        assert_eq!(mask(token, 4), "ghp_…wxyz (40 chars)");
    }
}
#[cfg(test)]
mod pem_body_tests {
    use super::*;

    const BODY: &str =
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4";

    #[test]
    fn a_bare_header_does_not_borrow_a_body_from_the_text_after_it() {
        // Found by the `secrets` fuzz target: a service-account JSON whose
        // key is cut off by another JSON document. The letters of the next
        // fields used to count as key body, the block was "validated" and
        // only its header was redacted.
        let t = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/regressions/secrets/pem-header-borrowing-next-json-as-body"
        ))
        .unwrap();
        let m = scan(t.as_bytes(), t.len()).matches;
        assert_eq!(m.len(), 1, "{m:?}");
        assert_eq!(m[0].confidence, Confidence::Example);
        assert_eq!(redact(&t), None);
    }

    #[test]
    fn a_cut_off_key_is_redacted_through_its_last_body_character() {
        let text = format!("key = \"-----BEGIN PRIVATE KEY-----\\n{BODY}\\n{BODY}\" # end");
        let m = scan(text.as_bytes(), text.len()).matches;
        assert_eq!(m[0].confidence, Confidence::Validated);
        let red = redact(&text).unwrap();
        assert!(!red.contains(&BODY[..20]), "{red}");
        assert!(red.ends_with("]\" # end"), "{red}");
        let again = scan(red.as_bytes(), red.len()).matches;
        assert!(
            again.iter().all(|m| m.confidence == Confidence::Example),
            "{again:?}"
        );
    }

    #[test]
    fn a_url_mask_never_repeats_the_password_from_its_host() {
        // Found by the `secrets` fuzz target: the host part of the match held
        // the password again, and the mask shows the host.
        let pw = "V1NIuk8Io5yaGKvirondbXJD";
        let text = format!("postgresql://trainer:{pw}@db.internal.corp:{pw}");
        let m = scan(text.as_bytes(), text.len()).matches;
        assert_eq!(m[0].kind, SecretKind::UrlCredential);
        assert!(!m[0].masked.contains(pw), "{}", m[0].masked);
        assert_eq!(
            m[0].masked,
            "postgresql://trainer:…(24 chars)@db.internal.corp:…"
        );
    }

    #[test]
    fn redaction_repeats_until_the_redacted_text_is_clean() {
        // Found by the `secrets` fuzz target: `gdy_secret_access_key = …`
        // has no word boundary before the name until the key body in front
        // of it is replaced by `[redacted …]`.
        let text = format!(
            "-----BEGIN PRIVATE KEY-----\\n{BODY}gdy_secret_access_key = wJalrXUtnFEMI/K6MDENG/bPxRfiCYzq81v0"
        );
        let red = redact(&text).unwrap();
        assert!(!red.contains("wJalrXUtnFEMI"), "{red}");
        let again = scan(red.as_bytes(), red.len()).matches;
        assert!(
            again.iter().all(|m| m.confidence == Confidence::Example),
            "{again:?}"
        );
    }

    #[test]
    fn a_key_split_over_string_literals_is_still_a_key() {
        let text = format!(
            "KEY = (\"-----BEGIN RSA PRIVATE KEY-----\\n\"\n       \"{BODY}\\n\"\n       \"{BODY}\\n\"\n       \"-----END RSA PRIVATE KEY-----\\n\")"
        );
        let m = scan(text.as_bytes(), text.len()).matches;
        assert_eq!(m[0].provider, "RSA private key");
        assert_eq!(m[0].confidence, Confidence::Validated);
        let red = redact(&text).unwrap();
        assert!(!red.contains(&BODY[..20]), "{red}");
        assert!(red.contains("-----END RSA PRIVATE KEY-----"), "{red}");
    }
}
