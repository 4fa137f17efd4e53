//! The arguments of `#[main(..)]` and `#[test(..)]`, Tokio's set: `flavor`, `worker_threads`,
//! `start_paused`, `crate`, `name`, `unhandled_panic`; with Tokio's messages for bad ones.

use crate::tokens::{is_punct, Error};
use proc_macro::{Delimiter, Literal, Span, TokenStream, TokenTree};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Main,
    Test,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Main => "main",
            Kind::Test => "test",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    CurrentThread,
    MultiThread,
    Local,
}

/// What the attribute asked for, validated.
pub struct Config {
    pub flavor: Flavor,
    pub worker_threads: Option<usize>,
    pub start_paused: Option<bool>,
    /// `crate = "path"`, as tokens.
    pub crate_path: Option<TokenStream>,
    /// `name = "..."`, the string literal.
    pub name: Option<Literal>,
    /// `unhandled_panic = ".."`: the `UnhandledPanic` variant name.
    pub unhandled_panic: Option<&'static str>,
}

impl Config {
    /// What an attribute without arguments means.
    pub fn default_for(kind: Kind) -> Config {
        let flavor = if kind == Kind::Main { Flavor::MultiThread } else { Flavor::CurrentThread };
        Config { flavor, worker_threads: None, start_paused: None, crate_path: None, name: None, unhandled_panic: None }
    }
}

