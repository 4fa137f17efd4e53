//! `join!` and `try_join!`: poll every future in one task until all finish (or, for
//! `try_join!`, one fails), each from a different first future per poll unless `biased;`.
//! Both expand through one implementation, `__join!`, which differs only in what a finished
//! future may do (end the join with its error) and how the outputs are returned.

/// Waits for all futures concurrently and returns their outputs as a tuple, in the order
/// written. Must be used inside an async context; the futures (anything `IntoFuture`) run
/// in the calling task, not as separate tasks.
///
/// Each poll starts with the future after the one it started with last time, so one that
/// spends the task's whole cooperative budget cannot starve the others; `biased;` as the
/// first token polls in written order every time.
///
/// ```
/// # async fn demo() {
/// let (a, b) = avx_core::join!(async { 1 }, async { "two" });
/// assert_eq!((a, b), (1, "two"));
/// let (c,) = avx_core::join!(biased; async { 3 });
/// assert_eq!(c, 3);
/// # }
/// ```
#[macro_export]
macro_rules! join {
    (biased; $($e:expr),+ $(,)?) => {
        $crate::__join!(@ { join $crate::__private::Biased; () (0) } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::__join!(@ { join $crate::__private::Rotator; () (0) } $($e,)+)
    };
    (biased;) => { async {}.await };
    () => { async {}.await };
}

/// Like [`join!`] for futures returning `Result<T, E>` (one `E` for all): `Ok` with the tuple
/// of values once every future succeeded, or the first `Err` as soon as one fails (the
/// others are dropped then, unfinished).
///
/// ```
/// # async fn demo() {
/// let ok: Result<(u8, &str), ()> = avx_core::try_join!(async { Ok(1) }, async { Ok("two") });
/// assert_eq!(ok, Ok((1, "two")));
/// let failed = avx_core::try_join!(biased; async { Ok::<u8, &str>(1) }, async { Err::<u8, _>("no") });
/// assert_eq!(failed, Err("no"));
/// # }
/// ```
#[macro_export]
macro_rules! try_join {
    (biased; $($e:expr),+ $(,)?) => {
        $crate::__join!(@ { try_join $crate::__private::Biased; () (0) } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::__join!(@ { try_join $crate::__private::Rotator; () (0) } $($e,)+)
    };
    (biased;) => { async { ::core::result::Result::Ok(()) }.await };
    () => { async { ::core::result::Result::Ok(()) }.await };
}

/// The expansion of `join!` and `try_join!` (`$mode` is one of the two). Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __join {
    (@ { $mode:ident $rotator:path; ($($count:tt)*) ($($total:tt)*) $(($($skip:tt)*) $e:expr,)* }) => {{
        let mut __futures = ( $( $crate::__private::MaybeDone::new($e), )* );
        // Shadowed: the tuple cannot be moved from now on, which the pinning below relies on.
        let __futures = &mut __futures;
        let mut __rotator = <$rotator as ::core::default::Default>::default();
        $crate::__private::poll_fn(move |__cx| {
            let __count: u32 = $($total)*;
            let mut __pending = false;
            let mut __to_run = __count;
            let mut __skip = __rotator.skip(__count);
            // Two passes over the list: the first skips `__skip` futures, the second polls them.
            loop {
                $(
                    if __skip == 0 {
                        if __to_run == 0 {
                            break;
                        }
                        __to_run -= 1;
                        let ( $($skip,)* __future, .. ) = &mut *__futures;
                        // SAFETY: the tuple lives in the caller's frame behind a shadowed
                        // binding and is never moved until it is dropped.
                        let mut __future = unsafe { ::core::pin::Pin::new_unchecked(__future) };
                        if __future.as_mut().poll_done(__cx) {
                            $crate::__join!(@finished $mode __future);
                        } else {
                            __pending = true;
                        }
                    } else {
                        __skip -= 1;
                    }
                )*
            }
            if __pending {
                return ::core::task::Poll::Pending;
            }
            // Unreachable when an output type is uninhabited; that is no reason to warn.
            #[allow(unreachable_code)]
            {
                $crate::__join!(@outputs $mode $({
                    let ( $($skip,)* __future, .. ) = &mut *__futures;
                    // SAFETY: as above, the tuple is never moved.
                    unsafe { ::core::pin::Pin::new_unchecked(__future) }
                },)*)
            }
        }).await
    }};
    (@finished join $future:ident) => {};
    (@finished try_join $future:ident) => {
        if let ::core::option::Option::Some(__error) = $future.take_err() {
            return ::core::task::Poll::Ready(::core::result::Result::Err(__error));
        }
    };
    (@outputs join $($future:expr,)*) => {
        ::core::task::Poll::Ready(( $( $future.take_done(), )* ))
    };
    (@outputs try_join $($future:expr,)*) => {
        ::core::task::Poll::Ready(::core::result::Result::Ok(( $( $future.take_ok(), )* )))
    };
    // Give each future the list of `_` that skips the tuple elements before it.
    (@ { $mode:ident $rotator:path; ($($count:tt)*) ($($total:tt)*) $($done:tt)* } $e:expr, $($rest:tt)*) => {
        $crate::__join!(@ { $mode $rotator; ($($count)* _) ($($total)* + 1) $($done)* ($($count)*) $e, } $($rest)*)
    };
}
