#!/usr/bin/env python3
"""Runs `redis-benchmark -t ping,set,get -c 50 -n 100000 -q` against mini_redis on avx and on
tokio (the same source, examples/mini_redis/), N rounds with the servers' order alternating
from round to round, and prints per test the median requests per second of each, the spread
(min-max) and the median of the per-round avx / tokio ratios (higher is better); then the
server's CPU time (user + system) per request over the whole run of the four tests, which a
busy machine disturbs less than throughput. Needs Debian's redis-tools."""
import os
import pathlib
import re
import statistics
import subprocess
import sys

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
root = pathlib.Path(__file__).resolve().parents[2]
servers = {"avx": "mini_redis", "tokio": "mini_redis_tokio"}
tests = ["PING_INLINE", "PING_MBULK", "SET", "GET"]
subprocess.run(["cargo", "build", "-q", "--release", "-p", "avx-examples", "--example", "mini_redis"], cwd=root, check=True)
subprocess.run(["cargo", "build", "-q", "--release", "-p", "avx-std", "--example", "mini_redis_tokio"], cwd=root, check=True)


def bench(example):
    server = subprocess.Popen([root / "target/release/examples" / example, "127.0.0.1:0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = server.stdout.readline().split()[-1].rsplit(":", 1)[1]
        out = subprocess.run(["redis-benchmark", "-p", port, "-t", "ping,set,get", "-c", "50", "-n", "100000", "-q"],
                             capture_output=True, text=True, check=True).stdout
        with open(f"/proc/{server.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        cpu_seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    finally:
        server.kill()
        server.wait()
    found = dict(re.findall(r"(\w+): ([\d.]+) requests per second", out))
    return {test: float(found[test]) for test in tests}, cpu_seconds * 1e6 / (100_000 * len(tests))


rps = {rt: {test: [] for test in tests} for rt in servers}
cpu = {rt: [] for rt in servers}
for r in range(rounds):
    order = list(servers.items()) if r % 2 == 0 else list(reversed(servers.items()))
    for rt, example in order:
        results, cpu_per_request = bench(example)
        for test, value in results.items():
            rps[rt][test].append(value)
        cpu[rt].append(cpu_per_request)
    print(f"round {r + 1}/{rounds}: " + "; ".join(
        f"{rt} " + " ".join(f"{rps[rt][t][-1]:.0f}" for t in tests) + f" cpu {cpu[rt][-1]:.2f} us/req"
        for rt in servers), file=sys.stderr)

print(f"| redis-benchmark -c 50 -n 100000 ({rounds} rounds) | avx req/s (min-max) | tokio req/s (min-max) | avx / tokio |")
print("|---|---|---|---|")
for test in tests:
    a, t = rps["avx"][test], rps["tokio"][test]
    ratio = statistics.median(x / y for x, y in zip(a, t))
    print(f"| {test} | {statistics.median(a):.0f} ({min(a):.0f}-{max(a):.0f}) | "
          f"{statistics.median(t):.0f} ({min(t):.0f}-{max(t):.0f}) | {ratio:.2f} |")
a, t = cpu["avx"], cpu["tokio"]
ratio = statistics.median(x / y for x, y in zip(a, t))
print(f"| server CPU per request, us (lower is better) | {statistics.median(a):.2f} ({min(a):.2f}-{max(a):.2f}) | "
      f"{statistics.median(t):.2f} ({min(t):.2f}-{max(t):.2f}) | {ratio:.2f} |")
