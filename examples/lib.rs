//! avx's examples live beside this file (`echo.rs`, `http_hello.rs`, `mini_redis.rs`,
//! `spawn_sum.rs`); the package has no library of its own.
