"""Latency and throughput of the REST service under bounded load, against its own /healthz in the same run.

    .venv/bin/python benchmarks/rest.py [--model DIR] [--workers CORES] [--healthz 300] [--single 1000] [--warmup 50]
        [--clients 8] [--concurrent 3000] [--batch 100] [--batch-size 100] [--quick]

Starts the real server (``python -m moderation.cli serve``) as a child process on a free port of 127.0.0.1,
its output in a temporary log file, waits until ``GET /healthz`` answers, runs the scenarios below, and stops
it (SIGTERM, then SIGKILL after 15 s) whatever happens. Every scenario is bounded by a request count:

- ``healthz``: sequential ``GET /healthz``, the baseline: what the HTTP stack alone costs;
- ``single``: sequential ``POST /v1/score`` with one comment, after a warm-up (target: p99 < 20 ms);
- ``concurrent``: one-comment ``POST /v1/score`` from ``--clients`` threads, each with its own keep-alive
  client (target: >= 500 requests/s and no errors);
- ``batch``: sequential ``POST /v1/score`` with ``--batch-size`` comments each, after a warm-up of a tenth
  of ``--warmup`` requests (target: p50 < 50 ms).

Comments are the held-out validation texts of the shared data cut to 500 characters (or, without the data
folder, sentences the script assembles), cycled so consecutive requests differ. An error is a non-200 answer,
an answer without one result per comment, or a failed request. Prints the model the server runs, a table
(requests, p50 and p99 latency in ms, requests/s, errors, target met or not) and the ratio of the
single-comment p50 to the /healthz p50. ``--quick`` divides every request count by 10, for a smoke run.
The client runs on the same machine as the server, so the figures include its CPU use.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import httpx
import numpy as np

from moderation.datasets import load_abuse_data
from moderation.errors import DataNotFoundError

log = logging.getLogger("benchmarks.rest")

HOST = "127.0.0.1"
READY_TIMEOUT = 60.0
"""Seconds the server may take to import, load the bundle and answer /healthz."""
STOP_TIMEOUT = 15.0
"""Seconds the server gets to shut down after SIGTERM before it is killed."""
MAX_TEXT_CHARS = 500
REQUEST_TIMEOUT = 30.0
SINGLE_P99_MS = 20.0
CONCURRENT_RPS = 500.0
BATCH_P50_MS = 50.0
JSON_HEADERS = {"content-type": "application/json"}


# --- comments ------------------------------------------------------------------------------------


def comment_texts() -> list[str]:
    """Realistic short comments: validation texts of the shared data cut to 500 characters, else assembled ones."""
    try:
        frame = load_abuse_data()
        texts = [t[:MAX_TEXT_CHARS] for t in frame.loc[frame["split"] == "valid", "text"].tolist()]
        texts = [t for t in texts if t.strip()]
        if texts:
            return texts
        log.warning("shared data has no validation texts: using assembled sentences")
    except DataNotFoundError:
        log.warning("shared data not found: using assembled sentences")
    subjects = ["The council", "Your article", "This idiot", "My neighbour", "The new budget"]
    endings = [
        "is completely wrong about the bus lanes.",
        "made some good points, thanks for writing it.",
        "should be ashamed of this, what a joke.",
        "deserves a proper debate before the vote on Tuesday.",
    ]
    return [f"{s} {e}" for s, e in itertools.product(subjects, endings)]


def score_body(texts: list[str], start: int, n: int) -> bytes:
    """JSON body of a /v1/score request with `n` comments, taken cyclically from `texts` at `start`."""
    comments = [{"id": f"c{k + 1}", "text": texts[(start + k) % len(texts)]} for k in range(n)]
    return json.dumps({"comments": comments}).encode()


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int, model: str | None, log_file: Path) -> subprocess.Popen[bytes]:
    """Start ``moderation serve`` on 127.0.0.1:`port`, its stdout and stderr going to `log_file`."""
    cmd = [sys.executable, "-m", "moderation.cli", "serve", "--host", HOST, "--port", str(port)]
    cmd += ["--workers", str(workers)]
    if model is not None:
        cmd += ["--model", model]
    log.debug("starting %s", " ".join(cmd))
    with open(log_file, "wb") as out:
        # own session: a Ctrl-C in the terminal reaches this script only, which then stops the server itself
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(proc: subprocess.Popen[bytes], url: str, timeout: float = READY_TIMEOUT) -> None:
    """Wait until ``GET /healthz`` answers 200; raise RuntimeError if the server exits or times out first."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode} before answering /healthz")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server did not answer /healthz within {timeout:.0f} s")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen[bytes]) -> int:
    """SIGTERM the server (uvicorn shuts down gracefully), SIGKILL it if it hangs; returns its exit code."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.warning("server still running %.0f s after SIGTERM: killing it", STOP_TIMEOUT)
            proc.kill()
            proc.wait(timeout=5)
    return proc.returncode


def tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a log file."""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- measuring -----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one scenario measured."""

    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed_s: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)

    @property
    def rate(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s > 0 else float("nan")


def percentile(values: list[float], q: float) -> float:
    """The `q`-th percentile of `values` (linear interpolation between the closest ranks)."""
    return float(np.percentile(np.asarray(values, dtype=float), q))


Check = Callable[[httpx.Response], bool]


def status_ok(response: httpx.Response) -> bool:
    return response.status_code == 200


def scored(n: int) -> Check:
    """A check that the answer is 200 with exactly `n` results."""

    def check(response: httpx.Response) -> bool:
        return response.status_code == 200 and len(response.json().get("results", ())) == n

    return check


def timed(send: Callable[[], httpx.Response], check: Check) -> tuple[float, bool]:
    """Latency in ms of one request and whether it succeeded; a failed request counts as an error."""
    start = time.perf_counter()
    try:
        response = send()
    except httpx.HTTPError as exc:
        log.debug("request failed: %r", exc)
        return (time.perf_counter() - start) * 1000, False
    latency = (time.perf_counter() - start) * 1000
    try:
        ok = check(response)
    except ValueError:  # not JSON
        ok = False
    if not ok:
        log.debug("bad answer %d: %s", response.status_code, response.text[:200])
    return latency, ok


def sequential(
    name: str, requests: Iterator[tuple[Callable[[], httpx.Response], Check]], n: int, warmup: int = 0
) -> Outcome:
    """Send `warmup` untimed then `n` timed requests one after the other."""
    for send, check in itertools.islice(requests, warmup):
        timed(send, check)
    outcome = Outcome(name)
    start = time.perf_counter()
    for send, check in itertools.islice(requests, n):
        latency, ok = timed(send, check)
        outcome.latencies_ms.append(latency)
        outcome.errors += not ok
    outcome.elapsed_s = time.perf_counter() - start
    return outcome


def concurrent(name: str, url: str, texts: list[str], clients: int, n: int) -> Outcome:
    """`n` one-comment /v1/score requests in total from `clients` threads, each with its own keep-alive client."""
    shares = [(i, n // clients + (i < n % clients)) for i in range(clients)]
    shares = [(i, count) for i, count in shares if count]
    outcome = Outcome(name)
    lock = threading.Lock()
    ready = threading.Barrier(len(shares) + 1)
    check = scored(1)

    def worker(index: int, count: int) -> None:
        latencies: list[float] = []
        errors = 0
        with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT, headers=JSON_HEADERS) as client:
            try:
                client.get("/healthz")  # open the keep-alive connection before the clock starts
            except httpx.HTTPError as exc:
                log.debug("warm-up request failed: %r", exc)
            ready.wait()
            for k in range(count):
                body = score_body(texts, index + k * clients, 1)
                latency, ok = timed(lambda body=body: client.post("/v1/score", content=body), check)
                latencies.append(latency)
                errors += not ok
        with lock:
            outcome.latencies_ms.extend(latencies)
            outcome.errors += errors

    threads = [threading.Thread(target=worker, args=share, daemon=True) for share in shares]
    for thread in threads:
        thread.start()
    ready.wait(timeout=60)
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    outcome.elapsed_s = time.perf_counter() - start
    return outcome


def model_info(client: httpx.Client, texts: list[str]) -> str:
    """``name version`` of the server's model: from GET /v1/model if it answers 200, else from a /v1/score answer."""
    try:
        response = client.get("/v1/model")
        if response.status_code == 200:
            data = response.json()
            info = data.get("model", data) if isinstance(data, dict) else {}
            if isinstance(info, dict) and "name" in info:
                return f"{info['name']} {info.get('version', '?')} (GET /v1/model)"
        response = client.post("/v1/score", content=score_body(texts, 0, 1))
        response.raise_for_status()
        info = response.json()["model"]
        return f"{info['name']} {info['version']} (from POST /v1/score)"
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        return f"unknown ({exc!r})"


