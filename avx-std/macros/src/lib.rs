//! avx-macros: avx's procedural macros, written against `proc_macro` alone: the `#[main]` and
//! `#[test]` attributes avx-std re-exports, and the expansion behind avx-core's `select!`.
//!
//! Use them through `avx_std` (or the `tokio` facade): `#[avx_std::main]`, `#[avx_std::test]`.

mod args;
mod entry;
mod manifest;
mod select;
mod tokens;

use proc_macro::TokenStream;

/// Runs an `async fn` on an avx runtime: the function becomes a plain one that builds a
/// runtime with `Builder` and blocks on the body. Tokio's arguments, same defaults:
///
/// - `flavor = "multi_thread"` (default), `"current_thread"` or `"local"`;
/// - `worker_threads = N` (multi-thread only);
/// - `start_paused = true` (current-thread only; the clock starts paused);
/// - `name = "..."`, the runtime's name;
/// - `crate = "path"`: where avx-std is, when it cannot be found by its name (see below).
///
/// Without `crate`, the path is read from the invoking package's Cargo.toml: the key it
/// gives avx-std (`avx-std`, or a renamed `rt = { package = "avx-std" }`), else `::tokio` (the
/// facade crate that re-exports avx-std).
///
/// ```
/// #[avx_std::main(worker_threads = 2)]
/// async fn main() {
///     let answer = avx_std::spawn(async { 6 * 7 }).await.unwrap();
///     assert_eq!(answer, 42);
/// }
/// ```
///
/// Bad arguments are compile errors with Tokio's messages, e.g. options of the other flavour
/// or a function that takes arguments:
///
/// ```compile_fail
/// #[avx_std::main(flavor = "multi_thread", start_paused = true)]
/// async fn main() {}
/// ```
///
/// ```compile_fail
/// #[avx_std::main]
/// async fn main(argument: u8) {}
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args, item, args::Kind::Main)
}

/// Like [`macro@main`] for a `#[test]`: the test's `async fn` runs on a fresh runtime, by
/// default a current-thread one (`flavor = "multi_thread"` for worker threads). Other
/// attributes (`#[should_panic]`, `#[ignore]`) are kept; the function may return a
/// `Result`.
///
/// ```
/// #[avx_std::test(start_paused = true)]
/// async fn sleeps_without_waiting() {
///     avx_std::time::sleep(std::time::Duration::from_secs(60)).await;
/// }
/// # fn main() {}
/// ```
///
/// # Errors
///
/// Rejected at compile time, each with a message saying what to write instead: a function
/// that is not `async`; a second test attribute; an unknown or repeated argument; a flavour
/// option on the wrong flavour; values of the wrong kind.
///
/// ```compile_fail
/// #[avx_std::test]
/// fn not_async() {}
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// #[avx_std::test]
/// #[test]
/// async fn twice() {}
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// #[avx_std::test(threads = 2)]
/// async fn unknown_argument() {}
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// #[avx_std::test(worker_threads = 2)] // the default test flavour is current_thread
/// async fn worker_threads_on_current_thread() {}
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// #[avx_std::test(flavor = "single_thread")]
/// async fn renamed_flavor() {}
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// #[avx_std::test(flavor = "multi_thread", worker_threads = 0)]
/// async fn zero_workers() {}
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// #[avx_std::test(start_paused = "yes")]
/// async fn not_a_bool() {}
/// # fn main() {}
/// ```
///
/// ```compile_fail
/// #[avx_std::test(crate = "not a path")]
/// async fn bad_crate_path() {}
/// # fn main() {}
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args, item, args::Kind::Test)
}

/// The expansion of avx-core's `select!` once its branches are normalised. Not public API:
/// call `select!`.
#[doc(hidden)]
#[proc_macro]
pub fn select_expand(input: TokenStream) -> TokenStream {
    select::expand(input)
}
