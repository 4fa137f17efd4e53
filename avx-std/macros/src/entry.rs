//! `#[main]` and `#[test]`: turn an `async fn` into a plain fn that builds an avx runtime
//! with avx's `Builder` (Tokio's knobs) and blocks on the body.

use crate::args::{self, Config, Flavor, Kind};
use crate::manifest;
use crate::tokens::{is_ident, is_punct, template, Error};
use proc_macro::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};

/// Expands the attribute. A bad item comes back unchanged plus the error; bad arguments
/// give the expansion with default arguments plus the error, so that the error is the only
/// one reported (no "`main` cannot be async" after it).
pub fn expand(args: TokenStream, item: TokenStream, kind: Kind) -> TokenStream {
    let item_fn = match ItemFn::parse(item.clone()).and_then(|f| check_item(f, kind)) {
        Ok(item_fn) => item_fn,
        Err(error) => return with_error(item, &error),
    };
    let found = manifest::crate_name(std::env::var_os("CARGO_MANIFEST_DIR").as_deref().map(std::path::Path::new));
    let (config, error) = match args::parse(args, kind, &found) {
        Ok(config) => (config, None),
        Err(error) => (Config::default_for(kind), Some(error)),
    };
    let krate = config.crate_path.clone().unwrap_or_else(|| path_of(&found));
    let expanded = item_fn.into_tokens(kind, runtime_expr(&config, &krate));
    match error {
        Some(error) => with_error(expanded, &error),
        None => expanded,
    }
}

fn with_error(mut tokens: TokenStream, error: &Error) -> TokenStream {
    tokens.extend(error.to_compile_error());
    tokens
}

/// The item-level rules: `async`, no arguments to `main`, a single test attribute.
fn check_item(item: ItemFn, kind: Kind) -> Result<ItemFn, Error> {
    if kind == Kind::Main && item.name.to_string() == "main" && !item.params_empty {
        return Err(Error::new(item.name.span(), "the main function cannot accept arguments"));
    }
    if item.async_span.is_none() {
        return Err(Error::new(item.fn_span, "the `async` keyword is missing from the function declaration"));
    }
    if kind == Kind::Test {
        if let Some(span) = item.attrs.iter().find_map(|attr| is_test_attribute(attr)) {
            return Err(Error::new(
                span,
                "second test attribute is supplied, consider removing or changing the order of your test attributes",
            ));
        }
    }
    Ok(item)
}

/// `::name`, resolved at the call site like a path the user wrote.
fn path_of(name: &str) -> TokenStream {
    template(&format!("::{name}"), Span::call_site(), &[])
}

/// `<krate>::runtime::Builder::new_..()..build()`, unwrapped: the runtime the body runs on.
fn runtime_expr(config: &Config, krate: &TokenStream) -> TokenStream {
    let span = Span::mixed_site();
    let constructor = match config.flavor {
        Flavor::MultiThread => "new_multi_thread",
        Flavor::CurrentThread | Flavor::Local => "new_current_thread",
    };
    let mut knobs = String::new();
    if let Some(n) = config.worker_threads {
        knobs.push_str(&format!(".worker_threads({n})"));
    }
    if let Some(paused) = config.start_paused {
        knobs.push_str(&format!(".start_paused({paused})"));
    }
    let mut name = TokenStream::new();
    if let Some(literal) = &config.name {
        name = template(".name($name)", span, &[("name", &TokenTree::Literal(literal.clone()).into())]);
    }
    let mut unhandled = TokenStream::new();
    if let Some(behaviour) = config.unhandled_panic {
        let source = format!(".unhandled_panic($krate::runtime::UnhandledPanic::{behaviour})");
        unhandled = template(&source, span, &[("krate", krate)]);
    }
    let build =
        if config.flavor == Flavor::Local { "build_local(::core::default::Default::default())" } else { "build()" };
    let source = format!(
        "$krate::runtime::Builder::{constructor}(){knobs} $name $unhandled .enable_all().{build}\
         .expect(\"Failed building the Runtime\")"
    );
    template(&source, span, &[("krate", krate), ("name", &name), ("unhandled", &unhandled)])
}

/// Whether `attr` (`#[...]`) is a test attribute: `test`, or `core`/`std`'s prelude `test`.
fn is_test_attribute(attr: &[TokenTree]) -> Option<Span> {
    let Some(TokenTree::Group(group)) = attr.last() else { return None };
    let path: Vec<String> = group
        .stream()
        .into_iter()
        .take_while(|t| !matches!(t, TokenTree::Group(_)) && !is_punct(t, '='))
        .filter(|t| !is_punct(t, ':'))
        .map(|t| t.to_string())
        .collect();
    let is_test = match path.as_slice() {
        [test] => test == "test",
        [root, prelude, _, test] => (root == "core" || root == "std") && prelude == "prelude" && test == "test",
        _ => false,
    };
    is_test.then(|| group.span())
}

/// An `async fn` item, split into the parts the expansion rearranges.
struct ItemFn {
    /// Outer attributes, each `#` plus its `[..]`.
    attrs: Vec<Vec<TokenTree>>,
    /// Visibility and qualifiers before `fn`, without `async`.
    qualifiers: Vec<TokenTree>,
    /// Where `async` was written; `None` if missing (an error).
    async_span: Option<Span>,
    fn_span: Span,
    name: Ident,
    /// Generics, parameters, return type and where-clause: everything up to the body.
    signature: Vec<TokenTree>,
    params_empty: bool,
    /// The return type's tokens (`()` if none written).
    output: Vec<TokenTree>,
    body: Group,
}

