//! The pickle machine records where a PyTorch checkpoint's tensors are:
//! `_rebuild_tensor_v2` arguments and the state-dict keys they are stored under.

use sentrascan_formats::pickle::{Literal, analyze};
use sentrascan_formats::{Limits, zip};

fn data_pkl(rel: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel);
    let bytes = std::fs::read(path).expect("fixture");
    let limits = Limits::default();
    let view = zip::parse(&bytes, &limits).expect("zip");
    let entry = view
        .entries
        .iter()
        .find(|e| e.name.ends_with("data.pkl"))
        .expect("data.pkl");
    zip::member_data(&bytes, entry, &limits)
        .expect("member")
        .into_owned()
}

#[test]
fn state_dict_tensors_are_recorded_with_their_names() {
    let view = analyze(&data_pkl("weights/benign_mlp.pt"), &Limits::default());
    type Record<'a> = (Option<&'a str>, &'a [i64], &'a [i64], i64);
    let got: Vec<Record<'_>> = view
        .tensors
        .iter()
        .map(|t| {
            (
                t.name.as_deref(),
                &t.size[..],
                &t.stride[..],
                t.storage_offset,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Some("fc1.weight"), &[24, 16][..], &[16, 1][..], 0),
            (Some("fc1.bias"), &[24][..], &[1][..], 0),
            (Some("classifier.weight"), &[10, 24][..], &[24, 1][..], 0),
            (Some("classifier.bias"), &[10][..], &[1][..], 0),
        ]
    );
    let Literal::Tuple(id) = &view.tensors[2].storage else {
        panic!("{:?}", view.tensors[2].storage)
    };
    assert_eq!(id[1], Literal::Global("torch.FloatStorage".into()));
    assert_eq!(id[2], Literal::Str("2".into()));
}

#[test]
fn full_module_parameters_are_recorded() {
    // `torch.save(nn.Sequential(...))`: tensors wrapped in `_rebuild_parameter`.
    let view = analyze(
        &data_pkl("benign/torch_zip_full_module_sequential.pt"),
        &Limits::default(),
    );
    assert!(!view.tensors.is_empty());
    assert!(view.tensors.iter().all(|t| t.size.len() == t.stride.len()));
}
