//! MAR002: A TorchServe archive runs its own Python code when the model is loaded: a custom handler or a model definition file.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "MAR002",
    name: "mar-custom-code",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::ArbitraryCodeExecution,
    scanner: "torchserve_mar",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A TorchServe archive runs its own Python code when the model is loaded: a custom handler or a model definition file.",
    remediation: "Review the handler and model file before serving the archive; prefer TorchScript or a built-in handler.",
    docs: r#"## What it does
Reads the manifest's `handler` and `modelFile`. A handler that is not one
of TorchServe's built-ins (`image_classifier`, `image_segmenter`,
`object_detector`, `text_classifier`, `base_handler`) and a model file
are reported: TorchServe imports both when it loads the model. The `.py`
members themselves go through the engine's Python analysis, which grades
what the code does.

## Why is this bad?
Importing a module runs its top-level code with the server's privileges:
anything a custom handler does at import or in `initialize()` happens on
every worker that loads the archive, before any request. A handler that is
not a file of the archive is imported from the server's environment.

## Example
```json
{"model": {"handler": "handler.py", "modelFile": "model.py", "serializedFile": "weights.pt"}}
```

## How to fix
Read the handler and the model file; serve TorchScript with a built-in
handler where possible.

## References
- https://pytorch.org/serve/custom_service.html
- https://github.com/pytorch/serve/blob/master/model-archiver/README.md
- CWE-94: Improper Control of Generation of Code
"#,
};

pub fn finding(location: &Location, field: &str, value: &str, in_archive: bool) -> Finding {
    let source = if in_archive {
        "a file of the archive"
    } else {
        "a module of the serving environment"
    };
    Finding::new(&RULE, location.clone(), format!("TorchServe {field} `{value}` runs custom code on load"))
        .description(format!("The manifest's `{field}` is `{value}` ({source}); TorchServe imports it when the model is loaded, running its code in every worker."))
        .evidence("field", field)
        .evidence("value", value)
        .evidence("in_archive", in_archive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_code() {
        let f = finding(&Location::file("m.mar"), "handler", "h.py", true);
        assert_eq!((f.rule.as_str(), f.severity), ("MAR002", Severity::Medium));
        assert!(f.description.contains("a file of the archive"));
    }
}
