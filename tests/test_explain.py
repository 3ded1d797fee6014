"""Explanations: spans with offsets into the original text, the Toxic Spans metric, and the surfaces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from moderation.datasets import LABELS
from moderation.explain import Span, explain, merge_spans, offsets_of, span_f1, word_spans
from moderation.moderator import Moderator
from service.app import create_app


def test_span_f1() -> None:
    assert span_f1(set(), set()) == 1.0
    assert span_f1({1, 2}, set()) == 0.0
    assert span_f1(set(), {1}) == 0.0
    assert span_f1({1, 2, 3, 4}, {3, 4, 5, 6}) == pytest.approx(0.5)


def test_word_spans_point_into_the_original_text() -> None:
    text = "You are so  f u c k i n g  \u0456diot!!!"
    spans = word_spans(text)
    words = [text[s:e] for s, e in spans]
    assert words == ["so", "f u c k i n g", "\u0456diot"]  # "You" and "are" are never highlighted


def test_merge_spans_joins_neighbours_and_keeps_the_strongest_category() -> None:
    text = "you dirty rat, hello"
    spans = [(0, 3), (4, 9), (10, 13), (15, 20)]
    weights = np.zeros((4, len(LABELS)))
    weights[1, LABELS.index("insult")] = 1.5
    weights[2, LABELS.index("identity_attack")] = 2.5
    weights[1:3, LABELS.index("toxicity")] = 1.2  # what decides the highlighting
    weights[3, LABELS.index("insult")] = 3.0  # strong for a category, but not toxic: not highlighted
    merged = merge_spans(text, spans, weights, cutoff=1.0)
    assert merged == [Span(4, 13, "dirty rat", "identity_attack", 2.5)]
    assert offsets_of(merged) == set(range(4, 13))


def test_moderator_explains_on_request(tiny_moderator: Moderator) -> None:
    text = "you are an idiot and a moron 4"
    [plain] = tiny_moderator.score([text])
    [explained] = tiny_moderator.score([text], explain=True)
    assert "spans" not in plain.to_dict()
    assert explained.spans == tiny_moderator.explain(text)
    spans = explain(tiny_moderator.abuse_model, text, cutoff=0.05)
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text
    assert tiny_moderator.explain("") == []


def test_shipped_model_highlights_the_abuse(shipped_moderator: Moderator) -> None:
    text = "Thanks for the update. Honestly, you are a pathetic idi0t and everyone here knows it."
    spans = shipped_moderator.explain(text)
    assert any("idi0t" in s.text for s in spans)
    assert not any("Thanks" in s.text or "update" in s.text for s in spans)
    assert shipped_moderator.explain("Thanks for the update, very helpful.") == []


def test_cli_and_service_explain(tiny_bundle: Path, tiny_moderator: Moderator) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "moderation.cli", "score", "--model", str(tiny_bundle), "--explain"],
        input="you are an idiot and a moron 4\n",
        capture_output=True,
        text=True,
        check=True,
    )
    row = json.loads(done.stdout)
    assert row["spans"] == [s.to_dict() for s in tiny_moderator.explain("you are an idiot and a moron 4")]
    with TestClient(create_app(moderator=tiny_moderator)) as client:
        body = {"comments": [{"id": "a", "text": "you are an idiot and a moron 4"}], "explain": True}
        result = client.post("/v1/score", json=body).json()["results"][0]
        assert result["spans"] == row["spans"]
        plain = client.post("/v1/score", json={"comments": [{"id": "a", "text": "hello"}]}).json()["results"][0]
        assert "spans" not in plain
