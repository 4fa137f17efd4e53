//! Test crate for avx's macros under a renamed dependency: avx-std is known here only as
//! `rt`, and tests/renamed.rs uses `#[rt::main]`, `#[rt::test]` and `rt::select!` with it.
