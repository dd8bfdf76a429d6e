//! `KER` rules: Keras model configurations (Keras 3 `.keras` zips and
//! Keras 2 HDF5 `model_config`/`training_config`), parsed by
//! [`sentrascan_formats::keras`]. The configuration decides which Python
//! code runs when Keras rebuilds the model: Lambda bytecode, modules and
//! functions it imports by name, SavedModels and pickles it loads. These
//! rules classify all of it against the reviewed lists in [`names`].

pub mod ker001_lambda_dangerous_code;
pub mod ker002_lambda_undecodable;
pub mod ker003_lambda_code;
pub mod ker004_dangerous_callable;
pub mod ker005_safe_mode_bypass;
pub mod ker006_custom_object;
pub mod ker007_tfsm_layer;
pub mod ker008_torch_module_wrapper;
pub mod ker009_unknown_callable;
pub mod ker010_external_reference;
pub mod ker011_unexpected_member;
pub mod ker012_config_unreadable;
pub(crate) mod names;

use std::collections::BTreeSet;

use sentrascan_formats::keras::{CallableKind, CallableRef, KerasConfig, KerasObject, LambdaCode};
use sentrascan_types::{Category, Finding, Location, RuleFamily, Severity};

use names::Reach;

pub use ker011_unexpected_member::{finding as unexpected_member, is_expected as expected_member};
pub use ker012_config_unreadable::finding as config_unreadable;

/// The family of every rule here.
pub(crate) const FAMILY: RuleFamily = RuleFamily::Keras;

/// Runs every configuration rule (KER001–KER010) over a parsed config.
/// Limits in `cfg.limits_hit` and the payloads in `cfg.blobs` are the
/// engine's to report and analyse.
pub fn check_keras_config(cfg: &KerasConfig, location: &Location, out: &mut Vec<Finding>) {
    for l in &cfg.lambdas {
        check_lambda(l, location, out);
    }
    for c in &cfg.callables {
        check_callable(c, location, out);
    }
    for o in &cfg.objects {
        check_object(o, location, out);
    }
    for b in &cfg.blobs {
        out.push(ker008_torch_module_wrapper::finding(location, b));
    }
    let tfsm: BTreeSet<String> = cfg
        .objects
        .iter()
        .filter(|o| o.class_name == "TFSMLayer")
        .map(|o| {
            if o.path.is_empty() {
                "config.filepath".to_string()
            } else {
                format!("{}.config.filepath", o.path)
            }
        })
        .collect();
    let mut seen = BTreeSet::new();
    for l in &cfg.locations {
        if !tfsm.contains(&l.path) && seen.insert(l.text.as_str()) {
            out.push(ker010_external_reference::finding(location, l));
        }
    }
}

/// A dangerous or gadget name found in bytecode.
pub(crate) struct Hit {
    pub name: String,
    pub effect: &'static str,
    pub severity: Severity,
    pub category: Category,
}

/// What a decoded Lambda uses, for KER001 and KER003.
pub(crate) struct LambdaEvidence<'a> {
    pub lambda: &'a LambdaCode,
    pub layout: &'static str,
    pub code_name: String,
    pub filename: String,
    pub dangerous: Vec<Hit>,
    pub unknown: Vec<String>,
    pub names: Vec<String>,
    pub strings: Vec<String>,
}

impl LambdaEvidence<'_> {
    pub(crate) fn layer_label(&self) -> &str {
        self.lambda
            .layer_name
            .as_deref()
            .unwrap_or(&self.lambda.path)
    }

    pub(crate) fn describe(&self) -> String {
        format!(
            "the `{}` of {} `{}` (at `{}`, CPython {} layout, `{}` defined in `{}`)",
            self.lambda.slot,
            self.lambda.layer_class,
            self.layer_label(),
            self.lambda.path,
            self.layout,
            self.code_name,
            self.filename
        )
    }

    pub(crate) fn strings_sentence(&self) -> String {
        if self.strings.is_empty() {
            return String::new();
        }
        let shown: Vec<String> = self
            .strings
            .iter()
            .take(10)
            .map(|s| format!("{:?}", s.chars().take(120).collect::<String>()))
            .collect();
        format!(" Its string constants: {}.", shown.join(", "))
    }

    pub(crate) fn attach(&self, f: Finding) -> Finding {
        f.evidence("layer", self.layer_label())
            .evidence("layer_class", self.lambda.layer_class.as_str())
            .evidence("config_path", self.lambda.path.as_str())
            .evidence("slot", self.lambda.slot.as_str())
            .evidence("python_layout", self.layout)
            .evidence("code_name", self.code_name.as_str())
            .evidence("filename", self.filename.as_str())
            .evidence("names", self.names.clone())
            .evidence(
                "strings",
                self.strings
                    .iter()
                    .take(20)
                    .map(|s| s.chars().take(200).collect::<String>())
                    .collect::<Vec<_>>(),
            )
    }
}

