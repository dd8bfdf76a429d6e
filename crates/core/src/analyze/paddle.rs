//! PaddlePaddle: programs (`.pdmodel`, `PDL` operator rules, SBOM facts)
//! and combined parameters (`.pdiparams`: record structure, and a pickle
//! search of whatever follows the last tensor). `.pdparams` files are
//! pickles and go through the pickle analysis; [`Ctx::paddle_pickle`]
//! only records the framework.

use sentrascan_detectors as rules;
use sentrascan_detectors::rules::paddle::keep_op;
use sentrascan_formats::paddle;
use sentrascan_formats::pickle::Analyzer;
use sentrascan_types::{Location, ModelFormat};

use super::Ctx;

/// Operator types kept in the `paddle.op_types` fact.
const MAX_OP_NAMES: usize = 256;

/// The key `paddle.save` adds to every state dict it pickles.
const PADDLE_STATE_DICT_KEY: &[u8] = b"StructuredToParameterName@@";

impl Ctx<'_> {
    pub(super) fn paddle_program(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("paddle");
        let program = match paddle::parse_program(data, self.limits, &keep_op) {
            Ok(p) => p,
            Err(e) => {
                self.out
                    .findings
                    .push(rules::paddle_program_unreadable(location, &e));
                self.inconclusive(location, format!("Paddle program cannot be decoded: {e}"));
                return;
            }
        };
        rules::check_paddle_program(&program, location, &mut self.out.findings);
        for (limit, value) in &program.limits_hit {
            self.limit(location, limit, *value);
        }
        if let Some(v) = program.version {
            self.fact("paddle.program_version", v.to_string());
        }
        // Paddle writes its own version as major·10⁶ + minor·10³ + patch.
        let release = program
            .version
            .filter(|v| *v >= 1_000_000)
            .map(|v| format!("{}.{}.{}", v / 1_000_000, v / 1_000 % 1_000, v % 1_000));
        if let Some(r) = &release {
            self.fact("paddle.framework_version", r.clone());
        }
        self.fact("paddle.blocks", program.blocks.to_string());
        self.fact("paddle.ops", program.ops.to_string());
        self.fact("paddle.vars", program.vars.to_string());
        self.fact(
            "paddle.persistable_vars",
            program.persistable_vars.to_string(),
        );
        let names: Vec<&str> = program
            .op_types
            .keys()
            .map(String::as_str)
            .take(MAX_OP_NAMES)
            .collect();
        self.fact("paddle.op_types", names.join(","));
        self.framework(
            "paddlepaddle",
            release.as_deref(),
            format!(
                "Paddle ProgramDesc ({} block(s), {} operator(s))",
                program.blocks, program.ops
            ),
        );
    }

    pub(super) fn paddle_params(&mut self, data: &[u8], location: &Location) {
        self.out.scanners.insert("paddle");
        let params = paddle::parse_params(data, self.limits);
        if let Some((limit, value)) = params.limit_hit {
            self.limit(location, limit, value);
        }
        if let Some(problem) = &params.problem {
            let trailing = params.trailing.map(|(_, n)| n);
            self.out.findings.push(rules::paddle_params_malformed(
                location,
                problem,
                params.tensor_count,
                trailing,
            ));
            // Whatever follows the tensors is not a tensor: search it for
            // pickles (a file that is broken from its first record only
            // when it starts like one).
            let start = usize::try_from(problem.offset).unwrap_or(data.len());
            let rest = data.get(start..).unwrap_or(&[]);
            if params.tensor_count > 0 || sentrascan_formats::pickle::sniff(rest) {
                let mut an = Analyzer::new(self.limits);
                an.raw_data_expected = true;
                an.run_buffer(data, start);
                self.finish_pickle(an, location, "paddle");
            }
            if params.tensor_count == 0 {
                self.inconclusive(
                    location,
                    format!("Paddle parameters unreadable: {}", problem.reason),
                );
            }
        }
        self.fact("paddle.tensors", params.tensor_count.to_string());
        let bytes: u64 = params
            .tensors
            .iter()
            .fold(0u64, |a, t| a.saturating_add(t.data_bytes));
        self.fact("paddle.tensor_bytes", bytes.to_string());
        let dtypes: std::collections::BTreeSet<&str> = params
            .tensors
            .iter()
            .map(|t| paddle::dtype_name(t.dtype))
            .collect();
        self.fact(
            "paddle.dtypes",
            dtypes.into_iter().collect::<Vec<_>>().join(","),
        );
        self.framework(
            "paddlepaddle",
            None,
            format!(
                "Paddle LoDTensor parameters ({} tensor(s))",
                params.tensor_count
            ),
        );
    }

    /// A pickle written by `paddle.save` (`.pdparams`, `.pdopt`).
    pub(super) fn paddle_pickle(&mut self, data: &[u8], name: &str) {
        let lower = name.to_ascii_lowercase();
        let by_name = lower.ends_with(".pdparams") || lower.ends_with(".pdopt");
        let by_key = memchr_find(data, PADDLE_STATE_DICT_KEY);
        if by_key {
            self.framework(
                "paddlepaddle",
                None,
                "paddle.save state dict (`StructuredToParameterName@@` key)",
            );
        } else if by_name {
            self.framework("paddlepaddle", None, format!("paddle.save pickle `{name}`"));
        }
    }
}

/// The Paddle format a file name says, for content too damaged to sniff.
pub(super) fn named_format(name: &str) -> Option<ModelFormat> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".pdmodel") {
        Some(ModelFormat::PaddleModel)
    } else if lower.ends_with(".pdiparams") {
        Some(ModelFormat::PaddleParams)
    } else {
        None
    }
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
