//! KER011: a `.keras` archive has a member Keras does not write.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "KER011",
    name: "keras-unexpected-member",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ArchiveAnomaly,
    scanner: "keras",
    cwe: Some("CWE-434"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras 3 `.keras` archive contains a member other than config.json, metadata.json, model.weights.h5/.npz and assets/.",
    remediation: "Find out what the extra member is for; Keras does not read it, but a loader or a person following instructions may.",
    docs: r#"## What it does
Lists members of a `.keras` zip outside what `model.save` writes
(`config.json`, `metadata.json`, `model.weights.h5`, `model.weights.npz`,
`assets/…`). Every member is still analysed by content, so a pickle or
another model inside is reported by its own rules.

## Why is this bad?
Extra members are how a polyglot or a second-stage payload travels with a
model that looks normal to Keras: pickles, scripts, shared libraries or
nested archives that something other than Keras picks up.

## Example
A `.keras` zip with `config.json`, `metadata.json`, `model.weights.h5` and
`setup.py`.

## How to fix
Re-save the model with `model.save` and distribute only that.

## References
- https://keras.io/guides/serialization_and_saving/
"#,
};

pub fn finding(location: &Location, member: &str) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("`.keras` archive contains unexpected member `{member}`"),
    )
    .description(format!(
        "Member `{member}` is not one Keras writes (config.json, metadata.json, model.weights.h5/.npz, assets/)."
    ))
    .evidence("member", member)
}

/// Whether Keras 3 writes a member of this name.
pub fn is_expected(member: &str) -> bool {
    matches!(
        member,
        "config.json" | "metadata.json" | "model.weights.h5" | "model.weights.npz"
    ) || member.starts_with("assets/")
        || member == "assets"
}
