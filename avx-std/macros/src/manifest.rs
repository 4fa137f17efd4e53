//! Which name the crate being compiled knows avx-std by: a macro cannot see the path it was
//! invoked through, so, like the proc-macro-crate crate, read the invoking package's Cargo.toml.
//!
//! `avx-std = ..` gives `avx_std`; `rt = { package = "avx-std" }` gives `rt`; the package
//! avx-std itself gives `avx_std` (its lib declares `extern crate self as avx_std`); a key that
//! inherits from the workspace (`x = { workspace = true }`) is looked up in the workspace's
//! `[workspace.dependencies]`. Without avx-std, the facade: the key of a `tokio` dependency
//! (renamed or not), else `tokio`.

use std::path::{Path, PathBuf};

const PACKAGE: &str = "avx-std";
const FACADE: &str = "tokio";

/// The extern crate name (`avx_std`, a rename, or `tokio`) for the package in `manifest_dir`.
pub fn crate_name(manifest_dir: Option<&Path>) -> String {
    manifest_dir.and_then(lookup).unwrap_or_else(|| FACADE.to_owned())
}

fn lookup(dir: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let own = entries(&manifest);
    let is_self = own.iter().any(|e| e.table == "package" && e.key == "name" && unquote(&e.value) == PACKAGE);
    if is_self {
        return Some(extern_name(PACKAGE));
    }
    let from_workspace = |key: &str| {
        let root = workspace_manifest(dir)?;
        let root_entries = entries(&std::fs::read_to_string(root).ok()?);
        dependency_package(&root_entries, |table| table == "workspace.dependencies", key)
    };
    let packages: Vec<(String, String)> = dependency_keys(&own)
        .into_iter()
        .filter_map(|key| {
            let package = match dependency_package(&own, is_dependency_table, &key)? {
                package if package == WORKSPACE_MARK => from_workspace(&key)?,
                package => package,
            };
            Some((key, package))
        })
        .collect();
    [PACKAGE, FACADE]
        .iter()
        .find_map(|wanted| packages.iter().find(|(_, package)| package == wanted))
        .map(|(key, _)| extern_name(key))
}

/// Stands for "this dependency's details live in the workspace manifest".
const WORKSPACE_MARK: &str = "\0workspace";

/// One `key = value` line of a manifest, with the table it sits in (dotted keys folded into
/// the table: `[dependencies] a.package = "x"` is table `dependencies.a`, key `package`).
#[derive(Debug, PartialEq)]
struct Entry {
    table: String,
    key: String,
    value: String,
}

/// The `key = value` entries of a TOML document. Only the subset manifests use for
/// dependencies is understood: headers, dotted and quoted keys, one-line values.
fn entries(toml: &str) -> Vec<Entry> {
    let mut table = String::new();
    let mut out = Vec::new();
    for line in toml.lines() {
        let line = strip_comment(line).trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_start_matches('[').trim_end_matches(']').trim_end_matches(']');
            table = dotted(header).join(".");
            continue;
        }
        let Some((key, value)) = split_key_value(line) else { continue };
        let mut path = dotted(key);
        let Some(key) = path.pop() else { continue };
        let table = if path.is_empty() { table.clone() } else { format!("{table}.{}", path.join(".")) };
        out.push(Entry { table: table.trim_start_matches('.').to_owned(), key, value: value.trim().to_owned() });
    }
    out
}

fn is_dependency_table(table: &str) -> bool {
    let last = table.rsplit('.').next().unwrap_or(table);
    let parent_is_root_or_target = !table.contains('.') || table.starts_with("target.");
    parent_is_root_or_target
        && matches!(last, "dependencies" | "dev-dependencies" | "build-dependencies" | "dev_dependencies")
}

/// Every dependency key declared, in order: `a = ..` in a dependency table, or a
/// `[dependencies.a]` table.
fn dependency_keys(entries: &[Entry]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for entry in entries {
        let key = if is_dependency_table(&entry.table) {
            entry.key.clone()
        } else if let Some((parent, key)) = entry.table.rsplit_once('.') {
            if !is_dependency_table(parent) {
                continue;
            }
            key.to_owned()
        } else {
            continue;
        };
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// The package behind dependency `key` in the tables `in_table` accepts: its `package = ".."`
/// if renamed, else the key itself; `WORKSPACE_MARK` if it says `workspace = true`.
fn dependency_package(entries: &[Entry], in_table: impl Fn(&str) -> bool, key: &str) -> Option<String> {
    let mut found = None;
    for entry in entries {
        let fields: Vec<(String, String)> = if in_table(&entry.table) && entry.key == key {
            inline_table(&entry.value)
        } else if entry.table.rsplit_once('.').is_some_and(|(parent, name)| name == key && in_table(parent)) {
            vec![(entry.key.clone(), entry.value.clone())]
        } else {
            continue;
        };
        found.get_or_insert_with(|| key.to_owned());
        for (field, value) in fields {
            match field.as_str() {
                "package" => return Some(unquote(&value)),
                "workspace" if value == "true" => found = Some(WORKSPACE_MARK.to_owned()),
                _ => {}
            }
        }
    }
    found
}

/// The fields of `{ a = 1, b = "x" }`; nothing for a plain value (`"1.0"`).
fn inline_table(value: &str) -> Vec<(String, String)> {
    let Some(inner) = value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) else {
        return Vec::new();
    };
    split_top_level(inner, ',')
        .filter_map(|field| split_key_value(field))
        .map(|(key, value)| (dotted(key).join("."), value.trim().to_owned()))
        .collect()
}

/// `key = value` at the first `=` outside quotes.
fn split_key_value(line: &str) -> Option<(&str, &str)> {
    let at = outside_quotes(line).find(|&(_, c)| c == '=')?.0;
    Some((line[..at].trim(), line[at + 1..].trim()))
}

/// The parts of `text` between top-level `separator`s (not inside quotes, brackets or braces).
fn split_top_level(text: &str, separator: char) -> impl Iterator<Item = &str> {
    let mut depth = 0i32;
    let mut parts = Vec::new();
    let mut start = 0;
    for (i, c) in outside_quotes(text) {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth -= 1,
            c if c == separator && depth == 0 => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter()
}

/// The characters of `text` that are not inside a quoted string.
fn outside_quotes(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut quote = None;
    let mut escaped = false;
    text.char_indices().filter(move |&(_, c)| match quote {
        Some(q) => {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            false
        }
        None if c == '"' || c == '\'' => {
            quote = Some(c);
            false
        }
        None => true,
    })
}

fn strip_comment(line: &str) -> &str {
    match outside_quotes(line).find(|&(_, c)| c == '#') {
        Some((at, _)) => &line[..at],
        None => line,
    }
}

/// `a."b.c".d` → `["a", "b.c", "d"]`.
fn dotted(key: &str) -> Vec<String> {
    split_top_level(key, '.').map(|part| unquote(part.trim())).filter(|p| !p.is_empty()).collect()
}

fn unquote(value: &str) -> String {
    let value = value.trim();
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner.to_owned();
        }
    }
    value.to_owned()
}

