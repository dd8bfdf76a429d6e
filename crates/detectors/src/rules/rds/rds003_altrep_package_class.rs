//! RDS003: an ALTREP object whose class a package implements.

use sentrascan_formats::rds::RAltrep;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "RDS003",
    name: "r-altrep-package-class",
    family: super::FAMILY,
    default_severity: Severity::Medium,
    category: Category::UnsafeImports,
    scanner: "r_serialization",
    cwe: Some("CWE-829"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "An ALTREP object names a class from a package other than base: unserialising it loads that package and runs its code.",
    remediation: "Check that the package is the one you expect and is installed from a trusted source.",
    docs: r#"## What it does
Reports ALTREP objects (`ALTREP_SXP`) whose class is registered by a
package other than `base` (base's compact sequences, deferred strings and
wrappers are ordinary).

## Why is this bad?
To unserialise an ALTREP object R loads the package named in the stream
(running its load hooks) and calls the class's unserialize method with
state taken from the file. A file can thus make R load a package of the
author's choosing and feed it crafted state.

## Example
An object of class `vroom_chr` from package `vroom`.

## How to fix
Make sure the package is installed from a trusted source before loading;
or save the data without ALTREP (materialise it first).

## References
- https://svn.r-project.org/R/branches/ALTREP/ALTREP.html
- CWE-829: Inclusion of Functionality from Untrusted Control Sphere
"#,
};

pub fn finding(location: &Location, a: &RAltrep) -> Finding {
    Finding::new(
        &RULE,
        location.at(a.offset),
        format!(
            "ALTREP object of class `{}` makes R load package `{}`",
            a.class, a.package
        ),
    )
    .description(format!(
        "Unserialising the object at offset {:#x} loads package `{}` and calls the unserialize method of its ALTREP class `{}`.",
        a.offset, a.package, a.class
    ))
    .evidence("class", a.class.clone())
    .evidence("package", a.package.clone())
}
