//! LMF002: A llamafile's embedded `.args` makes it listen on a non-loopback address, fetch from a URL, or read files outside its zip.

use sentrascan_formats::llamafile::ArgConcern;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "LMF002",
    name: "llamafile-default-arguments",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::NetworkOperations,
    scanner: "llamafile",
    cwe: Some("CWE-1188"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A llamafile's embedded `.args` makes it listen on a non-loopback address, fetch from a URL, or read files outside its zip.",
    remediation: "Remove the argument from `.args` (rebuild with `zipalign`), or override it on the command line.",
    docs: r#"## What it does
Reads the `.args` member (default arguments the llamafile prepends to the
user's) and reports `--host` with an address other than loopback, URLs,
and path options (`-m`, `-f`, `--mmproj`, `--lora`, `--grammar-file`,
`--log-file`, …) whose value is neither a `/zip/` path nor a member of the
embedded zip.

## Why is this bad?
The user runs the file expecting a local model. A default `--host
0.0.0.0` exposes the server (and its unauthenticated completion API) to
the network; a path outside the zip loads weights, prompts or LoRA
adapters the publisher did not ship, or writes logs somewhere unexpected.

## Example
```
-m
model.gguf
--host
0.0.0.0
...
```

## How to fix
Rebuild the llamafile without the argument, or pass `--host 127.0.0.1`.

## References
- https://github.com/Mozilla-Ocho/llamafile#creating-llamafiles
- CWE-1188: Initialization of a Resource with an Insecure Default
"#,
};

pub fn finding(location: &Location, concern: &ArgConcern) -> Finding {
    let (title, detail, value) = match concern {
        ArgConcern::ListensOn(h) => (
            format!("llamafile listens on `{h}` by default"),
            format!(
                "`.args` passes `--host {h}`: the server accepts connections from other machines."
            ),
            h.clone(),
        ),
        ArgConcern::Url(u) => (
            "llamafile default arguments name a URL".to_string(),
            format!("`.args` contains the URL `{u}`."),
            u.clone(),
        ),
        ArgConcern::HostPath { flag, path } => (
            format!("llamafile reads `{path}` from outside its zip"),
            format!(
                "`.args` passes `{flag} {path}`, a file that is neither in the embedded zip nor a `/zip/` path."
            ),
            path.clone(),
        ),
    };
    Finding::new(&RULE, location.clone(), title)
        .description(detail)
        .evidence("argument", value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_each_concern() {
        let f = finding(
            &Location::file("a"),
            &ArgConcern::ListensOn("0.0.0.0".into()),
        );
        assert_eq!((f.rule.as_str(), f.severity), ("LMF002", Severity::Medium));
        assert!(f.title.contains("0.0.0.0"));
    }
}
