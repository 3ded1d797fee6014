"""The review queue with many stored comments: latency of the queue query and of the rendered page.

    .venv/bin/python benchmarks/review.py [--comments 100000] [--repeats 20]

Fills a temporary SQLite review store with `--comments` scored comments (synthetic scores), then times,
median over `--repeats`: the store's first queue page (50, highest score first), a page deep in the queue
(offset 5,000), a filtered page (one category, a score band), ``GET /review`` rendered by the app, and,
as the baseline in the same run, ``GET /healthz``.
"""

from __future__ import annotations

import argparse
import logging
import random
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from timing import median_ms  # benchmarks/timing.py, beside this script

from moderation.datasets import CATEGORIES
from moderation.moderator import Moderator
from moderation.review import NewItem, ReviewStore
from service.app import create_app
from service.settings import Settings

log = logging.getLogger("benchmarks.review")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for noisy in ("httpx", "httpx2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    folder = Path(tempfile.mkdtemp(prefix="review-bench-"))
    url = f"sqlite:///{folder / 'review.db'}"
    store = ReviewStore(url)
    rng = random.Random(0)
    start = time.perf_counter()
    for batch in range(0, args.comments, 10_000):
        items = []
        for i in range(batch, min(batch + 10_000, args.comments)):
            scores = {c: round(rng.random(), 4) for c in CATEGORIES}
            reasons = [c for c, v in scores.items() if v > 0.8]
            abuse = max(scores.values())
            text = f"stored comment {i} about the council budget and the new bus routes"
            items.append(NewItem(f"c{i}", text, abuse, abuse > 0.8, reasons, scores, "bench", f"site-{i % 5}"))
        store.add(items)
    log.info("filled %d comments in %.1f s (%s)", args.comments, time.perf_counter() - start, url)

    rows = {
        "queue, first page": lambda: store.queue(limit=50),
        "queue, offset 5000": lambda: store.queue(limit=50, offset=5000),
        "queue, filtered": lambda: store.queue(limit=50, category="threat", min_score=0.85, max_score=0.95),
    }
    with TestClient(create_app(Settings(database_url=url), Moderator.load())) as client:
        logging.getLogger("service.access").setLevel(logging.WARNING)  # the app turns its access log on at start
        rows["GET /review"] = lambda: client.get("/review")
        rows["GET /healthz (baseline)"] = lambda: client.get("/healthz")
        results = {name: median_ms(fn, args.repeats) for name, fn in rows.items()}
    base = results["GET /healthz (baseline)"]
    for name, ms in results.items():
        log.info("%-26s %8.2f ms  (%.1fx the baseline)", name, ms, ms / base)


if __name__ == "__main__":
    main()
