//! The expansion behind avx-core's `select!`: its `macro_rules!` front end normalises the
//! branches, this numbers them, declares the output enum and mask, and writes the poll loop.
//!
//! Doing this here rather than in `macro_rules!` keeps the recursion to one step per branch
//! (64 branches stay far from the recursion limit) and lets the refutability check strip
//! `ref`/`mut` from patterns, which a `macro_rules!` matcher cannot look inside.

use crate::tokens::{int, is_ident, template, unwrap_invisible, Error};
use proc_macro::{Delimiter, Group, Span, TokenStream, TokenTree};

/// Input: `$crate <biased: true|false> { ([pat] [future] [condition] [handler])* } [else]?`.
pub fn expand(input: TokenStream) -> TokenStream {
    match try_expand(input) {
        Ok(tokens) => tokens,
        Err(error) => error.to_compile_error(),
    }
}

struct Branch {
    pattern: TokenStream,
    future: TokenStream,
    condition: TokenStream,
    handler: TokenStream,
}

fn try_expand(input: TokenStream) -> Result<TokenStream, Error> {
    let malformed = || Error::new(Span::call_site(), "select_expand!: malformed input (use `select!`)");
    let mut tokens = input.into_iter();
    let krate: TokenStream = tokens.next().ok_or_else(malformed)?.into();
    let biased = match tokens.next() {
        Some(t) if is_ident(&t, "true") => true,
        Some(t) if is_ident(&t, "false") => false,
        _ => return Err(malformed()),
    };
    let Some(TokenTree::Group(list)) = tokens.next() else { return Err(malformed()) };
    let mut parts = list.stream().into_iter();
    let mut branches = Vec::new();
    while let Some(pattern) = parts.next() {
        let mut next = || match parts.next() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => Ok(g.stream()),
            _ => Err(malformed()),
        };
        let TokenTree::Group(pattern) = pattern else { return Err(malformed()) };
        branches.push(Branch { pattern: pattern.stream(), future: next()?, condition: next()?, handler: next()? });
    }
    let span = Span::mixed_site();
    let otherwise = match tokens.next() {
        Some(TokenTree::Group(g)) => g.stream(),
        _ => template("::core::panic!(\"all branches are disabled and there is no else branch\")", span, &[]),
    };
    if branches.is_empty() {
        return Ok(template("{ $otherwise }", span, &[("otherwise", &otherwise)]));
    }
    let mask = match branches.len() {
        0..=8 => "u8",
        9..=16 => "u16",
        17..=32 => "u32",
        33..=64 => "u64",
        n => return Err(Error::new(Span::call_site(), format!("select! supports at most 64 branches, found {n}"))),
    };
    Ok(select(&krate, biased, mask, &branches, &otherwise))
}

fn select(krate: &TokenStream, biased: bool, mask: &str, branches: &[Branch], otherwise: &TokenStream) -> TokenStream {
    let span = Span::mixed_site();
    let count = branches.len();
    let mut params = TokenStream::new();
    let mut variants = TokenStream::new();
    let mut conditions = TokenStream::new();
    let mut inits = TokenStream::new();
    let mut futures = TokenStream::new();
    let mut arms = TokenStream::new();
    let mut handlers = TokenStream::new();
    for (i, branch) in branches.iter().enumerate() {
        let bit = template(&format!("(1{mask} << {i})"), span, &[]);
        let index = int(i);
        let variant = template(&format!("__AvxSelectOutput::V{i}"), span, &[]);
        params.extend(template(&format!("T{i},"), span, &[]));
        variants.extend(template(&format!("V{i}(T{i}),"), span, &[]));
        conditions.extend(template(
            "if !($condition) { __disabled |= $bit; }",
            span,
            &[("condition", &branch.condition), ("bit", &bit)],
        ));
        inits.extend(template("$future,", span, &[("future", &branch.future)]));
        futures.extend(template("::core::future::IntoFuture::into_future(__init.$index),", span, &[("index", &index)]));
        // SAFETY (of the generated `Pin::new_unchecked`): `__all` borrows the futures tuple,
        // a local that the expansion shadows right after creating it, so nothing can move it
        // before it is dropped at the end of the `select!` block; a branch is never polled
        // again once it completed (its bit is set first).
        arms.extend(template(
            "$index => {
                if __disabled & $bit != 0 { continue; }
                let __future = unsafe { ::core::pin::Pin::new_unchecked(&mut __all.$index) };
                #[allow(unreachable_code)]
                let __out = match ::core::future::Future::poll(__future, __cx) {
                    ::core::task::Poll::Ready(out) => out,
                    ::core::task::Poll::Pending => { __pending = true; continue; }
                };
                #[allow(unreachable_code)]
                {
                    __disabled |= $bit;
                    #[allow(unused_variables)]
                    match &__out {
                        $check => {}
                        #[allow(unreachable_patterns)]
                        _ => continue,
                    }
                    return ::core::task::Poll::Ready($variant(__out));
                }
            }",
            span,
            &[
                ("index", &index),
                ("bit", &bit),
                ("check", &without_binding_modes(&branch.pattern)),
                ("variant", &variant),
            ],
        ));
        handlers.extend(template(
            "$variant($pattern) => $handler,",
            span,
            &[("variant", &variant), ("pattern", &branch.pattern), ("handler", &branch.handler)],
        ));
    }
    let start = if biased {
        int(0)
    } else {
        template("$krate::__private::random_below($count)", span, &[("krate", krate), ("count", &int(count))])
    };
    template(
        "{
            enum __AvxSelectOutput<$params> { $variants Disabled }
            let mut __disabled: $mask = 0;
            $conditions
            #[allow(unused_mut)]
            let mut __output = {
                let __init = ($inits);
                let mut __futures = ($futures);
                let __futures = &mut __futures;
                $krate::__private::poll_fn(|__cx| {
                    if $krate::__private::poll_budget(__cx).is_pending() {
                        return ::core::task::Poll::Pending;
                    }
                    let __all = &mut *__futures;
                    let mut __pending = false;
                    let __start: usize = $start;
                    for __offset in 0..$count {
                        #[allow(clippy::modulo_one)]
                        let __branch = (__start + __offset) % $count;
                        match __branch {
                            $arms
                            _ => ::core::unreachable!(),
                        }
                    }
                    if __pending {
                        ::core::task::Poll::Pending
                    } else {
                        ::core::task::Poll::Ready(__AvxSelectOutput::Disabled)
                    }
                }).await
            };
            match __output {
                $handlers
                __AvxSelectOutput::Disabled => $otherwise,
                #[allow(unreachable_patterns)]
                _ => ::core::unreachable!(\"select!: the winning output no longer matches its pattern\"),
            }
        }",
        span,
        &[
            ("params", &params),
            ("variants", &variants),
            ("mask", &template(mask, span, &[])),
            ("conditions", &conditions),
            ("inits", &inits),
            ("futures", &futures),
            ("krate", krate),
            ("start", &start),
            ("count", &int(count)),
            ("arms", &arms),
            ("handlers", &handlers),
            ("otherwise", otherwise),
        ],
    )
}

/// `pattern` without `ref` and `mut`, for testing a match through a shared reference without
/// moving out of it (`Some(mut v)` becomes `Some(v)`, binding a reference nobody uses).
fn without_binding_modes(pattern: &TokenStream) -> TokenStream {
    unwrap_invisible(pattern.clone())
        .into_iter()
        .filter(|t| !is_ident(t, "ref") && !is_ident(t, "mut"))
        .map(|t| match t {
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), without_binding_modes(&g.stream()));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        })
        .collect()
}
