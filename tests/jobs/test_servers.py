"""The test servers' ports: nothing another test process does between choosing a port and binding it takes it."""

from __future__ import annotations

import contextlib
import errno
import socket
from pathlib import Path

import httpx
import pytest

from matchscope.settings import Settings
from tests.jobs.servers import RedisServer, _ephemeral_ports, free_port, listening_socket, serve_socket

pytestmark = pytest.mark.database_independent


def test_a_free_port_is_never_one_the_kernel_hands_out() -> None:
    """Outgoing connections and `bind(("", 0))` of other test processes take ephemeral ports: a port chosen for a
    server in another process lies below that range, so none of them can take it before that server binds it."""
    ephemeral = _ephemeral_ports()
    ports = {free_port() for _ in range(50)}
    assert not ports & set(ephemeral), sorted(ports & set(ephemeral))
    with contextlib.ExitStack() as stack:
        for _ in range(200):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            assert sock.getsockname()[1] not in ports


def test_an_app_serves_on_the_socket_it_is_handed(tmp_path: Path) -> None:
    sock = listening_socket()
    port = sock.getsockname()[1]
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ports.db'}")
    with serve_socket(settings, sock) as base:
        assert base == f"127.0.0.1:{port}"
        assert httpx.get(f"http://{base}/healthz", timeout=10).status_code == 200
        with socket.socket() as other, pytest.raises(OSError) as taken:
            other.bind(("127.0.0.1", port))
        assert taken.value.errno == errno.EADDRINUSE


def test_a_redis_server_whose_port_was_taken_starts_on_another(tmp_path: Path) -> None:
    server = RedisServer(tmp_path / "redis.log")
    taken = server.port
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", taken))
        squatter.listen()
        try:
            server.start()
            assert server.port != taken
            assert server.url == f"redis://127.0.0.1:{server.port}/0"
        finally:
            server.kill()
    # Started again after a kill, it keeps its port: its clients keep their URL.
    port = server.port
    server.start()
    try:
        assert server.port == port
    finally:
        server.kill()
