#!/usr/bin/env python3
"""tokio-suite: Tokio's own integration tests, built and run against avx through the `tokio` facade.

Takes tests/*.rs (+ tests/support/) of the tokio version pinned in Cargo.lock from cargo's
registry (never committed), keeps the files in scope for Linux + features full/test-util,
generates a throw-away workspace under target/tokio-suite/ with Tokio's dev-dependencies and
`[patch.crates-io] tokio = <facade>` (so tokio-test/tokio-stream/tokio-util from crates.io
build on the facade too), builds every file in one `cargo test --no-run --keep-going`, runs
each test binary under a time limit and prints

    tokio-suite: F/T files compile, P/R tests pass

with a per-file table, the build errors and a ranking of the missing APIs in the log. Exits
non-zero when F or P falls below tests/tokio-suite/floor. `--real-tokio` runs the same on
the real tokio (the control; the floor is not checked).
"""

import argparse
import collections
import concurrent.futures
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the script
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scope  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FACADE = os.path.join(ROOT, "avx-std", "tokio")
FLOOR = os.path.join(HERE, "floor")


def pinned_tokio_version():
    with open(os.path.join(ROOT, "Cargo.lock")) as f:
        lock = f.read()
    found = re.search(r'name = "tokio"\nversion = "([^"]+)"\nsource = "registry', lock)
    if not found:
        sys.exit("tokio-suite: Cargo.lock pins no tokio from crates.io")
    return found.group(1)


def tokio_source(version):
    cargo_home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    pattern = os.path.join(cargo_home, "registry", "src", "*", f"tokio-{version}")
    if not glob.glob(pattern):
        subprocess.run(["cargo", "fetch", "--locked"], cwd=ROOT, check=True)
    found = glob.glob(pattern)
    if not found:
        sys.exit(f"tokio-suite: tokio {version} not in cargo's registry after `cargo fetch`")
    return found[0]


def write_if_changed(path, text):
    """Rewrites `path` only when `text` differs, so cargo keeps its build of unchanged targets."""
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w") as f:
        f.write(text)


def generate(out_dir, source, version, mode, only):
    """Writes the workspace; returns (in-scope files, features, packages' files)."""
    manifest = scope.read_manifest(os.path.join(source, "Cargo.toml"))
    features = scope.feature_closure(manifest, ["full", "test-util"])
    tests_dir = os.path.join(out_dir, "tests")
    shutil.rmtree(tests_dir, ignore_errors=True)
    shutil.copytree(os.path.join(source, "tests"), tests_dir)
    files = {}
    for path in sorted(glob.glob(os.path.join(tests_dir, "*.rs"))):
        with open(path, encoding="utf-8") as f:
            files[os.path.basename(path)] = f.read()
    scoped = scope.in_scope({n[:-3]: s for n, s in files.items()}, features, out_dir)
    chosen = [n for n in files if scoped[n[:-3]] and (not only or n[:-3] in only)]
    groups = {
        "plain": [n for n in chosen if not scope.uses_ecosystem(files[n])],
        "ecosystem": [n for n in chosen if scope.uses_ecosystem(files[n])],
    }
    features_list = ["full", "test-util"]
    patch = []
    if mode == "real-tokio":
        tokio_dep = {"version": f"={version}", "features": features_list}
    elif mode == "diagnose":
        # The tests see the facade; tokio-test/tokio-stream stay on the real tokio, so files
        # that use them still reach type-checking and report what avx lacks.
        tokio_dep = {"path": FACADE, "features": features_list}
    else:
        tokio_dep = {"version": "1", "features": features_list}
        patch = ["[patch.crates-io]", f"tokio = {{ path = {scope.toml_value(FACADE)} }}"]
    write_if_changed(os.path.join(out_dir, "lib.rs"), "")
    # Test binaries run where cargo would run tokio's: beside tokio's Cargo.toml (one test reads it).
    os.makedirs(os.path.join(out_dir, "cwd"), exist_ok=True)
    shutil.copy2(os.path.join(source, "Cargo.toml"), os.path.join(out_dir, "cwd", "Cargo.toml"))
    for group, tests in groups.items():
        os.makedirs(os.path.join(out_dir, group), exist_ok=True)
        text = scope.package_manifest(f"suite-{group}", manifest, tokio_dep, features, tests, group == "ecosystem")
        write_if_changed(os.path.join(out_dir, group, "Cargo.toml"), text)
    # tokio-util is no test dependency, but the facade must carry it too: a lib that uses it.
    os.makedirs(os.path.join(out_dir, "util"), exist_ok=True)
    write_if_changed(
        os.path.join(out_dir, "util", "Cargo.toml"),
        (
            '[package]\nname = "suite-util"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n'
            '[lib]\npath = "../lib.rs"\n[dependencies]\n'
            f"tokio = {scope.toml_value(tokio_dep)}\n"
            'tokio-util = { version = "0.7", features = ["full"] }\n'
        ),
    )
    members = ["plain", "ecosystem"] + ([] if mode == "diagnose" else ["util"])
    write_if_changed(
        os.path.join(out_dir, "Cargo.toml"),
        (
            f'[workspace]\nresolver = "2"\nmembers = {scope.toml_value(members)}\n\n'
            "[profile.dev]\ndebug = 0\nincremental = false\n\n" + "\n".join(patch) + "\n"
        ),
    )
    return chosen, groups


