#!/usr/bin/env python3
"""The real redis-cli against avx's mini_redis example: installs Debian's redis-tools if
missing, starts the example on a free port, runs redis-cli commands (SET/GET with EX and PX
expiry, NX/XX, INCR, DEL, EXISTS, EXPIRE/TTL, errors, PUBLISH/SUBSCRIBE between two redis-cli
processes, commands piped to one redis-cli, 10,000 pipelined with --pipe) and checks each
reply. Prints `redis-cli: N passed, M failed`; exits non-zero if any failed.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVER = ROOT / "target" / "debug" / "examples" / "mini_redis"
results = {"passed": 0, "failed": 0}


def install_redis_tools():
    if shutil.which("redis-cli"):
        return
    print("redis-cli missing: installing Debian's redis-tools", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "redis-tools"], check=True, env=env)


def start_server():
    subprocess.run(["cargo", "build", "-q", "-p", "avx-examples", "--example", "mini_redis"], cwd=ROOT, check=True)
    server = subprocess.Popen([SERVER, "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    if "listening on" not in line:
        server.kill()
        sys.exit(f"mini_redis did not start: {line!r}")
    host, port = line.split()[-1].rsplit(":", 1)
    return server, host, port


def check(name, got, expected):
    if got == expected:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"FAIL {name}:\n  expected {expected!r}\n  got      {got!r}", flush=True)


def main():
    install_redis_tools()
    server, host, port = start_server()
    cli = ["redis-cli", "-h", host, "-p", port]

    def run(*args, stdin=None, raw=False):
        """One redis-cli call; its output lines (formatted as a terminal shows them)."""
        flags = [] if raw else ["--no-raw"]
        out = subprocess.run(cli + flags + list(args), input=stdin, capture_output=True, text=True, timeout=30)
        return out.stdout.strip("\n").split("\n")

    def call(*args):
        return "\n".join(run(*args))

    try:
        check("PING", call("PING"), "PONG")
        check("ECHO", call("ECHO", "hello world"), '"hello world"')
        check("SET", call("SET", "greeting", "hello"), "OK")
        check("GET", call("GET", "greeting"), '"hello"')
        check("GET missing", call("GET", "nothing"), "(nil)")
        check("SET NX existing", call("SET", "greeting", "other", "NX"), "(nil)")
        check("SET XX existing", call("SET", "greeting", "hi", "XX"), "OK")
        check("SET XX missing", call("SET", "absent", "x", "XX"), "(nil)")
        check("INCR new", call("INCR", "visits"), "(integer) 1")
        check("INCR again", call("INCR", "visits"), "(integer) 2")
        check("INCR text", call("INCR", "greeting"), "(error) ERR value is not an integer or out of range")
        check("EXISTS", call("EXISTS", "greeting", "visits", "nothing"), "(integer) 2")
        check("DEL", call("DEL", "greeting", "nothing"), "(integer) 1")
        check("EXISTS after DEL", call("EXISTS", "greeting"), "(integer) 0")
        check("TTL persistent", call("TTL", "visits"), "(integer) -1")
        check("TTL missing", call("TTL", "nothing"), "(integer) -2")
        check("EXPIRE", call("EXPIRE", "visits", "100"), "(integer) 1")
        check("TTL after EXPIRE", call("TTL", "visits"), "(integer) 100")
        check("unknown command", call("FLUSHALL"), "(error) ERR unknown command 'FLUSHALL'")
        check("wrong arity", call("GET"), "(error) ERR wrong number of arguments for 'get' command")

        # Expiry: EX in seconds, PX in milliseconds, both gone once their deadline passed.
        check("SET EX", call("SET", "session", "abc", "EX", "1"), "OK")
        check("SET PX", call("SET", "flash", "xyz", "PX", "300"), "OK")
        check("TTL of EX 1", call("TTL", "session"), "(integer) 1")
        check("GET before expiry", call("GET", "session"), '"abc"')
        time.sleep(1.2)
        check("GET after EX", call("GET", "session"), "(nil)")
        check("GET after PX", call("GET", "flash"), "(nil)")
        check("TTL after expiry", call("TTL", "session"), "(integer) -2")

        # Commands piped into one redis-cli, one per line, answered in order.
        piped = "SET p 10\nINCR p\nINCR p\nGET p\nDEL p\nEXISTS p\n"
        check("piped commands", run(stdin=piped), ["OK", "(integer) 11", "(integer) 12", '"12"', "(integer) 1",
                                                    "(integer) 0"])

        # 10,000 commands pipelined in RESP by --pipe (which waits for every reply).
        request = "".join(f"*2\r\n$4\r\nINCR\r\n$6\r\npiped{i % 10}\r\n" for i in range(10_000))
        tail = run("--pipe", stdin=request, raw=True)[-1]
        check("--pipe 10,000", tail, "errors: 0, replies: 10000")
        check("--pipe counts", call("GET", "piped7"), '"1000"')

        # PUBLISH/SUBSCRIBE between two redis-cli processes.
        subscriber = subprocess.Popen(cli + ["SUBSCRIBE", "news"], stdout=subprocess.PIPE, text=True)
        try:
            confirmation = [subscriber.stdout.readline().strip() for _ in range(3)]
            check("SUBSCRIBE", confirmation, ["subscribe", "news", "1"])
            check("PUBLISH to one", call("PUBLISH", "news", "extra extra"), "(integer) 1")
            check("PUBLISH to none", call("PUBLISH", "weather", "rain"), "(integer) 0")
            check("message", [subscriber.stdout.readline().strip() for _ in range(3)], ["message", "news", "extra extra"])
        finally:
            subscriber.kill()
            subscriber.wait()
        # The subscriber's connection is gone once the server has seen it close.
        deadline = time.monotonic() + 10
        while call("PUBLISH", "news", "late") != "(integer) 0" and time.monotonic() < deadline:
            time.sleep(0.05)
        check("PUBLISH after the subscriber left", call("PUBLISH", "news", "late"), "(integer) 0")
        check("still serving", call("PING"), "PONG")
    finally:
        server.kill()
        server.wait()
    print(f"redis-cli: {results['passed']} passed, {results['failed']} failed")
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
