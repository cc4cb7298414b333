"""Floods a running town center on loopback and measures what it withstands (run by scripts/flood-probe.sh).

Usage: flood_probe.py PORT PID STATION [IDLE_SOCKETS] [BODIES] [BODY_MIB]
  PORT     the center's sync API port on 127.0.0.1
  PID      the center's process id (its peak RSS is read from /proc/PID/status)
  STATION  an enrolled station code (large bodies signed badly for it are read before the signature check)

Three floods, from 127.0.0.1, while another client (127.0.0.2) fetches GET /v1/catalog every 50 ms:
  1. IDLE_SOCKETS (default 1000) idle connections;
  2. BODIES (default 16) concurrent unsigned POST /v1/enroll of BODY_MIB (default 31) MiB each;
  3. BODIES concurrent POST /v1/stations/STATION/submissions of BODY_MIB MiB with well-formed, fresh
     headers and a bad signature (the costliest refusal an outsider who knows a station code can cause).
Prints the other client's latency and failures, the time to refuse, and the center's peak RSS.
"""

import hashlib
import os
import resource
import select
import socket
import statistics
import sys
import threading
import time

PORT = int(sys.argv[1])
PID = int(sys.argv[2])
STATION = sys.argv[3]
IDLE_SOCKETS = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
BODIES = int(sys.argv[5]) if len(sys.argv) > 5 else 16
BODY_BYTES = (int(sys.argv[6]) if len(sys.argv) > 6 else 31) << 20


def status_mib(field):
    """A memory line of the center's /proc status (VmHWM: peak resident, VmRSS: resident now), in MiB."""
    with open(f"/proc/{PID}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mib():
    """VmHWM of the center: its peak resident memory so far."""
    return status_mib("VmHWM")


def rss_mib():
    """VmRSS of the center now."""
    return status_mib("VmRSS")


def alive():
    return os.path.exists(f"/proc/{PID}")


def connect(source="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", PORT))
    return s


