//! `PMML` rules: PMML documents. What an evaluator would run or resolve
//! beyond the standard: code and URLs in `<Extension>` content, and
//! functions that are neither PMML built-ins nor defined in the document
//! (JPMML resolves those as Java classes). XML-level checks (entities,
//! XInclude) are the `XML` rules.

pub mod pmml001_extension_code;
pub mod pmml002_extension_url;
pub mod pmml003_unknown_function;

use sentrascan_formats::pmml::PmmlView;
use sentrascan_types::{Finding, Location, RuleFamily};

pub(crate) const FAMILY: RuleFamily = RuleFamily::Pmml;

pub fn check_pmml(view: &PmmlView, location: &Location, out: &mut Vec<Finding>) {
    pmml001_extension_code::check(view, location, out);
    pmml002_extension_url::check(view, location, out);
    pmml003_unknown_function::check(view, location, out);
}
