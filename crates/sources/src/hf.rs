//! `hf://org/repo[@revision][/path]`: the Hugging Face Hub (or a mirror at
//! `HF_ENDPOINT`). The revision is resolved to a commit once; every file is
//! then downloaded from that commit, so the report pins exactly what was
//! scanned.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::SourceError;
use crate::fetch::{Fetcher, Freshness, Locator, RemoteFile, safe_name};
use crate::http::Auth;
use crate::redact::{self, Secret};
use crate::source::HfRef;

pub(crate) const DEFAULT_ENDPOINT: &str = "https://huggingface.co";

#[derive(Deserialize)]
struct RepoInfo {
    sha: String,
    #[serde(default)]
    siblings: Vec<Sibling>,
}

#[derive(Deserialize)]
struct Sibling {
    rfilename: String,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    lfs: Option<Lfs>,
}

#[derive(Deserialize)]
struct Lfs {
    sha256: String,
    #[serde(default)]
    size: Option<u64>,
}

pub(crate) async fn list(f: &Fetcher, r: &HfRef) -> Result<Vec<RemoteFile>, SourceError> {
    let env = &f.settings.env;
    let endpoint = env
        .get("HF_ENDPOINT")
        .unwrap_or(DEFAULT_ENDPOINT)
        .trim_end_matches('/')
        .to_string();
    let token = env.get("HF_TOKEN").or(env.get("HUGGING_FACE_HUB_TOKEN"));
    let auth = token.map_or(Auth::None, |t| Auth::Bearer(Secret::new(t)));
    let kind = r.kind;
    let api = format!(
        "{endpoint}/api/{}/{}/revision/{}?blobs=true",
        kind.api_segment(),
        r.repo,
        encode(&r.revision)
    );
    let info: RepoInfo = match f.http.get_json(&api, &auth).await {
        Ok(i) => i,
        // Private and gated repositories answer 401 (and the Hub answers
        // 401 for repositories that do not exist, to hide them).
        Err(SourceError::Denied { .. }) if token.is_none() => {
            return Err(SourceError::MissingCredential {
                what: format!(
                    "hf://{}{} (private, gated or missing)",
                    kind.url_prefix(),
                    r.repo
                ),
                variable: "HF_TOKEN",
            });
        }
        Err(e) => return Err(e),
    };
    let commit = info.sha;
    if commit.is_empty() || !commit.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(SourceError::protocol(&api, "the revision has no commit id"));
    }
    let prefix = r.path.trim_matches('/');
    let mut files = Vec::new();
    for s in info.siblings {
        let name = s.rfilename;
        let selected = prefix.is_empty()
            || name == prefix
            || name
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'));
        // A name that climbs out of the repository is not a Hub file.
        if !selected || name.split('/').any(|seg| seg == ".." || seg.is_empty()) {
            continue;
        }
        let url = format!(
            "{endpoint}/{}{}/resolve/{commit}/{}",
            kind.url_prefix(),
            r.repo,
            name.split('/').map(encode).collect::<Vec<_>>().join("/")
        );
        let display = format!("hf://{}{}@{commit}/{name}", kind.url_prefix(), r.repo);
        let size = s.lfs.as_ref().and_then(|l| l.size).or(s.size);
        let metadata = BTreeMap::from([
            ("source.type".to_string(), "huggingface".to_string()),
            (
                "source.repository".to_string(),
                format!("{}{}", kind.url_prefix(), r.repo),
            ),
            ("source.revision".to_string(), commit.clone()),
            ("source.requested_revision".to_string(), r.revision.clone()),
            ("source.url".to_string(), redact::url(&url)),
        ]);
        files.push(RemoteFile {
            display,
            name: safe_name(&name),
            size,
            metadata,
            locator: Locator::Http {
                url,
                auth: auth.clone(),
            },
            expected_sha256: s.lfs.map(|l| l.sha256.to_ascii_lowercase()),
            cache_key: Some((
                format!(
                    "hf|{endpoint}|{}{}|{commit}|{name}",
                    kind.url_prefix(),
                    r.repo
                ),
                Freshness::Immutable,
            )),
            expected_commit: Some(commit.clone()),
        });
    }
    if files.is_empty() {
        let uri = format!("hf://{}{}@{commit}/{prefix}", kind.url_prefix(), r.repo);
        return Err(if prefix.is_empty() {
            SourceError::Empty { uri }
        } else {
            SourceError::NotFound { url: uri }
        });
    }
    Ok(files)
}

/// Percent-encodes one path segment (a revision such as `refs/pr/1` is
/// one segment on the Hub's API).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