fn severity_of(category: Category) -> Severity {
    match category {
        Category::FileSystemAccess | Category::NetworkOperations => Severity::High,
        _ => Severity::Critical,
    }
}

fn hit(name: String, reach: Reach) -> Option<Hit> {
    match reach {
        Reach::Dangerous {
            category, effect, ..
        } => Some(Hit {
            name,
            effect,
            severity: severity_of(category),
            category,
        }),
        Reach::Gadget { effect, .. } => Some(Hit {
            name,
            effect,
            severity: Severity::Critical,
            category: Category::CodeInjection,
        }),
        _ => None,
    }
}

fn check_lambda(l: &LambdaCode, location: &Location, out: &mut Vec<Finding>) {
    let decoded = match &l.decoded {
        Ok(d) => d,
        Err(reason) => {
            out.push(ker002_lambda_undecodable::finding(location, l, reason));
            return;
        }
    };
    let names: Vec<String> = decoded
        .code
        .all_names()
        .into_iter()
        .map(str::to_string)
        .collect();
    let strings: Vec<String> = decoded
        .code
        .all_strings()
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut dangerous = Vec::new();
    let mut unknown = Vec::new();
    for n in &names {
        match names::classify_code_name(n) {
            Reach::Safe => {}
            Reach::Unknown => unknown.push(n.clone()),
            r => dangerous.extend(hit(n.clone(), r)),
        }
    }
    for s in &strings {
        if let Some(r) = names::classify_code_string(s) {
            dangerous.extend(hit(format!("{s:?}"), r));
        }
    }
    let e = LambdaEvidence {
        lambda: l,
        layout: decoded.layout.versions(),
        code_name: decoded
            .code
            .qualname
            .clone()
            .unwrap_or_else(|| decoded.code.name.clone()),
        filename: decoded.code.filename.clone(),
        dangerous,
        unknown,
        names,
        strings,
    };
    out.push(if e.dangerous.is_empty() {
        ker003_lambda_code::finding(location, &e)
    } else {
        ker001_lambda_dangerous_code::finding(location, &e)
    });
}

/// A module/function or class a configuration names, for KER004/5/9.
pub(crate) struct Named<'a> {
    pub path: &'a str,
    pub qualified: String,
    /// What names it, as a phrase (`the function object`).
    pub what: String,
    pub layer: Option<&'a str>,
}

impl Named<'_> {
    pub(crate) fn describe(&self) -> String {
        let layer = self
            .layer
            .map(|l| format!(" of layer `{l}`"))
            .unwrap_or_default();
        format!("The {}{layer} at `{}`", self.what, self.path)
    }

    pub(crate) fn attach(&self, mut f: Finding) -> Finding {
        f = f
            .evidence("name", self.qualified.as_str())
            .evidence("config_path", self.path);
        if let Some(l) = self.layer {
            f = f.evidence("layer", l);
        }
        f
    }
}

fn report(
    reach: Reach,
    n: &Named<'_>,
    has_module: bool,
    location: &Location,
    out: &mut Vec<Finding>,
) {
    match reach {
        Reach::Dangerous {
            entry,
            category,
            effect,
        } => out.push(ker004_dangerous_callable::finding(
            location, n, &entry, category, effect,
        )),
        Reach::Gadget { entry, effect } => out.push(ker005_safe_mode_bypass::finding(
            location, n, &entry, effect,
        )),
        Reach::Unknown => out.push(ker009_unknown_callable::finding(location, n, has_module)),
        Reach::Safe => {}
    }
}

fn check_callable(c: &CallableRef, location: &Location, out: &mut Vec<Finding>) {
    let (reach, what) = match c.kind {
        CallableKind::TfOp => (
            names::classify_tf_symbol(&c.name),
            "TFOpLambda symbol".to_string(),
        ),
        CallableKind::FunctionObject => (
            names::classify_callable(c.module.as_deref(), &c.name),
            format!("function object in `{}`", c.slot),
        ),
        CallableKind::LambdaFunction => (
            names::classify_callable(c.module.as_deref(), &c.name),
            format!("Lambda `{}` named by function", c.slot),
        ),
        CallableKind::SlotString => (
            names::classify_callable(c.module.as_deref(), &c.name),
            format!("`{}` value", c.slot),
        ),
    };
    let n = Named {
        path: &c.path,
        qualified: match c.kind {
            CallableKind::TfOp => format!("tf.{}", c.name),
            _ => c.qualified(),
        },
        what,
        layer: c.layer_name.as_deref(),
    };
    let has_module = c.module.as_deref().is_some_and(|m| !m.is_empty());
    report(reach, &n, has_module, location, out);
}

