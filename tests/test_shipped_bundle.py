"""The shipped bundle: verified, documented, and honest about the data it was trained on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from moderation.bundle import DEFAULT_BUNDLE, verify_bundle
from moderation.datasets import DATASETS, LABELS, load_abuse_data
from moderation.moderator import Moderator

MAX_BUNDLE_BYTES = 50 * 2**20


def test_card_is_complete(shipped_moderator: Moderator) -> None:
    card = verify_bundle(DEFAULT_BUNDLE)
    assert set(card["thresholds"]) == set(LABELS)
    assert all(0.0 < t <= 1.0 for t in card["thresholds"].values())
    assert card["threshold_policy"]["precision"] > 0
    names = [d["name"] for d in card["training"]["abuse_datasets"]]
    assert set(names) <= set(DATASETS)
    for entry in card["training"]["abuse_datasets"]:
        assert entry["licence"] == DATASETS[entry["name"]].licence
        assert entry["rows_train"] > 0 and entry["rows_valid"] > 0
    assert "AGPL" in card["training"]["pages"]["licence"]
    assert card["metrics"]["abuse_validation_auc"]["abuse"]["all"] > 0.9
    assert set(card["libraries"]) >= {"python", "scikit-learn", "numpy"}


def test_bundle_is_small() -> None:
    size = sum(p.stat().st_size for p in Path(DEFAULT_BUNDLE).iterdir())
    assert size < MAX_BUNDLE_BYTES


@pytest.mark.data
def test_card_names_the_shared_files_it_was_trained_on(shared_data: Path) -> None:
    from moderation.bundle import read_card, sha256_file

    card = read_card(DEFAULT_BUNDLE)
    for entry in card["training"]["abuse_datasets"]:
        for record in entry["files"]:
            folder = DATASETS[entry["name"]].folder
            assert sha256_file(shared_data / folder / record["file"]) == record["sha256"]
    for record in card["training"]["pages"]["files"]:
        assert sha256_file(shared_data / "pages" / record["file"]) == record["sha256"]


@pytest.mark.data
def test_validation_slice_auc(shared_data: Path, shipped_moderator: Moderator) -> None:
    """On a 2,000-row slice of the held-out split, every label head ranks abuse well above chance."""
    frame = load_abuse_data(shared_data)
    valid = frame[frame["split"] == "valid"].sample(n=2000, random_state=0)
    proba = shipped_moderator.predict_proba(valid["text"].tolist())
    for j, label in enumerate(LABELS):
        known = valid[label].notna().to_numpy()
        y = valid[label].to_numpy()[known]
        if len(np.unique(y)) == 2 and y.sum() >= 10:
            assert roc_auc_score(y, proba[known, j]) > 0.85, label
