"""The project's contrast sentences: labelled minimal pairs, disjoint from the functional suite."""

from __future__ import annotations

import numpy as np

from moderation import contrast, suite
from moderation.datasets import DATASETS, LABELS, read_contrast
from moderation.normalize import normalize


def test_no_contrast_sentence_is_a_suite_case() -> None:
    cases = {normalize(case.text).strip(" .!?") for case in suite.cases()}
    written = {normalize(text).strip(" .!?") for text, _ in contrast.contrast_rows()}
    assert not cases & written


def test_every_family_gives_attacks_and_their_harmless_twins() -> None:
    for family in (
        contrast.insult_pairs,
        contrast.slur_pairs,
        contrast.group_pairs,
        contrast.compound_rows,
        contrast.threat_pairs,
        contrast.claim_pairs,
    ):
        verdicts = [labels["abuse"] for _, labels in family()]
        assert 0.0 in verdicts and 1.0 in verdicts, family.__name__
    for family in (contrast.object_rows, contrast.profanity_rows):
        rows = list(family())
        assert rows and all(labels["abuse"] == 0.0 and labels["insult"] == 0.0 for _, labels in rows)
        assert any(labels["profanity"] == 1.0 for _, labels in rows)
    deserved = list(contrast.deserve_rows())
    assert deserved and all(labels["abuse"] == labels["threat"] == 0.0 for _, labels in deserved)


def test_labels_are_consistent() -> None:
    for text, labels in contrast.contrast_rows():
        assert set(labels) <= set(LABELS), text
        assert all(v in (0.0, 1.0) for v in labels.values()), text
        attacked = any(labels.get(k) == 1.0 for k in ("identity_attack", "insult", "threat"))
        assert labels["abuse"] == float(attacked), text


def test_frame_is_deterministic_and_registered() -> None:
    first, second = read_contrast(None), read_contrast(None)
    assert first.equals(second)
    assert list(first.columns) == ["text", *LABELS]
    assert first["text"].is_unique
    assert np.isnan(first["toxicity"]).any()  # families are silent where they have nothing to say
    assert DATASETS["contrast"].files == ()
    assert DATASETS["contrast"].reader is read_contrast


def test_coined_compounds_are_attacks_only_as_coinages() -> None:
    # The attack rows coin their compounds; the harmless ones use ordinary compounds of the same shape.
    rows = list(contrast.compound_rows())
    ordinary = {t for t, labels in rows if any(word in t for word in contrast.ORDINARY_COMPOUNDS)}
    assert ordinary and all(labels["abuse"] == 0.0 for t, labels in rows if t in ordinary)
    assert all(not any(word in t for word in contrast.ORDINARY_COMPOUNDS) for t, lab in rows if lab["abuse"] == 1.0)
