//! `CFG` rules: configuration files and manifests (JSON, YAML, TOML, INI,
//! the YAML front matter of model cards) and scripts. Configs are
//! flattened by [`sentrascan_formats::config`] into values with key paths;
//! the rules look at every value and every YAML tag. Scripts are read line
//! by line with the shell patterns shared with the metadata rules.

pub mod cfg001_yaml_python_tag;
pub mod cfg002_dangerous_target;
pub mod cfg003_embedded_code;
pub mod cfg004_external_url;
pub mod cfg005_config_unreadable;
pub mod cfg006_script_dangerous_command;
pub mod cfg007_script_present;
pub mod targets;

use sentrascan_formats::config::{ConfigValue, ConfigView};
use sentrascan_types::{Finding, Location, RuleFamily, RuleMeta};

pub(crate) const FAMILY: RuleFamily = RuleFamily::Config;

/// Findings one rule reports per file; the rest are counted in one more.
pub const MAX_FINDINGS_PER_RULE: usize = 64;

/// Runs the `CFG` rules over a flattened config (`CFG005` included when
/// the view is incomplete).
pub fn check_config(view: &ConfigView, location: &Location, out: &mut Vec<Finding>) {
    cfg001_yaml_python_tag::check(view, location, out);
    cfg002_dangerous_target::check(view, location, out);
    cfg003_embedded_code::check(view, location, out);
    cfg004_external_url::check(view, location, out);
    cfg005_config_unreadable::check(view, location, out);
}

/// Why a view is incomplete, if it is.
pub fn incomplete(view: &ConfigView) -> Option<String> {
    cfg005_config_unreadable::reason(view)
}

pub use cfg006_script_dangerous_command::check as check_script;

/// A tokenizer vocabulary's values (`model.vocab[3][0]`, `merges`, `added_tokens`).
pub(crate) fn is_vocabulary(path: &str) -> bool {
    ["vocab", "merges", "added_tokens"]
        .iter()
        .any(|k| path.contains(k))
}

/// Where a value is, for messages: `key `a.b` (line 3)`.
pub(crate) fn place(v: &ConfigValue) -> String {
    if v.line > 0 {
        format!("`{}` (line {})", v.path, v.line)
    } else {
        format!("`{}`", v.path)
    }
}

/// Keeps the first [`MAX_FINDINGS_PER_RULE`] findings and counts the rest.
pub(crate) fn capped(
    rule: &RuleMeta,
    mut found: Vec<Finding>,
    location: &Location,
    out: &mut Vec<Finding>,
) {
    if found.len() > MAX_FINDINGS_PER_RULE {
        let n = found.len().saturating_sub(MAX_FINDINGS_PER_RULE);
        found.truncate(MAX_FINDINGS_PER_RULE);
        found.push(
            Finding::new(rule, location.clone(), format!("{n} more findings like these"))
                .description(format!(
                    "{n} more findings of this rule; only the first {MAX_FINDINGS_PER_RULE} are reported one by one."
                ))
                .evidence("omitted_findings", n),
        );
    }
    out.append(&mut found);
}