fn extern_name(key: &str) -> String {
    key.replace('-', "_")
}

/// The nearest manifest above `dir` (or in it) that declares `[workspace]`.
fn workspace_manifest(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().map(|d| d.join("Cargo.toml")).find(|path| {
        std::fs::read_to_string(path)
            .is_ok_and(|text| text.lines().any(|line| strip_comment(line).trim() == "[workspace]"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_for(manifest: &str) -> String {
        let dir = std::env::temp_dir().join(format!("avx-macros-{}-{:x}", std::process::id(), hash(manifest)));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        let name = crate_name(Some(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
        name
    }

    fn hash(text: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn plain_dependency_is_avx_std() {
        assert_eq!(name_for("[package]\nname = \"app\"\n[dependencies]\navx-std = \"0.1\"\n"), "avx_std");
    }

    #[test]
    fn renamed_dependency_uses_the_key() {
        let manifest = "[dependencies]\nserde = \"1\"\ntokio = { version = \"0.1\", package = \"avx-std\" } # avx\n";
        assert_eq!(name_for(manifest), "tokio");
        let manifest = "[dev-dependencies]\nmy-rt = { path = \"../avx-std\", package = 'avx-std' }\n";
        assert_eq!(name_for(manifest), "my_rt");
    }

    #[test]
    fn table_and_dotted_forms() {
        assert_eq!(name_for("[dependencies.rt]\npackage = \"avx-std\"\nversion = \"0.1\"\n"), "rt");
        assert_eq!(name_for("[dependencies]\nrt.package = \"avx-std\"\n"), "rt");
        assert_eq!(name_for("[target.'cfg(unix)'.dependencies]\n\"avx-std\" = \"0.1\"\n"), "avx_std");
    }

    #[test]
    fn the_package_itself() {
        assert_eq!(name_for("[package]\nname = \"avx-std\"\n[dependencies]\navx-core = \"0.1\"\n"), "avx_std");
    }

    #[test]
    fn avx_std_wins_over_a_renamed_facade() {
        assert_eq!(name_for("[dependencies]\nrt = { package = \"tokio\", path = \"x\" }\n"), "rt");
        assert_eq!(name_for("[dependencies]\nrt = { package = \"tokio\" }\navx-std = \"0.1\"\n"), "avx_std");
    }

    #[test]
    fn anything_else_is_the_facade() {
        assert_eq!(name_for("[package]\nname = \"app\"\n[dependencies]\ntokio = \"1\"\n"), "tokio");
        assert_eq!(name_for("[package]\nname = \"app\"\n[features]\navx-std = []\n"), "tokio");
        // A key named like a package but renamed away is not avx-std.
        assert_eq!(name_for("[dependencies]\navx-std = { package = \"other\" }\n"), "tokio");
        assert_eq!(crate_name(None), "tokio");
        assert_eq!(crate_name(Some(Path::new("/nonexistent/avx"))), "tokio");
    }

    #[test]
    fn workspace_inherited_rename() {
        let root = std::env::temp_dir().join(format!("avx-macros-ws-{}", std::process::id()));
        let member = root.join("app");
        std::fs::create_dir_all(&member).unwrap();
        let workspace = "[workspace]\nmembers = [\"app\"]\n[workspace.dependencies]\nrt = { path = \"x\", package = \"avx-std\" }\n";
        std::fs::write(root.join("Cargo.toml"), workspace).unwrap();
        std::fs::write(
            member.join("Cargo.toml"),
            "[package]\nname = \"app\"\n[dependencies]\nrt = { workspace = true }\n",
        )
        .unwrap();
        let inline = crate_name(Some(&member));
        std::fs::write(member.join("Cargo.toml"), "[package]\nname = \"app\"\n[dependencies]\nrt.workspace = true\n")
            .unwrap();
        let dotted = crate_name(Some(&member));
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!((inline.as_str(), dotted.as_str()), ("rt", "rt"));
    }
}
