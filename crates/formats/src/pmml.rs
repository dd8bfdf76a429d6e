//! PMML (Predictive Model Markup Language), read from the safe
//! [`crate::xml`] view: the header, the data dictionary, the models, the
//! `<Extension>` elements (free-form vendor content) and the functions the
//! document calls (`<Apply function="…">`) or defines (`<DefineFunction>`).

use crate::xml::XmlView;

/// Items kept per list.
pub const MAX_ITEMS: usize = 10_000;
/// Characters of an extension's text kept.
const MAX_EXTENSION_TEXT: usize = 16 << 10;

/// One `<Extension>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub name: Option<String>,
    pub value: Option<String>,
    pub extender: Option<String>,
    /// Text of the element and its descendants, and their attribute values.
    pub content: String,
    /// Local names of the elements inside it.
    pub children: Vec<String>,
    /// Where it sits (`PMML/Header/Extension`).
    pub path: String,
    pub offset: u64,
}

/// One `<Apply>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apply {
    pub function: String,
    pub offset: u64,
}

/// A model element (`TreeModel`, `MiningModel`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    pub kind: String,
    pub function_name: String,
    pub algorithm_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PmmlView {
    pub version: String,
    pub application: Option<String>,
    pub application_version: Option<String>,
    pub data_fields: Vec<String>,
    pub models: Vec<Model>,
    pub extensions: Vec<Extension>,
    pub applies: Vec<Apply>,
    pub defined_functions: Vec<String>,
}

pub fn is_pmml(view: &XmlView) -> bool {
    view.root().is_some_and(|r| r.local == "PMML")
}

/// Model elements of PMML 4.4 (direct children of the root, or segments).
fn is_model_element(name: &str) -> bool {
    matches!(
        name,
        "AnomalyDetectionModel"
            | "AssociationModel"
            | "BayesianNetworkModel"
            | "BaselineModel"
            | "ClusteringModel"
            | "GaussianProcessModel"
            | "GeneralRegressionModel"
            | "MiningModel"
            | "NaiveBayesModel"
            | "NearestNeighborModel"
            | "NeuralNetwork"
            | "RegressionModel"
            | "RuleSetModel"
            | "SequenceModel"
            | "Scorecard"
            | "SupportVectorMachineModel"
            | "TextModel"
            | "TimeSeriesModel"
            | "TreeModel"
    )
}

pub fn read(view: &XmlView) -> PmmlView {
    let mut out = PmmlView::default();
    let Some(root) = view.root() else {
        return out;
    };
    out.version = root.attr("version").unwrap_or("").to_string();
    for (i, e) in view.elements.iter().enumerate() {
        match e.local.as_str() {
            "Application" => {
                out.application = e.attr("name").map(str::to_string);
                out.application_version = e.attr("version").map(str::to_string);
            }
            "DataField" if out.data_fields.len() < MAX_ITEMS => {
                out.data_fields
                    .push(e.attr("name").unwrap_or("").to_string());
            }
            "Extension" if out.extensions.len() < MAX_ITEMS => {
                // An extension nested in another is part of the outer one's content.
                let nested = out
                    .extensions
                    .last()
                    .is_some_and(|_| ancestor_named(view, i, "Extension"));
                if !nested {
                    out.extensions.push(read_extension(view, i));
                }
            }
            "Apply" if out.applies.len() < MAX_ITEMS => {
                out.applies.push(Apply {
                    function: e.attr("function").unwrap_or("").to_string(),
                    offset: e.offset,
                });
            }
            "DefineFunction" if out.defined_functions.len() < MAX_ITEMS => {
                out.defined_functions
                    .push(e.attr("name").unwrap_or("").to_string());
            }
            n if is_model_element(n) && out.models.len() < MAX_ITEMS => {
                out.models.push(Model {
                    kind: n.to_string(),
                    function_name: e.attr("functionName").unwrap_or("").to_string(),
                    algorithm_name: e.attr("algorithmName").unwrap_or("").to_string(),
                });
            }
            _ => {}
        }
    }
    out
}

fn ancestor_named(view: &XmlView, index: usize, name: &str) -> bool {
    let mut at = view.elements.get(index).and_then(|e| e.parent);
    while let Some(p) = at {
        let Some(e) = view.elements.get(p) else { break };
        if e.local == name {
            return true;
        }
        at = e.parent;
    }
    false
}

