//! `select!`, `join!`, `try_join!` and `pin!` with Tokio's syntax and semantics, usable
//! without std, plus the hidden helpers their expansions call (`__private`).

mod join;
mod select;
pub mod support;

/// Pins values on the stack, shadowing each named variable with a `Pin<&mut _>` to it.
///
/// ```
/// # async fn demo() {
/// let future = async { 1 };
/// avx_core::pin!(future);
/// assert_eq!(future.as_mut().await, 1);
///
/// avx_core::pin! {
///     let a = async { 2 };
///     let b = async { 3 };
/// }
/// assert_eq!(a.await + b.await, 5);
/// # }
/// ```
#[macro_export]
macro_rules! pin {
    ($($name:ident),* $(,)?) => {
        $( let mut $name = ::core::pin::pin!($name); )*
    };
    ($(let $name:ident = $init:expr;)*) => {
        $( let mut $name = ::core::pin::pin!($init); )*
    };
}
