#!/usr/bin/env python3
"""Runs `wrk -t1 -c50 -d5s` against http_hello on avx, tokio and smol, N rounds (servers
interleaved within each round), and prints the median requests per second with ratios
(higher is better). Needs Debian's `wrk` (apt-get install wrk)."""
import pathlib
import re
import socket
import statistics
import subprocess
import sys
import time

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
root = pathlib.Path(__file__).resolve().parents[2]
servers = {"avx": "http_hello", "tokio": "http_hello_tokio", "smol": "http_hello_smol"}
subprocess.run(["cargo", "build", "-q", "--release", "-p", "avx-examples", "--example", "http_hello"], cwd=root, check=True)
subprocess.run(["cargo", "build", "-q", "--release", "-p", "avx-std", "--example", "http_hello_tokio",
                "--example", "http_hello_smol"], cwd=root, check=True)

def wait_listening(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")

rps = {rt: [] for rt in servers}
for r in range(rounds):
    for i, (rt, example) in enumerate(servers.items()):
        port = 18080 + i
        server = subprocess.Popen([root / "target/release/examples" / example, f"127.0.0.1:{port}"],
                                  stdout=subprocess.DEVNULL)
        try:
            wait_listening(port)
            out = subprocess.run(["wrk", "-t1", "-c50", "-d5s", f"http://127.0.0.1:{port}/"],
                                 capture_output=True, text=True, check=True).stdout
            if "Non-2xx" in out or "Socket errors" in out:
                print(f"{rt}: wrk reported errors:\n{out}", file=sys.stderr)
            rps[rt].append(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)))
        finally:
            server.kill()
            server.wait()
    print(f"round {r + 1}/{rounds}: " + ", ".join(f"{rt} {v[-1]:.0f}" for rt, v in rps.items()), file=sys.stderr)

med = {rt: statistics.median(v) for rt, v in rps.items()}
best = max(med["tokio"], med["smol"])
print("| workload | avx | tokio | smol | avx / tokio | smol / tokio | avx / best other |")
print("|---|---|---|---|---|---|---|")
print(f"| http_hello (req/s) | {med['avx']:.0f} | {med['tokio']:.0f} | {med['smol']:.0f} | "
      f"{med['avx'] / med['tokio']:.2f} | {med['smol'] / med['tokio']:.2f} | {med['avx'] / best:.2f} |")
