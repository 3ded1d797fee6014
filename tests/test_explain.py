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
from moderation.explain import (
    DECODER_GRID,
    REFINER_GRID,
    Span,
    SpanTagger,
    Words,
    choose_tagger_cutoff,
    comment_words,
    comments_words,
    expected_f1_choice,
    explain,
    fit_tagger,
    highlight,
    merge_spans,
    offsets_of,
    span_f1,
    tag_words,
    word_features,
    word_labels,
    word_spans,
)
from moderation.moderator import Moderator
from moderation.train import explanation_method
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


def _words(text: str, toxic: str) -> tuple[Words, set[int]]:
    """A comment's words with made-up occlusion weights (the toxic word weighs most), and its gold offsets."""
    spans = word_spans(text)
    forms = [text[a:b].lower() for a, b in spans]
    weights = np.full((len(spans), len(LABELS)), 0.1)
    gold: set[int] = set()
    for i, ((a, b), form) in enumerate(zip(spans, forms, strict=True)):
        if form == toxic:
            weights[i] = 1.0
            gold |= set(range(a, b))
    return Words(spans, forms, weights), gold


def test_span_tagger_learns_which_words_people_mark() -> None:
    nouns = ["plan", "vote", "road", "budget", "school", "park", "bridge", "tax", "law", "port"]
    texts = [f"the {n} is a zonk and a {m}" for n in nouns for m in nouns]
    texts += [f"my {n} is near the {m}" for n in nouns for m in nouns]
    made = [_words(text, "zonk" if "zonk" in text else "none") for text in texts]
    words, gold = [w for w, _ in made], [g for _, g in made]
    assert words[0].forms == ["plan", "zonk", "plan"]  # the, is, a and and are never candidates
    assert word_labels(words[0], gold[0]) == [0, 1, 0]
    tagger = fit_tagger(texts, words, gold)
    assert isinstance(tagger, SpanTagger) and tagger.decoder_ in DECODER_GRID
    assert tagger.refiner_params_ in REFINER_GRID  # chosen with the decoder on out-of-fold F1
    assert "max_leaf_nodes" in explanation_method(tagger) and "alpha" in explanation_method(tagger)
    text = "honestly the zonk ruined the budget"
    new, _ = _words(text, "zonk")
    proba = tagger.predict_proba(word_features(new))[:, 1]
    assert proba[new.forms.index("zonk")] > 0.5 > max(p for p, f in zip(proba, new.forms, strict=True) if f != "zonk")
    cutoff, f1 = choose_tagger_cutoff(
        tagger, ["the plan is a zonk"], [_words("the plan is a zonk", "zonk")[0]], [set(range(14, 18))], [True]
    )
    assert 0 < cutoff < 1 and f1 == 1.0
    assert tagger.predict_proba([]).shape == (0, 2)
    # The second stage and the decoder: the marked word is chosen, the others are not.
    strength = tag_words(tagger, new)
    assert strength[new.forms.index("zonk")] > 0.5 and strength.sum() == strength[new.forms.index("zonk")]
    assert tag_words(tagger, Words([], [], np.zeros((0, len(LABELS))))).shape == (0,)
    first_only = fit_tagger(texts, words, gold, folds=0)
    assert not hasattr(first_only, "refiner_")  # as a tagger pickled before the second stage
    np.testing.assert_allclose(tag_words(first_only, new), first_only.predict_proba(word_features(new))[:, 1])


def test_expected_f1_choice_picks_per_comment() -> None:
    text = "the zonk and the blarg of a plan"
    words, _ = _words(text, "zonk")
    # One strong word: it alone; several strong words: all of them; a weak comment: its strongest word.
    assert expected_f1_choice(words, np.array([0.95, 0.1, 0.05]), 1.0, 1.0).tolist() == [True, False, False]
    assert expected_f1_choice(words, np.array([0.9, 0.85, 0.05]), 1.0, 1.0).tolist() == [True, True, False]
    assert expected_f1_choice(words, np.array([0.02, 0.04, 0.01]), 1.0, 1.0).tolist() == [False, True, False]
    # A larger alpha asks for more certainty before adding a word.
    middling = np.array([0.9, 0.5, 0.05])
    assert expected_f1_choice(words, middling, 0.6, 1.0).sum() >= expected_f1_choice(words, middling, 3.0, 1.0).sum()
    assert expected_f1_choice(Words([], [], np.zeros((0, len(LABELS)))), np.zeros(0), 1.0, 1.0).shape == (0,)


def test_a_toxic_comment_shows_at_least_its_strongest_word() -> None:
    text = "well, what a zonk of a plan"
    words, _ = _words(text, "zonk")
    weak = np.array([0.1, 0.2, 0.1, 0.05])[: len(words.spans)]
    assert highlight(text, words, weak, cutoff=0.5) == []  # nothing reaches the cutoff
    [span] = highlight(text, words, weak, cutoff=0.5, toxic=True)
    assert span.text == words.forms[int(np.argmax(weak))] and span.start == text.index(span.text)
    assert highlight("", Words([], [], np.zeros((0, len(LABELS)))), None, 0.5, toxic=True) == []


def test_occlusion_in_processes_gives_the_same_words(tiny_moderator: Moderator) -> None:
    texts = [f"comment {i}: you are an idiot and a {'liar' if i % 2 else 'fool'}" for i in range(120)] + [""]
    alone = [comment_words(tiny_moderator.scorer, text) for text in texts]
    shared = comments_words(tiny_moderator.scorer, texts, n_jobs=2)
    assert len(shared) == len(alone)
    for one, other in zip(alone, shared, strict=True):
        assert (one.spans, one.forms) == (other.spans, other.forms)
        assert np.array_equal(one.weights, other.weights)


def test_explain_uses_the_bundles_tagger(tiny_moderator: Moderator) -> None:
    class Always(SpanTagger):
        """Marks the word "idiot" and nothing else, whatever the weights say."""

        def predict_proba(self, rows):  # type: ignore[no-untyped-def]
            return np.array([[0.0, 1.0] if row["word"] == "idiot" else [1.0, 0.0] for row in rows])

    text = "thanks, but you are an idiot"
    spans = explain(tiny_moderator.scorer, text, cutoff=0.5, tagger=Always(), toxic=True)
    assert [s.text for s in spans] == ["idiot"]
    assert spans[0].category in LABELS and spans[0].start == text.index("idiot")
    # The tagger learnt from toxic comments only: in a comment the model passes, it highlights nothing.
    assert explain(tiny_moderator.scorer, text, cutoff=0.5, tagger=Always(), toxic=False) == []


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
