//! HDF006: a hard link points back at an ancestor group.

use sentrascan_formats::hdf5::Hdf5Anomaly;
use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF006",
    name: "hdf-hard-link-cycle",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::ResourceExhaustion,
    scanner: "hdf5",
    cwe: Some("CWE-835"),
    owasp_ml: None,
    version: 1,
    summary: "A group contains a hard link to one of its own ancestors, so the hierarchy is a cycle.",
    remediation: "Walk the file only with tools that track visited objects; ask the publisher to remove the link.",
    docs: r#"## What it does
Reports hard links whose target is a group on the path that leads to them
(`/a/b/up → /a`). The scan follows every object once, so the rest of the
file was still analysed.

## Why is this bad?
The cycle is legal HDF5 and libhdf5's own visitors (h5py `visititems`)
track visited objects, hence LOW. But no model writer produces it, and
naive recursive walkers (conversion scripts, custom loaders, some
scanners) descend forever: a denial of service, or a way to make a scanner
give up before it reaches the content.

## Example
`g = f.create_group('a/b'); g['up'] = f['a']`.

## How to fix
Remove the link (`del f['a/b/up']`) after checking why it is there.

## References
- HDF5 User's Guide, "Groups" (cycles in the group graph)
- CWE-835: Loop with Unreachable Exit Condition
"#,
};

pub fn finding(location: &Location, anomaly: &Hdf5Anomaly) -> Finding {
    Finding::new(
        &RULE,
        location.at(anomaly.offset),
        format!("Hard link `{}` forms a cycle", anomaly.path),
    )
    .description(format!(
        "{}.",
        super::super::safetensors::capitalise(&anomaly.detail)
    ))
    .evidence("link", anomaly.path.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::hdf5::Hdf5AnomalyKind;

    #[test]
    fn names_the_link() {
        let a = Hdf5Anomaly {
            kind: Hdf5AnomalyKind::HardLinkCycle,
            path: "/a/b/up".into(),
            offset: 800,
            detail: "hard link `/a/b/up` points back at its ancestor `/a`".into(),
        };
        let f = finding(&Location::file("m.h5"), &a);
        assert_eq!((f.rule.as_str(), f.severity), ("HDF006", Severity::Low));
        assert_eq!(
            f.description,
            "Hard link `/a/b/up` points back at its ancestor `/a`."
        );
    }
}
