//! TF004: a checkpoint or vocabulary op uses a constant path outside the
//! model directory.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use super::Site;

pub static RULE: RuleMeta = RuleMeta {
    code: "TF004",
    name: "tf-checkpoint-path-outside-model",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::FileSystemAccess,
    scanner: "tensorflow",
    cwe: Some("CWE-22"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Save/Restore/MergeV2Checkpoints or vocabulary-file op uses a constant path outside the model directory.",
    remediation: "Re-export the model so its savers take the checkpoint prefix from the loader, as `tf.saved_model.save` and `tf.train.Saver` do.",
    docs: r#"## What it does
Follows the path inputs of `Save`, `SaveV2`, `SaveSlices`, `Restore`,
`RestoreV2`, `RestoreSlice`, `MergeV2Checkpoints`, `ShardedFilename`,
`ShardedFilespec`, `InitializeTableFromTextFile(V2)` and
`GenerateVocabRemapping` upstream, and reports a constant among their
sources that is absolute, under `~`, climbs with `..` or names a remote
file system. These ops are in every SavedModel: fed by the checkpoint-prefix
placeholder (or a relative asset name) they are normal and not reported.

## Why is this bad?
A restore from `/tmp/x` or `gs://attacker/ckpt` replaces the model's
weights with someone else's at load time; a save to an absolute path writes
(and `MergeV2Checkpoints` deletes) files anywhere the process can.

## Example
`RestoreV2(prefix=Const("/tmp/evil/ckpt"), …)`.

## How to fix
Re-export the model; a saver's prefix must come from its placeholder.

## References
- https://www.tensorflow.org/guide/checkpoint
- CWE-22: Improper Limitation of a Pathname to a Restricted Directory
"#,
};

pub(crate) fn finding(location: &Location, site: &Site<'_>, path: &str, why: &str) -> Finding {
    site.finding_base(Finding::new(
        &RULE,
        location.at(site.offset),
        format!("Checkpoint op {} uses `{path}` ({why})", site.describe()),
    ))
    .description(format!(
        "Node {} takes its path from the constant `{path}`, {why}, instead of the model's own directory.",
        site.describe()
    ))
    .evidence("path", path)
    .evidence("reason", why)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{const_string, node, rules, run_graph};

    #[test]
    fn only_escaping_constants_are_reported() {
        let out = run_graph(vec![
            const_string("p", "/tmp/evil/ckpt"),
            node("r", "RestoreV2", &["p", "n", "s"]),
        ]);
        assert_eq!(rules(&out), ["TF004 HIGH"]);
        let out = run_graph(vec![
            node("prefix", "Placeholder", &[]),
            const_string("suffix", "_temp/part"),
            node("j", "StringJoin", &["prefix", "suffix"]),
            node("f", "ShardedFilename", &["j", "a", "b"]),
            node("s", "SaveV2", &["f", "n", "sl", "t"]),
            node("m", "MergeV2Checkpoints", &["f", "prefix"]),
        ]);
        assert!(out.is_empty(), "{out:?}");
    }
}
