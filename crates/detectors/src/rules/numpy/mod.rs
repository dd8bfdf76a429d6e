//! `NPY` rules: NumPy `.npy` files.

pub mod npy001_object_array;
pub mod npy002_header_invalid;
pub mod npy003_data_size;

pub use npy001_object_array::finding as object_array;
pub use npy002_header_invalid::finding as header_invalid;
pub use npy003_data_size::check as check_data_size;
