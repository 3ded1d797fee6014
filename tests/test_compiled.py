"""The compiled abuse model: the fitted pipeline's numbers without the framework, and a fallback otherwise."""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from conftest import tiny_abuse_frame
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.pipeline import Pipeline

from moderation.abuse import MaskedLogisticHeads, TextViews
from moderation.compiled import CompiledAbuseModel, compile_abuse_model
from moderation.moderator import Moderator

# Float32 features: the compiled sums run in another order than scikit-learn's, so the last bits differ.
TOLERANCE = dict(rtol=0, atol=1e-4)

pieces = st.sampled_from(
    [
        *"abcdeflrstu *'é.!?@$0134\t\n",
        "you ",
        "idiot ",
        "muslims ",
        "not a ",
        '"moron" ',
        "f u c k ",
        "the council ",
        "go back to ",
        "spic ",
        "wetbak ",
        "i will kill ",
        "\u0456d\u0456ot ",
        "\u200b",
    ]
)
batches = st.lists(st.lists(pieces, max_size=25).map("".join), min_size=1, max_size=6)


def _same(pipeline: Pipeline, compiled: CompiledAbuseModel, texts: list[str]) -> None:
    np.testing.assert_allclose(compiled.decision_function(texts), pipeline.decision_function(texts), **TOLERANCE)
    np.testing.assert_allclose(compiled.predict_proba(texts), pipeline.predict_proba(texts), **TOLERANCE)


@settings(max_examples=80, deadline=None)
@given(batch=batches)
def test_tiny_bundle_compiled_equals_pipeline(tiny_moderator: Moderator, batch: list[str]) -> None:
    pipeline = tiny_moderator.abuse_model
    assert isinstance(tiny_moderator.scorer, CompiledAbuseModel)
    _same(pipeline, tiny_moderator.scorer, batch)
    # One text at a time (the service's case) gives the same rows as the batch.
    one_by_one = np.vstack([tiny_moderator.scorer.predict_proba([text]) for text in batch])
    np.testing.assert_allclose(one_by_one, tiny_moderator.scorer.predict_proba(batch), rtol=0, atol=1e-6)


def test_shipped_bundle_compiled_equals_pipeline(shipped_moderator: Moderator) -> None:
    frame = tiny_abuse_frame(seed=3)
    texts = [
        *frame["text"].tolist(),
        "",
        "   ",
        "Muslims and Jews live here",
        "I would never call anyone a moron",
        "f.u.c.k you, you st00pid 1d1ot",
        "Scunthorpe assassin cocktail",
        "they are vermin and should go back to where they came from",
        "the the the the the the",
    ]
    assert isinstance(shipped_moderator.scorer, CompiledAbuseModel)
    _same(shipped_moderator.abuse_model, shipped_moderator.scorer, texts)


def test_shipped_bundle_on_real_comments(shipped_moderator: Moderator, shared_data: object) -> None:
    from moderation.datasets import load_abuse_data

    frame = load_abuse_data()
    texts = frame.loc[frame["split"] == "valid", "text"].sample(2000, random_state=0).tolist()
    _same(shipped_moderator.abuse_model, shipped_moderator.scorer, texts)


def test_transformer_weights_are_folded_into_the_compiled_weights(tiny_moderator: Moderator) -> None:
    pipeline = copy.deepcopy(tiny_moderator.abuse_model)  # changed below: keep the shared fixture as it is
    features = pipeline.named_steps["features"]
    texts = ["you are an idiot", "f u c k this, go back to where you came from", "a fine article", ""]
    before = CompiledAbuseModel(pipeline).decision_function(texts)
    features.transformer_weights = {"words": 0.5, "chars": 2.0, "attack": 4.0}
    compiled = CompiledAbuseModel(pipeline)
    _same(pipeline, compiled, texts)
    assert not np.allclose(compiled.decision_function(texts), before)


