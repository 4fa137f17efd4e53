//! `select!`: a `macro_rules!` front end that normalises the branches (one recursion step
//! each), handing them to `avx_macros::select_expand!` for the expansion.

/// Waits on several branches at once and runs the handler of the first one to complete;
/// the other futures are dropped before the handler runs. Must be used inside an async
/// context. Tokio's syntax and semantics:
///
/// ```text
/// <pattern> = <future> [, if <condition>] => <handler>[,]
/// ...
/// else => <expression>
/// ```
///
/// - Every `<condition>` is evaluated first; a false one disables its branch (its future is
///   still created but never polled).
/// - Then the futures (anything `IntoFuture`) are created, and polled from a random
///   branch each time for fairness; `biased;` as the first line polls in written order.
/// - When a future completes with an output that does not match its pattern, that branch is
///   disabled and the others keep going.
/// - When every branch is disabled, `else` runs; without an `else`, that panics.
/// - Handlers run outside the poll loop: `break`, `continue`, `return` and `?` in them act
///   on the code around `select!`.
/// - A task whose cooperative budget is spent gets `Pending` even if a branch is ready.
///
/// Up to 64 branches.
///
/// ```
/// # async fn demo() {
/// let n = avx_core::select! {
///     biased;
///     Some(x) = async { None::<u32> } => x,
///     y = async { 7 } => { y + 1 }
///     else => 0,
/// };
/// assert_eq!(n, 8);
/// # }
/// ```
///
/// An unknown form is a compile error:
///
/// ```compile_fail
/// # async fn demo() {
/// avx_core::select! { async { 1 } };
/// # }
/// ```
#[macro_export]
macro_rules! select {
    // Normalised branches accumulate as `[pattern] [future] [condition] [handler]`.
    (@ $biased:tt [$($done:tt)*]) => {
        $crate::__private::select_expand! { $crate $biased { $($done)* } }
    };
    (@ $biased:tt [$($done:tt)*] else => $otherwise:expr $(,)?) => {
        $crate::__private::select_expand! { $crate $biased { $($done)* } [$otherwise] }
    };
    (@ $biased:tt [$($done:tt)*] $p:pat = $f:expr, if $c:expr => $h:block, $($rest:tt)*) => {
        $crate::select!(@ $biased [$($done)* [$p] [$f] [$c] [$h]] $($rest)*)
    };
    (@ $biased:tt [$($done:tt)*] $p:pat = $f:expr => $h:block, $($rest:tt)*) => {
        $crate::select!(@ $biased [$($done)* [$p] [$f] [true] [$h]] $($rest)*)
    };
    (@ $biased:tt [$($done:tt)*] $p:pat = $f:expr, if $c:expr => $h:block $($rest:tt)*) => {
        $crate::select!(@ $biased [$($done)* [$p] [$f] [$c] [$h]] $($rest)*)
    };
    (@ $biased:tt [$($done:tt)*] $p:pat = $f:expr => $h:block $($rest:tt)*) => {
        $crate::select!(@ $biased [$($done)* [$p] [$f] [true] [$h]] $($rest)*)
    };
    (@ $biased:tt [$($done:tt)*] $p:pat = $f:expr, if $c:expr => $h:expr $(, $($rest:tt)*)?) => {
        $crate::select!(@ $biased [$($done)* [$p] [$f] [$c] [$h]] $($($rest)*)?)
    };
    (@ $biased:tt [$($done:tt)*] $p:pat = $f:expr => $h:expr $(, $($rest:tt)*)?) => {
        $crate::select!(@ $biased [$($done)* [$p] [$f] [true] [$h]] $($($rest)*)?)
    };
    (@ $biased:tt [$($done:tt)*] $($unexpected:tt)+) => {
        ::core::compile_error!(::core::concat!(
            "select!: expected `<pattern> = <future> [, if <condition>] => <handler>` or `else => <handler>`, found `",
            ::core::stringify!($($unexpected)+),
            "`"
        ))
    };
    () => {
        ::core::compile_error!("select! requires at least one branch.")
    };
    (biased; $($branches:tt)*) => {
        $crate::select!(@ true [] $($branches)*)
    };
    ($($branches:tt)*) => {
        $crate::select!(@ false [] $($branches)*)
    };
}
