"""inferd's service-manager protocol without systemd.

Runs inferd under `systemd-socket-activate` with a datagram listener of our own as NOTIFY_SOCKET
(a path in one run, an abstract @name in the other) and WATCHDOG_USEC set, and checks what it
sends: READY=1 with STATUS=, WATCHDOG=1 at half the interval, RELOADING=1 (with
MONOTONIC_USEC=) then READY=1 on SIGHUP, STOPPING=1 and exit 0 on SIGTERM, and that a stalled
worker (--test-hooks, POST /v2/debug/stall-worker as uid 0) stops the watchdog pings.

usage: notify_protocol.py INFERD_BINARY MODELS_DIR
"""
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

WATCHDOG_USEC = 1_000_000  # pings expected every 0.5 s


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def ok(message):
    print(f"ok: {message}")


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=10)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self.path)


def request(socket_path, method, path):
    connection = UnixHTTPConnection(socket_path)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class NotifyListener:
    """Records every datagram with its arrival time (monotonic seconds)."""

    def __init__(self, address):
        self.address = address
        self.messages = []
        self.lock = threading.Lock()
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + address[1:] if address.startswith("@") else address)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    def _receive(self):
        while self.running:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.messages.append((time.monotonic(), data.decode()))

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()
        if not self.address.startswith("@"):
            os.unlink(self.address)

    def since(self, start):
        with self.lock:
            return [(t, m) for t, m in self.messages if t >= start]

    def wait_for(self, predicate, start, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for t, message in self.since(start):
                if predicate(message):
                    return t, message
            time.sleep(0.02)
        fail(f"no {what} within {timeout} s; received since then: {[m for _, m in self.since(start)]}")

    def pings(self, start, end):
        return [t for t, m in self.since(start) if t <= end and "WATCHDOG=1" in m.split("\n")]


def assignments(message):
    return dict(line.split("=", 1) for line in message.split("\n") if "=" in line)


def start_daemon(binary, models, workdir, notify, extra):
    socket_path = os.path.join(workdir, "inferd.sock")
    command = ["systemd-socket-activate", "-l", socket_path,
               f"--setenv=NOTIFY_SOCKET={notify}", f"--setenv=WATCHDOG_USEC={WATCHDOG_USEC}",
               binary, "--models", models, "--workers", "2", *extra]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "stderr.log"), "w"))
    return process, socket_path, started


def first_request(socket_path, process):
    """systemd-socket-activate listens first and execs inferd on the first connection, like a
    .socket unit; the socket file appears a moment after it starts."""
    deadline = time.monotonic() + 10
    while not os.path.exists(socket_path):
        if time.monotonic() > deadline or process.poll() is not None:
            fail(f"systemd-socket-activate did not create {socket_path}")
        time.sleep(0.02)
    return request(socket_path, "GET", "/v2/health/live")[0]


def check_lifecycle(binary, models, workdir, notify, kind):
    listener = NotifyListener(notify)
    process, socket_path, started = start_daemon(binary, models, workdir, notify, [])
    try:
        code = first_request(socket_path, process)
        if code != 200:
            fail(f"GET /v2/health/live over the inherited socket answered {code}")
        ready_at, message = listener.wait_for(lambda m: "READY=1" in m.split("\n"), started, 20, "READY=1")
        status = assignments(message).get("STATUS")
        if not status:
            fail(f"READY=1 came without STATUS=: {message!r}")
        ok(f"[{kind} NOTIFY_SOCKET] first connection started inferd: READY=1 after {ready_at - started:.3f} s "
           f"with STATUS={status}; GET /v2/health/live over the inherited socket: 200")

        window = time.monotonic()
        time.sleep(3.2)
        pings = listener.pings(window, window + 3.2)
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        if len(pings) < 5 or max(gaps) > 0.8 * WATCHDOG_USEC / 1e6:
            fail(f"WATCHDOG=1 cadence with WATCHDOG_USEC={WATCHDOG_USEC}: {len(pings)} pings in 3.2 s, gaps {gaps}")
        ok(f"[{kind}] WATCHDOG_USEC={WATCHDOG_USEC}: {len(pings)} pings in 3.2 s, largest gap {max(gaps):.3f} s")

        hup = time.monotonic()
        process.send_signal(signal.SIGHUP)
        reload_at, message = listener.wait_for(lambda m: "RELOADING=1" in m.split("\n"), hup, 10, "RELOADING=1 after SIGHUP")
        fields = assignments(message)
        stamp = int(fields.get("MONOTONIC_USEC", "0"))
        if abs(stamp / 1e6 - reload_at) > 1.0:
            fail(f"RELOADING=1 carries MONOTONIC_USEC={stamp}, not the monotonic clock (~{int(reload_at * 1e6)})")
        listener.wait_for(lambda m: "READY=1" in m.split("\n"), reload_at, 20, "READY=1 after the reload")
        ok(f"[{kind}] SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1")

        term = time.monotonic()
        process.send_signal(signal.SIGTERM)
        listener.wait_for(lambda m: "STOPPING=1" in m.split("\n"), term, 10, "STOPPING=1 after SIGTERM")
        code = process.wait(timeout=20)
        if code != 0:
            fail(f"exit status after SIGTERM: {code}")
        ok(f"[{kind}] SIGTERM: STOPPING=1, exit 0 after {time.monotonic() - term:.3f} s")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        listener.close()


def check_stalled_worker(binary, models, workdir, notify, kind):
    listener = NotifyListener(notify)
    process, socket_path, started = start_daemon(binary, models, workdir, notify, ["--test-hooks"])
    try:
        first_request(socket_path, process)
        listener.wait_for(lambda m: "READY=1" in m.split("\n"), started, 20, "READY=1")
        time.sleep(1.2)
        if len(listener.pings(started, time.monotonic())) < 2:
            fail("no WATCHDOG=1 before the stall")
        code, body = request(socket_path, "POST", "/v2/debug/stall-worker?worker=1&seconds=60")
        if code != 200:
            fail(f"POST /v2/debug/stall-worker as uid {os.getuid()} answered {code}: {body!r}")
        stalled = time.monotonic()
        # A ping already under way may still land within one interval; after that, silence.
        time.sleep(3.5)
        late = [t - stalled for t in listener.pings(stalled + WATCHDOG_USEC / 1e6, time.monotonic())]
        if late:
            fail(f"WATCHDOG=1 kept coming after worker 1 stalled (at +{late} s)")
        if process.poll() is not None or request(socket_path, "GET", "/v2/health/live")[0] != 200:
            fail("inferd died or stopped answering after the stall: the pings must stop because of the worker")
        ok(f"[{kind}] worker 1 stalled: no WATCHDOG=1 for 2.5 s after the first interval, "
           "while inferd itself still answers GET /v2/health/live")
    finally:
        process.kill()
        process.wait()
        listener.close()


def main():
    binary, models = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="inferd-notify-") as workdir:
        check_lifecycle(binary, models, workdir, os.path.join(workdir, "notify.sock"), "path")
    with tempfile.TemporaryDirectory(prefix="inferd-notify-") as workdir:
        check_lifecycle(binary, models, workdir, f"@inferd-notify-{os.getpid()}", "abstract")
    with tempfile.TemporaryDirectory(prefix="inferd-notify-") as workdir:
        check_stalled_worker(binary, models, workdir, f"@inferd-stall-{os.getpid()}", "abstract")


if __name__ == "__main__":
    main()