def test_empty_batch(tiny_moderator: Moderator) -> None:
    assert tiny_moderator.scorer.predict_proba([]).shape == (0, tiny_moderator.abuse_model[-1].coef_.shape[0])


def test_other_shapes_are_scored_through_the_pipeline(tiny_moderator: Moderator) -> None:
    pipeline = tiny_moderator.abuse_model
    # A step renamed, a transformer of another kind, an unfitted pipeline: none of them is compiled.
    renamed = Pipeline([(f"step{i}", step) for i, (_, step) in enumerate(pipeline.steps)])
    assert compile_abuse_model(renamed) is renamed
    words_changed = Pipeline(list(pipeline.steps))
    features = words_changed.named_steps["features"]
    original = features.transformers_
    try:
        features.transformers_ = [(n, "passthrough" if n == "words" else t, c) for n, t, c in original]
        assert not CompiledAbuseModel.supports(words_changed)
    finally:
        features.transformers_ = original
    unfitted = Pipeline([*pipeline.steps[:2], ("heads", MaskedLogisticHeads())])
    assert compile_abuse_model(unfitted) is unfitted
    assert compile_abuse_model(pipeline) is not pipeline


def test_scores_and_explanations_unchanged_by_compiling(tiny_moderator: Moderator) -> None:
    text = "you are an idiot, thanks for the article"
    compiled = tiny_moderator.score([text], explain=True)[0]
    plain = Moderator(tiny_moderator.bundle)
    plain.scorer = plain.abuse_model
    reference = plain.score([text], explain=True)[0]
    assert compiled.flagged == reference.flagged
    assert compiled.categories == pytest.approx(reference.categories, abs=1e-4)
    assert [(s.start, s.end, s.category) for s in compiled.spans or []] == [
        (s.start, s.end, s.category) for s in reference.spans or []
    ]


def test_text_views_pickled_before_the_slur_token_read_as_without() -> None:
    views = TextViews(slur_token=True, vocabulary=("cocktail",)).fit([])
    assert views.slur_masking()[0] and "wetbak" in views.slur_masking()[1]
    old = copy.deepcopy(views)
    del old.slur_token, old.near_slurs_  # as unpickled from a bundle fitted before either existed
    assert old.slur_masking() == (False, frozenset())
    assert old.transform(["you spic"])["masked"].tolist() == ["you spic"]
    assert views.transform(["you spic"])["masked"].tolist() == ["you xslurx"]


def test_text_views_pickled_before_respelling_read_no_misspelling_back() -> None:
    views = TextViews(slur_token=True, vocabulary=("cocktail",)).fit([])
    assert views.transform(["I hate Mslims"])["text"].tolist() == ["i hate muslims"]
    state = views.__getstate__()
    del state["respell"], state["respellings_"]  # as pickled before respelling existed
    old = TextViews.__new__(TextViews)
    old.__setstate__(state)
    assert old.get_params()["respell"] is False and old.respellings() == {}
    assert old.transform(["I hate Mslims"])["text"].tolist() == ["i hate mslims"]


def test_fitted_text_views_pickle_the_same_bytes_every_time() -> None:
    first = pickle.dumps(TextViews(slur_token=True).fit([]))
    again = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pickle, sys; from moderation.abuse import TextViews; "
            "sys.stdout.buffer.write(pickle.dumps(TextViews(slur_token=True).fit([])))",
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "random"},
    ).stdout
    assert first == again


def test_the_word_numbering_is_worked_out_when_the_model_is_loaded(tiny_moderator: Moderator) -> None:
    # Not lazily in a forked batch worker, which would copy the vocabulary pages it shares with its parent.
    pipeline = pickle.loads(pickle.dumps(tiny_moderator.abuse_model))  # as loaded: never pickled with it
    words = pipeline.named_steps["features"].named_transformers_["words"]
    assert "_ngram_codes" not in words.__dict__
    assert isinstance(compile_abuse_model(pipeline), CompiledAbuseModel)
    assert words.__dict__.get("_ngram_codes") is not None
