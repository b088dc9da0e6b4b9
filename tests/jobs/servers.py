"""Real processes for job tests: the app under uvicorn on a free port, and `matchscope worker` subprocesses."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn

from matchscope.app import create_app
from matchscope.settings import Settings

REDIS_URL = os.environ.get("MATCHSCOPE_TEST_REDIS", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[2]


def _ephemeral_ports() -> range:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return range(int(low), int(high) + 1)
    except (OSError, ValueError):
        return range(32768, 61000)  # Linux's default


def free_port() -> int:
    """A free port for a server in another process (which binds it itself): random, below the kernel's ephemeral
    range, so that neither another test's `listening_socket()` nor an outgoing connection takes it between this
    check and that server's bind, and parallel test processes seldom pick the same one (the bind here checks it
    is free now). A server in this process binds `listening_socket()` instead, which leaves no gap at all."""
    low = 10000
    high = max(low + 1000, _ephemeral_ports().start)
    while True:
        port = random.randrange(low, high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
                continue
        return port


def listening_socket(port: int = 0) -> socket.socket:
    """A socket bound on 127.0.0.1 (a port the kernel picks unless given), held until the server that is handed it
    closes it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a server restarted on its port binds it again
    sock.bind(("127.0.0.1", port))
    return sock


@contextmanager
def serve_socket(settings: Settings, sock: socket.socket, limit_s: float = 30.0) -> Iterator[str]:
    """The app (own AppState, lifespan included) under uvicorn in a thread, serving on `sock` (which it closes);
    yields its host:port."""
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + limit_s
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    """The app under uvicorn in a thread, on a port the kernel picks; yields its host:port."""
    with serve_socket(settings, listening_socket()) as base:
        yield base


MATCHSCOPE_WORKER = (sys.executable, "-m", "matchscope", "worker")
ARQ_WORKER = (sys.executable, "-m", "arq", "matchscope.jobs.worker.WorkerSettings")


class WorkerProcess:
    """A worker (`matchscope worker`, or arq's own command line) with the test's database, Redis and queue; logs go
    to a file."""

    def __init__(self, env: Mapping[str, str], log: Path, command: tuple[str, ...] = MATCHSCOPE_WORKER) -> None:
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            list(command),
            env={**os.environ, **env},
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


def post(base: str, query: str, variables: dict[str, object], key: str) -> dict[str, object]:
    response = httpx.post(
        f"http://{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


class RedisServer:
    """A private `redis-server` on a free port, without persistence: killing it loses everything it held, as a
    restarted Redis without its data would. Never the shared test server, which other tests use."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self._log = log
        self._started = False
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, limit_s: float = 10.0) -> None:
        """Start it; on its port again after a kill (its clients keep their URL). Its first start moves to another
        free port when another process took this one meanwhile."""
        for _attempt in range(1 if self._started else 5):
            if self._start(limit_s):
                self._started = True
                return
            if not self._started:
                self.port = free_port()
        raise AssertionError(f"redis-server did not start on port {self.port}: {self._log.read_text()[-2000:]}")

    def _start(self, limit_s: float) -> bool:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        with self._log.open("ab") as log:
            process = self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + limit_s
        while process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG") and process.poll() is None:
                        return True
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)
        return False  # it exited: its port was taken

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)


class SlowLink:
    """A TCP proxy on this event loop that delivers what a client sends `delay_s` late (in order), as a slow network
    link between one process and a server would; the replies come straight back."""

    def __init__(self, target_port: int, delay_s: float) -> None:
        self._target_port = target_port
        self._delay_s = delay_s
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: list[asyncio.StreamWriter] = []
        self.port = 0

    async def __aenter__(self) -> SlowLink:
        self._server = await asyncio.start_server(self._connected, sock=listening_socket())
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for writer in self._writers:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        await self._server.wait_closed()

    async def _connected(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self._target_port)
        self._writers += [client_writer, server_writer]
        for pipe in (self._late(client_reader, server_writer), self._pipe(server_reader, client_writer)):
            task = asyncio.create_task(pipe)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _late(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()
        pending: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await pending.get()
                await asyncio.sleep(max(0.0, due - loop.time()))
                if not data:
                    writer.close()
                    return
                writer.write(data)
                await writer.drain()

        delivery = asyncio.create_task(deliver())
        try:
            while True:
                data = await reader.read(65536)
                pending.put_nowait((loop.time() + self._delay_s, data))
                if not data:
                    break
            await delivery
        finally:
            delivery.cancel()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()
