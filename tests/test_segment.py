"""Segmentation: block features, the grammar decoder on its own, and the segmenter on tiny pages."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import tiny_pages
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.moderator import Moderator, page_lines
from moderation.segment import (
    ARTICLE,
    BOILERPLATE,
    COMMENT,
    SEGMENT_LABELS,
    PageSegmenter,
    StyleView,
    _character_counts,
    block_features,
    block_words,
    decode,
    grammar_scores,
    group_comments,
    overlap_features,
    style_view,
)

FLAT = np.log(np.full((4, 4), 0.25))
START = np.log(np.full(4, 0.25))


def _logp(rows: list[list[float]]) -> np.ndarray:
    return np.log(np.array(rows))


def test_decoder_follows_confident_blocks() -> None:
    lp = _logp([[0.1, 0.1, 0.8], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.1, 0.8, 0.1]])
    assert list(decode(lp, FLAT, START)) == [BOILERPLATE, ARTICLE, COMMENT, BOILERPLATE, COMMENT]


def test_decoder_never_puts_article_after_comment() -> None:
    # Block 3 alone looks like article, but it follows comments: the grammar forbids going back.
    lp = _logp([[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1], [0.1, 0.8, 0.1]])
    labels = list(decode(lp, FLAT, START))
    first_comment = labels.index(COMMENT)
    assert ARTICLE not in labels[first_comment:]


def test_decoder_transition_costs_resist_a_single_comment_like_block() -> None:
    trans = np.log(
        np.array(
            [[0.5, 0.49, 0.005, 0.005], [0.05, 0.94, 0.005, 0.005], [1e-9, 1e-9, 0.5, 0.5], [1e-9, 1e-9, 0.1, 0.9]]
        )
    )
    lp = _logp([[0.05, 0.9, 0.05]] * 0 + [[0.9, 0.05, 0.05], [0.45, 0.5, 0.05], [0.9, 0.05, 0.05]])
    assert list(decode(lp, trans, START)) == [ARTICLE, ARTICLE, ARTICLE]


def test_decoder_empty_page() -> None:
    assert decode(np.zeros((0, 3)), FLAT, START).shape == (0,)


def test_block_features_shape_and_context() -> None:
    feats = block_features(["Home", "A long paragraph of article prose. It has two sentences.", "Do you agree?"])
    assert feats.shape[0] == 3
    assert np.isfinite(feats).all()
    assert block_features([]).shape[0] == 0


GROUPED = [
    ("An article paragraph.", "article", None),
    ("3 Comments", "boilerplate", None),
    ("Jack Friday", "comment", 0),
    ("November 6th, 2012", "comment", 0),
    ("10:11 am", "comment", 0),
    ("Link to this comment", "boilerplate", None),
    ("Great to see this, Ed.", "comment", 0),
    ("Observer", "comment", 1),
    ("November 6th, 2012 at 10:24 am", "comment", 1),
    ("May I observe that I agree?", "comment", 1),
    ("And one more paragraph of the same comment.", "comment", 1),
    ("Reply", "boilerplate", None),
    ("Ann Smith says:", "comment", 2),
    ("A third comment.", "comment", 2),
    ("Posted by Bob", "comment", 3),
    ("Thanks", "comment", 3),
]


# ASCII letters, digits, punctuation and every kind of ASCII white space, then others: no-break and em spaces,
# a line separator, accented and Greek capitals, sharp s, a superscript and an Arabic digit, a curly quote.
characters = st.sampled_from(
    [*"aZ09 .!?\t\n\x1c\x1f\x0b", *"\u00a0\u2003\u2028\u00c9\u00e9\u00df\u00b2\u0663\u03a9\u2019\U0001f600"]
)


@settings(max_examples=200, deadline=None)
@given(text=st.lists(characters, max_size=40).map("".join))
def test_character_counts_are_those_of_the_string_methods(text: str) -> None:
    expected = (
        sum(map(str.isupper, text)),
        sum(map(str.isdigit, text)),
        sum(map(str.isalnum, text)),
        sum(map(str.isspace, text)),
        sum(token[:1].isupper() for token in text.split()),
    )
    assert _character_counts(text) == expected


def test_comments_are_grouped_by_their_byline_and_date_lines() -> None:
    texts, labels, expected = zip(*GROUPED, strict=True)
    assert group_comments(texts, labels) == list(expected)


def test_comments_without_header_lines_are_one_block_each() -> None:
    texts = ["Article prose here.", "First comment.", "Second comment.", "Reply", "Third."]
    labels = ["article", "comment", "comment", "boilerplate", "comment"]
    assert group_comments(texts, labels) == [None, 0, 1, None, 2]
    assert group_comments(texts, ["article"] * 5) == [None] * 5
    assert group_comments([], []) == []


def test_lines_before_the_first_header_form_a_comment_of_their_own() -> None:
    texts = ["Orphan comment text.", "Ann says:", "Hello."]
    assert group_comments(texts, ["comment"] * 3) == [0, 1, 1]


def test_segmenter_learns_tiny_pages() -> None:
    pages, labels = tiny_pages()
    model = PageSegmenter(n_folds=2, max_features=1000).fit(pages[:20], labels[:20])
    for page, truth in zip(pages[20:], labels[20:], strict=True):
        assert model.predict(page) == truth
        proba = model.predict_proba(page)
        assert proba.shape == (len(page), len(SEGMENT_LABELS))
        assert np.allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize(("char_c", "style_c"), [(0.1, None), (None, None), (None, 0.5), (0.1, 0.5)])
def test_stage_one_reads_words_and_optionally_characters_and_style(char_c: float | None, style_c: float | None) -> None:
    pages, labels = tiny_pages()
    model = PageSegmenter(n_folds=2, max_features=1000, char_C=char_c, style_C=style_c).fit(pages[:20], labels[:20])
    assert (model.char_model_ is None) == (char_c is None)
    assert (model.style_model_ is None) == (style_c is None)
    if char_c is not None:
        assert model.char_model_.named_steps["tfidf"].analyzer == "char_wb"
        assert model.char_model_.named_steps["clf"].get_params()["C"] == char_c
    if style_c is not None:
        assert isinstance(model.style_model_.named_steps["style"], StyleView)
        assert model.style_model_.named_steps["clf"].get_params()["C"] == style_c
    # Stage two reads every stage-one model's outputs: 3 probabilities and their context per model.
    n_stage_one = 1 + (char_c is not None) + (style_c is not None)
    per_model = 3 + 3 * 6
    assert (
        model.block_model_.named_steps["scale"].n_features_in_
        == block_features(["x"]).shape[1] + n_stage_one * per_model
    )
    for page, truth in zip(pages[20:], labels[20:], strict=True):
        assert model.predict(page) == truth


def test_segmenter_pickled_before_the_character_and_style_models_still_predicts() -> None:
    pages, labels = tiny_pages()
    model = PageSegmenter(n_folds=2, max_features=1000, char_C=None, style_C=None, overlap=False)
    model.fit(pages[:20], labels[:20])
    expected = model.predict_proba(pages[20])
    state = dict(model.__getstate__())
    for name in ("char_model_", "char_C", "style_model_", "style_C", "overlap"):
        del state[name]  # as bundles trained before they were added load
    old = PageSegmenter.__new__(PageSegmenter)
    old.__setstate__(state)
    np.testing.assert_array_equal(old.predict_proba(pages[20]), expected)
    assert old.get_params() == model.get_params()


def test_overlap_features_are_optional() -> None:
    pages, labels = tiny_pages()
    with_overlap = PageSegmenter(n_folds=2, max_features=1000).fit(pages[:20], labels[:20])
    without = PageSegmenter(n_folds=2, max_features=1000, overlap=False).fit(pages[:20], labels[:20])
    extra = block_features(pages[0]).shape[1] - block_features(pages[0], overlap=False).shape[1]
    assert extra == 3 * 7  # three features, each with its six neighbour columns
    n_with = with_overlap.block_model_.named_steps["scale"].n_features_in_
    assert n_with - without.block_model_.named_steps["scale"].n_features_in_ == extra


def test_overlap_features_measure_what_the_page_said_before() -> None:
    page = [
        "council approves budget for harbour repairs",
        "the vote was close",
        "engineers found cracks in the old wall",
        "the harbour repairs will cost the council millions",
        "my grandmother sailed from that port every summer",
        "",
    ]
    overlap = overlap_features(block_words(page))
    assert overlap.shape == (6, 3)
    np.testing.assert_allclose(overlap[0], [0.0, 1.0, 0.0])  # nothing before it; it is part of the lead
    # The article goes on in its own words: harbour, repairs, council of harbour, repairs, cost, council, millions.
    np.testing.assert_allclose(overlap[3], [0.6, 0.6, 0.0])
    np.testing.assert_allclose(overlap[4], [0.0, 0.0, 0.0])  # a reader's words of their own
    np.testing.assert_allclose(overlap[5], [0.0, 0.0, 1.0])  # no content word at all
    assert block_features(page).shape[0] == 6


def test_style_view_keeps_how_a_block_is_written_not_its_topic() -> None:
    assert style_view("can i use bread flour instead?") == "can i w w w ww ?"
    # Two replies on different topics read alike; an article sentence reads otherwise.
    reply = style_view("thanks, i tried the soup and loved it!")
    assert reply == style_view("thanks, i liked the report and loved it!")
    assert style_view("the council voted 7-2 on tuesday.") == "the ww w n - n on ww ."
    assert style_view("wow... really??") == "wow .. really ??"
    assert style_view("") == "empty"
    assert StyleView().fit_transform(["yes :)", "42"]) == ["yes :)", "n"]


def test_page_lines_skip_empty_lines_keep_numbers() -> None:
    assert page_lines("a\n\n  \nb\n") == [(1, "a"), (4, "b")]


@pytest.mark.parametrize("page", ["", "\n\n"])
def test_moderator_segments_empty_page(tiny_moderator: Moderator, page: str) -> None:
    assert tiny_moderator.segment(page) == []


def test_moderator_scores_only_comments(tiny_moderator: Moderator) -> None:
    pages, labels = tiny_pages()
    blocks = tiny_moderator.segment("\n".join(pages[0]))
    assert [b.label for b in blocks] == labels[0]
    for block in blocks:
        assert (block.score is not None) == (block.label == "comment")
        assert 0.0 <= block.comment_probability <= 1.0


def test_grammar_scores_count_the_weighted_pages() -> None:
    with_comments = [["article", "article", "comment", "boilerplate", "comment"]]
    without = [["boilerplate", "article", "article"]]
    counted_trans, _ = grammar_scores(with_comments + without, [1.0, 1.0])
    left_out_trans, left_out_start = grammar_scores(with_comments + without, [1.0, 0.0])
    # Article to comment is likelier when the comment-free page does not count.
    assert left_out_trans[1, 3] > counted_trans[1, 3]
    # Nothing returns from the comments to the article, whatever the counts.
    assert np.all(np.isneginf(left_out_trans[2:, :2]))
    np.testing.assert_allclose(np.exp(left_out_trans).sum(axis=1), 1.0)
    assert np.exp(left_out_start).sum() == pytest.approx(1.0)
    # The decoder of a fitted segmenter uses the counts of all its pages.
    pages, labels = tiny_pages()
    model = PageSegmenter(n_folds=2, max_features=1000).fit(pages, labels)
    expected, _ = grammar_scores(labels, [1.0] * len(labels))
    np.testing.assert_allclose(model.log_trans_, expected)
