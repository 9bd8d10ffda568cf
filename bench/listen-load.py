#!/usr/bin/env python3
"""Load test of flowcat --listen on loopback, bounded in time; exit 1 when a check fails.

    bench/listen-load.py                      # 50 clients x 100 requests, 16 slow-header clients
    CLIENTS=10 REQUESTS=5 bench/listen-load.py
    DISK_FULL=1 bench/listen-load.py          # the output's disk fills half way through
Knobs (environment): BUILD=build CLIENTS=50 REQUESTS=100 RECORDS=100 (per request) SLOW=16
TIMEOUT=5 (seconds a normal client waits for an answer) GRACE=2 (flowcat --grace)
HEADER_TIMEOUT=2 (flowcat --header-timeout) OUT=/dev/shm (where the output file goes).

Half the normal clients send Firehose deliveries (base64 records), half plain POSTs, on
kept-alive connections; every record names its request (account-id) and its index (srcport).
Meanwhile SLOW clients send request heads a byte a second, and SLOW/4 more send 100 kB bodies
at 1.1 kB/s (in flight at the stop, then cut off), reconnecting when cut off. When the normal
clients are done, flowcat gets SIGTERM with the slow clients still connected. Checks:
- every normal request is answered 200 within TIMEOUT seconds;
- every record of a request answered 200 is in the output exactly once (and nothing else is);
- no slow body is answered 200;
- flowcat exits 0 within GRACE + 1 seconds of the SIGTERM.
DISK_FULL=1 lets flowcat write only half of it: requests past that are answered 500, everything
answered 200 must still be there once, and flowcat exits 1.
"""
import base64
import http.client
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD", "build")
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(ROOT, BUILD)
CLIENTS = int(os.environ.get("CLIENTS", 50))
REQUESTS = int(os.environ.get("REQUESTS", 100))
RECORDS = int(os.environ.get("RECORDS", 100))
SLOW = int(os.environ.get("SLOW", 16))
TIMEOUT = float(os.environ.get("TIMEOUT", 5))
GRACE = float(os.environ.get("GRACE", 2))
HEADER_TIMEOUT = float(os.environ.get("HEADER_TIMEOUT", 2))
OUT = os.environ.get("OUT", "/dev/shm")
# DISK_FULL=1: flowcat may write only about half of what the clients send (a file-size limit,
# RLIMIT_FSIZE with SIGXFSZ ignored, so no root and no tmpfs are needed: a write past it fails
# with EFBIG as on a full disk). Requests past the limit are answered 500, not failures; every
# record answered 200 must still be in the output exactly once, and flowcat exits 1.
DISK_FULL = bool(os.environ.get("DISK_FULL"))
LINE_BYTES = 80  # about the length of one record's line in the output

flowcat = os.path.join(BUILD, "flowcat")
if not os.access(flowcat, os.X_OK):
    sys.exit(f"listen-load.py: build flowcat in {BUILD} first")


def body(client, req):
    """AWS text records of one request: account-id names the request, srcport the record."""
    account = f"{client * 10000 + req:012d}"
    lines = [f"2 {account} eni-1 10.0.0.1 10.0.0.2 {i} 443 6 1 40 1700000000 1700000060 ACCEPT OK"
             for i in range(RECORDS)]
    return account, "\n".join(lines) + "\n"


lock = threading.Lock()
acked = set()  # accounts of requests answered 200
failures = []  # (client, request, what)
refused = [0]  # requests answered 500 once the disk is full (DISK_FULL=1)
latencies = []
done = threading.Event()


def normal(port, client):
    conn = None
    for req in range(REQUESTS):
        account, text = body(client, req)
        if client % 2:
            headers = {"X-Amz-Firehose-Request-Id": f"{account}", "Content-Type": "application/json"}
            data = json.dumps({"requestId": account, "timestamp": 1,
                               "records": [{"data": base64.b64encode(text.encode()).decode()}]})
        else:
            headers, data = {}, text
        start = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            conn.request("POST", "/load", body=data, headers=headers)
            resp = conn.getresponse()
            resp.read()
            took = time.monotonic() - start
            with lock:
                latencies.append(took)
                if resp.status == 200:
                    acked.add(account)
                elif resp.status == 500 and DISK_FULL:
                    refused[0] += 1
                else:
                    failures.append((client, req, f"status {resp.status}"))
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as e:
            with lock:
                failures.append((client, req, f"{type(e).__name__}: {e}"))
            if conn:
                conn.close()
            conn = None
    if conn:
        conn.close()


slow_cuts = [0]


def slow(port):
    """A head a byte a second, again and again; counts the times the server cut it off."""
    head = b"POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
    while not done.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            time.sleep(0.2)
            continue
        try:
            for b in head:
                if done.is_set():
                    break
                s.sendall(bytes([b]))
                time.sleep(1)
                s.setblocking(False)
                try:
                    answer = s.recv(4096)
                except BlockingIOError:
                    answer = None
                s.setblocking(True)
                if answer is not None:  # 408, or the end of the connection
                    with lock:
                        slow_cuts[0] += 1
                    break
        except OSError:
            with lock:
                slow_cuts[0] += 1
        s.close()


