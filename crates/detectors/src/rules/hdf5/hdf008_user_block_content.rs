//! HDF008: the user block before the superblock holds data.

use sentrascan_types::{Category, Finding, Location, RuleMeta, Severity};

pub static RULE: RuleMeta = RuleMeta {
    code: "HDF008",
    name: "hdf-user-block-content",
    family: super::FAMILY,
    default_severity: Severity::Low,
    category: Category::FormatMismatch,
    scanner: "hdf5",
    cwe: Some("CWE-434"),
    owasp_ml: Some("ML06:2023"),
    version: 1,
    summary: "Bytes before the HDF5 superblock (the user block) are not all zero.",
    remediation: "Check what the user block holds (it is analysed as a member named `<user-block>`); strip it with `h5jam`/`h5unjam` if it is not needed.",
    docs: r#"## What it does
Reports an HDF5 file whose superblock sits after a user block (512, 1024 …
bytes) that holds non-zero data. The user block is also analysed as a file
of its own (member `<user-block>`), so a pickle or archive hidden there gets
its own findings.

## Why is this bad?
libhdf5 skips the user block, so the file opens as an ordinary model while
other loaders see something else at offset 0: a pickle there makes the file
a polyglot that `pickle.load` or `torch.load` executes. Model writers leave
the user block absent or zeroed; text such as a README is the benign case,
hence LOW.

## Example
A Keras `.h5` written with `userblock_size=512` whose first bytes are a
protocol-4 pickle calling `os.system`.

## How to fix
Remove the user block (`h5unjam`) or inspect it before use.

## References
- HDF5 File Format Specification, section II.A (user block)
- `h5jam` / `h5unjam` tools
"#,
};

/// HDF008 when `user_block` (the bytes before the superblock) holds data.
pub fn check(location: &Location, user_block: &[u8]) -> Option<Finding> {
    let first = user_block.iter().position(|&b| b != 0)?;
    let used = user_block.iter().filter(|&&b| b != 0).count();
    Some(
        Finding::new(
            &RULE,
            location.at(first as u64),
            format!("HDF5 user block of {} bytes holds data", user_block.len()),
        )
        .description(format!(
            "The {} bytes before the HDF5 superblock hold {used} non-zero bytes from offset {first}; \
             libhdf5 skips them, other loaders read them as the start of the file.",
            user_block.len()
        ))
        .evidence("user_block_bytes", user_block.len())
        .evidence("non_zero_bytes", used),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_block_is_silent() {
        assert!(check(&Location::file("m.h5"), &[0; 512]).is_none());
        let mut b = vec![0u8; 512];
        b[3] = 1;
        let f = check(&Location::file("m.h5"), &b).unwrap();
        assert_eq!((f.rule.as_str(), f.severity), ("HDF008", Severity::Low));
    }
}
