//! `XML` rules: what a careless XML parser would do with a document
//! (OpenVINO IR, PMML or any other XML): fetch external entities and
//! DTDs, expand nested entities, pull in other files with XInclude, or
//! apply a stylesheet. The view comes from a parser that does none of it
//! (see `sentrascan_formats::xml`).

pub mod xml001_external_entity;
pub mod xml002_entity_expansion;
pub mod xml003_parameter_entity;
pub mod xml004_xinclude;
pub mod xml005_processing_instruction;
pub mod xml006_malformed;

use sentrascan_formats::xml::XmlView;
use sentrascan_types::{Finding, Location, RuleFamily};

pub use xml006_malformed::finding as malformed;

pub(crate) const FAMILY: RuleFamily = RuleFamily::Xml;

/// Runs every `XML` rule that works on the view alone.
pub fn check_xml(
    view: &XmlView,
    location: &Location,
    scanner: &'static str,
    out: &mut Vec<Finding>,
) {
    let start = out.len();
    xml001_external_entity::check(view, location, out);
    xml002_entity_expansion::check(view, location, out);
    xml003_parameter_entity::check(view, location, out);
    xml004_xinclude::check(view, location, out);
    xml005_processing_instruction::check(view, location, out);
    if let Some((offset, why)) = &view.malformed {
        out.push(malformed(&location.at(*offset), why));
    }
    for f in out.iter_mut().skip(start) {
        f.scanner = scanner.to_string();
    }
}
