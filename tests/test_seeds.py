"""The first acceptance test: the two seed pages, segmented and scored by the shipped model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from moderation.moderator import Moderator

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _expected() -> list[dict]:
    return [json.loads(line) for line in (SEEDS / "expected.jsonl").read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def cli_rows() -> dict[str, dict[int, dict]]:
    """`moderation segment` on both seed pages, as a user runs it, keyed by file and line."""
    files = [str(SEEDS / page["file"]) for page in _expected()]
    done = subprocess.run(
        [sys.executable, "-m", "moderation.cli", "segment", *files], capture_output=True, text=True, check=True
    )
    rows: dict[str, dict[int, dict]] = {}
    for line in done.stdout.splitlines():
        row = json.loads(line)
        rows.setdefault(Path(row["file"]).name, {})[row["line"]] = row
    return rows


@pytest.mark.parametrize("page", _expected(), ids=lambda p: p["id"])
def test_every_block_labelled_right(cli_rows: dict[str, dict[int, dict]], page: dict) -> None:
    rows = cli_rows[page["file"]]
    assert sorted(rows) == [b["line"] for b in page["blocks"]]
    wrong = [
        (b["line"], b["label"], rows[b["line"]]["label"])
        for b in page["blocks"]
        if rows[b["line"]]["label"] != b["label"]
    ]
    assert not wrong, f"(line, expected, got): {wrong}"


def test_abusive_comments_flagged_and_others_not(cli_rows: dict[str, dict[int, dict]]) -> None:
    page = _expected()[0]
    rows = cli_rows[page["file"]]
    for block in page["blocks"]:
        if "abusive" in block:
            assert rows[block["line"]]["flagged"] is block["abusive"], (block["line"], rows[block["line"]])


def test_page_without_comments_has_none(shipped_moderator: Moderator) -> None:
    text = (SEEDS / "page_without_comments.txt").read_text(encoding="utf-8")
    assert all(block.label != "comment" for block in shipped_moderator.segment(text))