# --- the run -------------------------------------------------------------------------------------


def run(args: argparse.Namespace, url: str, texts: list[str]) -> list[tuple[Outcome, str, bool | None]]:
    """Run every scenario against the server at `url`; returns (outcome, target, met) rows."""
    scale = 10 if args.quick else 1

    def count(n: int) -> int:
        return max(1, n // scale)

    rows: list[tuple[Outcome, str, bool | None]] = []
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT, headers=JSON_HEADERS) as client:
        log.info("model: %s", model_info(client, texts))

        def health() -> Iterator[tuple[Callable[[], httpx.Response], Check]]:
            while True:
                yield (lambda: client.get("/healthz")), status_ok

        def single() -> Iterator[tuple[Callable[[], httpx.Response], Check]]:
            check = scored(1)
            for i in itertools.count():
                body = score_body(texts, i, 1)
                yield (lambda body=body: client.post("/v1/score", content=body)), check

        outcome = sequential("healthz", health(), count(args.healthz), warmup=count(args.warmup))
        rows.append((outcome, "baseline", None))
        log.debug("healthz done")

        outcome = sequential("single", single(), count(args.single), warmup=count(args.warmup))
        rows.append((outcome, f"p99 < {SINGLE_P99_MS:.0f} ms", outcome.p99 < SINGLE_P99_MS))
        log.debug("single done")

    outcome = concurrent(f"concurrent x{args.clients}", url, texts, args.clients, count(args.concurrent))
    met = outcome.rate >= CONCURRENT_RPS and outcome.errors == 0
    rows.append((outcome, f">= {CONCURRENT_RPS:.0f} req/s, 0 errors", met))
    log.debug("concurrent done")

    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT, headers=JSON_HEADERS) as client:
        requests = batch_iter(client, texts, args.batch_size)
        warmup = max(1, count(args.warmup) // 10)
        outcome = sequential(f"batch x{args.batch_size}", requests, count(args.batch), warmup=warmup)
        rows.append((outcome, f"p50 < {BATCH_P50_MS:.0f} ms", outcome.p50 < BATCH_P50_MS))
    return rows


def batch_iter(
    client: httpx.Client, texts: list[str], size: int
) -> Iterator[tuple[Callable[[], httpx.Response], Check]]:
    """Endless /v1/score requests of `size` comments each, consecutive ones on different comments."""
    check = scored(size)
    for i in itertools.count():
        body = score_body(texts, i * size, size)
        yield (lambda body=body: client.post("/v1/score", content=body)), check


def report(rows: list[tuple[Outcome, str, bool | None]]) -> None:
    """Log the table of outcomes and the single / healthz ratio."""
    header = f"{'scenario':<16} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'errors':>6}  target"
    log.info(header)
    log.info("-" * (len(header) + 30))
    for outcome, target, met in rows:
        verdict = target if met is None else f"{target}: {'met' if met else 'NOT met'}"
        log.info(
            "%-16s %8d %8.2f %8.2f %8.0f %6d  %s",
            outcome.name,
            outcome.requests,
            outcome.p50,
            outcome.p99,
            outcome.rate,
            outcome.errors,
            verdict,
        )
    by_name = {outcome.name: outcome for outcome, _, _ in rows}
    ratio = by_name["single"].p50 / by_name["healthz"].p50
    log.info("single-comment p50 / healthz p50: %.2fx", ratio)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds through the finally that stops the server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="bundle folder (default: $MODERATION_MODEL or models/default)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server worker processes (default: one per core)"
    )
    parser.add_argument("--healthz", type=int, default=300, help="GET /healthz requests (baseline)")
    parser.add_argument("--single", type=int, default=1000, help="one-comment requests, sequential")
    parser.add_argument(
        "--warmup", type=int, default=50, help="untimed requests before healthz, single (batch: a tenth)"
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--concurrent", type=int, default=3000, help="one-comment requests over all clients")
    parser.add_argument("--batch", type=int, default=100, help="batch requests, sequential")
    parser.add_argument("--batch-size", type=int, default=100, help="comments per batch request")
    parser.add_argument("--quick", action="store_true", help="divide every request count by 10 (smoke run)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details (failed requests)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if min(args.workers, args.clients, args.batch_size) < 1:
        parser.error("--workers, --clients and --batch-size must be at least 1")

    texts = comment_texts()
    port = free_port()
    url = f"http://{HOST}:{port}"
    fd, name = tempfile.mkstemp(prefix="moderation-rest-bench-", suffix=".log")
    os.close(fd)
    log_file = Path(name)
    signal.signal(signal.SIGTERM, _terminate)
    proc = start_server(port, args.workers, args.model, log_file)
    keep_log = True
    try:
        wait_ready(proc, url)
        log.info(
            "REST service on %s, %d worker(s), %d distinct comments%s",
            url,
            args.workers,
            len(texts),
            " (--quick: request counts / 10)" if args.quick else "",
        )
        rows = run(args, url, texts)
        report(rows)
        keep_log = any(outcome.errors for outcome, _, _ in rows)
    except RuntimeError as exc:
        log.error("%s; server log %s:\n%s", exc, log_file, tail(log_file))
        return 1
    except KeyboardInterrupt:
        log.warning("interrupted: stopping the server")
        return 130
    finally:
        code = stop_server(proc)
        if code not in (0, -signal.SIGTERM):
            log.warning("server exited with code %s", code)
            keep_log = True
        if "Traceback" in log_file.read_text(errors="replace"):
            log.warning("the server logged a traceback")
            keep_log = True
        if keep_log:
            log.info("server log kept: %s", log_file)
        else:
            log_file.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
