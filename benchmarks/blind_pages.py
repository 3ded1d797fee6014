"""Blind pages: plain-text pages written for this project by writers who never saw its code or data.

    .venv/bin/python benchmarks/blind_pages.py [--set 1|2|3] [--model DIR] [--show-errors] [--crop]

Three sets, each in `benchmarks/blind/` (one block a line, and `labels.jsonl`: a label for every line,
and the page's form), each by a different writer, of sites the segmenter never met, in three forms: no
comments (article with its boilerplate), bare comments (article lines followed directly by reader
comments, no names or dates, like the seed pages) and marked comments (WordPress, Disqus, Reddit-style,
forum, newspaper and Facebook comment sections with names, dates, "Reply" and vote lines):

- set 1, `pages/`: 24 pages (6 without comments, 6 bare, 12 marked); read while the segmenter was developed;
- set 2, `pages2/`: 30 pages (10, 12, 8); its summary figures chose between segmenters, its errors were never read;
- set 3, `pages3/`: 30 pages (10, 12, 8); held out, scored only on the segmenter that was shipped.

Unlike the Dragnet pages, they keep the site's header and footer around the article (`--crop` cuts them
away as the Dragnet evaluation does, from the first to the last line that is no boilerplate), and their writers
labelled commenter names, dates and "Reply" lines `boilerplate`, where the Dragnet pages count such lines
as part of the comments; the figures on blocks of 40 characters or more, which few such lines reach, are
the comparable ones. Prints per-label precision, recall and F1 (all blocks, and blocks of 40 characters or
more), "has comments" page accuracy, the same per form, and with `--show-errors` every wrong block.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import precision_recall_fscore_support

from moderation.datasets import Page
from moderation.evaluate import MIN_EVAL_CHARS, crop
from moderation.moderator import Moderator
from moderation.segment import SEGMENT_LABELS

log = logging.getLogger("benchmarks.blind_pages")

SETS = {"1": "pages", "2": "pages2", "3": "pages3"}
"""Each blind page set's folder under `benchmarks/blind/`."""


@dataclass(frozen=True)
class BlindPage:
    """One blind page: its file name, form (``no_comments``, ``bare_comments``, ``marked_comments``), its
    non-empty lines and their labels."""

    id: str
    form: str
    texts: list[str]
    labels: list[str]


def load_set(which: str, cropped: bool = False) -> list[BlindPage]:
    """The pages of blind set `which` (``1``, ``2`` or ``3``), each cut to its first-to-last
    non-boilerplate span when `cropped`, as the Dragnet evaluation cuts its pages."""
    folder = Path(__file__).parent / "blind" / SETS[which]
    out = []
    for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if not line:
            continue
        page = json.loads(line)
        lines = [text for text in (folder / page["page"]).read_text(encoding="utf-8").splitlines() if text.strip()]
        labels = page["labels"]
        if len(lines) != len(labels):
            raise SystemExit(f"{folder / page['page']}: {len(lines)} lines but {len(labels)} labels")
        if cropped:
            lines, labels = crop(Page(page["page"], lines, labels))
        out.append(BlindPage(page["page"], page["form"], lines, labels))
    return out


def figures(truth: Sequence[str], predicted: Sequence[str]) -> str:
    """Precision, recall and F1 per label, as one line."""
    p, r, f, _ = precision_recall_fscore_support(truth, predicted, labels=list(SEGMENT_LABELS), zero_division=0)
    return "  ".join(f"{label} {p[i]:.3f}/{r[i]:.3f}/{f[i]:.3f}" for i, label in enumerate(SEGMENT_LABELS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None, help="bundle folder (default: $MODERATION_MODEL or models/default)")
    parser.add_argument("--show-errors", action="store_true", help="print every wrongly labelled block")
    parser.add_argument(
        "--crop",
        action="store_true",
        help="cut each page to the span from its first to its last non-boilerplate line, as the Dragnet "
        "evaluation cuts its pages",
    )
    parser.add_argument("--set", choices=sorted(SETS), default="1", help="which blind page set (default: 1)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    moderator = Moderator.load(args.model)
    rows: list[tuple[str, str, str, str]] = []  # form, text, truth, predicted
    has: list[tuple[str, bool]] = []
    for page in load_set(args.set, args.crop):
        blocks = moderator.segment("\n".join(page.texts))
        predicted = [b.label for b in blocks]
        has.append((page.form, ("comment" in predicted) == ("comment" in page.labels)))
        for block, truth in zip(blocks, page.labels, strict=True):
            rows.append((page.form, block.text, truth, block.label))
            if args.show_errors and truth != block.label:
                log.info("%s line %d: %s read as %s: %.70s", page.id, block.line, truth, block.label, block.text)
    log.info(
        "Blind pages, set %s, model %s %s: %d pages, %d blocks",
        args.set,
        moderator.name,
        moderator.version,
        len(has),
        len(rows),
    )
    log.info("label precision/recall/F1")
    for form in ("all", "no_comments", "bare_comments", "marked_comments"):
        part = [r for r in rows if form in ("all", r[0])]
        right = [ok for f, ok in has if form in ("all", f)]
        long = [r for r in part if len(r[1]) >= MIN_EVAL_CHARS]
        log.info("%s (%d pages): has comments %d/%d", form, len(right), sum(right), len(right))
        log.info("  all blocks (%d):   %s", len(part), figures([r[2] for r in part], [r[3] for r in part]))
        long_figures = figures([r[2] for r in long], [r[3] for r in long])
        log.info("  >= %d chars (%d): %s", MIN_EVAL_CHARS, len(long), long_figures)


if __name__ == "__main__":
    main()
