//! `ARC` rules: zip and tar structure.

pub mod arc001_crc_mismatch;
pub mod arc002_name_mismatch;
pub mod arc003_duplicate_member;
pub mod arc004_encrypted_flag;
pub mod arc005_path_traversal;
pub mod arc006_structure;
pub mod arc007_compression_bomb;
pub mod arc008_special_member;

use sentrascan_formats::tar::TarEntry;
use sentrascan_formats::zip::{ZipAnomaly, ZipView};
use sentrascan_types::{Finding, Location};

/// Structural rules over a parsed zip directory. `crc_mismatches` lists
/// (member name, stored CRC, computed CRC) for members whose data was checked.
pub fn check_zip(
    view: &ZipView,
    crc_mismatches: &[(String, u32, u32)],
    location: &Location,
    scanner: &str,
    out: &mut Vec<Finding>,
) {
    let start = out.len();
    for (name, stored, actual) in crc_mismatches {
        out.push(arc001_crc_mismatch::finding(
            location, name, *stored, *actual,
        ));
    }
    for a in &view.anomalies {
        out.push(match a {
            ZipAnomaly::NameMismatch { central, local } => {
                arc002_name_mismatch::finding(location, central, local)
            }
            ZipAnomaly::DuplicateName { name } => arc003_duplicate_member::finding(location, name),
            ZipAnomaly::EncryptedFlag { name } => arc004_encrypted_flag::finding(location, name),
            other => arc006_structure::finding(location, other),
        });
    }
    for e in &view.entries {
        if let Some(f) = arc005_path_traversal::check(location, &e.name, None) {
            out.push(f);
        }
    }
    for f in out.iter_mut().skip(start) {
        f.scanner = scanner.to_string();
    }
}

/// Member-name and member-kind rules over a tar listing.
pub fn check_tar_names(entries: &[TarEntry], location: &Location, out: &mut Vec<Finding>) {
    use sentrascan_formats::tar::TarKind;
    for e in entries {
        if let Some(f) = arc005_path_traversal::check(location, &e.name, e.link_target.as_deref()) {
            out.push(f.scanner("tar"));
        }
        let kind = match e.kind {
            TarKind::Symlink => "symbolic link",
            TarKind::Hardlink => "hard link",
            TarKind::Device => "device file",
            TarKind::Fifo => "FIFO",
            _ => continue,
        };
        out.push(
            arc008_special_member::finding(location, &e.name, kind, e.link_target.as_deref())
                .scanner("tar"),
        );
    }
}