def read_status(s, deadline):
    """The status code of the answer on `s` (reads the status line only), or None."""
    data = b""
    while b"\r\n" not in data and time.monotonic() < deadline:
        ready, _, _ = select.select([s], [], [], max(0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    parts = data.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


class Watcher(threading.Thread):
    """Another client: GET /v1/catalog from 127.0.0.2 every 50 ms, timing each answer."""

    def __init__(self):
        super().__init__(daemon=True)
        self.latencies = []
        self.failures = 0
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        while not self.stopping.is_set():
            start = time.monotonic()
            ok = False
            try:
                s = connect("127.0.0.2")
                s.sendall(b"GET /v1/catalog HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                ok = read_status(s, start + 10) == 200
                s.close()
            except OSError:
                pass
            with self.lock:
                if ok:
                    self.latencies.append(time.monotonic() - start)
                else:
                    self.failures += 1
            self.stopping.wait(0.05)

    def take(self):
        """The latencies and failures since the last call."""
        with self.lock:
            taken = (self.latencies, self.failures)
            self.latencies, self.failures = [], 0
        return taken


def summary(name, watcher):
    latencies, failures = watcher.take()
    if latencies:
        ms = sorted(x * 1000 for x in latencies)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        served = f"median {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms"
    else:
        served = "never served"
    print(f"flood-probe: {name}: another client: {len(latencies)} requests served ({served}), {failures} failed")


def idle_flood(watcher):
    """Opens IDLE_SOCKETS idle connections; counts the ones the center closes at once and when it closes the rest."""
    start = time.monotonic()
    sockets, refused_connect = [], 0
    for _ in range(IDLE_SOCKETS):
        try:
            sockets.append(connect())
        except OSError:
            refused_connect += 1
    opened = time.monotonic() - start
    # A connection the center refuses is closed at once: EOF (or a reset) within a second of the last connect.
    deadline = time.monotonic() + 1
    open_ones, refused = set(sockets), 0
    while open_ones and time.monotonic() < deadline:
        ready, _, _ = select.select(list(open_ones)[:1000], [], [], 0.05)
        for s in ready:
            try:
                data = s.recv(1)
            except OSError:
                data = b""
            if not data:
                refused += 1
                open_ones.discard(s)
    # The time to refuse one more connection while the flood holds its share.
    refusals = []
    for _ in range(20):
        extra = connect()
        begin = time.monotonic()
        if select.select([extra], [], [], 5)[0]:
            try:
                closed = not extra.recv(1)
            except OSError:
                closed = True
            if closed:
                refusals.append((time.monotonic() - begin) * 1000)
        extra.close()
    print(f"flood-probe: idle sockets: {len(sockets)} opened from one address in {opened:.2f} s "
          f"({refused_connect} connects failed); {refused} closed by the center at once, {len(open_ones)} held; "
          f"{len(refusals)} of 20 more refused, in median {statistics.median(refusals or [float('nan')]):.1f} ms, "
          f"at most {max(refusals, default=float('nan')):.1f} ms")
    # The held ones must be closed by the header timeout (no request head ever arrives).
    held_start = time.monotonic()
    while open_ones and time.monotonic() - held_start < 20:
        ready, _, _ = select.select(list(open_ones)[:1000], [], [], 0.5)
        for s in ready:
            try:
                data = s.recv(1)
            except OSError:
                data = b""
            if not data:
                open_ones.discard(s)
    print(f"flood-probe: idle sockets: the held ones were closed {time.monotonic() - start:.1f} s after the flood began"
          + (f"; {len(open_ones)} still open after 20 s more" if open_ones else ""))
    for s in sockets:
        s.close()
    summary("idle sockets", watcher)


def body_flood(watcher, name, target, headers):
    """BODIES concurrent POSTs of BODY_BYTES; each times its answer (or the close of the connection)."""
    chunk = b"{" + b" " * ((1 << 20) - 1)
    results, lock = [], threading.Lock()
    barrier = threading.Barrier(BODIES)

    def post():
        start = None
        status = None
        sent = 0
        try:
            s = connect()
            head = (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {BODY_BYTES}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n")
            barrier.wait()
            start = time.monotonic()
            s.sendall(head.encode())
            s.setblocking(False)
            deadline = start + 180
            while time.monotonic() < deadline:
                want_write = [s] if sent < BODY_BYTES else []
                readable, writable, _ = select.select([s], want_write, [], 1)
                if readable:
                    s.setblocking(True)
                    status = read_status(s, deadline)
                    break
                if writable:
                    try:
                        sent += s.send(chunk[: min(len(chunk), BODY_BYTES - sent)])
                    except BlockingIOError:
                        pass
                    except OSError:
                        break
            s.close()
        except (OSError, threading.BrokenBarrierError):
            pass
        with lock:
            results.append((status, time.monotonic() - start if start else float("nan"), sent))

    before = rss_mib()
    threads = [threading.Thread(target=post) for _ in range(BODIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    by_status = {}
    for status, seconds, sent in results:
        by_status.setdefault(status, []).append((seconds, sent))
    parts = []
    for status, entries in sorted(by_status.items(), key=lambda item: str(item[0])):
        times = sorted(seconds for seconds, _ in entries)
        parts.append(f"{len(entries)} x {status or 'no answer'} after {times[0] * 1000:.0f}-{times[-1] * 1000:.0f} ms "
                     f"({max(sent for _, sent in entries) / 1048576:.1f} MiB sent at most)")
    print(f"flood-probe: {name}: {BODIES} x {BODY_BYTES >> 20} MiB: " + "; ".join(parts)
          + f"; center RSS {before:.0f} MiB before, {rss_mib():.0f} MiB after, peak so far {peak_rss_mib():.0f} MiB")
    summary(name, watcher)


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = IDLE_SOCKETS + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard) if hard != resource.RLIM_INFINITY else want, hard))
    print(f"flood-probe: center pid {PID} on 127.0.0.1:{PORT}; peak RSS at start {peak_rss_mib():.0f} MiB")
    watcher = Watcher()
    watcher.start()
    time.sleep(1)
    summary("no flood", watcher)
    idle_flood(watcher)
    body_flood(watcher, "unsigned bodies", "/v1/enroll", {})
    date = str(int(time.time()))
    body_flood(watcher, "badly signed bodies", f"/v1/stations/{STATION}/submissions", {
        "X-Bianmin-Station": STATION, "X-Bianmin-Date": date, "X-Bianmin-Nonce": os.urandom(16).hex(),
        "X-Bianmin-Content-SHA256": hashlib.sha256(b"not the body").hexdigest(),
        "X-Bianmin-Signature": "A" * 86 + "==",
    })
    watcher.stopping.set()
    watcher.join()
    print(f"flood-probe: center {'still running' if alive() else 'STOPPED'}; peak RSS {peak_rss_mib():.0f} MiB")
    return 0 if alive() else 1


if __name__ == "__main__":
    sys.exit(main())