/// The raw `key = value` pairs, each with the span of its key.
struct Raw {
    flavor: Option<(String, Span)>,
    worker_threads: Option<(usize, Span)>,
    start_paused: Option<(bool, Span)>,
    crate_path: Option<TokenStream>,
    name: Option<Literal>,
    unhandled_panic: Option<(&'static str, Span)>,
}

const KNOWN: &str = "`flavor`, `worker_threads`, `start_paused`, `crate`, `unhandled_panic`, `name`";

/// Parses and validates the attribute's arguments. `shown_crate` is the crate path as the
/// user would write it, for messages (`tokio` or `avx_std`).
pub fn parse(args: TokenStream, kind: Kind, shown_crate: &str) -> Result<Config, Error> {
    let raw = parse_raw(args, kind, shown_crate)?;
    let flavor = match &raw.flavor {
        Some((value, span)) => flavor(value).map_err(|message| Error::new(*span, message))?,
        None => Config::default_for(kind).flavor,
    };
    let attribute = format!("{shown_crate}::{}", kind.name());
    if let Some((_, span)) = raw.worker_threads {
        if flavor != Flavor::MultiThread {
            return Err(Error::new(
                span,
                format!("The `worker_threads` option requires the `multi_thread` runtime flavor. Use `#[{attribute}(flavor = \"multi_thread\")]`"),
            ));
        }
    }
    if let Some((_, span)) = raw.start_paused {
        if flavor == Flavor::MultiThread {
            return Err(Error::new(
                span,
                format!("The `start_paused` option requires the `current_thread` runtime flavor. Use `#[{attribute}(flavor = \"current_thread\")]`"),
            ));
        }
    }
    if let Some((_, span)) = raw.unhandled_panic {
        if flavor == Flavor::MultiThread {
            return Err(Error::new(
                span,
                format!("The `unhandled_panic` option requires the `current_thread` runtime flavor. Use `#[{attribute}(flavor = \"current_thread\")]`"),
            ));
        }
    }
    Ok(Config {
        flavor,
        worker_threads: raw.worker_threads.map(|(n, _)| n),
        start_paused: raw.start_paused.map(|(b, _)| b),
        crate_path: raw.crate_path,
        name: raw.name,
        unhandled_panic: raw.unhandled_panic.map(|(v, _)| v),
    })
}

fn flavor(value: &str) -> Result<Flavor, String> {
    match value {
        "current_thread" => Ok(Flavor::CurrentThread),
        "multi_thread" => Ok(Flavor::MultiThread),
        "local" => Ok(Flavor::Local),
        "single_thread" => Err("The single threaded runtime flavor is called `current_thread`.".into()),
        "basic_scheduler" => Err("The `basic_scheduler` runtime flavor has been renamed to `current_thread`.".into()),
        "threaded_scheduler" => {
            Err("The `threaded_scheduler` runtime flavor has been renamed to `multi_thread`.".into())
        }
        _ => Err(format!(
            "No such runtime flavor `{value}`. The runtime flavors are `current_thread`, `local`, and `multi_thread`."
        )),
    }
}

fn parse_raw(args: TokenStream, kind: Kind, shown_crate: &str) -> Result<Raw, Error> {
    let mut raw = Raw {
        flavor: None,
        worker_threads: None,
        start_paused: None,
        crate_path: None,
        name: None,
        unhandled_panic: None,
    };
    let tokens: Vec<TokenTree> = args.into_iter().collect();
    for item in tokens.split(|t| is_punct(t, ',')).filter(|item| !item.is_empty()) {
        let (key, value) = match item {
            [TokenTree::Ident(key)] => {
                let key_name = key.to_string();
                let attribute = format!("{shown_crate}::{}", kind.name());
                let message = match key_name.as_str() {
                    "threaded_scheduler" | "multi_thread" => {
                        format!("Set the runtime flavor with #[{attribute}(flavor = \"multi_thread\")].")
                    }
                    "basic_scheduler" | "current_thread" | "single_threaded" => {
                        format!("Set the runtime flavor with #[{attribute}(flavor = \"current_thread\")].")
                    }
                    "flavor" | "worker_threads" | "start_paused" | "crate" | "unhandled_panic" | "name" => {
                        format!("The `{key_name}` attribute requires an argument.")
                    }
                    _ => format!("Unknown attribute {key_name} is specified; expected one of: {KNOWN}."),
                };
                return Err(Error::new(key.span(), message));
            }
            [TokenTree::Ident(key), eq, value @ ..] if is_punct(eq, '=') && !value.is_empty() => (key, value),
            [first, ..] => return Err(Error::new(first.span(), "Unknown attribute inside the macro")),
            [] => continue,
        };
        let span = key.span();
        let name = key.to_string();
        let value = Value::of(value)?;
        let twice = || Error::new(span, format!("`{name}` set multiple times."));
        match name.as_str() {
            "flavor" => {
                if raw.flavor.is_some() {
                    return Err(twice());
                }
                raw.flavor = Some((value.string("flavor")?, value.span));
            }
            "worker_threads" => {
                if raw.worker_threads.is_some() {
                    return Err(twice());
                }
                let n = value.int("worker_threads")?;
                if n == 0 {
                    return Err(Error::new(value.span, "`worker_threads` may not be 0."));
                }
                raw.worker_threads = Some((n, value.span));
            }
            "start_paused" => {
                if raw.start_paused.is_some() {
                    return Err(twice());
                }
                raw.start_paused = Some((value.bool("start_paused")?, value.span));
            }
            "crate" => {
                if raw.crate_path.is_some() {
                    return Err(twice());
                }
                raw.crate_path = Some(value.path("crate")?);
            }
            "name" => {
                if raw.name.is_some() {
                    return Err(twice());
                }
                value.string("name")?;
                raw.name = value.literal.clone();
            }
            "unhandled_panic" => {
                if raw.unhandled_panic.is_some() {
                    return Err(twice());
                }
                let behaviour = match value.string("unhandled_panic")?.as_str() {
                    "ignore" => "Ignore",
                    "shutdown_runtime" => "ShutdownRuntime",
                    other => return Err(Error::new(value.span, format!(
                        "No such unhandled panic behavior `{other}`. The unhandled panic behaviors are `ignore` and `shutdown_runtime`."
                    ))),
                };
                raw.unhandled_panic = Some((behaviour, value.span));
            }
            "core_threads" => return Err(Error::new(span, "Attribute `core_threads` is renamed to `worker_threads`")),
            _ => {
                return Err(Error::new(
                    span,
                    format!("Unknown attribute {name} is specified; expected one of: {KNOWN}."),
                ))
            }
        }
    }
    Ok(raw)
}

/// The value after `key =`: a literal or `true`/`false`.
struct Value {
    literal: Option<Literal>,
    text: String,
    span: Span,
}

impl Value {
    fn of(tokens: &[TokenTree]) -> Result<Value, Error> {
        let tokens: Vec<TokenTree> = tokens.iter().flat_map(flatten_invisible).collect();
        match tokens.as_slice() {
            [TokenTree::Literal(lit)] => {
                Ok(Value { literal: Some(lit.clone()), text: lit.to_string(), span: lit.span() })
            }
            [TokenTree::Ident(word)] if matches!(word.to_string().as_str(), "true" | "false") => {
                Ok(Value { literal: None, text: word.to_string(), span: word.span() })
            }
            [first, ..] => Err(Error::new(first.span(), "Must be a literal")),
            [] => Err(Error::new(Span::call_site(), "Must be a literal")),
        }
    }