fn check_object(o: &KerasObject, location: &Location, out: &mut Vec<Finding>) {
    let class = o.class_name.as_str();
    if matches!(class, "function" | "__lambda__") {
        return;
    }
    if class == "TFSMLayer" {
        out.push(ker007_tfsm_layer::finding(location, o));
        return;
    }
    let n = Named {
        path: &o.path,
        qualified: match &o.module {
            Some(m) if !m.is_empty() => format!("{m}.{class}"),
            _ => class.to_string(),
        },
        what: format!("`{}` object", o.slot),
        layer: o.name.as_deref(),
    };
    let module = o.module.as_deref().filter(|m| !m.is_empty());
    // A dangerous module or a gadget is worse than "custom".
    if module.is_some() || class.contains('.') {
        let r = names::classify_callable(module, class);
        if matches!(r, Reach::Dangerous { .. } | Reach::Gadget { .. }) {
            return report(r, &n, true, location, out);
        }
    }
    let why = match module {
        Some(m) if !names::is_trusted_module(m) => Some(format!(
            "comes from module `{m}`, outside Keras and TensorFlow"
        )),
        Some(_) => None,
        None if class.contains('>') => {
            let (_, bare) = class.split_once('>').unwrap_or(("", class));
            // tf.keras 2.11+ registers its own optimizers as `Custom>Adam`.
            let builtin_custom =
                class.starts_with("Custom>") && names::TF_KERAS_OPTIMIZERS.contains(&bare);
            (!names::is_trusted_registered(class) && !builtin_custom)
                .then(|| "is registered by a package outside Keras".to_string())
        }
        None => (!names::BUILTIN_CLASSES.contains(&class))
            .then(|| "is not a class Keras or tf.keras defines".to_string()),
    };
    let why = why.or_else(|| {
        o.registered_name
            .as_deref()
            .filter(|r| !names::is_trusted_registered(r))
            .map(|r| format!("is registered as `{r}` by a package outside Keras"))
    });
    if let Some(why) = why {
        out.push(ker006_custom_object::finding(location, o, &why));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentrascan_formats::keras::parse_config;

    fn run(json: &str) -> Vec<(String, Severity)> {
        let cfg = parse_config(json.as_bytes()).unwrap();
        let mut out = Vec::new();
        check_keras_config(&cfg, &Location::file("m.keras"), &mut out);
        let mut v: Vec<_> = out.iter().map(|f| (f.rule.clone(), f.severity)).collect();
        v.sort();
        v
    }

    #[test]
    fn builtin_model_is_silent() {
        assert_eq!(
            run(
                r#"{"module": "keras", "class_name": "Sequential", "config": {"layers": [
                {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "activation": "relu",
                 "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {}, "registered_name": null}}, "registered_name": null}]},
                "compile_config": {"optimizer": "adam", "loss": "mse", "metrics": ["mae", "accuracy"]}}"#
            ),
            []
        );
        assert_eq!(
            run(
                r#"{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "config": {}},
                {"class_name": "Dense", "config": {"activation": "linear"}}]}}"#
            ),
            []
        );
    }

    #[test]
    fn callables_objects_and_gadgets() {
        assert_eq!(
            run(
                r#"{"class_name": "Lambda", "config": {"function": {"module": "os", "class_name": "function", "config": "system"}}}"#
            ),
            [("KER004".to_string(), Severity::Critical)]
        );
        assert_eq!(
            run(
                r#"{"class_name": "Lambda", "config": {"function": {"module": "keras.utils", "class_name": "function", "config": "get_file"}}}"#
            ),
            [("KER005".to_string(), Severity::Critical)]
        );
        assert_eq!(
            run(r#"{"module": "builtins", "class_name": "exec", "config": {}}"#),
            [("KER004".to_string(), Severity::Critical)]
        );
        assert_eq!(
            run(
                r#"{"module": "my_pkg.layers", "class_name": "MyLayer", "config": {}, "registered_name": "MyPackage>MyLayer"}"#
            ),
            [("KER006".to_string(), Severity::Medium)]
        );
        assert_eq!(run(r#"{"class_name": "Custom>Adam", "config": {}}"#), []);
        assert_eq!(
            run(r#"{"class_name": "Dense", "config": {"activation": "my_act"}}"#),
            [("KER009".to_string(), Severity::Low)]
        );
        assert_eq!(
            run(r#"{"class_name": "TFOpLambda", "config": {"function": "io.write_file"}}"#),
            [("KER005".to_string(), Severity::Critical)]
        );
        assert_eq!(
            run(r#"{"class_name": "TFOpLambda", "config": {"function": "math.multiply"}}"#),
            []
        );
        assert_eq!(
            run(r#"{"class_name": "TFSMLayer", "config": {"filepath": "/tmp/sm"}}"#),
            [("KER007".to_string(), Severity::High)]
        );
    }
}
