//! SEC001: An API token of a named provider (GitHub, GitLab, Slack, Stripe, OpenAI, Anthropic, Hugging Face, Google, AWS key id) is in the model's text.

use sentrascan_types::{Category, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "SEC001",
    name: "provider-api-token",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::CredentialExposure,
    scanner: "secrets",
    cwe: Some("CWE-798"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An API token of a named provider (GitHub, GitLab, Slack, Stripe, OpenAI, Anthropic, Hugging Face, Google, AWS key id) is in the model's text.",
    remediation: "Revoke the token at the provider now, then remove it from the files and their history; load credentials from the environment or a secret store.",
    docs: r#"## What it does
Finds tokens by their provider's published format and validates each the
way the provider allows: GitHub's `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` tokens
by their CRC-32 suffix, fine-grained `github_pat_` tokens by their layout,
OpenAI keys by the `T3BlbkFJ` marker or the project-key prefix, and the
others (GitLab `glpat-`, Slack `xox?-` and webhooks, Stripe `sk_live_`,
Anthropic `sk-ant-`, Hugging Face `hf_`, Google `AIza`, AWS `AKIA`/`ASIA`)
by prefix, alphabet, length and a random body. The report shows the
token masked (`ghp_…a1b2 (40 chars)`).

Validated tokens are HIGH; tokens recognised by shape only (an AWS key id,
an `sk-` key without OpenAI's marker) MEDIUM; documentation examples,
placeholders, test-mode keys and failed checksums LOW.

## Why is this bad?
A token in a published model grants whoever downloads the model the
publisher's access: private repositories, paid API quota, cloud resources.
Scrapers harvest public model hubs for exactly these strings within minutes.

## Example
`"hub_token": "hf_…"` in `config.json`, or a `ghp_` token in a training
script's arguments pickled into a checkpoint.

## How to fix
Revoke the token first (removing it does not un-publish it), then delete it
from the files and the repository history, and read credentials from the
environment at run time.

## References
- CWE-798: Use of Hard-coded Credentials
- https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
"#,
};
