//! TF002: a graph writes files (`WriteFile`, TFRecord and dataset writers,
//! summary writers, `PrintV2` to a file).

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::{PathSources, Site};

pub static RULE: RuleMeta = RuleMeta {
    code: "TF002",
    name: "tf-file-write-op",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "tensorflow",
    cwe: Some("CWE-73"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TensorFlow graph contains an op that writes files.",
    remediation: "Do not serve the model with write access to anything that matters; find out why an inference graph writes files and re-export it without those ops.",
    docs: r#"## What it does
Reports nodes, in the graph and in library functions, whose op writes to
the file system: `WriteFile`, `DatasetToTFRecord`, `SaveDataset`,
`SnapshotDataset`, `CreateSummaryFileWriter`, `CreateSummaryDbWriter`,
`FileSystemSetConfiguration`, and `PrintV2` whose `output_stream` is a
`file://` URL. The constant strings that build the path are evidence.
(Checkpoint saving is `TF004`'s, and only when its path leaves the model.)

## Why is this bad?
An inference graph has no reason to write files. A write op with a path of
the attacker's choosing (`~/.bashrc`, `~/.ssh/authorized_keys`, a Python
`site-packages` file) turns calling the model into persistence or code
execution.

## Example
`WriteFile(filename=Const("~/.bashrc"), contents=Const("echo pwned"))`.

## How to fix
Remove the op from the exported graph; run models in a sandbox without
write access.

## References
- https://www.tensorflow.org/api_docs/python/tf/io/write_file
- CWE-73: External Control of File Name or Path
"#,
};

pub(crate) fn finding(location: &Location, site: &Site<'_>, sources: &PathSources) -> Finding {
    let target = match sources.constants.first() {
        Some(p) => format!(" to `{p}`"),
        None => String::new(),
    };
    site.finding_base(Finding::new(
        &RULE,
        location.at(site.offset),
        format!("File-writing op {}{target}", site.describe()),
    ))
    .description(format!(
        "Node {} writes to the file system{target} when the model runs.",
        site.describe()
    ))
    .evidence("paths", sources.constants.clone())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{const_string, node, rules, run_graph};

    #[test]
    fn write_with_a_constant_path() {
        let out = run_graph(vec![
            const_string("p", "~/.bashrc"),
            node("w", "WriteFile", &["p", "c"]),
        ]);
        assert_eq!(rules(&out), ["TF002 HIGH"]);
        assert!(out[0].title.contains("`~/.bashrc`"));
    }
}
