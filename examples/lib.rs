//! avx's examples live beside this file (`echo.rs`, `http_hello.rs`, `spawn_sum.rs`); the
//! package has no library of its own.
