"""The REST service: routes, error mapping, limits, lifespan loading and the OpenAPI contract.

Every app here serves the tiny test model from conftest (never the shipped bundle).
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import tiny_pages
from fastapi.testclient import TestClient

from moderation.datasets import CATEGORIES
from moderation.errors import BundleError, InputFormatError
from moderation.moderator import Moderator, Score
from moderation.segment import SEGMENT_LABELS
from service.app import create_app
from service.schemas import Category, CategoryScores, SegmentLabel
from service.settings import Settings

SCORE_KEYS = {"id", "abuse", "flagged", "reasons", "categories"}
BLOCK_KEYS = {"line", "label", "comment_probability"}
ABUSE_KEYS = {"abuse", "flagged", "reasons", "categories"}
JSON = {"content-type": "application/json"}


def defaults() -> Settings:
    """The documented defaults, independent of the environment the tests run in."""
    return Settings(model=None, max_text_chars=20_000, max_batch=1_000, max_page_chars=2_000_000)


@pytest.fixture(scope="module")
def client(tiny_moderator: Moderator) -> Iterator[TestClient]:
    with TestClient(create_app(defaults(), tiny_moderator)) as c:
        yield c


@pytest.fixture(scope="module")
def small_client(tiny_moderator: Moderator) -> Iterator[TestClient]:
    """An app with tiny limits, to exercise the 413 paths cheaply."""
    settings = Settings(model=None, max_text_chars=50, max_batch=3, max_page_chars=300)
    with TestClient(create_app(settings, tiny_moderator)) as c:
        yield c


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """A JSON error body with the given status, naming `field`, and no traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "Traceback" not in response.text
    error = response.json()["error"]
    assert error["code"] == status
    assert isinstance(error["message"], str) and error["message"]
    if field is not None:
        assert field in [f["field"] for f in error["fields"]], error
        assert field in error["message"]
    return error


# --- happy paths ---------------------------------------------------------------------------------


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_score_returns_one_result_per_comment_in_order(client: TestClient, tiny_moderator: Moderator) -> None:
    comments = [
        {"id": "c1", "text": "you are an idiot"},
        {"id": "second", "text": "thanks for the thoughtful article"},
        {"id": "c1", "text": "i will kill you"},  # ids are echoed, not required to be unique
    ]
    response = client.post("/v1/score", json={"comments": comments})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == {"name": "tiny", "version": "test"}
    results = body["results"]
    assert [r["id"] for r in results] == ["c1", "second", "c1"]
    for result in results:
        assert set(result) == SCORE_KEYS
        assert isinstance(result["abuse"], float) and 0.0 <= result["abuse"] <= 1.0
        assert isinstance(result["flagged"], bool)
        assert result["flagged"] == (result["abuse"] >= 0.5)  # the tiny card's threshold
        assert isinstance(result["reasons"], list) and set(result["reasons"]) <= set(CATEGORIES)
        assert list(result["categories"]) == list(CATEGORIES)
        assert all(isinstance(p, float) and 0.0 <= p <= 1.0 for p in result["categories"].values())
    # The route adds nothing to the library's verdicts.
    expected = tiny_moderator.score([c["text"] for c in comments])
    assert [{k: v for k, v in r.items() if k != "id"} for r in results] == [s.to_dict() for s in expected]


def test_segment_labels_lines_and_scores_only_comments(client: TestClient, tiny_moderator: Moderator) -> None:
    pages, _ = tiny_pages()
    lines = pages[0]  # menu, prose, "Leave a reply", three comments
    page = "\n".join([*lines[:3], "", "   ", *lines[3:]])  # blank and whitespace-only lines in the middle
    response = client.post("/v1/segment", json={"text": page})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == {"name": "tiny", "version": "test"}
    blocks = body["blocks"]
    assert [b["line"] for b in blocks] == [1, 2, 3, *range(6, 6 + len(lines) - 3)]
    labels = [b["label"] for b in blocks]
    assert "comment" in labels and set(labels) - {"comment"}, labels
    for block in blocks:
        assert 0.0 <= block["comment_probability"] <= 1.0
        if block["label"] == "comment":
            assert set(block) == BLOCK_KEYS | ABUSE_KEYS | {"comment_index"}
            assert list(block["categories"]) == list(CATEGORIES)
            assert block["comment_index"] >= 0
        else:
            assert set(block) == BLOCK_KEYS
    assert blocks == [b.to_dict() for b in tiny_moderator.segment(page)]


@pytest.mark.parametrize("page", ["", "\n\n   \n"])
def test_segment_of_an_empty_page_has_no_blocks(client: TestClient, page: str) -> None:
    response = client.post("/v1/segment", json={"text": page})
    assert response.status_code == 200
    assert response.json()["blocks"] == []


def test_segment_html_extracts_blocks_and_returns_their_text(client: TestClient, tiny_moderator: Moderator) -> None:
    pages, _ = tiny_pages()
    lines = pages[0]
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "<script>x()</script></body></html>"
    response = client.post("/v1/segment", json={"html": html})
    assert response.status_code == 200, response.text
    blocks = response.json()["blocks"]
    assert [b["text"] for b in blocks] == lines
    expected = [b.to_dict() for b in tiny_moderator.segment("\n".join(lines))]
    assert [{k: v for k, v in b.items() if k != "text"} for b in blocks] == expected


