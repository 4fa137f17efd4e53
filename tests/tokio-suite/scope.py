"""Which of Tokio's test files are in scope, and the manifest of the throw-away crate that builds them.

A file is in scope when its leading `#![cfg(..)]` attributes hold on this Linux host with the
features `full` + `test-util` (and what they imply), without `tokio_unstable`, loom or miri.
rustc itself evaluates the predicates (`cfg!(..)` in a generated program), so the answer is
exactly the compiler's.
"""

import os
import re
import subprocess
import tomllib

ECOSYSTEM = ("tokio-test", "tokio-stream")  # dev-dependencies that themselves depend on tokio


def leading_cfgs(source):
    """The predicates of the `#![cfg(..)]` attributes before the first item of `source`."""
    cfgs, at = [], 0
    while True:
        rest = source[at:]
        stripped = rest.lstrip()
        at += len(rest) - len(stripped)
        if stripped.startswith("//"):
            at += len(stripped.split("\n", 1)[0])
        elif stripped.startswith("/*"):
            at += stripped.index("*/") + 2
        elif stripped.startswith("#!["):
            end = matching(source, at + 2)
            attr = source[at + 3 : end].strip()
            if attr.startswith("cfg(") and attr.endswith(")"):
                cfgs.append(attr[4:-1])
            at = end + 1
        else:
            return cfgs


def matching(text, open_at):
    """Index of the bracket closing the one at `open_at` (strings and chars skipped)."""
    depth, i = 0, open_at
    while i < len(text):
        c = text[i]
        if c == '"':
            i = text.index('"', i + 1)
            while text[i - 1] == "\\":
                i = text.index('"', i + 1)
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced attribute")


def feature_closure(manifest, roots):
    """The features enabled by `roots`, following tokio's `[features]` table."""
    table = manifest.get("features", {})
    enabled, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in enabled or "/" in name or name.startswith("dep:"):
            continue
        enabled.add(name)
        todo.extend(table.get(name, []))
    return sorted(enabled)


def in_scope(files, features, work_dir):
    """{file name: bool}: each file's leading cfgs evaluated by rustc for this host."""
    lines = ["fn main() {"]
    for name, source in files.items():
        predicate = "all(" + ", ".join(leading_cfgs(source)) + ")"
        lines.append(f"    println!(\"{name} {{}}\", cfg!({predicate}));")
    lines.append("}")
    program = os.path.join(work_dir, "scope.rs")
    with open(program, "w") as f:
        f.write("\n".join(lines) + "\n")
    binary = os.path.join(work_dir, "scope")
    args = ["rustc", "--edition", "2021", "-o", binary, program]
    for feature in features:
        args += ["--cfg", f'feature="{feature}"']
    subprocess.run(args, check=True, capture_output=True)
    output = subprocess.run([binary], check=True, capture_output=True, text=True).stdout
    return {line.split()[0]: line.split()[1] == "true" for line in output.splitlines()}


def uses_ecosystem(source):
    return re.search(r"\btokio_(test|stream)\b", source) is not None


def toml_value(value):
    """A TOML inline value for the plain data tomllib returns."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + " }"
    return str(value)


def dependency_lines(deps, skip=()):
    return [f'"{name}" = {toml_value(spec)}' for name, spec in deps.items() if name not in skip]


def package_manifest(name, tokio_manifest, tokio_dep, features, tests, with_ecosystem):
    """Cargo.toml of one generated package: Tokio's test environment, `tests` as targets."""
    dev = tokio_manifest.get("dev-dependencies", {})
    skip = () if with_ecosystem else ECOSYSTEM
    # The tests also use tokio's own (non-optional-in-practice) dependencies.
    normal = {k: v for k, v in tokio_manifest["dependencies"].items() if k in ("bytes", "pin-project-lite")}
    normal = {k: {kk: vv for kk, vv in v.items() if kk != "optional"} for k, v in normal.items()}
    dep_names = set(dev) | set(normal)
    declared = [f for f in features if f not in dep_names]
    out = [
        "[package]",
        f'name = "{name}"',
        'version = "0.0.0"',
        f'edition = "{tokio_manifest["package"].get("edition", "2021")}"',
        "publish = false",
        "autotests = false",
        "",
        "[lib]",
        'path = "../lib.rs"',
        "",
        "[features]",
        "default = " + toml_value(declared),
        *[f'"{f}" = []' for f in declared],
        "",
        "[dependencies]",
        f"tokio = {toml_value(tokio_dep)}",
        *dependency_lines(normal),
        "",
        "[dev-dependencies]",
        *dependency_lines(dev, skip),
    ]
    for target, tables in tokio_manifest.get("target", {}).items():
        if "dev-dependencies" in tables:
            out += ["", f"[target.'{target}'.dev-dependencies]", *dependency_lines(tables["dev-dependencies"], skip)]
    out += ["", "[lints.rust]", 'unexpected_cfgs = "allow"']
    for test in tests:
        stem = test[:-3]
        out += ["", "[[test]]", f'name = "{stem}"', f'path = "../tests/{test}"']
    return "\n".join(out) + "\n"


def read_manifest(path):
    with open(path, "rb") as f:
        return tomllib.load(f)
