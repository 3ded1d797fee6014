"""Choosing the segmenter's decoding on Dragnet *training* pages only: a development split, never the test split.

    .venv/bin/python benchmarks/segment_dev.py [--seeds 1 2] [--weights 0.5 1 2] [--text-C C] [--char-C C|none]
        [--style-C C|none] [--comment-pages N] [--footer-blocks N] [--relabel-threads] [--data DIR]

For each seed, a fifth of the Dragnet train pages is held out as a development split; the segmenter is
trained on the rest as `moderation train` trains it (the same page forms, reader comments from the
abuse training rows). The held-out pages are scored in four forms, since the product meets them all:
(1) cropped scraped pages with their boilerplate, as in the Dragnet test split; (2) the same without
boilerplate; (3) their article followed by reader comments, one paragraph a line, with no names or dates
(comments from the abuse *validation* rows), like the seed pages; (4) for pages with comments, their
article followed by their own comment blocks of 25 characters or more that are no byline or date line:
real, topical comments with nothing to mark them. Their block probabilities are decoded
with transition scores fitted on every training page form, or on the real page forms only (without the
made-up pages that append comments to every article), at each transition weight. Prints article,
comment and boilerplate F1 (blocks of 40 characters or more) and "has comments" accuracy with its false
positives and negatives, per form, as `benchmarks/evaluate.py` computes them for the test split; then,
at the segmenter's own decoding, "has comments" on blind page sets 1 and 2 (`benchmarks/blind_pages.py`;
set 3 stays held out), whole and cropped, and every seed block it labels wrong.
`--text-C`, `--char-C` and `--style-C` set the regularisation of the segmenter's stage-one word, character
and style models (`none`: no such model), `--comment-pages` how many form-3 pages each training page
gives (the development pages always give one) and `--footer-blocks` the footer of its form-4 page (0: no
such page), and `--relabel-threads` labels the reader-comment threads that a training page's gold text
counts as article as comments (`moderation.datasets.relabel_comment_thread`), to compare these choices on
the same splits.
"""

from __future__ import annotations

import argparse
import logging
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from blind_pages import load_set  # benchmarks/blind_pages.py, beside this script
from sklearn.metrics import precision_recall_fscore_support

from moderation.datasets import Page, data_dir, load_abuse_data, load_pages, relabel_comment_thread
from moderation.evaluate import MIN_EVAL_CHARS, crop
from moderation.moderator import page_lines
from moderation.registry import SEEDS_DIR, seed_pages
from moderation.segment import SEGMENT_LABELS, PageSegmenter, decode, grammar_scores, is_comment_header
from moderation.train import COMMENT_DATASETS, COMMENT_PAGES, FOOTER_BLOCKS, page_variants

log = logging.getLogger("benchmarks.segment_dev")


def scores(
    pages: Sequence[tuple[list[str], list[str]]],
    probabilities: Sequence[np.ndarray],
    trans: np.ndarray,
    start: np.ndarray,
) -> str:
    """The figures of one decoding of the development pages."""
    truth, predicted, right = [], [], []
    false_pos = false_neg = 0
    for (texts, labels), proba in zip(pages, probabilities, strict=True):
        decoded = [SEGMENT_LABELS[i] for i in decode(np.log(np.clip(proba, 1e-12, 1.0)), trans, start)]
        has, said = "comment" in labels, "comment" in decoded
        right.append(has == said)
        false_pos += said and not has
        false_neg += has and not said
        for text, t, p in zip(texts, labels, decoded, strict=True):
            if len(text) >= MIN_EVAL_CHARS:
                truth.append(t)
                predicted.append(p)
    f1 = precision_recall_fscore_support(truth, predicted, labels=list(SEGMENT_LABELS), zero_division=0)[2]
    return (
        f"article {f1[0]:.3f}  comment {f1[1]:.3f}  boilerplate {f1[2]:.3f}  "
        f"has comments {np.mean(right):.3f} ({false_pos} false pos., {false_neg} false neg.)"
    )


def bare_own_comments(pages: Sequence[Page]) -> list[tuple[list[str], list[str]]]:
    """Development form 4: each page with comments as its article blocks, then its own comment blocks of 25
    characters or more that are no byline or date line."""
    out = []
    for page in pages:
        texts, labels = crop(page)
        article = [t for t, label in zip(texts, labels, strict=True) if label == "article"]
        comments = [
            t
            for t, label in zip(texts, labels, strict=True)
            if label == "comment" and len(t) >= 25 and not is_comment_header(t)
        ]
        if article and comments:
            out.append((article + comments, ["article"] * len(article) + ["comment"] * len(comments)))
    return out