def test_over_long_html_is_413_naming_html(small_client: TestClient) -> None:
    error = assert_error(small_client.post("/v1/segment", json={"html": "<p>x</p>" * 50}), 413, "html")
    assert error["fields"][0]["limit"] == 300


# --- bad input -----------------------------------------------------------------------------------

OK = {"id": "c1", "text": "fine"}

BAD_JSON_BODIES = [
    pytest.param("/v1/score", {}, "comments", id="score-missing-comments"),
    pytest.param("/v1/score", {"comments": [{"id": "c1"}]}, "comments.0.text", id="missing-text"),
    pytest.param("/v1/score", {"comments": [OK, {"text": "x"}]}, "comments.1.id", id="missing-id"),
    pytest.param("/v1/score", {"comments": [{"id": 7, "text": "x"}]}, "comments.0.id", id="id-not-string"),
    pytest.param("/v1/score", {"comments": [{"id": "c1", "text": 3}]}, "comments.0.text", id="text-not-string"),
    pytest.param("/v1/score", {"comments": [{"id": "c1", "text": None}]}, "comments.0.text", id="text-null"),
    pytest.param("/v1/score", {"comments": "hello"}, "comments", id="comments-not-list"),
    pytest.param("/v1/score", {"comments": ["hello"]}, "comments.0", id="comment-not-object"),
    pytest.param("/v1/score", {"comments": [OK, {"id": "c2", "text": ""}]}, "comments.1.text", id="empty-text"),
    pytest.param("/v1/score", {"comments": []}, "comments", id="empty-comments"),
    pytest.param("/v1/score", {"comments": [OK], "lang": "en"}, "lang", id="unknown-field"),
    pytest.param("/v1/score", [OK], "body", id="score-body-is-list"),
    pytest.param("/v1/score", "hello", "body", id="score-body-is-string"),
    pytest.param("/v1/score", 42, "body", id="score-body-is-number"),
    pytest.param("/v1/segment", {}, "text", id="segment-missing-text"),
    pytest.param("/v1/segment", {"text": ["a", "b"]}, "text", id="segment-text-not-string"),
    pytest.param("/v1/segment", ["text"], "body", id="segment-body-is-list"),
    pytest.param("/v1/segment", {"text": "a", "html": "<p>a</p>"}, "html", id="segment-text-and-html"),
    pytest.param("/v1/segment", {"html": 7}, "html", id="segment-html-not-string"),
]


@pytest.mark.parametrize(("path", "body", "field"), BAD_JSON_BODIES)
def test_invalid_json_bodies_are_422_naming_the_field(client: TestClient, path: str, body: Any, field: str) -> None:
    assert_error(client.post(path, json=body), 422, field)


BAD_RAW_BODIES = [
    pytest.param(b'{"comments": [{"id": "c1", "text": "fine"}', JSON, 400, id="malformed-json"),
    pytest.param(b"{'comments': []}", JSON, 400, id="single-quoted-json"),
    pytest.param(b'{"comments": [{"id": "c1", "text": "caf\xe9 \xff"}]}', JSON, 400, id="invalid-utf8"),
    pytest.param(b"\xff\xfe\x00", JSON, 400, id="binary-garbage"),
    pytest.param(b"", JSON, 422, id="empty-body"),
    pytest.param(b"null", JSON, 422, id="null-body"),
    pytest.param(b'{"comments": [{"id": "c1", "text": "fine"}]}', {"content-type": "text/plain"}, 422, id="not-json"),
]


@pytest.mark.parametrize("path", ["/v1/score", "/v1/segment"])
@pytest.mark.parametrize(("content", "headers", "status"), BAD_RAW_BODIES)
def test_unreadable_bodies_are_4xx_naming_the_body(
    client: TestClient, path: str, content: bytes, headers: dict[str, str], status: int
) -> None:
    assert_error(client.post(path, content=content, headers=headers), status, "body")


def test_lone_surrogate_in_text_is_422(client: TestClient) -> None:
    content = b'{"comments": [{"id": "c1", "text": "bad \\ud800 text"}]}'
    assert_error(client.post("/v1/score", content=content, headers=JSON), 422, "comments.0.text")


def test_every_offending_field_is_listed(client: TestClient) -> None:
    body = {"comments": [{"id": 1, "text": ""}, OK, {"id": "c3"}]}
    error = assert_error(client.post("/v1/score", json=body), 422, "comments.0.id")
    assert {f["field"] for f in error["fields"]} == {"comments.0.id", "comments.0.text", "comments.2.text"}
    assert "input" not in str(error["fields"])  # the submitted values are not echoed back


# --- limits --------------------------------------------------------------------------------------


def test_over_long_comment_is_413_naming_field_and_limit(small_client: TestClient) -> None:
    comments = [OK, {"id": "c2", "text": "x" * 51}]
    error = assert_error(small_client.post("/v1/score", json={"comments": comments}), 413, "comments.1.text")
    assert error["fields"] == [{"field": "comments.1.text", "message": error["fields"][0]["message"], "limit": 50}]
    assert "50" in error["message"]


