//! The text files beside the weights: Python source (`PY`), scripts and
//! configs (`CFG`), Hugging Face conventions (`HFR`) and model cards. None
//! of them has a magic number except scripts (`#!`), so the file name
//! decides for the rest, and only when the content matched nothing else.

use std::collections::BTreeSet;

use sentrascan_detectors as rules;
use sentrascan_formats::config::{self, ConfigKind};
use sentrascan_formats::python;
use sentrascan_types::{Location, ModelFormat};

use super::Ctx;

/// Top-level imports kept in the `python.imports` fact.
const MAX_IMPORT_FACTS: usize = 48;

/// The format a file name gives text that sniffed as nothing else.
pub(super) fn named_format(data: &[u8], name: &str) -> Option<ModelFormat> {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let format = match ext {
        "py" | "pyw" => ModelFormat::Python,
        "sh" | "bash" | "zsh" => ModelFormat::ShellScript,
        "yaml" | "yml" => ModelFormat::Yaml,
        "toml" => ModelFormat::Toml,
        "ini" | "cfg" => ModelFormat::Ini,
        // Plain Markdown stays unrecognised; a card has YAML front matter.
        "md" if has_front_matter(data) => ModelFormat::ModelCard,
        _ => return None,
    };
    // Binary content under a text name is not this format.
    let head = data.get(..data.len().min(4096)).unwrap_or(data);
    (!head.contains(&0)).then_some(format)
}

/// A text file whose content also sniffs as a weak binary signature (a
/// protocol-0 pickle starts with `i`/`c` and a newline-separated name, so
/// `import os` can look like one; `[section]` looks like JSON) keeps the
/// format its name gives when that format's own parser reads it cleanly.
/// A real pickle named `.py` does not parse as Python and stays a pickle.
pub(super) fn text_over_weak_sniff(
    data: &[u8],
    name: &str,
    sniffed: ModelFormat,
    limits: &sentrascan_formats::Limits,
) -> Option<ModelFormat> {
    if !matches!(sniffed, ModelFormat::Pickle | ModelFormat::Json) {
        return None;
    }
    let format = named_format(data, name)?;
    std::str::from_utf8(data).ok()?;
    let clean = match format {
        ModelFormat::Python => python::analyze(data, limits).status == python::PyStatus::Parsed,
        ModelFormat::Yaml if sniffed == ModelFormat::Json => return None,
        ModelFormat::Yaml => {
            config::parse(ConfigKind::Yaml, data, limits).status == config::ConfigStatus::Parsed
        }
        ModelFormat::Toml => {
            config::parse(ConfigKind::Toml, data, limits).status == config::ConfigStatus::Parsed
        }
        ModelFormat::Ini => {
            config::parse(ConfigKind::Ini, data, limits).status == config::ConfigStatus::Parsed
        }
        _ => sniffed == ModelFormat::Json,
    };
    clean.then_some(format)
}

fn has_front_matter(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    data.starts_with(b"---\n") || data.starts_with(b"---\r\n")
}

/// The interpreter of a `#!` line (`sh`, `python3`), `env` skipped.
fn interpreter(data: &[u8]) -> String {
    let line = data
        .strip_prefix(b"#!")
        .and_then(|r| r.split(|b| *b == b'\n').next())
        .unwrap_or(b"");
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let mut prog = words.next().unwrap_or("sh");
    if prog.ends_with("/env") {
        prog = words.find(|w| !w.starts_with('-')).unwrap_or("sh");
    }
    prog.rsplit('/').next().unwrap_or(prog).to_string()
}

