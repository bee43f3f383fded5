"""Live servers hold against misuse: bodies over the limit refused before they are read, slow and idle
connections let go, the control paths served whatever holds the other threads, a hung request's thread
released when its client gives up. Real sockets on loopback; no test times the wall clock."""

from __future__ import annotations

import json
import resource
import select
import socket
import threading
import time

import httpx
import pytest

from runtimes.delivery import Delivery
from runtimes.live import LiveRuntime
from runtimes.server import BackgroundServer, ServerLimits
from simulators.vss import create_app as vss_app

pytestmark = pytest.mark.live

LIMIT = 1000
SLOW_CLIENTS = 2000


class Recorder:
    """A WSGI app that answers 200 with the size of the body it read; /hold waits until released."""

    def __init__(self) -> None:
        self.bodies: list[int] = []
        self.release = threading.Event()

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/hold":
            self.release.wait(30)
        body = environ["wsgi.input"].read()
        self.bodies.append(len(body))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(len(body)).encode()]


@pytest.fixture
def served():
    app = Recorder()
    limits = ServerLimits(max_body_bytes=LIMIT, request_timeout_s=1, idle_timeout_s=30, control_threads=2)
    server = BackgroundServer(app, threads=2, limits=limits).start()
    yield app, server
    app.release.set()
    server.stop()


def raw(server: BackgroundServer, data: bytes) -> socket.socket:
    sock = socket.create_connection((server.host, server.port), timeout=10)
    sock.sendall(data)
    return sock


def answer(sock: socket.socket) -> tuple[str, dict[str, str], bytes]:
    received = b""
    while b"\r\n\r\n" not in received or len(received.split(b"\r\n\r\n", 1)[1]) < _length(received):
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return status, headers, body


def _length(received: bytes) -> int:
    for line in received.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


def closed_by_server(sock: socket.socket, within_s: float = 20) -> bool:
    """Whether the server hangs up on `sock` (it reads EOF) before `within_s` runs out."""
    poller = select.poll()  # select() cannot watch a descriptor above 1023
    poller.register(sock, select.POLLIN)
    if not poller.poll(within_s * 1000):
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(served):
    app, server = served
    sock = raw(server, b"POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n")
    status, headers, body = answer(sock)
    sock.close()
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "Content Too Large",
        "status": 413,
        "detail": f"the body is larger than {LIMIT} bytes, the most this server takes",
    }
    assert app.bodies == []  # the app never saw it


def test_a_chunked_body_is_refused_once_it_passes_the_limit(served):
    app, server = served
    chunk = b"%x\r\n%s\r\n" % (600, b"x" * 600)
    sock = raw(server, b"POST /api HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk * 2)
    status, _, _ = answer(sock)
    sock.close()
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert app.bodies == []


def test_a_body_of_exactly_the_limit_is_taken(served):
    app, server = served
    reply = httpx.post(f"{server.url}/api", content=b"x" * LIMIT, timeout=10)
    assert (reply.status_code, reply.text, app.bodies) == (200, str(LIMIT), [LIMIT])


def test_two_thousand_slow_clients_cannot_starve_the_server_and_are_let_go(served):
    app, server = served
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 2 * SLOW_CLIENTS + 512:
        pytest.skip(f"the open-files hard limit ({hard}) is too low for {SLOW_CLIENTS} clients and a server")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 2 * SLOW_CLIENTS + 512), hard))
    half_sent = b"POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789"
    slow = []
    try:
        for _ in range(SLOW_CLIENTS):
            slow.append(raw(server, half_sent))
        reply = httpx.get(f"{server.url}/metrics", timeout=10)
        assert reply.status_code == 200
        assert all(closed_by_server(sock) for sock in slow)  # none finished its body in time
    finally:
        for sock in slow:
            sock.close()
    assert app.bodies == [0]  # only the metrics request reached the app


def test_a_request_that_trickles_in_is_cut_off(served):
    _, server = served
    sock = raw(server, b"POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n")
    cut = False
    for _ in range(100):  # a byte every 0.1 s: never idle, never whole
        try:
            sock.sendall(b"x")
        except OSError:
            cut = True
            break
        if closed_by_server(sock, 0.1):
            cut = True
            break
    sock.close()
    assert cut


def test_the_control_paths_are_served_while_every_other_thread_is_held(served):
    app, server = served
    held = [raw(server, b"GET /hold HTTP/1.1\r\nHost: x\r\n\r\n") for _ in range(6)]  # 2 threads, 4 queued
    try:
        for path in ("/__sandbox/faults", "/openapi.json", "/metrics", "/"):
            assert httpx.get(f"{server.url}{path}", timeout=10).status_code == 200
    finally:
        app.release.set()
        for sock in held:
            sock.close()


def test_a_hung_request_frees_its_thread_once_its_client_gives_up():
    runtime = LiveRuntime(seed=1, speed=1)
    app = vss_app(runtime)
    server = BackgroundServer(Delivery(app, runtime), threads=1).start()
    try:
        assert httpx.post(f"{server.url}/__sandbox/faults", json={"hang": {"rate": 1}}).status_code == 201
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{server.url}/api/v2/vehicles/SBXHEALTHY0000001/maintenance", timeout=0.3)
        assert httpx.delete(f"{server.url}/__sandbox/faults", timeout=10).status_code == 204
        # The one worker thread is free again: a request that is not a control one is answered.
        reply = httpx.get(f"{server.url}/api/v2/vehicles/SBXHEALTHY0000001/maintenance", timeout=10)
        assert reply.status_code == 401
    finally:
        runtime.close()
        server.stop()


def test_an_idle_keep_alive_connection_is_closed():
    limits = ServerLimits(idle_timeout_s=1)
    server = BackgroundServer(Recorder(), threads=1, limits=limits).start()
    try:
        sock = raw(server, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        status, _, _ = answer(sock)
        assert status == "HTTP/1.1 200 OK"
        time.sleep(0)  # nothing more is sent: the connection is idle from here on
        assert closed_by_server(sock)
        sock.close()
    finally:
        server.stop()
