"""Schema-driven fuzzing of every route of the REST service with schemathesis (v4).

schemathesis reads the app's OpenAPI document and makes one test per operation it lists (so routes added
later are fuzzed without touching this file), each running its examples, coverage and fuzzing phases:
deterministic boundary cases, wrong methods, then ``MAX_EXAMPLES`` generated requests, valid and invalid.
Requests go in-process over ASGI to one app per module, serving the tiny model from conftest, with small
size limits so the 413 paths are reached too.

Every response must pass these schemathesis checks (an explicit list, so the outcome does not change with the
defaults of the installed version):

- ``not_a_server_error``: no 5xx, although some routes document a 500 response;
- ``status_code_conformance``: the status code is declared for the operation;
- ``content_type_conformance``: the ``Content-Type`` is one declared for that status;
- ``response_schema_conformance``: the body validates against the schema declared for that status;
- ``response_headers_conformance``: declared response headers are present and valid;
- ``unsupported_method`` and ``allow_header_conformance``: a method the document does not list for a path
  gets 405 with a correct ``Allow`` header.

Left out, although schemathesis 4 runs them by default: ``negative_data_rejection`` and
``positive_data_acceptance`` (they judge how strict the API is: a 2xx to a request schemathesis made invalid,
or a 4xx to one the schema allows because a rule lives in code, e.g. "exactly one of `text` and `html`"),
``missing_required_header`` (same, for headers), ``ignored_auth`` and ``object_level_authorization`` (this
app runs without API keys), ``use_after_free`` and ``ensure_resource_availability`` (no resources to
create). ``benchmarks/fuzz.py`` reports the two leniency checks, for information, over thousands of requests.

The schema is read at import time, from an app built without a model (only starting the lifespan loads
one), because ``schemathesis.pytest.from_fixture`` does not work with pytest >= 9.2 (it reads
``Node._nodeid``, which pytest removed); the requests go to the ``fuzz_app`` fixture's app.

    .venv/bin/python -m pytest -q tests/test_fuzz.py
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from moderation.moderator import Moderator
from service.app import create_app
from service.settings import Settings

MAX_EXAMPLES = 25
"""Generated requests per operation in the fuzzing phase, kept small for CI; benchmarks/fuzz.py does thousands."""

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    unsupported_method,
    allow_header_conformance,
]


def fuzz_settings(model: Path | None = None, database_url: str | None = None) -> Settings:
    """Small limits, so generated requests also cross them (413) and each one stays cheap; no API keys, whatever
    the environment says, so requests get past authentication; the review queue in a temporary database."""
    return Settings(
        model=model,
        max_text_chars=100,
        max_batch=5,
        max_page_chars=400,
        max_body_bytes=2_000,
        api_keys=None,
        database_url=database_url,
    )


def openapi_document() -> dict[str, Any]:
    """The app's OpenAPI document, which depends on its routes and schemas only, read without loading a model."""
    return create_app(fuzz_settings()).openapi()


@pytest.fixture(scope="module")
def fuzz_app(tiny_moderator: Moderator, tiny_bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """One app serving the tiny model (and reloading the tiny bundle), shared by every generated request."""
    database = tmp_path_factory.mktemp("review") / "review.db"
    return create_app(fuzz_settings(tiny_bundle, f"sqlite:///{database}"), tiny_moderator)


schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: CI failures reproduce; the benchmark explores
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_route_answers_as_documented(case: schemathesis.Case, fuzz_app: FastAPI) -> None:
    case.call_and_validate(app=fuzz_app, checks=CHECKS)