def build(out_dir, target_dir):
    """One cargo build of everything: {test stem: executable}, {package: [errors]}, errors per test."""
    env = dict(os.environ, CARGO_TARGET_DIR=target_dir, CARGO_TERM_COLOR="never")
    cmd = ["cargo", "build", "--workspace", "--tests", "--keep-going", "--message-format=json"]
    proc = subprocess.run(cmd, cwd=out_dir, env=env, capture_output=True, text=True)
    executables, errors = {}, collections.defaultdict(list)
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            continue
        msg = json.loads(line)
        target = msg.get("target", {})
        key = (package_name(msg.get("package_id", "")), target.get("name"), tuple(target.get("kind", [])))
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and "test" in target.get("kind", []):
            executables[target["name"]] = msg["executable"]
        elif msg.get("reason") == "compiler-message" and msg["message"]["level"] == "error":
            errors[key].append(msg["message"])
    if proc.returncode != 0 and not executables and not errors:
        sys.exit("tokio-suite: cargo failed before compiling anything:\n" + proc.stderr[-4000:])
    return executables, errors, proc.stderr


def package_name(package_id):
    """`tokio-util 0.7.1 (registry+...)` or `registry+...#tokio-util@0.7.1` → `tokio-util`."""
    if "#" in package_id:
        tail = package_id.rsplit("#", 1)[1]
        return tail.split("@")[0] if "@" in tail else os.path.basename(package_id.split("#")[0])
    return package_id.split(" ")[0]


def list_tests(exe, cwd):
    def names(*extra):
        out = subprocess.run([exe, "--list", *extra], cwd=cwd, capture_output=True, text=True, timeout=60).stdout
        return {line[: -len(": test")] for line in out.splitlines() if line.endswith(": test")}

    return names() - names("--ignored")


