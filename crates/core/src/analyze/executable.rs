//! Native executables (ELF, PE, Mach-O): a file or member whose header is
//! valid is parsed for its type, architecture and imports, reported under
//! `EXE001` (inside a container) or `EXE002` (a scanned file), and recorded
//! in the SBOM facts.

use sentrascan_detectors as rules;
use sentrascan_formats::executable::{self, ExeError};
use sentrascan_types::Location;

use super::Ctx;

impl Ctx<'_> {
    pub(super) fn executable(&mut self, data: &[u8], location: &Location, name: &str, depth: u32) {
        self.out.scanners.insert("executable");
        let Some(header) = executable::sniff_header(data) else {
            return;
        };
        let view = match executable::parse(data) {
            Ok(v) => Some(v),
            Err(ExeError::Malformed { message, .. }) => {
                self.out
                    .findings
                    .push(rules::executable_unreadable(location, &header, &message));
                self.inconclusive(
                    location,
                    format!(
                        "{} image could not be parsed: {message}",
                        header.format.as_str()
                    ),
                );
                None
            }
            Err(e) => {
                self.inconclusive(location, e.to_string());
                None
            }
        };
        let finding = if depth > 0 {
            rules::executable_in_container(location, &header, view.as_ref())
        } else {
            rules::standalone_executable(location, name, &header, view.as_ref())
        };
        self.out.findings.push(finding);
        self.fact("executable.format", header.format.as_str());
        self.fact("executable.kind", header.kind.as_str());
        self.fact("executable.arch", header.arch.clone());
        if let Some(v) = &view {
            self.fact(
                "executable.imports_of_interest",
                v.imports_of_interest.join(","),
            );
            self.fact("executable.libraries", v.libraries.join(","));
        }
    }
}
