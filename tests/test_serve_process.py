"""`moderation serve` as a real process: it starts, answers over HTTP with the bundle given, stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from moderation.moderator import Moderator

READY_TIMEOUT = 30.0
"""Seconds the server may take to import, load the bundle and answer /healthz."""


@dataclass
class Server:
    """A running `moderation serve` child process."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM the process (uvicorn shuts down gracefully), SIGKILL it if it hangs; returns its exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    return proc.returncode


@pytest.fixture
def server(tiny_bundle: Path, tmp_path: Path) -> Iterator[Server]:
    """Start ``python -m moderation.cli serve`` on a free port and wait until /healthz answers."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    cmd = [sys.executable, "-m", "moderation.cli", "serve", "--model", str(tiny_bundle)]
    cmd += ["--port", str(port), "--host", "127.0.0.1"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    srv = Server(proc, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode} before answering:\n{srv.output()}")
            try:
                if httpx.get(f"{srv.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not ready after {READY_TIMEOUT:.0f} s:\n{srv.output()}")
            time.sleep(0.2)
        yield srv
    finally:
        stop(proc)


def test_serve_answers_over_http_and_stops_cleanly(server: Server, tiny_moderator: Moderator) -> None:
    health = httpx.get(f"{server.url}/healthz", timeout=5)
    assert health.json() == {"status": "ok"}

    texts = ["you are an idiot", "thanks for the thoughtful article", "i will kill you"]
    body = {"comments": [{"id": f"c{i}", "text": t} for i, t in enumerate(texts)]}
    answer = httpx.post(f"{server.url}/v1/score", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["id"] for r in results] == ["c0", "c1", "c2"]
    for result, expected in zip(results, tiny_moderator.score(texts), strict=True):
        # the very bundle passed with --model answers: same probabilities, same decisions
        assert result["abuse"] == pytest.approx(expected.abuse, abs=1e-6)
        assert result["flagged"] == expected.flagged
        assert result["reasons"] == expected.reasons
        assert result["categories"] == pytest.approx(expected.categories, abs=1e-6)
    assert results[0]["flagged"] and not results[1]["flagged"]

    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells how it ended
    assert stop(server.proc) in (0, -signal.SIGTERM), server.output()
    assert "Application shutdown complete" in server.output()
    assert "Traceback" not in server.output()


def test_serve_refuses_a_missing_bundle_without_starting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    cmd = [sys.executable, "-m", "moderation.cli", "serve", "--model", str(tmp_path / "nope"), "--port", "0"]
    proc = subprocess.run(cmd, capture_output=True, env=env, timeout=60, check=False)
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"moderation: error: model bundle not found: {tmp_path / 'nope'}\n"
