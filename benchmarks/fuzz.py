"""Fuzz every route of the REST service, serving the shipped model, with thousands of generated requests.

    .venv/bin/python benchmarks/fuzz.py [--examples 500] [--modes positive negative] [--limits default]
        [--seed 0] [--model DIR] [--show 3]

The app is built in-process (``service.app.create_app``) around ``Moderator.load()`` (models/default unless
--model) and its ``/openapi.json`` is read by schemathesis. For every operation of the document (routes added
later included) and every generation mode, Hypothesis draws --examples requests from
``APIOperation.as_strategy`` (positive: valid per the schema; negative: violating it, e.g. wrong types,
missing fields, malformed bodies) and sends each through schemathesis's ASGI transport. Each response goes
through the schemathesis checks that define "answers as documented":

- ``not_a_server_error``: no 5xx (some routes document a 500, but it is always a bug);
- ``status_code_conformance``, ``content_type_conformance``, ``response_schema_conformance``,
  ``response_headers_conformance``: status, content type, body and headers as the OpenAPI document says;
- ``unsupported_method``, ``allow_header_conformance``: as in tests/test_fuzz.py (they only judge the
  wrong-method probes of its coverage phase, which this script does not send).

An app that raises instead of answering (a 500 for a real client) counts as an unhandled exception.

Two leniency checks run for information only and never change the exit code: ``negative_data_rejection``
(a request schemathesis made invalid got a 2xx) and ``positive_data_acceptance`` (a schema-valid request was
refused, e.g. because a rule lives in code, not in the schema).

Prints, per operation: requests sent, status code counts, 5xx count, schema failures (by kind) and the
leniency counts, then up to --show example requests (as curl) with their responses for every kind of
failure. Exit code 1 if any operation had a 5xx or a schema failure, else 0. --limits small uses tiny size
limits (as the tests do) so the 413 paths are reached; default uses the documented defaults.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from moderation.moderator import Moderator
from service.app import create_app
from service.settings import Settings

log = logging.getLogger("benchmarks.fuzz")

CONFORMANCE_CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
    allow_header_conformance,
]
LENIENCY_CHECKS: dict[GenerationMode, CheckFunction] = {
    GenerationMode.NEGATIVE: negative_data_rejection,
    GenerationMode.POSITIVE: positive_data_acceptance,
}
UNHANDLED = "Unhandled exception"
LIMITS = {
    "default": {
        "max_text_chars": 20_000,
        "max_batch": 1_000,
        "max_page_chars": 2_000_000,
        "max_body_bytes": 10_000_000,
    },
    "small": {"max_text_chars": 100, "max_batch": 5, "max_page_chars": 400, "max_body_bytes": 2_000},
}
EXCERPT = 300
NOT_SCHEMA = {"Server error", UNHANDLED}


@dataclass
class Example:
    """One failing request, as curl, with the response it got."""

    mode: str
    curl: str
    status: int | None
    body: str
    detail: str = ""


@dataclass
class OperationStats:
    """What the fuzzing of one operation found."""

    label: str
    documented: list[str]
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: int = 0
    crashes: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    leniency: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Example]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def schema_failures(self) -> int:
        """Responses that broke the documented contract, other than by being a 5xx."""
        return sum(n for kind, n in self.failures.items() if kind not in NOT_SCHEMA)

    @property
    def failed(self) -> bool:
        return self.server_errors > 0 or self.crashes > 0 or self.schema_failures > 0

    def keep(self, kind: str, example: Example, show: int) -> None:
        kept = self.examples.setdefault(kind, [])
        if len(kept) < show and all(k.curl != example.curl for k in kept):
            kept.append(example)


def failures_of(
    case: schemathesis.Case, response: schemathesis.Response, checks: list[CheckFunction]
) -> dict[str, str]:
    """The kinds of failure the response has under `checks` (empty when it passes them all), each with the
    start of its explanation."""
    try:
        case.validate_response(response, checks=checks)
    except FailureGroup as group:
        return {f.title: shorten(" ".join(f.message.split())) for f in group.exceptions}
    return {}


def shorten(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "..."


def excerpt(response: schemathesis.Response) -> str:
    return shorten(response.content.decode("utf-8", errors="replace"))


def send_and_check(stats: OperationStats, case: schemathesis.Case, app: Any, mode: GenerationMode, show: int) -> None:
    """Send one generated request to the app and tally its response in `stats`."""
    stats.requests += 1
    try:
        response = case.call(app=app)
    except Exception as exc:  # the app raised instead of answering: a 500 for a real client
        stats.crashes += 1
        stats.failures[UNHANDLED] += 1
        where = traceback.extract_tb(exc.__traceback__)[-1]
        raised = f"{exc!r} at {where.filename}:{where.lineno} in {where.name}"
        stats.keep(UNHANDLED, Example(mode.value, case.as_curl_command(), None, raised), show)
        return
    stats.statuses[response.status_code] += 1
    if response.status_code >= 500:
        stats.server_errors += 1
    curl, body = case.as_curl_command(), excerpt(response)
    for kind, detail in failures_of(case, response, CONFORMANCE_CHECKS).items():
        stats.failures[kind] += 1
        stats.keep(kind, Example(mode.value, curl, response.status_code, body, detail), show)
    for kind, detail in failures_of(case, response, [LENIENCY_CHECKS[mode]]).items():
        stats.leniency[kind] += 1
        stats.keep(f"{kind} (info)", Example(mode.value, curl, response.status_code, body, detail), show)


def fuzz_operation(
    operation: schemathesis.APIOperation,
    app: Any,
    modes: list[GenerationMode],
    examples: int,
    seed: int | None,
    show: int,
) -> OperationStats:
    """Send `examples` generated requests per mode to `operation` and tally what came back."""
    stats = OperationStats(label=operation.label, documented=list(operation.responses.status_codes))
    start = time.perf_counter()
    for mode in modes:

        @hypothesis.settings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=[Phase.generate],  # no shrinking: every failure is counted, not minimised
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case: schemathesis.Case) -> None:
            send_and_check(stats, case, app, mode, show)  # noqa: B023 - run() is called within this iteration

        try:
            (hypothesis.seed(seed)(run) if seed is not None else run)()
        except Unsatisfiable:  # e.g. no negative request exists for an operation without parameters or body
            log.debug("%s: no %s request can be generated", operation.label, mode.value)
    stats.seconds = time.perf_counter() - start
    return stats


def report(stats: OperationStats) -> None:
    statuses = " ".join(f"{code}={n}" for code, n in sorted(stats.statuses.items()))
    unseen = [code for code in stats.documented if not code.isdigit() or int(code) not in stats.statuses]
    log.info(
        "%s: %d requests in %.1f s; status codes: %s; 5xx: %d; unhandled exceptions: %d; schema failures: %d",
        stats.label,
        stats.requests,
        stats.seconds,
        statuses or "none",
        stats.server_errors,
        stats.crashes,
        stats.schema_failures,
    )
    log.info("    documented, never answered: %s", " ".join(unseen) or "none")
    for kind, n in sorted(stats.failures.items()):
        log.info("    FAILURE %s: %d", kind, n)
    for kind, n in sorted(stats.leniency.items()):
        log.info("    info    %s: %d (leniency check, does not fail the run)", kind, n)
    for kind, kept in stats.examples.items():
        for example in kept:
            log.info("    e.g. [%s, %s data] %s", kind, example.mode, example.curl)
            log.info("         -> %s %s", example.status if example.status is not None else "raised", example.body)
            if example.detail:
                log.info("         (%s)", example.detail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=500, help="generated requests per operation and mode")
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=[m.value for m in GenerationMode],
        default=[m.value for m in GenerationMode],
        help="generation modes (default: all)",
    )
    parser.add_argument("--limits", choices=sorted(LIMITS), default="default", help="size limits of the app")
    parser.add_argument("--seed", type=int, default=None, help="Hypothesis seed, for a reproducible run")
    parser.add_argument("--model", type=Path, default=None, help="model bundle (default: models/default)")
    parser.add_argument("--show", type=int, default=3, help="example requests shown per kind of failure")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # The service logs every refused request, and a traceback per unhandled error: tallied here instead.
    logging.getLogger("service").setLevel(logging.CRITICAL)

    moderator = Moderator.load(args.model)
    database = f"sqlite:///{tempfile.mkdtemp(prefix='fuzz-review-')}/review.db"  # requests may ask for review
    app = create_app(Settings(model=args.model, api_keys=None, database_url=database, **LIMITS[args.limits]), moderator)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    modes = [GenerationMode(m) for m in args.modes]
    log.info(
        "fuzzing %s %s (%s limits), %d examples per operation and mode (%s)",
        moderator.name,
        moderator.version,
        args.limits,
        args.examples,
        ", ".join(args.modes),
    )

    all_stats, unreadable = [], []
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # an operation of the OpenAPI document that schemathesis cannot read
            error = result.err()
            log.error("%s %s: unreadable in the OpenAPI document: %s", error.method, error.path, error)
            unreadable.append(f"{error.method} {error.path}")
            continue
        stats = fuzz_operation(result.ok(), app, modes, args.examples, args.seed, args.show)
        report(stats)
        all_stats.append(stats)

    failed = unreadable + [s.label for s in all_stats if s.failed]
    log.info(
        "total: %d requests over %d operations; 5xx: %d; unhandled exceptions: %d; schema failures: %d",
        sum(s.requests for s in all_stats),
        len(all_stats),
        sum(s.server_errors for s in all_stats),
        sum(s.crashes for s in all_stats),
        sum(s.schema_failures for s in all_stats),
    )
    if failed:
        log.error("FAILED: %s", ", ".join(failed))
        sys.exit(1)
    log.info("OK: every response is a documented non-5xx answer")


if __name__ == "__main__":
    main()
