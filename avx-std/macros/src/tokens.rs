//! Token plumbing for macros written against `proc_macro` alone: code templates with
//! `$name` holes filled by token streams, hygienic spans, and `compile_error!` at a span.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// A macro input error, reported as `compile_error!` at `span`.
pub struct Error {
    pub span: Span,
    pub message: String,
}

impl Error {
    pub fn new(span: Span, message: impl Into<String>) -> Error {
        Error { span, message: message.into() }
    }

    /// `::core::compile_error!("message");` with every token at the error's span, so the
    /// compiler underlines the offending input.
    pub fn to_compile_error(&self) -> TokenStream {
        let span = self.span;
        let mut message = Literal::string(&self.message);
        message.set_span(span);
        let mut args = Group::new(Delimiter::Parenthesis, TokenTree::Literal(message).into());
        args.set_span(span);
        let mut tokens = Vec::new();
        for name in ["core", "compile_error"] {
            tokens.push(punct(':', Spacing::Joint, span));
            tokens.push(punct(':', Spacing::Alone, span));
            tokens.push(TokenTree::Ident(Ident::new(name, span)));
        }
        tokens.push(punct('!', Spacing::Alone, span));
        tokens.push(TokenTree::Group(args));
        tokens.push(punct(';', Spacing::Alone, span));
        tokens.into_iter().collect()
    }
}

fn punct(ch: char, spacing: Spacing, span: Span) -> TokenTree {
    let mut punct = Punct::new(ch, spacing);
    punct.set_span(span);
    TokenTree::Punct(punct)
}

/// Expands a code template: `source` is parsed as Rust tokens, each `$name` is replaced by
/// the stream bound to `name`, and every other token gets `span`. Templates are macro-internal
/// text, so a parse error or an unbound name is a bug in this crate (it panics).
pub fn template(source: &str, span: Span, holes: &[(&str, &TokenStream)]) -> TokenStream {
    let parsed: TokenStream = source.parse().unwrap_or_else(|e| panic!("bad template {source:?}: {e}"));
    fill(parsed, span, holes)
}

fn fill(tokens: TokenStream, span: Span, holes: &[(&str, &TokenStream)]) -> TokenStream {
    let mut out = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Punct(p) if p.as_char() == '$' => {
                let Some(TokenTree::Ident(name)) = tokens.next() else {
                    panic!("`$` in a template must be followed by a hole name");
                };
                let name = name.to_string();
                let stream = holes
                    .iter()
                    .find(|(hole, _)| *hole == name)
                    .unwrap_or_else(|| panic!("template hole `${name}` is not bound"))
                    .1;
                out.extend(stream.clone());
            }
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), fill(g.stream(), span, holes));
                group.set_span(span);
                out.push(TokenTree::Group(group));
            }
            mut other => {
                other.set_span(span);
                out.push(other);
            }
        }
    }
    out.into_iter().collect()
}

/// The tokens of `stream`, looking through the invisible groups a `macro_rules!` fragment
/// (`$p:pat`, `$e:expr`) arrives in.
pub fn unwrap_invisible(stream: TokenStream) -> TokenStream {
    let mut tokens = stream.clone().into_iter();
    match (tokens.next(), tokens.next()) {
        (Some(TokenTree::Group(g)), None) if g.delimiter() == Delimiter::None => unwrap_invisible(g.stream()),
        _ => stream,
    }
}

/// Whether `token` is the identifier `word`.
pub fn is_ident(token: &TokenTree, word: &str) -> bool {
    matches!(token, TokenTree::Ident(ident) if ident.to_string() == word)
}

/// Whether `token` is the punctuation `ch`.
pub fn is_punct(token: &TokenTree, ch: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == ch)
}

/// An integer literal token without a suffix (`3`, not `3usize`).
pub fn int(value: usize) -> TokenStream {
    TokenTree::Literal(Literal::usize_unsuffixed(value)).into()
}
