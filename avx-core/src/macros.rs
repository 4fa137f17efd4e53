//! `join!`, `select!` and `pin!`: macro_rules versions usable without std, plus the hidden
//! helpers they expand to (`__private`).

/// Pins values on the stack, shadowing each named variable with a `Pin<&mut _>` to it.
///
/// ```
/// # async fn demo() {
/// let future = async { 1 };
/// avx_core::pin!(future);
/// assert_eq!(future.as_mut().await, 1);
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

/// Waits for all futures concurrently and returns their outputs as a tuple, in the order
/// written. Must be used inside an async context.
///
/// ```
/// # async fn demo() {
/// let (a, b) = avx_core::join!(async { 1 }, async { "two" });
/// assert_eq!((a, b), (1, "two"));
/// # }
/// ```
#[macro_export]
macro_rules! join {
    // Give each future the list of `_` that skips the tuple elements before it.
    (@{ ($($count:tt)*) $(($($skip:tt)*) $e:expr,)* } $head:expr, $($tail:expr,)*) => {
        $crate::join!(@{ ($($count)* _) $(($($skip)*) $e,)* ($($count)*) $head, } $($tail,)*)
    };
    (@{ ($($count:tt)*) $(($($skip:tt)*) $e:expr,)* }) => {{
        let mut futures = ( $( ::core::pin::pin!($crate::__private::MaybeDone::new($e)), )* );
        $crate::__private::poll_fn(|cx| {
            let mut all_done = true;
            $(
                let ( $($skip,)* future, .. ) = &mut futures;
                all_done &= future.as_mut().poll_done(cx);
            )*
            if !all_done {
                return ::core::task::Poll::Pending;
            }
            ::core::task::Poll::Ready(( $({
                let ( $($skip,)* future, .. ) = &mut futures;
                future.as_mut().take_done()
            },)* ))
        }).await
    }};
    () => { async {}.await };
    ($($e:expr),+ $(,)?) => {
        $crate::join!(@{ () } $($e,)+)
    };
}

/// Waits on several futures and runs the handler of the first one to complete; the others
/// are dropped first. Must be used inside an async context.
///
/// Branches are `pattern = future => handler,` or `pattern = future, if condition => handler,`
/// (a false condition disables the branch: its future is created but never polled). If a
/// branch's output does not match its pattern, that branch is disabled and the rest keep
/// going; an `else => handler` branch runs when every branch is disabled (without one, that
/// case panics). Branches are polled from a
/// random start each time for fairness; write `biased;` first to poll in written order.
///
/// ```
/// # async fn demo() {
/// let n = avx_core::select! {
///     biased;
///     Some(x) = async { None::<u32> } => x,
///     y = async { 7 } => y + 1,
/// };
/// assert_eq!(n, 8);
/// # }
/// ```
#[macro_export]
macro_rules! select {
    (biased; $($rest:tt)*) => {
        $crate::select!(@parse true; () ; $($rest)*)
    };
    (@parse $biased:expr; ($($done:tt)*); else => $otherwise:expr $(,)?) => {
        $crate::select!(@expand $biased; ($($done)*); { $otherwise })
    };
    (@parse $biased:expr; ($($done:tt)*); $pat:pat = $fut:expr, if $cond:expr => $handler:block $(,)? $($rest:tt)*) => {
        $crate::select!(@parse $biased; ($($done)* [$pat] [$fut] [$cond] [$handler]); $($rest)*)
    };
    (@parse $biased:expr; ($($done:tt)*); $pat:pat = $fut:expr, if $cond:expr => $handler:expr, $($rest:tt)*) => {
        $crate::select!(@parse $biased; ($($done)* [$pat] [$fut] [$cond] [$handler]); $($rest)*)
    };
    (@parse $biased:expr; ($($done:tt)*); $pat:pat = $fut:expr, if $cond:expr => $handler:expr) => {
        $crate::select!(@parse $biased; ($($done)* [$pat] [$fut] [$cond] [$handler]);)
    };
    (@parse $biased:expr; ($($done:tt)*); $pat:pat = $fut:expr => $handler:block $(,)? $($rest:tt)*) => {
        $crate::select!(@parse $biased; ($($done)* [$pat] [$fut] [true] [$handler]); $($rest)*)
    };
    (@parse $biased:expr; ($($done:tt)*); $pat:pat = $fut:expr => $handler:expr, $($rest:tt)*) => {
        $crate::select!(@parse $biased; ($($done)* [$pat] [$fut] [true] [$handler]); $($rest)*)
    };
    (@parse $biased:expr; ($($done:tt)*); $pat:pat = $fut:expr => $handler:expr) => {
        $crate::select!(@parse $biased; ($($done)* [$pat] [$fut] [true] [$handler]);)
    };
    (@parse $biased:expr; ($($done:tt)*);) => {
        $crate::select!(@expand $biased; ($($done)*); {
            ::core::panic!("select!: all branches are disabled and there is no else branch")
        })
    };
    // Number the branches: each gets the `_` list that skips the branches before it.
    (@expand $biased:expr; ($([$pat:pat] [$fut:expr] [$cond:expr] [$handler:expr])*); $otherwise:block) => {
        $crate::select!(@number $biased; $otherwise; (); $([$pat] [$fut] [$cond] [$handler])*;)
    };
    (@number $biased:expr; $otherwise:block; ($($count:tt)*);
        [$pat:pat] [$fut:expr] [$cond:expr] [$handler:expr] $($rest:tt)*) => {
        $crate::select!(@number $biased; $otherwise; ($($count)* _); $($rest)* ($($count)*) [$pat] [$fut] [$cond] [$handler])
    };
    (@number $biased:expr; $otherwise:block; ($($count:tt)*); ; $(($($skip:tt)*) [$pat:pat] [$fut:expr] [$cond:expr] [$handler:expr])*) => {{
        const BRANCHES: usize = $crate::__private::count(&[$(stringify!($fut)),*]);
        const _: () = ::core::assert!(BRANCHES <= 64, "select! supports at most 64 branches");
        let mut outputs = ( $({ let _ = stringify!($fut); ::core::option::Option::None },)* );
        let winner: ::core::option::Option<usize> = {
            // Preconditions first: a branch whose condition is false is never polled.
            let mut disabled: u64 = 0;
            $(
                if !$cond {
                    disabled |= 1u64 << $crate::__private::count(&[$(stringify!($skip)),*]);
                }
            )*
            let mut futures = ( $( ::core::pin::pin!($crate::__private::MaybeDone::new($fut)), )* );
            let start = if $biased { 0 } else { $crate::__private::random_below(BRANCHES) };
            let winner = $crate::__private::poll_fn(|cx| {
                for offset in 0..BRANCHES {
                    let index = $crate::__private::rotate(start, offset, BRANCHES);
                    if disabled & (1u64 << index) != 0 {
                        continue;
                    }
                    $(
                        if index == $crate::__private::count(&[$(stringify!($skip)),*]) {
                            let ( $($skip,)* future, .. ) = &mut futures;
                            if future.as_mut().poll_done(cx) {
                                let ( $($skip,)* output, .. ) = &mut outputs;
                                *output = future.as_mut().take_output();
                                #[allow(unused_variables)]
                                let matched = ::core::matches!(output, ::core::option::Option::Some($pat));
                                if matched {
                                    return ::core::task::Poll::Ready(::core::option::Option::Some(index));
                                }
                                disabled |= 1u64 << index;
                            }
                        }
                    )*
                }
                if disabled.count_ones() as usize == BRANCHES {
                    ::core::task::Poll::Ready(::core::option::Option::None)
                } else {
                    ::core::task::Poll::Pending
                }
            }).await;
            winner
        };
        $(
            if winner == ::core::option::Option::Some($crate::__private::count(&[$(stringify!($skip)),*])) {
                let ( $($skip,)* output, .. ) = &mut outputs;
                match output.take() {
                    ::core::option::Option::Some($pat) => $handler,
                    _ => ::core::unreachable!("select!: the winning output matched its pattern"),
                }
            } else
        )* $otherwise
    }};
    ($($rest:tt)*) => {
        $crate::select!(@parse false; () ; $($rest)*)
    };
}

