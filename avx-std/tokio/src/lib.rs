//! The `tokio` facade: a crate named `tokio` that is avx-std, so code and crates written for
//! Tokio build on avx unchanged. It holds no behaviour of its own, only the re-export.
//!
//! An application moves its whole dependency graph (its own code, tokio-util, hyper-util,
//! axum, ...) with one entry in its Cargo.toml:
//!
//! ```toml
//! [patch.crates-io]
//! tokio = { path = "path/to/avx/avx-std/tokio" }
//! ```

pub use avx_std::*;
