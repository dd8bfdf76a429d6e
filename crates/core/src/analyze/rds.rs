//! R serialisation (`saveRDS`, `save`): the walk, the `RDS` rules and the
//! SBOM facts (encoding, versions, classes, workspace variables). A
//! compressed file reaches here as the member of its gzip/bzip2/xz stream.

use sentrascan_detectors as rules;
use sentrascan_formats::rds::{self, RContainer, RdsError};
use sentrascan_types::Location;

use super::Ctx;

impl Ctx<'_> {
    /// A file of a recognised format that could not be read (completely):
    /// unreadable, and the result inconclusive.
    pub(super) fn incomplete(&mut self, location: &Location, why: String) {
        self.out.findings.push(rules::unreadable(location, &why));
        self.inconclusive(location, why);
    }

    pub(super) fn rds(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("r_serialization");
        let view = match rds::parse(data, self.limits) {
            Ok(v) => v,
            Err(e) => {
                self.incomplete(
                    location,
                    format!("R serialisation stream cannot be read: {e}"),
                );
                return;
            }
        };
        rules::check_rds(&view, location, &mut self.out.findings);
        match &view.error {
            None => {}
            Some(RdsError::Limit {
                limit,
                value,
                offset,
            }) => {
                self.limit(&location.at(*offset), limit, *value);
            }
            Some(e) => {
                self.incomplete(location, format!("R serialisation stream stops early: {e}"));
            }
        }
        if view.code_dropped > 0 {
            self.limit(location, "r_code_objects", rds::MAX_CODE as u64);
        }
        let prefix = match view.container {
            RContainer::Rds => "rds",
            RContainer::RData => "rdata",
        };
        self.fact(format!("{prefix}.encoding"), view.encoding.as_str());
        self.fact(format!("{prefix}.version"), view.version.to_string());
        self.fact(
            format!("{prefix}.writer_r_version"),
            view.writer_version.clone(),
        );
        self.fact(
            format!("{prefix}.min_reader_r_version"),
            view.min_reader_version.clone(),
        );
        if let Some(enc) = &view.native_encoding {
            self.fact(format!("{prefix}.native_encoding"), enc.clone());
        }
        self.fact(format!("{prefix}.classes"), view.classes.join(","));
        self.fact(format!("{prefix}.variables"), view.variables.join(","));
        let packages: Vec<&str> = view.altrep.iter().map(|a| a.package.as_str()).collect();
        self.fact(format!("{prefix}.altrep_packages"), packages.join(","));
        self.framework(
            "r-base",
            Some(&view.writer_version),
            format!(
                "R serialisation v{} written by R {}",
                view.version, view.writer_version
            ),
        );
    }
}
