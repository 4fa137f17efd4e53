#!/usr/bin/env python3
"""Runs `redis-benchmark -t ping,set,get -c 50 -n 100000 -q` against mini_redis on avx and on
tokio (the same source, examples/mini_redis/), N rounds with the servers' order alternating
from round to round, and prints per test the median requests per second of each, the spread
(min-max) and the median of the per-round avx / tokio ratios (higher is better); then the
same for the server's CPU time (user + system) per request in each test, which a busy
machine disturbs less than throughput. Needs Debian's redis-tools."""
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


def cpu_seconds(pid):
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench(example):
    """One redis-benchmark run: requests/s per test, and the server's CPU microseconds per
    request per test (sampled as each test's result line appears)."""
    server = subprocess.Popen([root / "target/release/examples" / example, "127.0.0.1:0"],
                              stdout=subprocess.PIPE, text=True)
    rates, cpu = {}, {}
    try:
        port = server.stdout.readline().split()[-1].rsplit(":", 1)[1]
        client = subprocess.Popen(["redis-benchmark", "-p", port, "-t", "ping,set,get", "-c", "50", "-n", "100000",
                                   "-q"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        used = cpu_seconds(server.pid)
        for line in iter_lines(client.stdout):
            done = re.match(r"(\w+): ([\d.]+) requests per second", line)
            if done:
                now = cpu_seconds(server.pid)
                rates[done.group(1)], cpu[done.group(1)] = float(done.group(2)), (now - used) * 1e6 / 100_000
                used = now
        if client.wait() != 0:
            raise RuntimeError(f"redis-benchmark failed against {example}")
    finally:
        server.kill()
        server.wait()
    return {test: (rates[test], cpu[test]) for test in tests}


def iter_lines(stream):
    """Lines ended by CR or LF, as redis-benchmark's progress rewrites them, as they arrive."""
    line = b""
    while char := stream.read(1):
        if char in b"\r\n":
            yield line.decode()
            line = b""
        else:
            line += char
    yield line.decode()


rps = {rt: {test: [] for test in tests} for rt in servers}
cpu = {rt: {test: [] for test in tests} for rt in servers}
for r in range(rounds):
    order = list(servers.items()) if r % 2 == 0 else list(reversed(servers.items()))
    for rt, example in order:
        for test, (rate, us) in bench(example).items():
            rps[rt][test].append(rate)
            cpu[rt][test].append(us)
    print(f"round {r + 1}/{rounds}: " + "; ".join(
        f"{rt} " + " ".join(f"{rps[rt][t][-1]:.0f}/s {cpu[rt][t][-1]:.1f}us" for t in tests) for rt in servers),
        file=sys.stderr)


def row(name, a, t, digits):
    ratio = statistics.median(x / y for x, y in zip(a, t))
    print(f"| {name} | {statistics.median(a):.{digits}f} ({min(a):.{digits}f}-{max(a):.{digits}f}) | "
          f"{statistics.median(t):.{digits}f} ({min(t):.{digits}f}-{max(t):.{digits}f}) | {ratio:.2f} |")


print(f"| redis-benchmark -c 50 -n 100000, {rounds} rounds | avx (min-max) | tokio (min-max) | avx / tokio |")
print("|---|---|---|---|")
for test in tests:
    row(f"{test} requests/s", rps["avx"][test], rps["tokio"][test], 0)
for test in tests:
    row(f"{test} server CPU us/request (lower is better)", cpu["avx"][test], cpu["tokio"][test], 2)