def test_over_size_batch_is_413_naming_field_and_limit(small_client: TestClient) -> None:
    error = assert_error(small_client.post("/v1/score", json={"comments": [OK] * 4}), 413, "comments")
    assert error["fields"][0]["limit"] == 3
    assert "3" in error["fields"][0]["message"]


def test_over_long_page_is_413_naming_field_and_limit(small_client: TestClient) -> None:
    error = assert_error(small_client.post("/v1/segment", json={"text": "word " * 61}), 413, "text")
    assert error["fields"][0]["limit"] == 300


def test_input_exactly_at_the_limits_is_accepted(small_client: TestClient) -> None:
    comments = [{"id": str(i), "text": "y" * 50} for i in range(3)]
    assert small_client.post("/v1/score", json={"comments": comments}).status_code == 200
    assert small_client.post("/v1/segment", json={"text": "z" * 300}).status_code == 200


# --- other errors --------------------------------------------------------------------------------


class FailingModerator:
    """Stands in for a `Moderator` whose scoring raises `error`."""

    name = "failing"
    version = "0"
    path = Path("failing")

    def __init__(self, error: Exception) -> None:
        self.error = error

    def score(self, texts: Sequence[str], explain: bool = False) -> list[Score]:
        raise self.error


def failing_client(error: Exception) -> TestClient:
    app = create_app(defaults(), typing.cast(Moderator, FailingModerator(error)))
    return TestClient(app, raise_server_exceptions=False)


def test_unexpected_error_is_a_bare_500_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with failing_client(ValueError("secret detail")) as c, caplog.at_level(logging.ERROR, logger="service"):
        response = c.post("/v1/score", json={"comments": [OK]})
    assert response.status_code == 500
    assert response.json() == {"error": {"code": 500, "message": "internal error"}}
    assert "secret detail" not in response.text and "Traceback" not in response.text
    logged = [r for r in caplog.records if r.name.startswith("service") and r.exc_info]
    assert logged and "secret detail" in str(logged[0].exc_info[1])


def test_library_input_format_error_is_422() -> None:
    with failing_client(InputFormatError("cannot score this", source="comments.0.text")) as c:
        response = c.post("/v1/score", json={"comments": [OK]})
    error = assert_error(response, 422, "comments.0.text")
    assert "cannot score this" in error["message"]


def test_unknown_route_and_method_are_json_errors(client: TestClient) -> None:
    assert_error(client.get("/v2/nothing"), 404)
    assert_error(client.get("/v1/score"), 405)


# --- start-up ------------------------------------------------------------------------------------


def test_model_is_loaded_at_startup_not_at_creation(tiny_bundle: Path) -> None:
    app = create_app(Settings(model=tiny_bundle, max_text_chars=100, max_batch=10, max_page_chars=1000))
    assert app.state.moderator is None  # building the app (uvicorn --factory) loads nothing
    with TestClient(app) as c:
        response = c.post("/v1/score", json={"comments": [OK]})
        assert response.status_code == 200
        assert response.json()["model"] == {"name": "tiny", "version": "test"}
    assert app.state.moderator.path == tiny_bundle


def test_bad_bundle_stops_startup(tmp_path: Path) -> None:
    app = create_app(Settings(model=tmp_path / "missing"))
    with pytest.raises(BundleError), TestClient(app):
        pass


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MODERATION_MODEL", str(tmp_path))
    monkeypatch.setenv("MODERATION_MAX_BATCH", "7")
    settings = Settings()
    assert settings.model == tmp_path
    assert settings.max_batch == 7
    assert (settings.max_text_chars, settings.max_page_chars) == (20_000, 2_000_000)


# --- contract ------------------------------------------------------------------------------------


def test_openapi_documents_every_property(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name in ("ScoreRequest", "CommentIn", "ScoreResponse", "ScoreResult", "CategoryScores", "ModelInfo"):
        assert name in schemas
    for name in ("SegmentRequest", "SegmentResponse", "BlockResult", "HealthResponse", "ErrorResponse"):
        assert name in schemas
    undocumented = [
        f"{name}.{prop}"
        for name, schema in schemas.items()
        for prop, spec_ in schema.get("properties", {}).items()
        if not spec_.get("description")
    ]
    assert undocumented == []
    # The abuse fields of a block are documented but optional (absent on non-comment blocks).
    block = schemas["BlockResult"]
    assert set(block["properties"]) >= ABUSE_KEYS
    assert set(block["required"]) == BLOCK_KEYS
    # Errors are documented with the service's own error body.
    score_responses = spec["paths"]["/v1/score"]["post"]["responses"]
    for status in ("400", "413", "422", "500"):
        assert score_responses[status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")


def test_schema_vocabularies_match_the_library() -> None:
    assert typing.get_args(Category) == CATEGORIES
    assert tuple(CategoryScores.model_fields) == CATEGORIES
    assert set(typing.get_args(SegmentLabel)) == set(SEGMENT_LABELS)
