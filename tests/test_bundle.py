"""Bundles: save, verify and load; a tampered or incomplete bundle is refused before unpickling."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from moderation.bundle import DEFAULT_BUNDLE, load_bundle, read_card, save_bundle, sha256_file, verify_bundle
from moderation.errors import BundleError, BundleIntegrityError
from moderation.moderator import SCORING_MODELS, Moderator


def _copy(bundle: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(bundle, target)
    return target


def test_round_trip_scores_identically(tiny_bundle: Path, tiny_moderator: Moderator, tmp_path: Path) -> None:
    loaded = load_bundle(tiny_bundle)
    resaved = save_bundle(tmp_path / "again", loaded.models, {k: v for k, v in loaded.card.items() if k != "artifacts"})
    again = Moderator.load(resaved)
    texts = ["you are an idiot", "thanks for the article"]
    assert [s.to_dict() for s in again.score(texts)] == [s.to_dict() for s in tiny_moderator.score(texts)]


def test_card_records_every_artifact_digest(tiny_bundle: Path) -> None:
    card = read_card(tiny_bundle)
    assert set(card["artifacts"]) == {"abuse", "segmenter"}
    for meta in card["artifacts"].values():
        assert meta["sha256"] == sha256_file(tiny_bundle / meta["file"])
        assert meta["bytes"] == (tiny_bundle / meta["file"]).stat().st_size


def test_tampered_artifact_is_refused(tiny_bundle: Path, tmp_path: Path) -> None:
    copy = _copy(tiny_bundle, tmp_path)
    artifact = copy / "abuse.joblib"
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    with pytest.raises(BundleIntegrityError, match=r"abuse\.joblib"):
        verify_bundle(copy)
    with pytest.raises(BundleIntegrityError):
        Moderator.load(copy)


def test_card_digest_edit_is_refused(tiny_bundle: Path, tmp_path: Path) -> None:
    copy = _copy(tiny_bundle, tmp_path)
    card = json.loads((copy / "card.json").read_text())
    card["artifacts"]["segmenter"]["sha256"] = "0" * 64
    (copy / "card.json").write_text(json.dumps(card))
    with pytest.raises(BundleIntegrityError, match=r"segmenter\.joblib"):
        load_bundle(copy)


def test_missing_artifact_and_missing_card(tiny_bundle: Path, tmp_path: Path) -> None:
    copy = _copy(tiny_bundle, tmp_path)
    (copy / "segmenter.joblib").unlink()
    with pytest.raises(BundleIntegrityError, match="missing"):
        load_bundle(copy)
    with pytest.raises(BundleError, match=r"card\.json"):
        load_bundle(tmp_path / "nowhere")


def test_unreadable_card(tmp_path: Path) -> None:
    (tmp_path / "card.json").write_text("{not json")
    with pytest.raises(BundleError, match="unreadable"):
        read_card(tmp_path)


def test_missing_threshold_is_refused(tiny_bundle: Path, tmp_path: Path) -> None:
    loaded = load_bundle(tiny_bundle)
    card = {k: v for k, v in loaded.card.items() if k != "artifacts"}
    card["thresholds"] = {"abuse": 0.5}
    broken = save_bundle(tmp_path / "broken", loaded.models, card)
    with pytest.raises(BundleError, match="threshold"):
        Moderator.load(broken)


def test_save_replaces_existing_bundle_whole(tiny_bundle: Path, tmp_path: Path) -> None:
    loaded = load_bundle(tiny_bundle)
    card = {k: v for k, v in loaded.card.items() if k != "artifacts"}
    target = save_bundle(tmp_path / "b", loaded.models, {**card, "version": "one"})
    save_bundle(target, loaded.models, {**card, "version": "two"})
    assert read_card(target)["version"] == "two"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # no temporary or backup folders left


# --- loading some of a bundle's models -----------------------------------------------------------------


def test_load_named_models_only_still_verifies_every_artifact(tiny_bundle: Path, tmp_path: Path) -> None:
    loaded = load_bundle(tiny_bundle, models=["abuse"])
    assert set(loaded.models) == {"abuse"}
    assert set(loaded.card["artifacts"]) == {"abuse", "segmenter"}
    copy = _copy(tiny_bundle, tmp_path)
    segmenter = copy / "segmenter.joblib"
    segmenter.write_bytes(segmenter.read_bytes()[:-10])  # a model that is not loaded is still checked
    with pytest.raises(BundleIntegrityError, match=r"segmenter\.joblib"):
        load_bundle(copy, models=["abuse"])
    with pytest.raises(BundleError, match="no spans model"):
        load_bundle(tiny_bundle, models=["abuse", "spans"])


def test_scoring_moderator_scores_alike_and_refuses_what_it_did_not_load(
    tiny_bundle: Path, tiny_moderator: Moderator
) -> None:
    scoring = Moderator.load(tiny_bundle, models=SCORING_MODELS)
    assert set(scoring.bundle.models) == set(SCORING_MODELS)
    texts = ["you are an idiot", "thanks for the article"]
    assert [s.to_dict() for s in scoring.score(texts)] == [s.to_dict() for s in tiny_moderator.score(texts)]
    with pytest.raises(BundleError, match="segmenter model was not loaded"):
        scoring.segment("An article line.\nA comment line.")
    with pytest.raises(BundleError, match="abuse model was not loaded"):
        Moderator.load(tiny_bundle, models=["segmenter"])


def test_explanations_never_fall_back_silently_when_the_span_tagger_was_left_on_disk() -> None:
    scoring = Moderator.load(DEFAULT_BUNDLE, models=SCORING_MODELS)
    assert "spans" in scoring.card["artifacts"]
    with pytest.raises(BundleError, match="spans model was not loaded"):
        scoring.score(["you are an idiot"], explain=True)
