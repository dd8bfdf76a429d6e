//! KER002: a Lambda layer carries bytecode this scanner cannot decode.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

use sentrascan_formats::keras::LambdaCode;

pub static RULE: RuleMeta = RuleMeta {
    code: "KER002",
    name: "keras-lambda-undecodable",
    family: super::FAMILY,
    default_severity: Severity::High,
    category: Category::ArbitraryCodeExecution,
    scanner: "keras",
    cwe: Some("CWE-94"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A Keras Lambda layer carries Python bytecode that is not valid base64 or marshal data of a CPython version this scanner knows (3.6–3.13).",
    remediation: "Treat the model as untrusted code: do not load it unless you can inspect the Lambda in the Python version that wrote it, or rebuild it without Lambda layers.",
    docs: r#"## What it does
Reports Lambda bytecode (Keras 2 `function` lists, Keras 3 `__lambda__`
objects) that cannot be decoded: text that is not base64, marshal data that
is truncated or malformed, or a code object whose layout matches none of
CPython 3.6–3.7, 3.8–3.10 and 3.11–3.13. The reader never guesses a layout.

## Why is this bad?
The bytecode runs when the model is loaded (see KER001). Code we cannot
read is code we cannot vouch for; a deliberately malformed stream may also
be an attempt to hide a payload from scanners.

## Example
A Lambda whose `code` is marshal data from CPython 3.14, or random bytes.

## How to fix
Inspect the Lambda with the Python version that saved it (`marshal.loads`
and `dis.dis`, without calling it), or rebuild the model without it.

## References
- https://docs.python.org/3/library/marshal.html
- CWE-94: Improper Control of Generation of Code
"#,
};

pub(crate) fn finding(location: &Location, lambda: &LambdaCode, reason: &str) -> Finding {
    let label = lambda.layer_name.as_deref().unwrap_or(&lambda.path);
    Finding::new(
        &RULE,
        location.clone(),
        format!(
            "{} `{label}` carries bytecode that could not be decoded",
            lambda.layer_class
        ),
    )
    .description(format!(
        "The `{}` of {} `{label}` at `{}` is {} characters of {} text that Keras unmarshals and runs on load, but it could not be decoded: {reason}.",
        lambda.slot, lambda.layer_class, lambda.path, lambda.encoded_len, lambda.encoding
    ))
    .evidence("layer", label)
    .evidence("config_path", lambda.path.as_str())
    .evidence("slot", lambda.slot.as_str())
    .evidence("reason", reason)
    .evidence("encoded_length", lambda.encoded_len)
}
