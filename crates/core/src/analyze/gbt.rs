//! Gradient-boosted tree models (XGBoost JSON/UBJSON/binary, LightGBM,
//! CatBoost): the neutral tree view, the `GBT` rules and the SBOM facts.
//! Pickled models (`joblib.dump(XGBClassifier)`, a `.bst` that is really a
//! pickle) are sniffed as pickles and never reach this module.

use sentrascan_detectors as rules;
use sentrascan_formats::gbt::GbtAnomaly;
use sentrascan_formats::ubjson::UbjError;
use sentrascan_formats::{catboost, lightgbm, xgboost};
use sentrascan_types::{Location, ModelFormat};

use super::Ctx;

/// Extensions of legacy XGBoost binaries, which have no magic.
const BARE_BINARY_EXTENSIONS: &[&str] = &["bst", "model", "xgb", "booster"];

/// True for a `.bst`/`.model`/`.xgb` name whose bytes start like a pre-1.0
/// XGBoost binary model.
pub(super) fn is_bare_xgboost_binary(data: &[u8], name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| BARE_BINARY_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
        && xgboost::sniff_bare_binary(data)
}

impl Ctx<'_> {
    pub(super) fn gbt(&mut self, data: &[u8], location: &Location, format: ModelFormat) {
        let result = match format {
            ModelFormat::XgboostJson => xgboost::parse_json(data).map_err(|e| e.to_string()),
            ModelFormat::XgboostUbj => {
                match xgboost::parse_ubj(data, self.limits.max_structured_values) {
                    Err(xgboost::XgbError::Ubj(UbjError::TooManyValues { limit })) => {
                        self.out.scanners.insert("xgboost");
                        return self.limit(location, "max_structured_values", limit);
                    }
                    r => r.map_err(|e| e.to_string()),
                }
            }
            ModelFormat::XgboostBinary => xgboost::parse_binary(data).map_err(|e| e.to_string()),
            ModelFormat::LightGbm => lightgbm::parse(data).map_err(|e| e.to_string()),
            _ => catboost::parse(data).map_err(|e| e.to_string()),
        };
        let library = match format {
            ModelFormat::LightGbm => "lightgbm",
            ModelFormat::CatBoost => "catboost",
            _ => "xgboost",
        };
        self.out.scanners.insert(library);
        let view = match result {
            Ok(v) => v,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::gbt_model_unreadable(location, library, &e));
                return self.inconclusive(location, format!("{library} model cannot be read: {e}"));
            }
        };
        rules::check_gbt(&view, location, &mut self.out.findings);
        let unread = view
            .anomalies
            .iter()
            .filter(|a| matches!(a, GbtAnomaly::Inconsistent { why, .. } if why.contains("not analysed") || why.contains("cut short")))
            .count();
        if unread > 0 {
            self.inconclusive(
                location,
                format!("{unread} part(s) of the {library} model were not read"),
            );
        }
        if view.dropped > 0 {
            self.limit(location, "gbt_items_kept", view.dropped);
        }
        if let Some(v) = &view.version {
            self.fact(format!("{library}.version"), v.clone());
        }
        for n in &view.names {
            self.fact(format!("{library}.{}", n.what), n.name.clone());
        }
        if let Some(n) = view.num_feature {
            self.fact(format!("{library}.num_feature"), n.to_string());
        }
        if let Some(n) = view.num_class {
            self.fact(format!("{library}.num_class"), n.to_string());
        }
        if view.trees > 0 {
            self.fact(format!("{library}.trees"), view.trees.to_string());
        }
        if view.nodes > 0 {
            self.fact(format!("{library}.nodes"), view.nodes.to_string());
        }
        self.fact(format!("{library}.format"), format.as_str());
        // Only XGBoost's documents carry the library version.
        let version = match format {
            ModelFormat::XgboostJson | ModelFormat::XgboostUbj => view.version.as_deref(),
            _ => None,
        };
        self.framework(
            library,
            version,
            format!("{library} model ({})", format.as_str()),
        );
    }
}