impl ItemFn {
    fn parse(item: TokenStream) -> Result<ItemFn, Error> {
        let tokens: Vec<TokenTree> = item.into_iter().collect();
        let not_fn = |span| Error::new(span, "expected an `async fn` item");
        let mut at = 0;
        let mut attrs = Vec::new();
        while at + 1 < tokens.len() && is_punct(&tokens[at], '#') {
            match &tokens[at + 1] {
                TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
                    attrs.push(tokens[at..at + 2].to_vec());
                    at += 2;
                }
                other => return Err(not_fn(other.span())),
            }
        }
        let mut qualifiers = Vec::new();
        let mut async_span = None;
        let fn_span = loop {
            let Some(token) = tokens.get(at) else { return Err(not_fn(Span::call_site())) };
            at += 1;
            if is_ident(token, "fn") {
                break token.span();
            } else if is_ident(token, "async") {
                async_span = Some(token.span());
            } else {
                qualifiers.push(token.clone());
            }
        };
        let Some(TokenTree::Ident(name)) = tokens.get(at).cloned() else {
            return Err(not_fn(fn_span));
        };
        at += 1;
        let Some((TokenTree::Group(body), signature)) = tokens[at..].split_last() else {
            return Err(not_fn(name.span()));
        };
        if body.delimiter() != Delimiter::Brace {
            return Err(not_fn(body.span()));
        }
        let signature = signature.to_vec();
        let (params_empty, output) = split_signature(&signature);
        Ok(ItemFn { attrs, qualifiers, async_span, fn_span, name, signature, params_empty, output, body: body.clone() })
    }

    /// The plain fn: `let body = async { .. };`, the output type checked against the
    /// signature, then the runtime blocks on the body.
    fn into_tokens(self, kind: Kind, runtime: TokenStream) -> TokenStream {
        let span = Span::mixed_site();
        let mut out: Vec<TokenTree> = Vec::new();
        if kind == Kind::Test {
            out.extend(template("#[::core::prelude::v1::test]", span, &[]));
        }
        self.attrs.into_iter().for_each(|attr| out.extend(attr));
        out.extend(self.qualifiers);
        out.push(TokenTree::Ident(Ident::new("fn", self.fn_span)));
        out.push(TokenTree::Ident(self.name));
        out.extend(self.signature);

        let output: TokenStream = self.output.iter().cloned().collect();
        // `!` and `impl Trait` cannot be named as a future's `Output`: skip the check there.
        let nameable = !(matches!(self.output.as_slice(), [t] if is_punct(t, '!'))
            || self.output.iter().any(|t| is_ident(t, "impl")));
        let body: TokenStream = TokenTree::Group(self.body.clone()).into();
        // Spans of the type check point at the body, where a mismatch is the user's to fix.
        let check_span = Span::mixed_site().located_at(self.body.span());
        let typed = match (kind, nameable) {
            // One `block_on` instantiation for every test of a crate: the body as a trait object.
            (Kind::Test, true) => template(
                "let body = ::core::pin::pin!(body);
                 let body: ::core::pin::Pin<&mut dyn ::core::future::Future<Output = $output>> = body;",
                check_span,
                &[("output", &output)],
            ),
            (Kind::Main, true) => template(
                "if false { let _: &dyn ::core::future::Future<Output = $output> = &body; }",
                check_span,
                &[("output", &output)],
            ),
            (_, false) => TokenStream::new(),
        };
        let inner = template(
            "let body = async $body;
             $typed
             #[allow(clippy::expect_used, clippy::diverging_sub_expression, clippy::needless_return)]
             {
                 return $runtime.block_on(body);
             }",
            span,
            &[("body", &body), ("typed", &typed), ("runtime", &runtime)],
        );
        let mut block = Group::new(Delimiter::Brace, inner);
        block.set_span(self.body.span());
        out.push(TokenTree::Group(block));
        out.into_iter().collect()
    }
}

/// Whether the parameter list is empty, and the return type (`()` when not written).
fn split_signature(signature: &[TokenTree]) -> (bool, Vec<TokenTree>) {
    let mut angle_depth = 0usize;
    let mut params = None;
    let mut output = None;
    let mut i = 0;
    while i < signature.len() {
        let token = &signature[i];
        let arrow = is_punct(token, '-') && signature.get(i + 1).is_some_and(|t| is_punct(t, '>'));
        if arrow && params.is_some() && angle_depth == 0 {
            let rest = &signature[i + 2..];
            let end = rest.iter().position(|t| is_ident(t, "where")).unwrap_or(rest.len());
            output = Some(rest[..end].to_vec());
            break;
        } else if arrow {
            i += 1; // the `>` of `->` inside generics closes nothing
        } else if is_punct(token, '<') {
            angle_depth += 1;
        } else if is_punct(token, '>') {
            angle_depth = angle_depth.saturating_sub(1);
        } else if let TokenTree::Group(g) = token {
            if angle_depth == 0 && params.is_none() && g.delimiter() == Delimiter::Parenthesis {
                params = Some(g.stream().is_empty());
            }
        }
        i += 1;
    }
    let unit = || template("()", Span::mixed_site(), &[]).into_iter().collect();
    (params.unwrap_or(true), output.unwrap_or_else(unit))
}
