//! The weight statistics over arbitrary bytes and declared shapes: the
//! element decoders (F16, BF16, F32, F64), value statistics, output-unit
//! norms along both axes under a byte budget, the robust outlier score,
//! the whole `analyze` plan and the WGT rules; and the ONNX initializer
//! walk over the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentrascan_core::types::{Location, Severity};
use sentrascan_formats::onnx;
use sentrascan_formats::weights::{self, Budget, DType, OutputAxis, TensorData};

fuzz_target!(|input: &[u8]| {
    let Some((head, data)) = input.split_at_checked(8) else {
        return;
    };
    let dtype = [DType::F16, DType::BF16, DType::F32, DType::F64][usize::from(head[0] & 3)];
    let rows = u64::from(u16::from_le_bytes([head[1], head[2]]));
    let cols = u64::from(u16::from_le_bytes([head[3], head[4]]));
    let budget = Budget {
        per_file: u64::from(head[5]) * 64,
        per_tensor: u64::from(head[6]) * 32,
        heads_only: head[7] & 1 == 1,
    };
    let s = weights::value_stats(dtype, data);
    assert!(s.elements <= (data.len() / dtype.size()) as u64);
    assert!(s.nan + s.inf <= s.elements);
    for axis in [OutputAxis::Rows, OutputAxis::Columns] {
        if let Some(n) = weights::unit_norms(dtype, rows, cols, data, axis, budget.per_tensor) {
            assert!(n.bytes_read <= budget.per_tensor && n.bytes_read <= data.len() as u64);
            assert!(n.norms.iter().all(|(_, x)| x.is_finite() || x.is_infinite()));
            let _ = weights::norm_outlier(&n.norms);
        }
    }
    let names = ["classifier.weight", "layer.0.weight", "fc1.bias"];
    let (a, b) = data.split_at(data.len() / 2);
    let tensors: Vec<TensorData<'_>> = [a, b, data]
        .iter()
        .enumerate()
        .map(|(i, bytes)| TensorData {
            name: names[i].into(),
            dtype,
            shape: if i == 1 { vec![cols, rows] } else { vec![rows, cols] },
            bytes,
            axes: &[OutputAxis::Rows, OutputAxis::Columns],
            file_offset: 0,
        })
        .collect();
    let view = weights::analyze(&tensors, budget);
    assert!(view.bytes_read <= budget.per_file, "{} > {}", view.bytes_read, budget.per_file);
    for t in &view.stats {
        assert!(t.sampled_bytes <= budget.per_tensor);
    }
    let mut findings = Vec::new();
    sentrascan_detectors::check_weights(&view, &Location::file("model.safetensors"), &mut findings);
    for f in &findings {
        assert!(f.rule.starts_with("WGT") && f.severity <= Severity::Medium, "{}", f.rule);
    }
    for init in onnx::initializers(input) {
        assert!(init.dims.len() <= 16);
        if let Some((s, e)) = init.data {
            assert!(s <= e && e <= input.len() as u64);
        }
    }
});
