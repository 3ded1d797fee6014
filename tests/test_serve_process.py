"""`moderation serve` as a real process: it starts, answers over HTTP with the bundle given, stops cleanly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
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


def start_server(bundle: Path, folder: Path, env: dict[str, str] | None = None) -> Server:
    """Start ``python -m moderation.cli serve`` on a free port and wait until /healthz answers."""
    port = free_port()
    log = folder / "serve.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")} | (env or {})
    cmd = [sys.executable, "-m", "moderation.cli", "serve", "--model", str(bundle)]
    cmd += ["--port", str(port), "--host", "127.0.0.1"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=environ, cwd=folder)
    srv = Server(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode} before answering:\n{srv.output()}")
        try:
            if httpx.get(f"{srv.url}/healthz", timeout=2).status_code == 200:
                return srv
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop(proc)
            pytest.fail(f"server not ready after {READY_TIMEOUT:.0f} s:\n{srv.output()}")
        time.sleep(0.2)


@pytest.fixture
def server(tiny_bundle: Path, tmp_path: Path) -> Iterator[Server]:
    srv = start_server(tiny_bundle, tmp_path)
    try:
        yield srv
    finally:
        stop(srv.proc)


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


@pytest.fixture
def keyed_server(tiny_bundle: Path, tmp_path: Path) -> Iterator[Server]:
    srv = start_server(tiny_bundle, tmp_path, {"MODERATION_API_KEYS": "sk-local-test"})
    try:
        yield srv
    finally:
        stop(srv.proc)


def test_the_openai_sdk_moderates_through_base_url(keyed_server: Server, tiny_moderator: Moderator) -> None:
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"{keyed_server.url}/v1", api_key="sk-local-test", max_retries=0)
    texts = ["you are an idiot", "thanks for the thoughtful article"]
    answer = client.moderations.create(input=texts, model="omni-moderation-latest")
    assert answer.id.startswith("modr-") and answer.model == "tiny-test"
    expected = tiny_moderator.score(texts)
    assert [r.flagged for r in answer.results] == [s.flagged for s in expected]
    first = answer.results[0]
    assert first.categories.harassment is bool({"insult", "toxicity"} & set(expected[0].reasons))
    assert first.category_scores.hate == pytest.approx(expected[0].categories["identity_attack"], abs=1e-6)
    assert first.category_scores.sexual == 0.0
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=f"{keyed_server.url}/v1", api_key="wrong", max_retries=0).moderations.create(input="hi")


def test_a_coral_talk_perspective_call_over_http(keyed_server: Server, tiny_moderator: Moderator) -> None:
    # Coral Talk posts to {endpoint}/comments:analyze?key={apiKey} with this body and reads
    # attributeScores[model].summaryScore.value.
    text = "You are an idiot and everyone knows it."
    body = {"comment": {"text": text}, "languages": ["en"], "doNotStore": True, "requestedAttributes": {"TOXICITY": {}}}
    endpoint = f"{keyed_server.url}/v1alpha1"
    answer = httpx.post(f"{endpoint}/comments:analyze?key=sk-local-test", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    value = answer.json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"]
    assert value == pytest.approx(tiny_moderator.score([text])[0].categories["toxicity"], abs=1e-6)
    refused = httpx.post(f"{endpoint}/comments:analyze?key=nope", json=body, timeout=30)
    assert refused.status_code == 401 and refused.json()["error"]["status"] == "UNAUTHENTICATED"
    # doNotStore: the comment never reaches the server's log (the JSON access log has no texts anyway)
    assert text not in keyed_server.output()
    assert '"route": "/v1alpha1/comments:analyze"' in keyed_server.output()


def _version(server: Server) -> str:
    return str(httpx.get(f"{server.url}/readyz", timeout=5).json()["model"]["version"])


def _wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_sighup_reloads_without_dropping_requests_and_refuses_a_tampered_bundle(
    tiny_bundle: Path, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(tiny_bundle, bundle)
    srv = start_server(bundle, tmp_path)
    statuses: list[int] = []
    done = threading.Event()

    def load() -> None:  # requests in flight while the model is swapped
        with httpx.Client(timeout=30) as client:
            while not done.is_set():
                statuses.append(
                    client.post(f"{srv.url}/v1/score", json={"comments": [{"id": "a", "text": "hi"}]}).status_code
                )

    worker = threading.Thread(target=load)
    try:
        worker.start()
        card = json.loads((bundle / "card.json").read_text())
        (bundle / "card.json").write_text(json.dumps(card | {"version": "v2"}))
        srv.proc.send_signal(signal.SIGHUP)
        assert _wait_for(lambda: _version(srv) == "v2"), srv.output()

        artifact = next(bundle.glob("*.joblib"))
        artifact.write_bytes(artifact.read_bytes() + b"tampered")
        (bundle / "card.json").write_text(json.dumps(card | {"version": "v3"}))
        srv.proc.send_signal(signal.SIGHUP)
        assert _wait_for(lambda: "reload refused" in srv.output()), srv.output()
        assert _version(srv) == "v2" and srv.proc.poll() is None
    finally:
        done.set()
        worker.join(timeout=30)
        stop(srv.proc)
    assert statuses and set(statuses) == {200}
