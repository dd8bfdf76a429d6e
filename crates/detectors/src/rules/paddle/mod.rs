//! `PDL` rules: PaddlePaddle programs (`.pdmodel`) and parameters
//! (`.pdiparams`). Operators that run Python or touch files and the
//! network, operators Paddle does not register, and parameter files whose
//! records do not add up (with whatever hides after them).

pub mod pdl001_py_func;
pub mod pdl002_io_operator;
pub mod pdl003_unknown_operator;
pub mod pdl004_program_unreadable;
pub mod pdl005_params_malformed;

use sentrascan_formats::paddle::PaddleProgram;
use sentrascan_types::{Finding, Location, RuleFamily};

pub use pdl004_program_unreadable::finding as program_unreadable;
pub use pdl005_params_malformed::finding as params_malformed;

pub(crate) const FAMILY: RuleFamily = RuleFamily::Paddle;

/// Operator types registered by the pinned paddlepaddle (generated; see the file's header).
const KNOWN_OPS: &str = include_str!("known_ops.txt");

pub fn is_known_op(op: &str) -> bool {
    KNOWN_OPS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l == op)
}

/// Operators whose attributes the rules need: the parser keeps these.
pub fn keep_op(op: &str) -> bool {
    op == "py_func" || pdl002_io_operator::io_kind(op).is_some() || !is_known_op(op)
}

pub fn check_paddle_program(view: &PaddleProgram, location: &Location, out: &mut Vec<Finding>) {
    pdl001_py_func::check(view, location, out);
    pdl002_io_operator::check(view, location, out);
    pdl003_unknown_operator::check(view, location, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_op_table() {
        for op in [
            "feed",
            "fetch",
            "matmul_v2",
            "relu",
            "elementwise_add",
            "scale",
        ] {
            assert!(is_known_op(op), "{op}");
        }
        assert!(!is_known_op("my_custom_op"));
        assert!(!is_known_op("# operator types"));
        assert!(keep_op("py_func") && keep_op("save_combine") && keep_op("my_custom_op"));
        assert!(!keep_op("relu"));
    }
}
