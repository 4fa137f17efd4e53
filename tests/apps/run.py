#!/usr/bin/env python3
"""apps: an axum and a hyper-util server from crates.io, unmodified, on avx.

Copies tests/apps/ to target/apps/<runtime>/ and builds it there: `avx` with
`[patch.crates-io] tokio = avx-std/tokio` appended (so axum, hyper-util, tokio-util, h2 ...
all run on avx), `tokio` as published. Then, per server, starts it on a free port and checks
with curl: a GET, three keep-alive GETs on one connection, a POST echoed back, a 404, and (the
hyper-util server) HTTP/2 with prior knowledge. Prints `apps: P/T checks pass`; exits non-zero
on any failure.

--bench: both runtimes, `wrk -t1 -c50 -d<d>s` against the axum server, rounds interleaved
(alternating which runtime goes first), medians with min-max spread and the avx/tokio ratio.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FACADE = os.path.join(ROOT, "avx-std", "tokio")
TARGET = os.path.join(ROOT, "target", "apps")
SERVERS = ["axum_hello", "hyper_hello"]


def build(runtime):
    """Builds the apps for `runtime` in their own copy; returns the binary directory."""
    work = os.path.join(TARGET, runtime)
    os.makedirs(work, exist_ok=True)
    for name in ["Cargo.toml", "Cargo.lock"]:
        src = os.path.join(HERE, name)
        if os.path.exists(src) and not (name == "Cargo.lock" and os.path.exists(os.path.join(work, name))):
            shutil.copy(src, work)
    if os.path.exists(os.path.join(work, "src")):
        shutil.rmtree(os.path.join(work, "src"))
    shutil.copytree(os.path.join(HERE, "src"), os.path.join(work, "src"))
    if runtime == "avx":
        with open(os.path.join(work, "Cargo.toml"), "a") as manifest:
            manifest.write(f'\n[patch.crates-io]\ntokio = {{ path = "{FACADE}" }}\n')
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=work, check=True)
    return os.path.join(work, "target", "release")


class Server:
    """A server process on a free loopback port, stopped on exit from the `with` block."""

    def __init__(self, binary):
        self.proc = subprocess.Popen([binary, "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"{binary} did not start: {line!r}")
        self.url = f"http://{match.group(1)}"

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.proc.kill()
        self.proc.wait()


def curl(*args):
    done = subprocess.run(["curl", "-sS", "--max-time", "10", *args], capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr


def checks(server, name):
    """(description, passed, detail) for each check of one server."""
    url = server.url
    results = []

    def check(what, ok, detail=""):
        results.append((what, ok, detail))

    code, out, err = curl(url + "/")
    check("GET /", code == 0 and out == "Hello, World!", out or err)
    code, out, err = curl("-v", url + "/", url + "/", url + "/")
    reused = err.count("Re-using existing connection") + err.count("Reusing existing connection")
    check("three keep-alive GETs on one connection", code == 0 and out == "Hello, World!" * 3 and reused == 2, err[-300:])
    body = "x" * 100_000
    code, out, err = curl("--data-binary", body, url + "/echo")
    check("POST /echo of 100 kB echoed back", code == 0 and out == body, err)
    code, out, err = curl("-o", "/dev/null", "-w", "%{http_code}", url + "/missing")
    check("unknown path is 404", out == "404", out or err)
    if name == "hyper_hello":
        code, out, err = curl("--http2-prior-knowledge", "-w", " %{http_version}", url + "/")
        check("HTTP/2 with prior knowledge", code == 0 and out == "Hello, World! 2", out or err)
    return results


def run_checks(bin_dir):
    passed = total = 0
    for name in SERVERS:
        with Server(os.path.join(bin_dir, name)) as server:
            for what, ok, detail in checks(server, name):
                total += 1
                passed += ok
                print(f"  {'ok  ' if ok else 'FAIL'} {name}: {what}" + ("" if ok else f" -- {detail!r}"))
    print(f"apps: {passed}/{total} checks pass")
    return passed == total


def ensure_wrk():
    if shutil.which("wrk"):
        return
    root = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(root + ["apt-get", "update", "-qq"], check=True)
    subprocess.run(root + ["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


def wrk(url, seconds):
    out = subprocess.run(["wrk", "-t1", "-c50", f"-d{seconds}s", url], capture_output=True, text=True, check=True).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def bench(bins, rounds, seconds):
    ensure_wrk()
    rates = {runtime: [] for runtime in bins}
    order = list(bins)
    for r in range(rounds):
        for runtime in (order if r % 2 == 0 else order[::-1]):
            with Server(os.path.join(bins[runtime], "axum_hello")) as server:
                time.sleep(0.2)
                rates[runtime].append(wrk(server.url + "/", seconds))
        print(f"  round {r + 1}: " + ", ".join(f"{k} {v[-1]:,.0f} req/s" for k, v in rates.items()))
    med = {k: statistics.median(v) for k, v in rates.items()}
    for k, v in rates.items():
        print(f"axum_hello on {k}: median {med[k]:,.0f} req/s (min {min(v):,.0f}, max {max(v):,.0f}, {rounds} rounds)")
    print(f"axum_hello avx/tokio: {med['avx'] / med['tokio']:.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", action="store_true", help="wrk the axum server on avx and on Tokio")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    avx = build("avx")
    ok = run_checks(avx)
    if args.bench:
        bench({"avx": avx, "tokio": build("tokio")}, args.rounds, args.seconds)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
