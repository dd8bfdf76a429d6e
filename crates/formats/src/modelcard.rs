//! Facts for the SBOM from a model repository's text files: the model
//! card's YAML front matter (`README.md`), Hugging Face `config.json`, and
//! `LICENSE` files matched to licence ids by distinctive phrases.
//!
//! Bounded like every parser here: inputs are cut at fixed sizes before
//! parsing, the YAML front matter is read from `yaml-rust2`'s event stream
//! (not its loader, which expands aliases by cloning: a billion-laughs card
//! would blow up) into a tree with a node budget and a depth limit, and
//! aliases are ignored. `yaml-rust2` is the YAML crate the policy crate uses
//! too: pure safe Rust, maintained, YAML 1.2.

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, Parser};

/// Front matter longer than this is not read.
pub const MAX_FRONT_MATTER: usize = 64 << 10;
/// README bytes searched for sections.
pub const MAX_README: usize = 1 << 20;
/// config.json larger than this is not read for facts.
pub const MAX_CONFIG: usize = 4 << 20;
/// LICENSE bytes compared with licence texts.
pub const MAX_LICENSE: usize = 64 << 10;
/// YAML nodes built at most, and nesting followed at most.
const MAX_NODES: usize = 20_000;
const MAX_DEPTH: usize = 32;
/// Metrics and list items kept at most.
const MAX_ITEMS: usize = 64;
/// Longest section excerpt kept.
const MAX_EXCERPT: usize = 1000;

/// Facts under namespaced keys, in the order found.
pub type Facts = Vec<(String, String)>;

/// What kind of repository text file a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardFile {
    Readme,
    Config,
    License,
}

/// Classifies a file name (not a path).
pub fn classify(name: &str) -> Option<CardFile> {
    let lower = name.to_ascii_lowercase();
    if lower == "readme.md" || lower == "modelcard.md" {
        return Some(CardFile::Readme);
    }
    if lower == "config.json" {
        return Some(CardFile::Config);
    }
    let stem = lower
        .strip_suffix(".txt")
        .or_else(|| lower.strip_suffix(".md"))
        .unwrap_or(&lower);
    if matches!(
        stem,
        "license" | "licence" | "copying" | "license-model" | "model_license"
    ) {
        return Some(CardFile::License);
    }
    None
}

/// Facts of a file of that kind.
pub fn facts(kind: CardFile, data: &[u8]) -> Facts {
    match kind {
        CardFile::Readme => readme_facts(&String::from_utf8_lossy(
            data.get(..data.len().min(MAX_README)).unwrap_or(data),
        )),
        CardFile::Config => config_facts(data),
        CardFile::License => {
            let head = data.get(..data.len().min(MAX_LICENSE)).unwrap_or(data);
            license_of_text(&String::from_utf8_lossy(head))
                .map(|id| vec![("license".to_string(), id.to_string())])
                .unwrap_or_default()
        }
    }
}

/// The YAML front matter of a model card, and the `Limitations` and
/// `Intended uses` sections' first paragraphs.
pub fn readme_facts(text: &str) -> Facts {
    let mut out = Facts::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front, body) = split_front_matter(text);
    if let Some(yaml) = front.and_then(yaml_tree) {
        card_facts(&yaml, &mut out);
    }
    for (key, titles) in [
        (
            "modelcard.limitations",
            &[
                "limitations",
                "bias, risks, and limitations",
                "risks and limitations",
                "known limitations",
            ][..],
        ),
        (
            "modelcard.intended_uses",
            &[
                "intended uses",
                "intended use",
                "uses",
                "direct use",
                "intended uses & limitations",
            ][..],
        ),
    ] {
        if let Some(p) = section_paragraph(body, titles) {
            out.push((key.to_string(), p));
        }
    }
    out
}

/// The YAML front matter of a Markdown text, if it has one.
pub fn front_matter_of(text: &str) -> Option<&str> {
    split_front_matter(text).0
}

/// Splits `---\n<yaml>\n---\n<body>`; no front matter gives the whole text as body.
fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text);
    };
    let mut pos = 0usize;
    for line in rest.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let front = rest.get(..pos).unwrap_or_default();
            let body = rest
                .get(pos.saturating_add(line.len())..)
                .unwrap_or_default();
            if front.len() > MAX_FRONT_MATTER {
                return (None, body);
            }
            return (Some(front), body);
        }
        pos = pos.saturating_add(line.len());
        if pos > MAX_FRONT_MATTER {
            break;
        }
    }
    (None, text)
}