def run_binary(stem, exe, cwd, timeout, threads):
    """Runs one test binary: (stem, runnable test names, passed ones, note, seconds)."""
    start = time.monotonic()
    try:
        runnable = list_tests(exe, cwd)
    except (subprocess.TimeoutExpired, OSError) as e:
        return stem, set(), set(), f"cannot list tests: {e}", 0.0
    proc = subprocess.Popen(
        [exe, f"--test-threads={threads}"],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    note = ""
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        note = f"timeout after {timeout}s"
    if not note and proc.returncode < 0:
        note = f"killed by signal {-proc.returncode}"
    passed = {m.group(1) for m in re.finditer(r"^test (\S+)(?: - should panic)? \.\.\. ok$", out, re.M)}
    return stem, runnable, passed & runnable, note, time.monotonic() - start


def error_key(message):
    """A missing-API key for ranking: the error's headline with the item names it mentions."""
    text = message["message"].replace(" in the current scope", "")
    text = re.sub(r"\s+", " ", text)
    return (f"{message['code']['code']}: " if message.get("code") else "") + text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real-tokio", action="store_true", help="run on the real tokio (the control)")
    parser.add_argument(
        "--diagnose",
        action="store_true",
        help="rank missing APIs over every file: tokio-test/tokio-stream on the real tokio, no floor",
    )
    parser.add_argument("--timeout", type=int, default=60, help="seconds per test binary (default 60)")
    parser.add_argument("--jobs", type=int, default=2, help="test binaries run at once (default 2)")
    parser.add_argument("--test-threads", type=int, default=2, help="libtest threads per binary (default 2)")
    parser.add_argument("--only", nargs="*", default=[], help="only these test files (stems)")
    parser.add_argument("--update-floor", action="store_true", help="write today's numbers to the floor file")
    args = parser.parse_args()
    if args.update_floor and (args.real_tokio or args.diagnose or args.only):
        parser.error("--update-floor measures the whole suite on avx: no --real-tokio, --diagnose or --only")

    started = time.monotonic()
    mode = "real-tokio" if args.real_tokio else "diagnose" if args.diagnose else "avx"
    version = pinned_tokio_version()
    source = tokio_source(version)
    out_dir = os.path.join(ROOT, "target", "tokio-suite", mode)
    os.makedirs(out_dir, exist_ok=True)
    chosen, groups = generate(out_dir, source, version, mode, set(args.only))
    executables, errors, cargo_stderr = build(out_dir, os.path.join(ROOT, "target", "tokio-suite", "target"))
    built = time.monotonic()

    stems = [n[:-3] for n in chosen]
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        jobs = [
            pool.submit(run_binary, s, executables[s], os.path.join(out_dir, "cwd"), args.timeout, args.test_threads)
            for s in stems
            if s in executables
        ]
        for job in concurrent.futures.as_completed(jobs):
            stem, runnable, passed, note, seconds = job.result()
            results[stem] = (runnable, passed, note, seconds)

    failed_deps = sorted({pkg for (pkg, _, kinds) in errors if not pkg.startswith("suite-")})
    compiled = sum(1 for s in stems if s in executables)
    runnable = sum(len(r[0]) for r in results.values())
    passed = sum(len(r[1]) for r in results.values())
    summary = f"tokio-suite: {compiled}/{len(stems)} files compile, {passed}/{runnable} tests pass"

    log = write_log(summary, out_dir, mode, version, stems, groups, executables, errors, results, failed_deps, cargo_stderr)
    print(summary)
    print(f"  mode {mode}, tokio {version}; build {built - started:.0f}s, run {time.monotonic() - built:.0f}s")
    if failed_deps:
        print("  dependencies that fail to build: " + ", ".join(failed_deps))
    missing = missing_facade_features(source)
    if missing and mode == "avx":
        print("  the facade lacks these tokio features: " + ", ".join(missing))
    print(f"  per-file table, errors and missing-API ranking: {log}")

    if args.update_floor:
        with open(FLOOR, "w") as f:
            f.write(f"# tokio-suite floor ({mode}, tokio {version}): CI fails below these.\nfiles {compiled}\ntests {passed}\n")
        return 0
    if mode != "avx" or args.only:
        return 0
    floor = read_floor()
    if compiled < floor["files"] or passed < floor["tests"]:
        print(f"tokio-suite: below the floor ({floor['files']} files, {floor['tests']} tests)", file=sys.stderr)
        return 1
    return 0


def missing_facade_features(source):
    """tokio's features (and optional dependencies, which Cargo exposes as features) that the
    facade does not declare: a dependent enabling one would fail to resolve."""
    tokio = scope.read_manifest(os.path.join(source, "Cargo.toml"))
    wanted = set(tokio.get("features", {}))
    tables = [tokio.get("dependencies", {})] + [t.get("dependencies", {}) for t in tokio.get("target", {}).values()]
    used_as_dep = {e[4:] for f in tokio.get("features", {}).values() for e in f if e.startswith("dep:")}
    wanted |= {name for table in tables for name, spec in table.items() if isinstance(spec, dict) and spec.get("optional")}
    wanted -= used_as_dep - set(tokio.get("features", {}))
    declared = set(scope.read_manifest(os.path.join(FACADE, "Cargo.toml")).get("features", {}))
    return sorted(wanted - declared)


def read_floor():
    floor = {"files": 0, "tests": 0}
    with open(FLOOR) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[0] in floor:
                floor[parts[0]] = int(parts[1])
    return floor


def write_log(summary, out_dir, mode, version, stems, groups, executables, errors, results, failed_deps, cargo_stderr):
    group_of = {n[:-3]: g for g, tests in groups.items() for n in tests}
    own_errors = {name: msgs for (pkg, name, kinds), msgs in errors.items() if pkg.startswith("suite-") and "test" in kinds}
    lines = [summary, f"mode {mode}, tokio {version}", ""]
    lines.append(f"{'file':32} {'group':10} {'compile':10} {'pass/run':>9} {'secs':>6}  note")
    for stem in stems:
        if stem in executables:
            runnable, passed, note, seconds = results.get(stem, (set(), set(), "not run", 0.0))
            lines.append(f"{stem:32} {group_of[stem]:10} {'ok':10} {len(passed):>4}/{len(runnable):<4} {seconds:6.1f}  {note}")
        else:
            count = len(own_errors.get(stem, []))
            status = f"{count} errors" if count else "deps fail"
            first = own_errors[stem][0]["message"] if count else ", ".join(failed_deps)
            lines.append(f"{stem:32} {group_of[stem]:10} {status:10} {'-':>9} {'':6}  {first[:90]}")

    ranking, sole = collections.Counter(), collections.Counter()
    for msgs in own_errors.values():
        keys = {error_key(m) for m in msgs}
        ranking.update(keys)
        if len(keys) == 1:
            sole.update(keys)
    lines += ["", "Missing APIs and other build errors: files they occur in, files where they are the only error:"]
    lines += [f"{count:4} {sole[key]:4}  {key}" for key, count in ranking.most_common(80)]

    lines += ["", "Tests that did not pass (failed, crashed or cut off by the time limit):"]
    for stem in sorted(results):
        runnable, passed, note, _ = results[stem]
        if len(passed) < len(runnable):
            lines.append(f"  {stem}: {len(passed)}/{len(runnable)} pass {note}")
            lines += [f"      {name}" for name in sorted(runnable - passed)]
    lines += ["", "Build errors:"]
    for (pkg, name, kinds), msgs in sorted(errors.items(), key=lambda kv: str(kv[0])):
        lines.append(f"---- {pkg} {name} {'/'.join(kinds)}: {len(msgs)} errors")
        lines += [m.get("rendered") or m["message"] for m in msgs[:20]]
    if not errors and "error" in cargo_stderr:
        lines += ["", cargo_stderr[-8000:]]
    path = os.path.join(out_dir, "report.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
