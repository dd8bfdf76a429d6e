//! OV002: a `Const` layer's range lies outside the `.bin` weights file.

use sentrascan_formats::openvino::ConstRange;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "OV002",
    name: "openvino-weights-out-of-bounds",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::MalformedFile,
    scanner: "openvino",
    cwe: Some("CWE-125"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "A `Const` layer's `offset`/`size` reach past the end of the sibling `.bin` file, or the `.bin` is missing.",
    remediation: "Obtain the matching `.xml` and `.bin` pair from the model's source.",
    docs: r#"## What it does
For an IR scanned from disk, compares each `Const` layer's
`offset + size` with the size of the `.bin` file beside the `.xml` (file
metadata only). Ranges past the end, and sums that overflow, are MEDIUM;
a missing `.bin` while `Const` layers need it is LOW.

## Why is this bad?
The runtime maps those bytes as weights: a range past the end is an
out-of-bounds read in loaders that trust the header, and a mismatched pair
of files is a model that was tampered with or truncated.

## Example
`<data element_type="f32" shape="1000" offset="0" size="4000"/>` with a
16-byte `model.bin`.

## How to fix
Re-download both files; never mix `.xml` and `.bin` from different exports.

## References
- https://docs.openvino.ai/2024/documentation/openvino-ir-format.html
- CWE-125: Out-of-bounds Read
"#,
};

pub fn out_of_bounds(location: &Location, c: &ConstRange, bin: &str, bin_size: u64) -> Finding {
    let end = c.offset.zip(c.size).and_then(|(o, s)| o.checked_add(s));
    Finding::new(
        &RULE,
        location.clone(),
        format!(
            "Const `{}` reads bytes {} of `{bin}`, which has {bin_size}",
            c.layer, c.raw
        ),
    )
    .description(match end {
        Some(e) => format!(
            "Layer `{}` declares {} (end {e}), past the end of `{bin}` ({bin_size} bytes).",
            c.layer, c.raw
        ),
        None => format!(
            "Layer `{}` declares {}, whose end overflows.",
            c.layer, c.raw
        ),
    })
    .evidence("layer", c.layer.clone())
    .evidence("range", c.raw.clone())
    .evidence("bin", bin)
    .evidence("bin_size", bin_size)
}

pub fn missing(location: &Location, bin: &str, consts: usize) -> Finding {
    Finding::new(
        &RULE,
        location.clone(),
        format!("Weights file `{bin}` is missing ({consts} Const layer(s) need it)"),
    )
    .severity(Severity::Low)
    .description(format!(
        "{consts} Const layer(s) read the weights file `{bin}`, which is not beside the IR; their ranges could not be checked."
    ))
    .evidence("bin", bin)
    .evidence("const_layers", consts)
}