enum Open {
    Seq(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

/// Builds the first YAML document as JSON, within the node and depth
/// budgets; aliases become null. `None` when it does not parse or is too big.
pub(crate) fn yaml_tree(src: &str) -> Option<Value> {
    let mut parser = Parser::new_from_str(src);
    let mut stack: Vec<Open> = Vec::new();
    let mut nodes = 0usize;
    loop {
        let (event, _) = parser.next_token().ok()?;
        let value = match event {
            Event::StreamEnd | Event::DocumentEnd => return None,
            Event::Nothing | Event::StreamStart | Event::DocumentStart => continue,
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                nodes = nodes.saturating_add(1);
                if stack.len() >= MAX_DEPTH || nodes > MAX_NODES {
                    return None;
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq(Vec::new()),
                    _ => Open::Map(Map::new(), None),
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(v) => Value::Array(v),
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(m, _) => Value::Object(m),
                Open::Seq(_) => return None,
            },
            Event::Scalar(s, ..) => {
                nodes = nodes.saturating_add(1);
                if nodes > MAX_NODES {
                    return None;
                }
                Value::String(s)
            }
            Event::Alias(_) => Value::Null,
        };
        match stack.last_mut() {
            None => return Some(value),
            Some(Open::Seq(v)) => v.push(value),
            Some(Open::Map(m, key)) => match key.take() {
                Some(k) => {
                    m.insert(k, value);
                }
                None => {
                    *key = Some(match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                }
            },
        }
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .take(MAX_ITEMS)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}

fn card_facts(yaml: &Value, out: &mut Facts) {
    let mut put = |key: &str, list: Vec<String>| {
        if !list.is_empty() {
            out.push((format!("modelcard.{key}"), list.join(", ")));
        }
    };
    for key in [
        "license",
        "license_name",
        "license_link",
        "pipeline_tag",
        "library_name",
        "datasets",
        "base_model",
        "tags",
        "language",
        "base_model_relation",
    ] {
        put(key, strings(yaml.get(key)));
    }
    let index = yaml
        .get("model-index")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if let Some(name) = index
        .first()
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
    {
        put("model_name", vec![name.trim().to_string()]);
    }
    let mut metrics = Vec::new();
    for result in index
        .iter()
        .filter_map(|m| m.get("results").and_then(Value::as_array))
        .flatten()
    {
        let dataset = result.get("dataset");
        let slice = dataset
            .and_then(|d| d.get("name").or_else(|| d.get("type")))
            .and_then(Value::as_str)
            .map(
                |n| match dataset.and_then(|d| d.get("split")).and_then(Value::as_str) {
                    Some(split) => format!("{n} ({split})"),
                    None => n.to_string(),
                },
            );
        for m in result
            .get("metrics")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let kind = m
                .get("type")
                .or_else(|| m.get("name"))
                .and_then(Value::as_str);
            let value = m.get("value").and_then(Value::as_str);
            if let (Some(kind), Some(value)) = (kind, value)
                && metrics.len() < MAX_ITEMS
            {
                let mut o = Map::new();
                o.insert("type".into(), Value::String(kind.to_string()));
                o.insert("value".into(), Value::String(value.to_string()));
                if let Some(s) = &slice {
                    o.insert("slice".into(), Value::String(s.clone()));
                }
                metrics.push(Value::Object(o));
            }
        }
    }
    if !metrics.is_empty() {
        out.push((
            "modelcard.metrics".into(),
            Value::Array(metrics).to_string(),
        ));
    }
}

/// The first paragraph under a heading whose title is one of `titles`.
fn section_paragraph(body: &str, titles: &[&str]) -> Option<String> {
    let mut lines = body.lines();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if !t.starts_with('#') {
            continue;
        }
        let title = t.trim_start_matches('#').trim().to_ascii_lowercase();
        if !titles.contains(&title.as_str()) {
            continue;
        }
        let mut para = String::new();
        for l in lines.by_ref() {
            let l = l.trim();
            if l.starts_with('#') {
                break;
            }
            if l.is_empty() || l.starts_with("<!--") {
                if para.is_empty() {
                    continue;
                }
                break;
            }
            if !para.is_empty() {
                para.push(' ');
            }
            para.push_str(l);
            if para.len() > MAX_EXCERPT {
                break;
            }
        }
        if para.is_empty() || para.starts_with("[More Information Needed]") {
            return None;
        }
        if para.len() > MAX_EXCERPT {
            let mut cut = MAX_EXCERPT;
            while !para.is_char_boundary(cut) {
                cut = cut.saturating_sub(1);
            }
            para.truncate(cut);
            para.push('…');
        }
        return Some(para);
    }
    None
}

/// `config.json` keys recorded verbatim (numbers as text).
const CONFIG_KEYS: &[&str] = &[
    "model_type",
    "torch_dtype",
    "transformers_version",
    "hidden_size",
    "intermediate_size",
    "max_position_embeddings",
    "num_attention_heads",
    "num_hidden_layers",
    "num_key_value_heads",
    "vocab_size",
    "license",
];

/// Facts of a Hugging Face `config.json`; nothing for other JSON.
pub fn config_facts(data: &[u8]) -> Facts {
    let mut out = Facts::new();
    if data.len() > MAX_CONFIG {
        return out;
    }
    let Ok(Value::Object(cfg)) = serde_json::from_slice::<Value>(data) else {
        return out;
    };
    let architectures = strings(cfg.get("architectures"));
    let hf = !architectures.is_empty()
        || cfg.contains_key("model_type")
        || cfg.contains_key("transformers_version");
    if !hf {
        return out;
    }
    if !architectures.is_empty() {
        out.push(("config.architectures".into(), architectures.join(", ")));
    }
    if let Some(p) = cfg
        .get("_name_or_path")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty())
    {
        out.push(("config.name_or_path".into(), p.to_string()));
    }
    for key in CONFIG_KEYS {
        let text = match cfg.get(*key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        if !text.is_empty() {
            out.push((format!("config.{key}"), text));
        }
    }
    out
}

/// Licence texts by distinctive phrases (lower case, whitespace collapsed):
/// every phrase of a row must appear; the first matching row wins, so the
/// more specific rows come first. Results are SPDX ids or Hugging Face
/// licence ids for licences not on the SPDX list.
const LICENSE_TEXTS: &[(&[&str], &str)] = &[
    (&["llama 2 community license agreement"], "llama2"),
    (&["llama 3.1 community license agreement"], "llama3.1"),
    (&["llama 3.2 community license agreement"], "llama3.2"),
    (&["llama 3.3 community license agreement"], "llama3.3"),
    (&["llama 4 community license agreement"], "llama4"),
    (&["meta llama 3 community license agreement"], "llama3"),
    (&["gemma terms of use"], "gemma"),
    (&["creativeml open rail-m"], "creativeml-openrail-m"),
    (&["bigscience rail license"], "bigscience-bloom-rail-1.0"),
    (&["bigscience open rail-m"], "bigscience-openrail-m"),
    (&["bigcode open rail-m"], "bigcode-openrail-m"),
    (
        &["gnu affero general public license", "version 3"],
        "AGPL-3.0-only",
    ),
    (
        &["gnu lesser general public license", "version 3"],
        "LGPL-3.0-only",
    ),
    (
        &["gnu lesser general public license", "version 2.1"],
        "LGPL-2.1-only",
    ),
    (
        &["gnu general public license", "version 3, 29 june 2007"],
        "GPL-3.0-only",
    ),
    (
        &["gnu general public license", "version 2, june 1991"],
        "GPL-2.0-only",
    ),
    (&["apache license", "version 2.0"], "Apache-2.0"),
    (&["mozilla public license version 2.0"], "MPL-2.0"),
    (
        &["attribution-noncommercial-noderivatives 4.0 international"],
        "CC-BY-NC-ND-4.0",
    ),
    (
        &["attribution-noncommercial-sharealike 4.0 international"],
        "CC-BY-NC-SA-4.0",
    ),
    (
        &["attribution-noncommercial 4.0 international"],
        "CC-BY-NC-4.0",
    ),
    (
        &["attribution-sharealike 4.0 international"],
        "CC-BY-SA-4.0",
    ),
    (
        &["attribution-noderivatives 4.0 international"],
        "CC-BY-ND-4.0",
    ),
    (&["attribution 4.0 international"], "CC-BY-4.0"),
    (&["cc0 1.0 universal"], "CC0-1.0"),
    (&["boost software license - version 1.0"], "BSL-1.0"),
    (
        &["this is free and unencumbered software released into the public domain"],
        "Unlicense",
    ),
    (
        &[
            "permission is hereby granted, free of charge",
            "shall be included in all copies or substantial portions",
        ],
        "MIT",
    ),
    (&["permission is hereby granted, free of charge"], "MIT-0"),
    (
        &[
            "permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted",
        ],
        "ISC",
    ),
    (
        &[
            "redistribution and use in source and binary forms",
            "neither the name",
        ],
        "BSD-3-Clause",
    ),
    (
        &["redistribution and use in source and binary forms"],
        "BSD-2-Clause",
    ),
];

/// The licence a LICENSE file's text is, if it is a well-known one.
pub fn license_of_text(text: &str) -> Option<&'static str> {
    let norm = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    LICENSE_TEXTS
        .iter()
        .find(|(phrases, _)| phrases.iter().all(|p| norm.contains(p)))
        .map(|(_, id)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'f>(f: &'f Facts, k: &str) -> Option<&'f str> {
        f.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str())
    }

    const CARD: &str = "---\nlicense: apache-2.0\ndatasets:\n- glue\n- squad\nbase_model: bert-base-uncased\npipeline_tag: text-classification\ntags: [a, b]\nmodel-index:\n- name: my-model\n  results:\n  - task: {type: text-classification}\n    dataset: {name: GLUE MRPC, type: glue, split: validation}\n    metrics:\n    - type: accuracy\n      value: 0.86\n---\n# My model\n\n## Limitations\n\nIt makes things up.\nSometimes.\n\n## Uses\n";

    #[test]
    fn front_matter_facts() {
        let f = readme_facts(CARD);
        assert_eq!(get(&f, "modelcard.license"), Some("apache-2.0"));
        assert_eq!(get(&f, "modelcard.datasets"), Some("glue, squad"));
        assert_eq!(get(&f, "modelcard.tags"), Some("a, b"));
        assert_eq!(get(&f, "modelcard.model_name"), Some("my-model"));
        assert_eq!(
            get(&f, "modelcard.metrics"),
            Some(r#"[{"slice":"GLUE MRPC (validation)","type":"accuracy","value":"0.86"}]"#)
        );
        assert_eq!(
            get(&f, "modelcard.limitations"),
            Some("It makes things up. Sometimes.")
        );
        assert_eq!(get(&f, "modelcard.intended_uses"), None);
    }

    #[test]
    fn aliases_do_not_expand() {
        let mut y = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..20 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            y.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        y.push_str("license: mit\n---\n");
        let f = readme_facts(&y);
        assert_eq!(get(&f, "modelcard.license"), Some("mit"));
    }

    #[test]
    fn deep_or_broken_yaml_gives_no_facts() {
        let deep = format!(
            "---\nlicense: {}{}\n---\n",
            "[".repeat(200),
            "]".repeat(200)
        );
        assert!(readme_facts(&deep).is_empty());
        assert!(readme_facts("---\nlicense: [unclosed\n---\n").is_empty());
        assert!(readme_facts("no front matter").is_empty());
        assert!(readme_facts("---\nlicense: mit\n").is_empty());
    }

    #[test]
    fn truncation_never_panics() {
        for i in 0..CARD.len() {
            if CARD.is_char_boundary(i) {
                let _ = readme_facts(&CARD[..i]);
            }
        }
        let cfg =
            br#"{"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096}"#;
        for i in 0..cfg.len() {
            let _ = config_facts(&cfg[..i]);
        }
    }

    #[test]
    fn config_json_facts() {
        let f = config_facts(br#"{"_name_or_path":"org/m","architectures":["LlamaForCausalLM"],"model_type":"llama","torch_dtype":"bfloat16","transformers_version":"4.40.0","hidden_size":4096}"#);
        assert_eq!(get(&f, "config.architectures"), Some("LlamaForCausalLM"));
        assert_eq!(get(&f, "config.hidden_size"), Some("4096"));
        assert_eq!(get(&f, "config.name_or_path"), Some("org/m"));
        assert!(config_facts(br#"{"class_name":"Functional"}"#).is_empty());
    }

    #[test]
    fn licence_texts_are_recognised() {
        let mit = "MIT License\n\nPermission is hereby granted, free of charge, to any person\nobtaining a copy ... The above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.";
        assert_eq!(license_of_text(mit), Some("MIT"));
        assert_eq!(
            license_of_text(
                "                                 Apache License\n                           Version 2.0, January 2004"
            ),
            Some("Apache-2.0")
        );
        assert_eq!(
            license_of_text("LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date"),
            Some("llama2")
        );
        assert_eq!(license_of_text("All rights reserved."), None);
        assert_eq!(classify("LICENSE.txt"), Some(CardFile::License));
        assert_eq!(classify("README.md"), Some(CardFile::Readme));
        assert_eq!(classify("model.safetensors"), None);
    }
}