def blind_figures(segmenter: PageSegmenter, which: str) -> str:
    """How many pages of blind set `which` the segmenter says rightly whether they have comments, whole and
    cropped, and how many of its bare-comment pages."""
    parts = []
    for cropped in (False, True):
        right = [
            (page.form, ("comment" in segmenter.predict(page.texts)) == ("comment" in page.labels))
            for page in load_set(which, cropped)
        ]
        bare = [ok for form, ok in right if form == "bare_comments"]
        parts.append(
            f"{'cropped' if cropped else 'whole'} {sum(ok for _, ok in right)}/{len(right)} "
            f"(bare comments {sum(bare)}/{len(bare)})"
        )
    return ", ".join(parts)


def seed_errors(segmenter: PageSegmenter) -> list[str]:
    """Every block of the seed pages (`seeds/`) that `segmenter` labels otherwise than `expected.jsonl`."""
    errors = []
    for page in seed_pages():
        lines = page_lines((SEEDS_DIR / page["file"]).read_text(encoding="utf-8"))
        proba = segmenter.predict_proba([text for _, text in lines])
        decoded = segmenter.decode_proba(proba)
        expected = {block["line"]: block["label"] for block in page["blocks"]}
        for (number, _), label, p in zip(lines, decoded, proba, strict=True):
            if number in expected and SEGMENT_LABELS[label] != expected[number]:
                errors.append(
                    f"{page['file']} line {number}: {expected[number]} read as {SEGMENT_LABELS[label]} "
                    f"(comment probability {p[1]:.3f})"
                )
    return errors


def optional_c(value: str) -> float | None:
    """A stage-one model's C from the command line: a number, or ``none`` for no such model."""
    return None if value.lower() == "none" else float(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--weights", type=float, nargs="+", default=[0.5, 1.0, 2.0])
    parser.add_argument("--text-C", type=float, default=PageSegmenter().text_C, help="stage-one word model C")
    parser.add_argument(
        "--char-C",
        type=optional_c,
        default=PageSegmenter().char_C,
        help="stage-one character model C, or none",
    )
    parser.add_argument(
        "--style-C",
        type=optional_c,
        default=PageSegmenter().style_C,
        help="stage-one style model C, or none",
    )
    parser.add_argument("--comment-pages", type=int, default=COMMENT_PAGES, help="form-3 pages per training page")
    parser.add_argument(
        "--footer-blocks", type=int, default=FOOTER_BLOCKS, help="footer blocks of the form-4 training pages (0: none)"
    )
    parser.add_argument(
        "--relabel-threads",
        action="store_true",
        help="label the reader-comment threads that training pages' gold counts as article as comments",
    )
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    root = args.data or data_dir()
    pages, split = load_pages(root)
    frame = load_abuse_data(root)
    train_rows = frame[frame["split"] == "train"]
    comments = [t for t in train_rows.loc[train_rows["dataset"].isin(COMMENT_DATASETS), "text"] if 20 <= len(t) <= 1500]
    valid_rows = frame[frame["split"] == "valid"]
    held_out_comments = [
        t for t in valid_rows.loc[valid_rows["dataset"].isin(COMMENT_DATASETS), "text"] if 20 <= len(t) <= 1500
    ]
    for seed in args.seeds:
        train_pages = [p for p in pages if split.get(p.id) == "train"]
        random.Random(seed).shuffle(train_pages)
        held = len(train_pages) // 5
        dev_texts, dev_labels, _ = page_variants(train_pages[:held], held_out_comments, seed)
        forms = {f: list(zip(dev_texts[f::3], dev_labels[f::3], strict=True)) for f in range(3)}
        forms[3] = bare_own_comments(train_pages[:held])
        fit_pages = [relabel_comment_thread(p) if args.relabel_threads else p for p in train_pages[held:]]
        texts, labels, real = page_variants(fit_pages, comments, 0, args.comment_pages, args.footer_blocks)
        log.info(
            "seed %d: %d development pages, segmenter (text_C %s, char_C %s, style_C %s) trained on %d pages "
            "(%d of form 3 each, form 4 with %d footer blocks)",
            seed,
            held,
            args.text_C,
            args.char_C,
            args.style_C,
            len(texts),
            args.comment_pages,
            args.footer_blocks,
        )
        segmenter = PageSegmenter(text_C=args.text_C, char_C=args.char_C, style_C=args.style_C).fit(texts, labels)
        probabilities = {f: [segmenter.predict_proba(t) for t, _ in pages_f] for f, pages_f in forms.items()}
        grammars = {
            "every page form": grammar_scores(labels, [1.0] * len(labels)),
            "real page forms": grammar_scores(labels, [float(r) for r in real]),
        }
        for name, (trans, start) in grammars.items():
            for weight in args.weights:
                log.info("  grammar from %s, weight %.1f:", name, weight)
                for f in range(4):
                    figures = scores(forms[f], probabilities[f], weight * trans, weight * start)
                    log.info("    form %d: %s", f + 1, figures)
        for which in ("1", "2"):
            log.info("  blind set %s, has comments: %s", which, blind_figures(segmenter, which))
        log.info("  seed pages: %s", "; ".join(seed_errors(segmenter)) or "every block right")


if __name__ == "__main__":
    main()
