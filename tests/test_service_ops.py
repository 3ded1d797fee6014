"""Running the service in production: API keys, readiness, the model card, metrics, hot reload, the body
size limit and the JSON access log."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from moderation.moderator import Moderator
from service.app import create_app
from service.settings import Settings

KEYS = "key-one, key-two"
SCORE = {"comments": [{"id": "c1", "text": "you are an idiot"}]}


def settings(**overrides: object) -> Settings:
    base: dict[str, object] = {"model": None, "max_text_chars": 20_000, "max_batch": 100, "max_page_chars": 10_000}
    return Settings(**(base | overrides))


@pytest.fixture(scope="module")
def keyed(tiny_moderator: Moderator) -> Iterator[TestClient]:
    with TestClient(create_app(settings(api_keys=KEYS), tiny_moderator)) as c:
        yield c


# --- API keys ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/v1/score", SCORE),
        ("post", "/v1/segment", {"text": "a\nb"}),
        ("post", "/v1/moderations", {"input": "hi"}),
        ("get", "/v1/model", None),
        ("post", "/admin/reload", None),
    ],
)
def test_protected_routes_need_a_bearer_key(keyed: TestClient, method: str, path: str, body: object) -> None:
    call = getattr(keyed, method)
    kwargs = {"json": body} if body is not None else {}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "key-one"}, {"Authorization": "Bearer "}):
        response = call(path, headers=headers, **kwargs)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["fields"][0]["field"] == "Authorization"
        assert "key-one" not in response.text
    for key in ("key-one", "key-two"):
        assert call(path, headers={"Authorization": f"Bearer {key}"}, **kwargs).status_code == 200


def test_perspective_takes_the_key_as_a_query_parameter(keyed: TestClient) -> None:
    body = {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}}
    assert keyed.post("/v1alpha1/comments:analyze?key=key-two", json=body).status_code == 200
    assert (
        keyed.post("/v1alpha1/comments:analyze", json=body, headers={"Authorization": "Bearer key-one"}).status_code
        == 200
    )
    response = keyed.post("/v1alpha1/comments:analyze?key=nope", json=body)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": 401, "message": "The request is missing a valid API key.", "status": "UNAUTHENTICATED"}
    }


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/openapi.json"])
def test_probes_metrics_and_docs_stay_open(keyed: TestClient, path: str) -> None:
    assert keyed.get(path).status_code == 200


# --- readiness, model card, metrics ---------------------------------------------------------------


def test_readyz_and_model_card(keyed: TestClient, tiny_moderator: Moderator) -> None:
    assert keyed.get("/readyz").json() == {"status": "ready", "model": {"name": "tiny", "version": "test"}}
    card = keyed.get("/v1/model", headers={"Authorization": "Bearer key-one"}).json()
    assert card["model"] == {"name": "tiny", "version": "test"}
    assert card["card"] == tiny_moderator.card
    assert card["flag_on"] == list(tiny_moderator.flag_on)


def test_readyz_is_503_without_a_model(tiny_moderator: Moderator) -> None:
    app = create_app(settings(), tiny_moderator)
    with TestClient(app) as client:
        app.state.moderator = None
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == 503


def test_metrics_count_requests_latency_flags_and_model(tiny_moderator: Moderator) -> None:
    with TestClient(create_app(settings(), tiny_moderator)) as client:
        texts = ["you are an idiot", "i will kill you", "thanks for the article"]
        client.post("/v1/score", json={"comments": [{"id": str(i), "text": t} for i, t in enumerate(texts)]})
        client.post("/v1/score", json={})
        expected_flags = sum(s.flagged for s in tiny_moderator.score(texts))
        text = client.get("/metrics").text
    assert 'moderation_requests_total{method="POST",route="/v1/score",status="200"} 1.0' in text
    assert 'moderation_requests_total{method="POST",route="/v1/score",status="422"} 1.0' in text
    assert 'moderation_request_duration_seconds_count{route="/v1/score"} 2.0' in text
    assert "moderation_comments_scored_total 3.0" in text
    assert f"moderation_comments_flagged_total {float(expected_flags)}" in text
    assert 'moderation_model_info{name="tiny",version="test"} 1.0' in text


# --- hot reload -----------------------------------------------------------------------------------


def _with_version(bundle: Path, version: str) -> None:
    card_path = bundle / "card.json"
    card = json.loads(card_path.read_text())
    card["version"] = version
    card_path.write_text(json.dumps(card))


def test_reload_serves_a_new_bundle_and_refuses_a_tampered_one(tiny_bundle: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(tiny_bundle, folder)
    app = create_app(settings(model=folder))
    with TestClient(app) as client:
        assert client.get("/readyz").json()["model"]["version"] == "test"
        _with_version(folder, "v2")
        answer = client.post("/admin/reload").json()
        assert answer == {"previous": {"name": "tiny", "version": "test"}, "model": {"name": "tiny", "version": "v2"}}
        assert client.post("/v1/score", json=SCORE).json()["model"]["version"] == "v2"

        artifact = next(folder.glob("*.joblib"))
        artifact.write_bytes(artifact.read_bytes() + b"tampered")
        _with_version(folder, "v3")
        response = client.post("/admin/reload")
        assert response.status_code == 409
        assert "still serving tiny v2" in response.json()["error"]["message"]
        assert client.post("/v1/score", json=SCORE).json()["model"]["version"] == "v2"
        assert 'moderation_model_reloads_total{outcome="refused"} 1.0' in client.get("/metrics").text


# --- body size and access log -----------------------------------------------------------------------


def test_over_size_bodies_are_413_before_they_are_read(tiny_moderator: Moderator) -> None:
    with TestClient(create_app(settings(max_body_bytes=200), tiny_moderator)) as client:
        big = {"comments": [{"id": "c1", "text": "x" * 300}]}
        response = client.post("/v1/score", json=big)
        assert response.status_code == 413
        assert response.json()["error"]["fields"] == [
            {"field": "body", "message": "is larger than 200 bytes, the limit per request", "limit": 200}
        ]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams in
            yield b'{"comments": [{"id": "c1", "text": "'
            yield b"x" * 300
            yield b'"}]}'

        streamed = client.post("/v1/score", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert streamed.json()["error"]["fields"][0]["field"] == "body"
        assert client.post("/v1/score", json=SCORE).status_code == 200


@pytest.mark.parametrize("log_text", [False, True])
def test_access_log_is_json_and_keeps_texts_out_unless_asked(
    tiny_moderator: Moderator, caplog: pytest.LogCaptureFixture, log_text: bool
) -> None:
    secret = "my very private comment"
    with (
        TestClient(create_app(settings(log_text=log_text), tiny_moderator)) as client,
        caplog.at_level(logging.INFO, logger="service.access"),
    ):
        client.post("/v1/score", json={"comments": [{"id": "c1", "text": secret}]})
        perspective = {"comment": {"text": secret}, "requestedAttributes": {"TOXICITY": {}}, "doNotStore": True}
        client.post("/v1alpha1/comments:analyze", json=perspective)
    entries = [json.loads(r.getMessage()) for r in caplog.records if r.name == "service.access"]
    assert [e["route"] for e in entries] == ["/v1/score", "/v1alpha1/comments:analyze"]
    assert entries[0]["status"] == 200 and entries[0]["comments"] == 1 and entries[0]["ms"] > 0
    assert ("texts" in entries[0]) is log_text
    assert "texts" not in entries[1]  # doNotStore is honoured even when texts are logged
    assert (secret in caplog.text) is log_text