impl Ctx<'_> {
    pub(super) fn python_source(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("python");
        self.out.analysed_text = true;
        let view = python::analyze(data, self.limits);
        rules::check_python(&view, location, &mut self.out.findings);
        if let Some(why) = rules::rules::python::py008_source_not_analysed::reason(&view) {
            self.inconclusive(location, format!("Python source: {why}"));
        }
        let tops: BTreeSet<&str> = view
            .imports
            .iter()
            .map(|i| i.target.split('.').next().unwrap_or(&i.target))
            .filter(|t| !t.is_empty())
            .take(MAX_IMPORT_FACTS)
            .collect();
        if !tops.is_empty() {
            self.fact(
                "python.imports",
                tops.into_iter().collect::<Vec<_>>().join(", "),
            );
        }
    }

    pub(super) fn script(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("script");
        self.out.analysed_text = true;
        let prog = interpreter(data);
        if prog.starts_with("python") {
            return self.python_source(data, location);
        }
        let cut = data
            .get(
                ..data
                    .len()
                    .min(usize::try_from(self.limits.max_source_bytes).unwrap_or(usize::MAX)),
            )
            .unwrap_or(data);
        let text = String::from_utf8_lossy(cut);
        if !rules::check_script(&text, location, &mut self.out.findings) {
            self.out
                .findings
                .push(rules::rules::config::cfg007_script_present::finding(
                    location, &prog,
                ));
        }
        if cut.len() < data.len() {
            self.limit(location, "max_source_bytes", self.limits.max_source_bytes);
        }
    }

    /// JSON, YAML, TOML and INI files: the `CFG` and `HFR` rules.
    /// JSON is sniffed from a first `{` or `[` only, so text that merely
    /// starts like JSON (a Jinja template, a `[PAD]` vocabulary) is judged
    /// as JSON only when it parses or is named `.json`.
    pub(super) fn config_file(
        &mut self,
        data: &[u8],
        location: &Location,
        name: &str,
        format: ModelFormat,
    ) {
        let kind = match format {
            ModelFormat::Json => ConfigKind::Json,
            ModelFormat::Yaml => ConfigKind::Yaml,
            ModelFormat::Toml => ConfigKind::Toml,
            _ => ConfigKind::Ini,
        };
        let view = config::parse(kind, data, self.limits);
        let named_json = name.to_ascii_lowercase().ends_with(".json");
        if kind == ConfigKind::Json
            && !named_json
            && matches!(view.status, config::ConfigStatus::Unparseable { .. })
        {
            return;
        }
        self.out.scanners.insert("config");
        self.out.analysed_text = true;
        rules::check_config(&view, location, &mut self.out.findings);
        rules::check_hf_config(&view, location, &mut self.out.findings);
        if let Some(why) = rules::rules::config::incomplete(&view) {
            self.inconclusive(location, why);
        }
        let modules: BTreeSet<String> = rules::rules::hfrepo::auto_map(&view)
            .into_iter()
            .map(|r| match r.repo {
                Some(repo) => format!("{repo}:{}", r.module_file),
                None => r.module_file,
            })
            .collect();
        if !modules.is_empty() {
            self.fact(
                "hf.remote_code_modules",
                modules.into_iter().collect::<Vec<_>>().join(", "),
            );
        }
    }

    /// A model card: its front matter through the config rules (the SBOM
    /// facts come from [`Ctx::card_file`]).
    pub(super) fn model_card(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("model_card");
        self.out.analysed_text = true;
        let Some(view) = config::front_matter(data, self.limits) else {
            return;
        };
        rules::check_config(&view, location, &mut self.out.findings);
        rules::check_hf_config(&view, location, &mut self.out.findings);
        if let Some(why) = rules::rules::config::incomplete(&view) {
            self.inconclusive(location, format!("model card front matter: {why}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_interpreters() {
        assert_eq!(
            named_format(b"x = 1", "modeling_x.py"),
            Some(ModelFormat::Python)
        );
        assert_eq!(named_format(b"# Title\n", "README.md"), None);
        assert_eq!(
            named_format(b"---\nlicense: mit\n---\n", "README.md"),
            Some(ModelFormat::ModelCard)
        );
        assert_eq!(named_format(b"a\0b", "x.yaml"), None);
        assert_eq!(interpreter(b"#!/usr/bin/env -S python3 -u\n"), "python3");
        assert_eq!(interpreter(b"#!/bin/bash -e\n"), "bash");
    }
}