/// Helpers the macros expand to. Not public API.
#[doc(hidden)]
pub mod __private {
    use core::future::Future;
    use core::pin::Pin;
    use core::sync::atomic::{AtomicU32, Ordering};
    use core::task::{Context, Poll};

    pub use core::future::poll_fn;

    /// A joined future, then its output, then nothing once the output was taken.
    pub enum MaybeDone<F: Future> {
        /// Still running.
        Future(F),
        /// Finished; output not yet taken.
        Done(F::Output),
        /// Output taken.
        Gone,
    }

    impl<F: Future> MaybeDone<F> {
        /// Wraps `future`.
        pub fn new(future: impl core::future::IntoFuture<IntoFuture = F>) -> Self {
            MaybeDone::Future(future.into_future())
        }

        /// Polls the future if still running; whether the output is (or was) produced.
        pub fn poll_done(self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
            // SAFETY: the inner future is never moved: it is only polled in place, and
            // replaced (dropped in place) once finished, as `Pin::set` does.
            let this = unsafe { self.get_unchecked_mut() };
            if let MaybeDone::Future(future) = this {
                // SAFETY: `future` lives inside the pinned `MaybeDone` and is never moved.
                match unsafe { Pin::new_unchecked(future) }.poll(cx) {
                    Poll::Ready(output) => *this = MaybeDone::Done(output),
                    Poll::Pending => return false,
                }
            }
            true
        }

        /// Takes the output if the future finished and it was not taken yet.
        pub fn take_output(self: Pin<&mut Self>) -> Option<F::Output> {
            // SAFETY: only a finished state is replaced; the output is not structurally
            // pinned, so moving it out is fine.
            let this = unsafe { self.get_unchecked_mut() };
            match this {
                MaybeDone::Done(_) => match core::mem::replace(this, MaybeDone::Gone) {
                    MaybeDone::Done(output) => Some(output),
                    _ => None,
                },
                _ => None,
            }
        }

        /// Takes the output of a finished future. Panics if polled again after completion.
        pub fn take_done(self: Pin<&mut Self>) -> F::Output {
            match self.take_output() {
                Some(output) => output,
                None => panic!("join! polled after completion"),
            }
        }
    }

    /// The number of items (a const way to count macro repetitions).
    pub const fn count(items: &[&str]) -> usize {
        items.len()
    }

    /// The branch polled `offset` places after `start`, wrapping around `branches`.
    pub const fn rotate(start: usize, offset: usize, branches: usize) -> usize {
        (start + offset) % branches
    }

    /// A cheap pseudo-random number in `0..n` for select!'s start branch: xorshift of a
    /// global counter, no std needed.
    pub fn random_below(n: usize) -> usize {
        static SEED: AtomicU32 = AtomicU32::new(0x2545_F491);
        let mut x = SEED.fetch_add(0x9E37_79B9, Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        (x as usize) % n.max(1)
    }
}
