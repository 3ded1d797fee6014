"""Shared fixtures: a tiny bundle trained in seconds on data the tests make, and the shipped bundle."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from moderation.bundle import DEFAULT_BUNDLE, save_bundle
from moderation.datasets import CATEGORIES, LABELS, data_dir
from moderation.moderator import Moderator
from moderation.segment import PageSegmenter
from moderation.train import fit_abuse

ROOT = Path(__file__).resolve().parent.parent

_NICE = [
    "thanks for the thoughtful article",
    "i agree with the point about the budget",
    "great reporting, keep it up",
    "the council should publish the figures",
    "interesting analysis of the election",
    "i learned something new today",
]
_NASTY = {
    "insult": ["you are an idiot", "what a stupid moron you are", "you pathetic loser"],
    "threat": ["i will kill you", "someone should shoot you", "i will hurt your family"],
    "profanity": ["this is shit", "fuck this damn thing", "what the hell is this crap"],
    "identity_attack": ["those people are vermin", "go back to your country", "all of them are animals"],
}


def tiny_abuse_frame(seed: int = 0) -> pd.DataFrame:
    """A small labelled frame with every label column populated, both classes present, some NaN."""
    rng = random.Random(seed)
    rows = []
    for i in range(60):
        rows.append({"text": f"{rng.choice(_NICE)} {i}", **dict.fromkeys(LABELS, 0.0)})
    for cat, texts in _NASTY.items():
        for i in range(15):
            row = {"text": f"{rng.choice(texts)} {i}", **dict.fromkeys(LABELS, 0.0)}
            row.update({"abuse": 1.0, "toxicity": 1.0, cat: 1.0})
            row["severe_toxicity"] = 1.0 if cat == "threat" else 0.0
            if cat == "profanity":
                row["threat"] = np.nan  # a dataset that says nothing about threats
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame["dataset"] = "tiny"
    return frame


def tiny_pages(seed: int = 0) -> tuple[list[list[str]], list[list[str]]]:
    """Small pages: a menu, article prose, then (on half of them) reader comments."""
    rng = random.Random(seed)
    prose = [
        "The city council approved the new budget on Tuesday after a long debate about spending.",
        "Officials said the plan would fund schools, roads and a new library in the north of the city.",
        "The mayor told reporters that the vote was a turning point for the region's economy.",
        "Critics argued that the figures had not been published in time for a proper review.",
    ]
    comments = [
        "I think you are missing the point here, the council never listens to us.",
        "Great article, thanks for covering this!",
        "Why would anyone vote for this? You must be joking.",
        "My street has had potholes for years and nobody cares.",
    ]
    pages, labels = [], []
    for i in range(30):
        menu = ["Home", "News", "Sport"]
        body = rng.sample(prose, 3)
        texts, labs = menu + body, ["boilerplate"] * 3 + ["article"] * 3
        if i % 2 == 0:
            cs = rng.sample(comments, 3)
            texts += ["Leave a reply", *cs]
            labs += ["boilerplate"] + ["comment"] * 3
        pages.append(texts)
        labels.append(labs)
    return pages, labels


@pytest.fixture(scope="session")
def tiny_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete bundle trained on the tiny data above; thresholds 0.5."""
    frame = tiny_abuse_frame()
    abuse = fit_abuse(frame)
    pages, labels = tiny_pages()
    segmenter = PageSegmenter(n_folds=2, max_features=1000).fit(pages, labels)
    card = {
        "name": "tiny",
        "version": "test",
        "labels": list(LABELS),
        "thresholds": dict.fromkeys(LABELS, 0.5),
        "categories": list(CATEGORIES),
    }
    return save_bundle(tmp_path_factory.mktemp("bundles") / "tiny", {"abuse": abuse, "segmenter": segmenter}, card)


@pytest.fixture(scope="session")
def tiny_moderator(tiny_bundle: Path) -> Moderator:
    return Moderator.load(tiny_bundle)


@pytest.fixture(scope="session")
def shipped_moderator() -> Moderator:
    """The shipped default bundle (committed in models/default)."""
    if not (DEFAULT_BUNDLE / "card.json").exists():
        pytest.fail(f"the shipped bundle is missing: {DEFAULT_BUNDLE}")
    return Moderator.load(DEFAULT_BUNDLE)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder; tests that need it skip cleanly when it is absent."""
    root = data_dir()
    if not (root / "toxicity").is_dir():
        pytest.skip(f"shared data not found at {root} (set MODERATION_DATA)")
    return root
