//! TF003: a graph reads or lists files (`ReadFile`, `MatchingFiles`, readers,
//! file datasets, `ImmutableConst`).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::{PathSources, Site};

pub static RULE: RuleMeta = RuleMeta {
    code: "TF003",
    name: "tf-file-read-op",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::FileSystemAccess,
    scanner: "tensorflow",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TensorFlow graph contains an op that reads or lists files; HIGH when a constant path leaves the model.",
    remediation: "Check which files the model reads; re-export it without file ops, or serve it where it can read nothing sensitive.",
    docs: r#"## What it does
Reports nodes, in the graph and in library functions, whose op reads or
lists files: `ReadFile`, `MatchingFiles`, the `*Reader` ops, the file
datasets (`TFRecordDataset`, `TextLineDataset`, `CSVDataset`,
`SqlDataset`, `LMDBDataset`, `LoadDataset`, snapshot readers),
`LoadAndRemapMatrix`, `ImmutableConst` (memory-maps a file named by an
attribute) and `DecodeProtoV2`/`EncodeProto` with a descriptor file. The
path input is followed upstream to its constants: MEDIUM when the path
comes from the caller, HIGH when a constant is absolute, under `~`, climbs
with `..` or names a remote file system.

## Why is this bad?
A model that reads `/etc/passwd`, credentials or the serving host's files
and returns them in its outputs exfiltrates data to whoever calls it.

## Example
`ReadFile(filename=Const("/etc/passwd"))` feeding the model's output.

## How to fix
Re-export the model without file ops; serve it in a sandbox.

## References
- https://www.tensorflow.org/api_docs/python/tf/io/read_file
- CWE-73: External Control of File Name or Path
"#,
};

pub(crate) fn finding(location: &Location, site: &Site<'_>, sources: &PathSources) -> Finding {
    let escaping = sources.escaping();
    let (severity, target) = match (escaping, sources.constants.first()) {
        (Some((p, why)), _) => (Severity::High, format!(" from `{p}` ({why})")),
        (None, Some(p)) => (Severity::Medium, format!(" from `{p}`")),
        (None, None) => (Severity::Medium, String::new()),
    };
    site.finding_base(Finding::new(
        &RULE,
        location.at(site.offset),
        format!("File-reading op {}{target}", site.describe()),
    ))
    .severity(severity)
    .description(format!(
        "Node {} reads the file system{target} when the model runs.",
        site.describe()
    ))
    .evidence("paths", sources.constants.clone())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{const_string, node, rules, run_graph};

    #[test]
    fn severity_follows_the_path() {
        let out = run_graph(vec![
            const_string("p", "/etc/passwd"),
            node("r", "ReadFile", &["p"]),
        ]);
        assert_eq!(rules(&out), ["TF003 HIGH"]);
        let out = run_graph(vec![
            node("p", "Placeholder", &[]),
            node("r", "ReadFile", &["p"]),
        ]);
        assert_eq!(rules(&out), ["TF003 MEDIUM"]);
        let out = run_graph(vec![node("r", "TFRecordReaderV2", &[])]);
        assert_eq!(rules(&out), ["TF003 MEDIUM"]);
    }
}
