"""Fault tests: the service with its own Redis, mail server, Celery worker and beat, which the tests break.

Never the shared Redis on 6379: each test starts a redis-server of its own on a free port and stops and
restarts that one. The worker and beat run as separate processes (tests.faults.settings) on that Redis,
the test database (PostgreSQL) and a mail server of the test's own (tests/faults/smtp.py); the test
process points its cache at the same Redis and queues nothing inline. Marked `integration` too, so they
run where the integration tests run (PostgreSQL and REDIS_URL: the first half of .ci/run).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test import override_settings

from config.celery_app import app as celery_app

# The closed and transferred cases of tests/closure, for the worker killed mid-transfer and mid-purge.
from tests.closure.conftest import closed_case, transfer_keys, transferred_case  # noqa: F401 - fixtures

from .smtp import SmtpSink

REPO = Path(__file__).resolve().parents[2]
FAULT_OUTBOX_MAX_ATTEMPTS = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], *, timeout: float, what: str, interval: float = 0.25) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(interval)
    pytest.fail(f"Waited {timeout:.0f} seconds for {what}.")


class RedisServer:
    """A redis-server of the test's own, without persistence: stop() loses everything queued, as a crash does."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("The fault tests need redis-server (Debian package redis-server; .ci/run installs it).")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=20, what=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture
def fault_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """A mail server on a port of its own, not yet started: a test starts it (or leaves the port refusing)."""
    sink = SmtpSink(free_port())
    yield sink
    sink.stop()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail("Fault tests share the test database with a worker process: run them on PostgreSQL.")
    host = db["HOST"] or "127.0.0.1"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER'] or 'postgres'}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


class Background:
    """The Celery worker and beat, as separate processes on the fault Redis; their logs kept for a failure."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *args: str, **extra_env: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("ab")
        command = [sys.executable, "-m", "celery", "--app", "config", *args, "--loglevel", "WARNING"]
        env = {**self.env, **extra_env}
        self.processes[name] = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
        return self.processes[name]

    def start_worker(self, **extra_env: str) -> subprocess.Popen:
        """The worker; solo pool: tasks run in the process a test may SIGKILL (FAULT_PAUSE_AT in extra_env)."""
        options = ("--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat")
        return self.start("worker", "worker", *options, **extra_env)

    def kill(self, name: str) -> None:
        """SIGKILL, as the kernel's OOM killer or a pulled plug does: nothing is cleaned up."""
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        """An operator's `manage.py` command, run as the worker is: same settings, database, Redis and mail server."""
        command = [sys.executable, "manage.py", *args]
        return subprocess.run(command, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=120, check=False)

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()[-4000:]}" for path in sorted(self.folder.glob("*.log")))

    def stop(self) -> None:
        """Cold shutdown (SIGQUIT): the test is over, nothing they hold needs finishing."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT)
        for process in self.processes.values():
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def app_on_fault_redis(fault_redis, smtp_server):
    """The test process (the web side) on the fault Redis; outbox messages wait for the relay, as in production.

    Restored before the fault Redis stops (not by the `settings` fixture, which ends after the cache is cleared).
    """
    cache = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": fault_redis.url,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    with override_settings(REDIS_URL=fault_redis.url, CACHES={"default": cache}):
        yield fault_redis
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def beat_only(transactional_db, fault_redis, smtp_server, tmp_path, settings) -> Iterator[Background]:
    """Beat (the outbox relay every second) on the fault Redis, the test database and mail server; the test
    starts the worker itself (`start_worker`), with a pause point to kill it at (closure/fault_pause.py)."""
    folder = tmp_path / "background"
    folder.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": fault_redis.url,
        "FAULTS_SMTP_PORT": str(smtp_server.port),
        "CELERY_TASK_DEFAULT_QUEUE": f"faults-{uuid.uuid4().hex[:8]}",
        # Three attempts (1 and 2 minutes apart): the mail test reaches "used every attempt" in seconds.
        "OUTBOX_MAX_ATTEMPTS": str(FAULT_OUTBOX_MAX_ATTEMPTS),
        # The same encrypted files as the test process, and a drop folder of the test's own.
        "ENCRYPTION_FILE_ROOT": str(settings.ENCRYPTION_FILE_ROOT),
        "FAULTS_TRANSFER_DROP_DIR": str(tmp_path / "drop"),
    }
    processes = Background(env, folder)
    processes.start("beat", "beat", "--schedule", str(folder / "beat-schedule"))
    yield processes
    processes.stop()


@pytest.fixture
def background(beat_only) -> Background:
    """Worker and beat (the outbox relay every second) on the fault Redis, the test database and mail server."""
    beat_only.start_worker()
    return beat_only