fn read_extension(view: &XmlView, index: usize) -> Extension {
    let mut content = String::new();
    let mut children = Vec::new();
    let Some(e) = view.elements.get(index) else {
        return Extension {
            name: None,
            value: None,
            extender: None,
            content,
            children,
            path: String::new(),
            offset: 0,
        };
    };
    content.push_str(&e.text);
    for (i, c) in view
        .elements
        .iter()
        .enumerate()
        .skip(index.saturating_add(1))
    {
        if !view.is_within(i, index) || content.len() >= MAX_EXTENSION_TEXT {
            break;
        }
        if children.len() < 64 {
            children.push(c.local.clone());
        }
        for (_, v) in &c.attributes {
            content.push('\n');
            content.push_str(v);
        }
        content.push('\n');
        content.push_str(&c.text);
    }
    Extension {
        name: e.attr("name").map(str::to_string),
        value: e.attr("value").map(str::to_string),
        extender: e.attr("extender").map(str::to_string),
        content: content.trim().to_string(),
        children,
        path: view.path(index),
        offset: e.offset,
    }
}

/// Built-in functions of PMML 4.4 (section "Built-in functions").
pub const BUILTIN_FUNCTIONS: &[&str] = &[
    "+",
    "-",
    "*",
    "/",
    "min",
    "max",
    "sum",
    "avg",
    "median",
    "product",
    "log10",
    "ln",
    "sqrt",
    "abs",
    "exp",
    "pow",
    "threshold",
    "floor",
    "ceil",
    "round",
    "modulo",
    "isMissing",
    "isNotMissing",
    "isValid",
    "isNotValid",
    "equal",
    "notEqual",
    "lessThan",
    "lessOrEqual",
    "greaterThan",
    "greaterOrEqual",
    "and",
    "or",
    "not",
    "isIn",
    "isNotIn",
    "if",
    "uppercase",
    "lowercase",
    "substring",
    "trimBlanks",
    "concat",
    "replace",
    "matches",
    "formatNumber",
    "formatDatetime",
    "dateDaysSinceYear",
    "dateSecondsSinceYear",
    "dateSecondsSinceMidnight",
    "normalCDF",
    "normalPDF",
    "stdNormalCDF",
    "stdNormalPDF",
    "erf",
    "normalIDF",
    "stdNormalIDF",
    "expm1",
    "hypot",
    "ln1p",
    "rint",
    "sin",
    "asin",
    "sinh",
    "cos",
    "acos",
    "cosh",
    "tan",
    "atan",
    "tanh",
    "atan2",
    "lowercase",
    "stringLength",
    "weekday",
    "isFalse",
    "isTrue",
];

/// JPMML's vendor functions (`x-` prefix), part of its built-in registry.
pub const JPMML_FUNCTIONS: &[&str] = &[
    "x-atan2",
    "x-cosh",
    "x-expm1",
    "x-hypot",
    "x-ln1p",
    "x-rint",
    "x-sinh",
    "x-tanh",
    "x-sin",
    "x-cos",
    "x-tan",
    "x-asin",
    "x-acos",
    "x-atan",
    "x-modulo",
    "x-isFalse",
    "x-isTrue",
    "x-stringLength",
    "x-lowercase",
    "x-uppercase",
    "x-substring",
    "x-trimBlanks",
    "x-concat",
    "x-replace",
    "x-matches",
    "x-formatNumber",
    "x-weekday",
    "x-median",
    "x-product",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Limits, xml};

    #[test]
    fn reads_pmml() {
        let doc = br#"<?xml version="1.0"?>
<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <Header><Application name="SkLearn2PMML package" version="0.110"/></Header>
  <DataDictionary><DataField name="x1" optype="continuous" dataType="double"/></DataDictionary>
  <TransformationDictionary>
    <DefineFunction name="f"><ParameterField name="a"/><Apply function="+"><FieldRef field="a"/></Apply></DefineFunction>
  </TransformationDictionary>
  <Extension name="repr" value="PMMLPipeline()"><X-Script>print(1)</X-Script></Extension>
  <TreeModel functionName="classification" algorithmName="sklearn"/>
</PMML>"#;
        let v = xml::parse(doc, &Limits::default()).unwrap();
        assert!(is_pmml(&v));
        let p = read(&v);
        assert_eq!(p.version, "4.4");
        assert_eq!(p.application.as_deref(), Some("SkLearn2PMML package"));
        assert_eq!(p.data_fields, ["x1"]);
        assert_eq!(p.defined_functions, ["f"]);
        assert_eq!(p.applies[0].function, "+");
        assert_eq!(p.extensions.len(), 1);
        assert_eq!(p.extensions[0].children, ["X-Script"]);
        assert!(p.extensions[0].content.contains("print(1)"));
        assert_eq!(p.models[0].kind, "TreeModel");
    }
}