slow_bodies = [0, 0]  # answered 200 (must stay 0: never complete), other answers or cut off


def slow_body(port):
    """A body of 100 kB at 1.1 kB/s, just above the minimum rate: in flight at the stop, then cut off."""
    text = "".join(f"2 999999999999 eni-1 10.0.0.1 10.0.0.2 {i} 443 6 1 40 1700000000 1700000060 ACCEPT OK\n"
                   for i in range(2000)).encode()[:100000]
    head = f"POST /slow-body HTTP/1.1\r\nHost: x\r\nContent-Length: {len(text)}\r\n\r\n".encode()
    while not done.is_set():
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(head)
            for i in range(0, len(text), 550):
                if done.is_set():
                    break
                s.sendall(text[i:i + 550])
                time.sleep(0.5)
            answer = s.recv(100)
        except OSError:
            answer = b""
        with lock:
            slow_bodies[0 if answer.startswith(b"HTTP/1.1 200") else 1] += 1
        s.close()


def main():
    work = tempfile.mkdtemp(dir=OUT, prefix="flow-listen-load.")
    port_file, out = os.path.join(work, "port"), os.path.join(work, "out.log")
    def full_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # kept across exec: a write gets EFBIG
        limit = CLIENTS * REQUESTS * RECORDS * LINE_BYTES // 2
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.Popen([flowcat, "-q", "--listen", "127.0.0.1:0", "--port-file", port_file, "-o", out,
                             "--grace", str(GRACE), "--header-timeout", str(HEADER_TIMEOUT)],
                            stderr=open(os.path.join(work, "stderr"), "w"), preexec_fn=full_disk if DISK_FULL else None)
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        port = int(open(port_file).read())
        slows = [threading.Thread(target=slow, args=(port,), daemon=True) for _ in range(SLOW)]
        slows += [threading.Thread(target=slow_body, args=(port,), daemon=True) for _ in range(SLOW // 4)]
        for t in slows:
            t.start()
        time.sleep(1)  # the slow clients are connected before the load starts
        start = time.monotonic()
        clients = [threading.Thread(target=normal, args=(port, c)) for c in range(CLIENTS)]
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        load_time = time.monotonic() - start
        stop_start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(timeout=GRACE + 30)
        except subprocess.TimeoutExpired:
            proc.kill()
            status = proc.wait()
        stop_time = time.monotonic() - stop_start
        done.set()
    finally:
        if proc.poll() is None:
            proc.kill()

    counts = {}
    listing = subprocess.run([flowcat, "--no-header", out], capture_output=True, text=True, check=False).stdout
    for line in listing.splitlines():
        f = line.split()
        key = (f[1], f[5])  # account-id, srcport
        counts[key] = counts.get(key, 0) + 1
    missing = sum(1 for a in acked for i in range(RECORDS) if counts.get((a, str(i)), 0) == 0)
    twice = sum(1 for n in counts.values() if n > 1)
    extra = sum(1 for (a, _) in counts if a not in acked)

    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else 0
    total = CLIENTS * REQUESTS
    print(f"{total} requests of {RECORDS} records from {CLIENTS} clients beside {SLOW} slow-header clients "
          f"in {load_time:.2f} s: {len(acked)} answered 200, {refused[0]} answered 500 (disk full), "
          f"{len(failures)} failed")
    print(f"latency: p50 {pct(0.5) * 1000:.0f} ms, p99 {pct(0.99) * 1000:.0f} ms, max {pct(1.0) * 1000:.0f} ms; "
          f"slow clients cut off {slow_cuts[0]} times")
    print(f"records in the output: {sum(counts.values())}; acknowledged and missing: {missing}; "
          f"more than once: {twice}; not acknowledged: {extra}")
    print(f"slow bodies: {slow_bodies[1]} cut off or refused, {slow_bodies[0]} answered 200")
    print(f"SIGTERM to exit: {stop_time:.2f} s (grace {GRACE} s), exit status {status}")
    ok = True
    for c, r, what in failures[:5]:
        print(f"FAIL: client {c} request {r}: {what}")
    checks = [(not failures, "every normal request answered 200 within its timeout"),
              (missing == 0 and twice == 0 and extra == 0, "every acknowledged record exactly once, nothing else"),
              (slow_bodies[0] == 0, "no slow body acknowledged"),
              (status == (1 if DISK_FULL else 0) and stop_time <= GRACE + 1,
               f"exit {1 if DISK_FULL else 0} within the grace period (+1 s)")]
    if DISK_FULL:
        checks.append((refused[0] > 0 and acked, "the disk filled mid-run: some requests answered 200, then 500"))
    for good, what in checks:
        print(f"{'ok' if good else 'FAIL'}: {what}")
        ok = ok and good
    subprocess.run(["rm", "-rf", work], check=False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
