//! CFG004: a config links to a host outside the known model hubs and code hosts.

use std::collections::BTreeSet;

use sentrascan_formats::config::ConfigView;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::foreign_hosts;

pub static RULE: RuleMeta = RuleMeta {
    code: "CFG004",
    name: "config-external-url",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::NetworkOperations,
    scanner: "config",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A config or model-card front matter links to a host outside the known model hubs and code hosts (one finding per host).",
    remediation: "Check where the link leads before anything fetches it.",
    docs: r#"## What it does
Lists the hosts of `http(s)://` and `ftp://` links in config values, one
finding per host and file, except the Hugging Face Hub, GitHub, PyTorch,
TensorFlow, Kaggle, ModelScope, NVIDIA NGC, PyPI, arXiv and the licence
sites. Values under vocabulary-like keys (`vocab`, `merges`,
`added_tokens`) are skipped.

## Why is this bad?
Usually it is not: papers and homepages are linked. A link in a config is
also what a loader or script downloads, so it is listed for review at LOW.

## Example
`"pretrained_url": "http://203.0.113.7/weights.bin"`

## How to fix
Nothing, if the host is expected.

## References
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

/// Hosts (and their subdomains) that are not reported.
pub const KNOWN_HOSTS: &[&str] = &[
    "huggingface.co",
    "hf.co",
    "github.com",
    "githubusercontent.com",
    "github.io",
    "gitlab.com",
    "pytorch.org",
    "tensorflow.org",
    "kaggle.com",
    "modelscope.cn",
    "ngc.nvidia.com",
    "nvidia.com",
    "pypi.org",
    "python.org",
    "arxiv.org",
    "doi.org",
    "aclanthology.org",
    "readthedocs.io",
    "apache.org",
    "opensource.org",
    "creativecommons.org",
    "spdx.org",
    "gnu.org",
    "mit-license.org",
    "microsoft.com",
    "google.com",
    "googleapis.com",
    "meta.com",
    "llama.com",
    "ai.meta.com",
    "openai.com",
];

fn known(host: &str) -> bool {
    KNOWN_HOSTS
        .iter()
        .any(|k| host == *k || host.strip_suffix(k).is_some_and(|p| p.ends_with('.')))
}

pub(crate) fn check(view: &ConfigView, location: &Location, out: &mut Vec<Finding>) {
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for v in &view.values {
        if !v.value.contains("://") || super::is_vocabulary(&v.path) {
            continue;
        }
        for host in foreign_hosts(&v.value) {
            if known(&host) || !seen.insert(host.clone()) {
                continue;
            }
            found.push(
                Finding::new(
                    &RULE,
                    location.clone(),
                    format!("Config links to `{host}` at {}", super::place(v)),
                )
                .description(format!(
                    "The value at {} links to `{host}`, outside the known model hubs and code hosts.",
                    super::place(v)
                ))
                .evidence("host", host.as_str())
                .evidence("path", v.path.as_str())
                .evidence("line", v.line),
            );
        }
    }
    super::capped(&RULE, found, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::Limits;
    use sentrascan_formats::config::{ConfigKind, parse};

    #[test]
    fn per_host_outside_hubs() {
        let v = parse(
            ConfigKind::Json,
            br#"{"a": "http://127.0.0.1:9/x", "b": "http://127.0.0.1:9/y", "c": "https://huggingface.co/x", "d": "https://github.com/y"}"#,
            &Limits::default(),
        );
        let mut out = Vec::new();
        check(&v, &Location::file("c.json"), &mut out);
        assert_eq!(out.len(), 1);
    }
}
