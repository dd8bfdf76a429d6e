//! `HFR` rules: Hugging Face repository conventions that make loaders run
//! the repository's code: `auto_map` (which `trust_remote_code=True`
//! imports) and `trust_remote_code` switched on in a config.

pub mod hfr001_remote_code_required;
pub mod hfr002_remote_code_other_repository;
pub mod hfr003_trust_remote_code_enabled;

use sentrascan_formats::config::{ConfigValue, ConfigView};
use sentrascan_types::{Finding, Location, RuleFamily};

pub(crate) const FAMILY: RuleFamily = RuleFamily::HfRepo;

/// Runs every `HFR` rule over a flattened config.
pub fn check_hf_config(view: &ConfigView, location: &Location, out: &mut Vec<Finding>) {
    let refs = auto_map(view);
    hfr001_remote_code_required::check(&refs, location, out);
    hfr002_remote_code_other_repository::check(&refs, location, out);
    hfr003_trust_remote_code_enabled::check(view, location, out);
}

/// One `auto_map` entry: `AutoModel` → `[repo--]module.Class`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoMapRef<'v> {
    pub auto_class: &'v str,
    /// The repository, for `other/repo--module.Class`.
    pub repo: Option<&'v str>,
    /// The module file (`modeling_x.py`).
    pub module_file: String,
    pub class: &'v str,
    pub value: &'v ConfigValue,
}

/// The `auto_map` entries of a config (`config.json`, `tokenizer_config.json`,
/// `preprocessor_config.json`: all use the same key).
pub fn auto_map(view: &ConfigView) -> Vec<AutoMapRef<'_>> {
    view.values
        .iter()
        .filter_map(|v| {
            let rest = v.path.strip_prefix("auto_map.")?;
            let auto_class = rest.split('[').next().unwrap_or(rest);
            let value = v.value.trim();
            if value.is_empty() || value == "null" {
                return None;
            }
            let (repo, reference) = match value.split_once("--") {
                Some((r, m)) => (Some(r), m),
                None => (None, value),
            };
            let (module, class) = reference.rsplit_once('.')?;
            Some(AutoMapRef {
                auto_class,
                repo,
                module_file: format!("{}.py", module.replace('.', "/")),
                class,
                value: v,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::Limits;
    use sentrascan_formats::config::{ConfigKind, parse};

    #[test]
    fn reads_auto_map() {
        let v = parse(
            ConfigKind::Json,
            br#"{"auto_map": {"AutoConfig": "configuration_x.XConfig", "AutoTokenizer": ["other/repo--tokenization_x.XTok", null]}}"#,
            &Limits::default(),
        );
        let refs = auto_map(&v);
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].module_file, "configuration_x.py");
        assert_eq!(refs[1].repo, Some("other/repo"));
        assert_eq!(refs[1].auto_class, "AutoTokenizer");
    }
}
