"""The OpenAI- and Perspective-compatible routes: their shapes, category mapping, limits and errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from moderation.moderator import Moderator
from service.app import create_app
from service.openai_compat import CATEGORIES
from service.perspective import ATTRIBUTES, sentences
from service.settings import Settings

OPENAI_CATEGORIES = {
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/instructions",
    "self-harm/intent",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
}


@pytest.fixture(scope="module")
def client(tiny_moderator: Moderator) -> Iterator[TestClient]:
    settings = Settings(model=None, max_text_chars=200, max_batch=5, max_page_chars=10_000)
    with TestClient(create_app(settings, tiny_moderator)) as c:
        yield c


# --- OpenAI --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"input": "you are an idiot"},
        {"input": ["you are an idiot", "thanks for the article"], "model": "omni-moderation-latest"},
        {"input": [{"type": "text", "text": "you are an idiot"}, {"type": "text", "text": "thanks"}]},
    ],
)
def test_openai_answers_in_openai_shape(client: TestClient, tiny_moderator: Moderator, body: dict[str, Any]) -> None:
    response = client.post("/v1/moderations", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["id"].startswith("modr-") and len(answer["id"]) > 10
    assert answer["model"] == "tiny-test"
    texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
    texts = [t if isinstance(t, str) else t["text"] for t in texts]
    assert len(answer["results"]) == len(texts)
    for text, result in zip(texts, answer["results"], strict=True):
        assert set(result["categories"]) == OPENAI_CATEGORIES == set(result["category_scores"])
        assert set(result["category_applied_input_types"]) == OPENAI_CATEGORIES
        ours = tiny_moderator.score([text])[0]
        assert result["flagged"] is ours.flagged
        scores, applies = result["category_scores"], result["categories"]
        assert scores["hate"] == pytest.approx(ours.categories["identity_attack"], abs=1e-6)
        expected = max(ours.categories["insult"], ours.categories["toxicity"])
        assert scores["harassment"] == pytest.approx(expected, abs=1e-6)
        assert (
            scores["violence"] == scores["harassment/threatening"] == pytest.approx(ours.categories["threat"], abs=1e-6)
        )
        assert applies["harassment"] is bool({"insult", "toxicity"} & set(ours.reasons))
        unmapped = [c for c, (_, sources) in CATEGORIES.items() if not sources]
        assert all(scores[c] == 0.0 and applies[c] is False for c in unmapped)


def test_openai_ids_differ_per_request(client: TestClient) -> None:
    ids = {client.post("/v1/moderations", json={"input": "hello"}).json()["id"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "input"),
        ({"input": []}, 422, "input"),
        ({"input": 5}, 422, "input"),
        ({"input": [{"type": "image_url", "image_url": {"url": "x"}}]}, 422, "input"),
        ({"input": "x", "temperature": 1}, 422, "temperature"),
        ({"input": ["a"] * 6}, 413, "input"),
        ({"input": ["ok", "x" * 201]}, 413, "input.1"),
    ],
)
def test_openai_bad_requests_name_the_field(client: TestClient, body: dict[str, Any], status: int, field: str) -> None:
    response = client.post("/v1/moderations", json=body)
    assert response.status_code == status, response.text
    fields = [f["field"] for f in response.json()["error"]["fields"]]
    assert any(f == field or f.startswith(field + ".") for f in fields), fields


# --- Perspective ---------------------------------------------------------------------------------

CORAL_REQUEST = {
    # Exactly what Coral Talk's Perspective integration sends (comment, languages, doNotStore, one attribute).
    "comment": {"text": "You are an idiot and everyone knows it."},
    "languages": ["en"],
    "doNotStore": True,
    "requestedAttributes": {"SEVERE_TOXICITY": {}},
}


def test_perspective_answers_a_coral_talk_request(client: TestClient, tiny_moderator: Moderator) -> None:
    response = client.post("/v1alpha1/comments:analyze?key=anything", json=CORAL_REQUEST)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer["attributeScores"]) == {"SEVERE_TOXICITY"}
    summary = answer["attributeScores"]["SEVERE_TOXICITY"]["summaryScore"]
    assert summary["type"] == "PROBABILITY"
    expected = tiny_moderator.score([CORAL_REQUEST["comment"]["text"]])[0].categories["severe_toxicity"]
    assert summary["value"] == pytest.approx(expected, abs=1e-6)
    text = CORAL_REQUEST["comment"]["text"]
    assert answer["attributeScores"]["SEVERE_TOXICITY"]["spanScores"] == [
        {"begin": 0, "end": len(text), "score": summary}
    ]
    assert answer["languages"] == ["en"]
    assert "clientToken" not in answer


def test_perspective_every_attribute_thresholds_spans_and_client_token(client: TestClient) -> None:
    text = "You are an idiot. Thanks for the article!"
    body = {
        "comment": {"text": text, "type": "PLAIN_TEXT"},
        "requestedAttributes": {name: {} for name in ATTRIBUTES} | {"PROFANITY": {"scoreThreshold": 1.0}},
        "spanAnnotations": True,
        "languages": ["en-GB", "de"],
        "clientToken": "abc-123",
        "sessionId": "ignored",
        "communityId": "ignored",
    }
    answer = client.post("/v1alpha1/comments:analyze", json=body).json()
    assert answer["clientToken"] == "abc-123"
    assert set(answer["attributeScores"]) == set(ATTRIBUTES) - {"PROFANITY"}  # under its threshold
    spans = answer["attributeScores"]["TOXICITY"]["spanScores"]
    assert [text[s["begin"] : s["end"]] for s in spans] == ["You are an idiot.", "Thanks for the article!"]
    assert spans[0]["score"]["value"] > spans[1]["score"]["value"]


def test_perspective_html_comments_are_read_as_text(client: TestClient) -> None:
    body = {
        "comment": {"text": "<p>thanks for the <b>article</b></p>", "type": "HTML"},
        "requestedAttributes": {"TOXICITY": {}},
    }
    assert client.post("/v1alpha1/comments:analyze", json=body).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"comment": {"text": ""}, "requestedAttributes": {"TOXICITY": {}}}, "Comment must be non-empty."),
        ({"comment": {"text": "   "}, "requestedAttributes": {"TOXICITY": {}}}, "Comment must be non-empty."),
        ({"comment": {}, "requestedAttributes": {"TOXICITY": {}}}, "Comment must be non-empty."),
        ({"comment": {"text": "x" * 201}, "requestedAttributes": {"TOXICITY": {}}}, "Comment text too long."),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"FLIRTATION": {}}},
            "Attribute FLIRTATION does not support request languages: en",
        ),
        (
            {"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {}}, "languages": ["fr"]},
            "Attribute TOXICITY does not support request languages: fr",
        ),
        ({"comment": {"text": "hi"}, "requestedAttributes": {}}, "Must request at least one attribute."),
        ({"comment": "hi", "requestedAttributes": {"TOXICITY": {}}}, "comment"),
        ({"comment": {"text": "hi"}, "requestedAttributes": {"TOXICITY": {"scoreThreshold": 2}}}, "scoreThreshold"),
    ],
)
def test_perspective_errors_are_googles(client: TestClient, body: dict[str, Any], message: str) -> None:
    response = client.post("/v1alpha1/comments:analyze", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "status"}
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    assert message in error["message"]


def test_perspective_malformed_json_is_a_google_400(client: TestClient) -> None:
    response = client.post(
        "/v1alpha1/comments:analyze", content=b'{"comment": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_sentences_cover_the_text_without_spaces() -> None:
    text = "  One. Two!  Three?\nFour"
    assert [text[a:b] for a, b in sentences(text)] == ["One.", "Two!", "Three?", "Four"]
    assert sentences("no stop at all") == [(0, 14)]
    assert sentences("...") == [(0, 3)]
