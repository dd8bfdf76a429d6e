//! PT001: TorchScript source that reaches the OS, Python or native code.

use std::collections::HashMap;

use sentrascan_types::{Category, Finding, Location, RuleFamily, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "PT001",
    name: "torchscript-dangerous-code",
    family: RuleFamily::Pytorch,
    default_severity: Severity::Critical,
    category: Category::CodeInjection,
    scanner: "torchscript",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "TorchScript code in the archive references the OS, the Python interpreter, or custom native operators.",
    remediation: "Do not load the archive with torch.jit.load or torch.load; TorchScript code runs on load. Rebuild the model from trusted source code.",
    docs: r#"## What it does
Reads every source file under `code/` of a TorchScript archive and reports
references to command execution, Python evaluation and import machinery
(`os.system`, `subprocess`, `eval(`, `exec(`, `__import__`, `builtins`),
and calls into operator namespaces other than PyTorch's own
(`torch.ops.<namespace>`), which need a native library.

## Why is this bad?
`torch.jit.load`, and `torch.load` on a TorchScript archive, compile and run
this code. PyTorch's own serialiser only writes `torch`, `ops.aten` and
`ops.prim` calls on model code; anything else was put there by hand.

## Example
`code/__torch__/model.py` containing `torch.ops.evil.run(...)` or
`__import__('os')`.

## How to fix
Do not load the archive; rebuild the model from code you trust.

## References
- CVE-2025-32434 (torch.load with weights_only on TorchScript archives)
- CWE-94: Improper Control of Generation of Code
"#,
};

/// Tokens that never appear in serialised TorchScript, with what they reach.
const DANGEROUS_TOKENS: &[(&str, Severity, Category)] = &[
    (
        "os.system",
        Severity::Critical,
        Category::OsCommandExecution,
    ),
    ("os.popen", Severity::Critical, Category::OsCommandExecution),
    (
        "subprocess",
        Severity::Critical,
        Category::OsCommandExecution,
    ),
    (
        "__import__",
        Severity::Critical,
        Category::ArbitraryCodeExecution,
    ),
    (
        "importlib",
        Severity::Critical,
        Category::ArbitraryCodeExecution,
    ),
    (
        "builtins",
        Severity::Critical,
        Category::ArbitraryCodeExecution,
    ),
    (
        "eval(",
        Severity::Critical,
        Category::ArbitraryCodeExecution,
    ),
    (
        "exec(",
        Severity::Critical,
        Category::ArbitraryCodeExecution,
    ),
    (
        "compile(",
        Severity::Critical,
        Category::ArbitraryCodeExecution,
    ),
    (
        "pickle.loads",
        Severity::Critical,
        Category::ArbitraryCodeExecution,
    ),
    (
        "marshal",
        Severity::Critical,
        Category::ArbitraryCodeExecution,
    ),
    ("ctypes", Severity::Critical, Category::OsCommandExecution),
    ("socket", Severity::High, Category::NetworkOperations),
    ("urllib", Severity::High, Category::NetworkOperations),
    ("open(", Severity::High, Category::FileSystemAccess),
];

/// Operator namespaces PyTorch's serialiser writes.
const BUILTIN_OP_NAMESPACES: &[&str] = &[
    "aten",
    "prim",
    "quantized",
    "_quantized",
    "quantized_decomposed",
    "profiler",
    "_caffe2",
    "sparse",
    "torchvision",
    "image",
];

fn word_start(line: &str, at: usize) -> bool {
    at == 0
        || line[..at]
            .chars()
            .next_back()
            .is_some_and(|c| !(c.is_alphanumeric() || c == '_'))
}

/// The line without its comment and with its string literals blanked:
/// TorchScript has no `eval`, so a token inside a string is data (the
/// `"builtins.ValueError"` that `prim::RaiseException` names), not a
/// reference.
fn code_only(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                    out.push(' ');
                } else if c == '\\' {
                    escaped = true;
                    out.push(' ');
                } else if c == q {
                    quote = None;
                    out.push(c);
                } else {
                    out.push(' ');
                }
            }
            None if c == '#' => break,
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// `ops.` at `at` is the operator registry (`ops.evil.run`, `torch.ops.evil`),
/// not a segment of a module path (`__torch__.torchvision.ops.misc.Conv2d`).
fn registry_ops(line: &str, at: usize) -> bool {
    if word_start(line, at) && !line[..at].ends_with('.') {
        return true;
    }
    line[..at]
        .strip_suffix("torch.")
        .is_some_and(|before| word_start(before, before.len()) && !before.ends_with('.'))
}

/// One finding per distinct reference, with how often and where first.
struct Seen {
    finding: Finding,
    count: u32,
}

