//! The Paddle program reader (`ProgramDesc` blocks, operators and their
//! attributes) and the parameters reader (LoDTensor records), with the
//! `PDL` rules over them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::Location;
use sentrascan_detectors::rules::paddle::keep_op;
use sentrascan_formats::Limits;
use sentrascan_formats::paddle::{self, MAX_KEPT_OPS, MAX_OP_TYPES, MAX_OPS};

fuzz_target!(|data: &[u8]| {
    let _ = paddle::sniff_program(data);
    let _ = paddle::sniff_params(data);
    let limits = Limits::default();
    let location = Location::file("model.pdmodel");
    let mut findings = Vec::new();
    match paddle::parse_program(data, &limits, &keep_op) {
        Ok(p) => {
            assert!(p.ops <= MAX_OPS);
            assert!(p.kept.len() <= MAX_KEPT_OPS);
            assert!(p.op_types.len() <= MAX_OP_TYPES);
            assert!(p.op_types.values().sum::<u64>() <= p.ops);
            sentrascan_detectors::check_paddle_program(&p, &location, &mut findings);
        }
        Err(e) => findings.push(sentrascan_detectors::paddle_program_unreadable(&location, &e)),
    }
    let params = paddle::parse_params(data, &limits);
    let len = data.len() as u64;
    let mut end = 0u64;
    for t in &params.tensors {
        assert!(t.offset >= end && t.offset < len);
        assert!(t.data_bytes <= len);
        end = t.offset;
    }
    if let Some(p) = &params.problem {
        assert!(p.offset <= len);
        findings.push(sentrascan_detectors::paddle_params_malformed(
            &location,
            p,
            params.tensor_count,
            params.trailing.map(|t| t.1),
        ));
    }
    if let Some((at, n)) = params.trailing {
        assert_eq!(at.checked_add(n), Some(len));
    }
    for f in &findings {
        assert!(f.rule.starts_with("PDL"), "{}", f.rule);
    }
});
