"""Training end to end on a miniature data folder: a loadable, documented, reproducible bundle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import tiny_pages
from fake_data import write_fake_data

from moderation.bundle import MODELS_DIR, read_card
from moderation.datasets import DATASETS, LABELS, Page, comment_thread_in_article, relabel_comment_thread
from moderation.errors import TrainingDataError
from moderation.evaluate import crop, segment_report, threshold_at_precision
from moderation.moderator import Moderator
from moderation.train import _shown_path, choose_abuse_floor, choose_thresholds, page_variants, train_bundle


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fake_data(tmp_path_factory.mktemp("shared") / "data")


def test_threshold_at_precision() -> None:
    y = np.array([1, 1, 0, 1, 0, 0])
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
    assert threshold_at_precision(y, s, 1.0) == 0.8
    assert threshold_at_precision(y, s, 0.75) == 0.6
    assert threshold_at_precision(np.array([0, 0]), np.array([0.4, 0.2]), 0.9) == 0.4  # unreachable: flag nothing


def test_thresholds_rise_when_abuse_is_rarer() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 400).astype(float)
    proba = np.clip(y * 0.3 + rng.random(400) * 0.7, 0, 1)
    valid = pd.DataFrame({label: y for label in LABELS} | {"dataset": "x"})
    common = choose_thresholds(np.tile(proba[:, None], (1, len(LABELS))), valid, 0.8, prevalence=0.5)
    rare = choose_thresholds(np.tile(proba[:, None], (1, len(LABELS))), valid, 0.8, prevalence=0.1)
    assert rare["abuse"] > common["abuse"]


def test_abuse_floor_is_the_highest_that_keeps_the_abuse_flagged() -> None:
    n = 200
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(100), np.zeros(100)]
    proba = np.zeros((n, len(LABELS)))
    proba[:, 0] = np.where(y == 1, rng.uniform(0.12, 0.9, n), rng.uniform(0.0, 0.04, n))  # abuse head
    threat = LABELS.index("threat")
    proba[:, threat] = np.where(y == 1, 0.9, 0.0)
    proba[150:, threat] = 0.9  # the threat head also reads half the clean rows as threats
    valid = pd.DataFrame({"abuse": y, "dataset": "jigsaw2018"})
    limits = dict.fromkeys(LABELS, 0.5)
    floor = choose_abuse_floor(proba, valid, limits)
    assert floor == 0.1  # every abusive row has abuse >= 0.12: the highest floor tried below that
    proba[:5, 0] = 0.005  # five abusive rows only the threat head sees
    assert choose_abuse_floor(proba, valid, limits) == 0.0


_THREAD = ["12 comments", "Anna July 18, 2012 at 4:09 pm", "Great post!", "Reply", "Tom says:", "Thanks.", "Reply"]
_THREAD += ["Kim July 19, 2012 at 9:00 am", "Agreed, though the figures were late."]


def _page(thread_label: str) -> Page:
    texts = ["Menu", "The budget vote", "The council approved the budget on Tuesday.", "It funds schools.", *_THREAD]
    labels = ["boilerplate", "article", "article", "article", "boilerplate"]
    labels += [("boilerplate" if text == "Reply" else thread_label) for text in _THREAD[1:]]
    return Page("p", texts, labels)


def test_a_comment_thread_the_gold_counts_as_article_is_found_and_relabelled() -> None:
    noisy = _page("article")
    assert comment_thread_in_article(noisy) == 4  # its count line
    fixed = relabel_comment_thread(noisy)
    assert fixed.texts == noisy.texts and fixed.labels == _page("comment").labels
    assert comment_thread_in_article(_page("comment")) is None
    assert relabel_comment_thread(_page("comment")) == _page("comment")
    live = Page("live", ["Marathon: live splits", "5km - 15:23", "10km - 30:46", "15km - 44:58"], ["article"] * 4)
    assert comment_thread_in_article(live) is None  # dated article lines with no comment count before them
    today = ["4 Comments", "Written on August 9, 2012 by Rich Johnston", "USA Today could not wait until 9am!"]
    today += ["The deal is done.", "USA Today reports on the deal"]
    assert comment_thread_in_article(Page("t", today, ["article"] * 5)) is None  # naming today is no header
    with_comments = Page("c", [*noisy.texts, "Nice post"], [*noisy.labels, "comment"])
    assert comment_thread_in_article(with_comments) is None  # its comments are labelled already


def test_segment_report_without_some_pages_equals_a_report_on_the_rest(tiny_moderator: Moderator) -> None:
    texts, labels = tiny_pages(seed=1)
    pages = [Page(str(i), t, lab) for i, (t, lab) in enumerate(zip(texts, labels, strict=True))]
    report = segment_report(tiny_moderator.segmenter, pages, without=pages[:5])
    assert report["pages"] == len(pages) and report["without"]["pages"] == len(pages) - 5
    assert report["without"] == segment_report(tiny_moderator.segmenter, pages[5:])
    assert "without" not in segment_report(tiny_moderator.segmenter, pages)


def test_page_variants() -> None:
    page = Page(
        "p",
        ["Menu", "Title", "Body text", "Share", "Nice post", "Footer"],
        ["boilerplate", "article", "article", "boilerplate", "comment", "boilerplate"],
    )
    assert crop(page) == (page.texts[1:5], page.labels[1:5])
    assert crop(page, after=1) == crop(page, after=10) == (page.texts[1:], page.labels[1:])  # past the content
    texts, labels, real = page_variants([page], ["first comment\nits second line"], seed=0)
    assert real == [True, True, False]
    assert texts[0] == page.texts[1:5]
    assert texts[1] == ["Title", "Body text", "Nice post"]
    assert texts[2][:2] == ["Title", "Body text"] and set(labels[2][2:]) == {"comment"}
    comments = [f"comment number {i}" for i in range(50)]
    texts, labels, real = page_variants([page], comments, seed=0, comment_pages=2)
    assert real == [True, True, False, False]
    assert texts[2][2:] != texts[3][2:]  # each made-up page draws comments of its own
    assert all(set(lab[2:]) == {"comment"} for lab in labels[2:])
    assert page_variants([page], [], seed=0, comment_pages=2)[2] == [True, True]
    # Form 4: the page on past its content, with up to `footer_blocks` blocks of its footer.
    texts, labels, real = page_variants([page], [], seed=0, comment_pages=0, footer_blocks=10)
    assert real == [True, True, True]
    assert texts[2] == page.texts[1:] and labels[2] == page.labels[1:]
    ends_on_content = Page("q", page.texts[:5], page.labels[:5])
    assert page_variants([ends_on_content], [], seed=0, comment_pages=0, footer_blocks=10)[2] == [True, True]


def test_train_bundle_end_to_end_and_reproducible(fake_root: Path, tmp_path: Path) -> None:
    first = train_bundle(data=fake_root, out=tmp_path / "a")
    second = train_bundle(data=fake_root, out=tmp_path / "b")
    card = read_card(first)
    assert {d["name"] for d in card["training"]["abuse_datasets"]} == set(DATASETS)
    assert set(card["thresholds"]) == set(LABELS)
    assert "AGPL" in card["training"]["pages"]["licence"]
    assert card["metrics"]["segmentation_dragnet_test"]["pages"] == 4
    assert set(card["artifacts"]) == {"abuse", "segmenter", "spans"}  # the span tagger, from the marked spans
    assert card["explanations"]["method"].startswith("span tagger")
    assert "gradient-boosted trees" in card["explanations"]["method"]  # the second stage, fitted in folds
    assert 0 < card["explanations"]["cutoff"] < 1 and "occlusion_only" in card["explanations"]
    assert "every slur and misspelt slur one token" in card["model"]["abuse"]  # read off the fitted pipeline
    assert "group_claim, addressed_insult" in card["model"]["abuse"]
    for name, meta in card["artifacts"].items():
        assert read_card(second)["artifacts"][name]["sha256"] == meta["sha256"], name
    moderator = Moderator.load(first)
    [rude, nice] = moderator.score(["you are an idiot and a moron", "thanks for the thoughtful article"])
    assert rude.abuse > nice.abuse


def test_train_bundle_on_chosen_datasets(fake_root: Path, tmp_path: Path) -> None:
    path = train_bundle(data=fake_root, out=tmp_path / "c", datasets=["jigsaw2018", "davidson", "olid"])
    card = read_card(path)
    assert [d["name"] for d in card["training"]["abuse_datasets"]] == ["jigsaw2018", "davidson", "olid"]
    assert "--datasets jigsaw2018,davidson,olid" in card["training"]["command"]


def test_train_bundle_on_permissive_datasets(fake_root: Path, tmp_path: Path) -> None:
    """Without jigsaw2018 (the only set annotating severe_toxicity) the derived rule still gives that head
    positives."""
    path = train_bundle(data=fake_root, out=tmp_path / "p", datasets=["toxic_spans", "davidson", "toxigen"])
    assert set(read_card(path)["thresholds"]) == set(LABELS)


def test_datasets_missing_a_label_are_a_clear_error(fake_root: Path, tmp_path: Path) -> None:
    with pytest.raises(TrainingDataError, match="no positive training rows for"):
        train_bundle(data=fake_root, out=tmp_path / "x", datasets=["davidson"])
    assert not (tmp_path / "x").exists()


def test_cards_name_project_bundles_relative_to_the_project(tmp_path: Path) -> None:
    # A shipped card must not carry the folder of the machine that trained it.
    assert _shown_path(MODELS_DIR / "default") == "models/default"
    assert _shown_path(tmp_path / "bundle") == str((tmp_path / "bundle").resolve())