pub fn check(location: &Location, source: &str, out: &mut Vec<Finding>) {
    // First-seen order for the report, and an index by title so that a
    // file naming many distinct namespaces stays linear.
    let mut seen: Vec<Seen> = Vec::new();
    let mut by_title: HashMap<String, usize> = HashMap::new();
    let mut note =
        |finding: Finding| match by_title.get(&finding.title).and_then(|&i| seen.get_mut(i)) {
            Some(s) => s.count = s.count.saturating_add(1),
            None => {
                by_title.insert(finding.title.clone(), seen.len());
                seen.push(Seen { finding, count: 1 });
            }
        };
    for (n, raw) in source.lines().enumerate() {
        let line = code_only(raw);
        let line = line.as_str();
        let line_no = n + 1;
        for (token, severity, category) in DANGEROUS_TOKENS {
            let Some(at) = line.find(token) else { continue };
            if !word_start(line, at) {
                continue;
            }
            note(
                Finding::new(
                    &RULE,
                    location.clone(),
                    format!(
                        "TorchScript code references `{}`",
                        token.trim_end_matches('(')
                    ),
                )
                .severity(*severity)
                .category(*category)
                .description(format!(
                    "Line {line_no} of the TorchScript source: `{}`.",
                    raw.trim()
                ))
                .evidence("line", line_no)
                .evidence("code", raw.trim().chars().take(240).collect::<String>())
                .evidence("token", *token),
            );
        }
        let mut from = 0usize;
        while let Some(found) = line.get(from..).and_then(|r| r.find("ops.")) {
            let at = from.saturating_add(found);
            from = at.saturating_add(4);
            let ns: String = line[from..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !ns.is_empty()
                && registry_ops(line, at)
                && !BUILTIN_OP_NAMESPACES.contains(&ns.as_str())
            {
                note(
                    Finding::new(&RULE, location.clone(), format!("TorchScript calls custom operator namespace `{ns}`"))
                        .severity(Severity::Medium)
                        .category(Category::CodeInjection)
                        .description(format!("Line {line_no} calls `ops.{ns}`, which needs a native library registered by the loader: `{}`.", raw.trim()))
                        .evidence("line", line_no)
                        .evidence("namespace", ns.clone())
                        .evidence("code", raw.trim().chars().take(240).collect::<String>()),
                );
            }
        }
    }
    out.extend(seen.into_iter().map(|s| {
        if s.count > 1 {
            s.finding.evidence("occurrences", s.count)
        } else {
            s.finding
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_imports_and_custom_ops_not_aten() {
        let loc = Location::file("m.pt");
        let mut out = Vec::new();
        check(
            &loc,
            "def forward(self, x):\n  y = torch.ops.aten.relu(x)\n  return ops.prim.NumToTensor(y)\n",
            &mut out,
        );
        assert!(out.is_empty(), "{out:#?}");
        check(
            &loc,
            "  m = __import__('os')\n  torch.ops.evil.run(x)\n  # eval( in a comment\n",
            &mut out,
        );
        let titles: Vec<_> = out.iter().map(|f| (f.title.as_str(), f.severity)).collect();
        assert_eq!(
            titles,
            [
                (
                    "TorchScript code references `__import__`",
                    Severity::Critical
                ),
                (
                    "TorchScript calls custom operator namespace `evil`",
                    Severity::Medium
                )
            ]
        );
    }

    #[test]
    fn strings_and_module_paths_are_not_references() {
        // What torch.jit.script writes for torchvision models: exception
        // names as strings, and annotations naming `torchvision.ops.misc`.
        let loc = Location::file("m.pt");
        let mut out = Vec::new();
        check(
            &loc,
            concat!(
                "      ops.prim.RaiseException(_4, \"builtins.ValueError\")\n",
                "  __annotations__[\"0\"] = __torch__.torchvision.ops.misc.___torch_mangle_68.Conv2dNormActivation\n",
                "  _0 = \"os.system('x') eval( # not a comment\"\n",
            ),
            &mut out,
        );
        assert!(out.is_empty(), "{out:#?}");
    }

    #[test]
    fn repeated_references_are_one_finding_with_a_count() {
        let loc = Location::file("m.pt");
        let mut out = Vec::new();
        check(
            &loc,
            "  a = ops.evil.run(x)\n  b = torch.ops.evil.run(a)\n  c = ops.load_library(\"x.so\")\n",
            &mut out,
        );
        let got: Vec<_> = out
            .iter()
            .map(|f| (f.title.as_str(), f.evidence.get("occurrences").cloned()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "TorchScript calls custom operator namespace `evil`",
                    Some(serde_json::json!(2))
                ),
                (
                    "TorchScript calls custom operator namespace `load_library`",
                    None
                ),
            ]
        );
    }
}