    fn string(&self, field: &str) -> Result<String, Error> {
        string_value(&self.text)
            .ok_or_else(|| Error::new(self.span, format!("Failed to parse value of `{field}` as string.")))
    }

    fn int(&self, field: &str) -> Result<usize, Error> {
        const SUFFIXES: [&str; 13] =
            ["", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize"];
        let not_an_int = || Error::new(self.span, format!("Failed to parse value of `{field}` as integer."));
        let end = self.text.find(|c: char| !(c.is_ascii_digit() || c == '_')).unwrap_or(self.text.len());
        let (digits, suffix) = self.text.split_at(end);
        if self.literal.is_none() || digits.is_empty() || !SUFFIXES.contains(&suffix) {
            return Err(not_an_int());
        }
        digits
            .replace('_', "")
            .parse()
            .map_err(|e| Error::new(self.span, format!("Failed to parse value of `{field}` as integer: {e}")))
    }

    fn bool(&self, field: &str) -> Result<bool, Error> {
        match self.text.as_str() {
            "true" if self.literal.is_none() => Ok(true),
            "false" if self.literal.is_none() => Ok(false),
            _ => Err(Error::new(self.span, format!("Failed to parse value of `{field}` as bool."))),
        }
    }

    /// A path such as `tokio1` or `::my::reexport`, given as a string.
    fn path(&self, field: &str) -> Result<TokenStream, Error> {
        let text = self.string(field)?;
        let bad = || Error::new(self.span, format!("Failed to parse value of `{field}` as path: \"{text}\""));
        let segments: Vec<&str> = text.strip_prefix("::").unwrap_or(&text).split("::").collect();
        let valid_segment = |s: &&str| {
            let s = s.trim();
            let mut chars = s.chars();
            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && chars.all(|c| c.is_alphanumeric() || c == '_')
        };
        if !segments.iter().all(valid_segment) {
            return Err(bad());
        }
        let tokens: TokenStream = text.parse().map_err(|_| bad())?;
        // Resolve like code the user wrote at the call site, reported at the string.
        let span = Span::call_site().located_at(self.span);
        Ok(tokens
            .into_iter()
            .map(|mut t| {
                t.set_span(span);
                t
            })
            .collect())
    }
}

/// A fragment passed through `macro_rules!` arrives in an invisible group; look inside.
fn flatten_invisible(token: &TokenTree) -> Vec<TokenTree> {
    match token {
        TokenTree::Group(g) if g.delimiter() == Delimiter::None => g.stream().into_iter().collect(),
        other => vec![other.clone()],
    }
}

/// The contents of a string literal's source text (`"x"`, `r"x"`, `r#"x"#`), if it is one.
fn string_value(text: &str) -> Option<String> {
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let inner = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return inner.strip_prefix('"')?.strip_suffix('"').map(str::to_owned);
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    // Attribute values are plain names; escapes would only hide typos.
    (!inner.contains('\\')).then(|| inner.to_owned())
}
