"""The review store: migrations, queue paging and filters, decisions, import of scored output, export as
feedback that training reads back."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from moderation import cli
from moderation.archive import score_archive
from moderation.errors import InputFormatError
from moderation.feedback import read_feedback
from moderation.review import NewItem, ReviewError, ReviewStore, import_scored


def item(i: int, abuse: float, reasons: tuple[str, ...] = (), source: str = "news") -> NewItem:
    categories = dict.fromkeys(["toxicity", "severe_toxicity", "identity_attack", "insult", "profanity", "threat"], 0.0)
    return NewItem(f"c{i}", f"comment number {i}", abuse, abuse >= 0.5, reasons, categories, "v1", source)


@pytest.fixture
def store(tmp_path: Path) -> ReviewStore:
    return ReviewStore(f"sqlite:///{tmp_path / 'review.db'}")


def test_migrations_create_the_schema_and_reopening_keeps_it(store: ReviewStore, tmp_path: Path) -> None:
    tables = inspect(store.engine).get_table_names()
    assert {"review_items", "alembic_version"} <= set(tables)
    with store.engine.connect() as connection:
        assert connection.execute(text("select version_num from alembic_version")).scalar() == "0001"
    indexes = {ix["name"] for ix in inspect(store.engine).get_indexes("review_items")}
    assert {"ix_review_items_queue", "ix_review_items_source"} <= indexes
    store.add([item(1, 0.9)])
    again = ReviewStore(store.url)  # an existing database is upgraded in place, its rows kept
    assert again.count() == 1


def test_queue_is_ordered_paged_and_filtered(store: ReviewStore) -> None:
    store.add(
        [item(i, i / 100, ("insult",) if i % 2 else ("threat",), "blog" if i < 10 else "news") for i in range(100)]
    )
    first = store.queue(limit=10)
    assert [x.comment_id for x in first] == [f"c{i}" for i in range(99, 89, -1)]
    assert [x.comment_id for x in store.queue(limit=10, offset=10)] == [f"c{i}" for i in range(89, 79, -1)]
    assert all("threat" in x.reasons for x in store.queue(category="threat", limit=100))
    assert {x.comment_id for x in store.queue(source="blog", limit=100)} == {f"c{i}" for i in range(10)}
    assert [x.abuse for x in store.queue(min_score=0.5, max_score=0.52)] == [0.52, 0.51, 0.5]
    store.decide(first[0].id, "reject", "ann", "insult")
    assert store.count() == 99 and store.queue(limit=1)[0].comment_id == "c98"
    assert store.queue(limit=1, pending=False)[0].decision == "reject"


def test_decisions_are_checked(store: ReviewStore) -> None:
    store.add([item(1, 0.9)])
    [queued] = store.queue()
    with pytest.raises(ReviewError, match="not one of approve, reject"):
        store.decide(queued.id, "delete", "ann")
    with pytest.raises(ReviewError, match="category 'rude'"):
        store.decide(queued.id, "reject", "ann", "rude")
    with pytest.raises(ReviewError, match="no review item 999"):
        store.decide(999, "approve", "ann")


def test_export_is_the_feedback_format_training_reads(store: ReviewStore, tmp_path: Path) -> None:
    store.add([item(i, 0.9 - i / 10) for i in range(4)])
    queued = store.queue()
    store.decide(queued[0].id, "reject", "ann", "insult")
    store.decide(queued[1].id, "approve", "bob")
    store.decide(queued[1].id, "reject", "bob")  # a later decision replaces the earlier one
    out = tmp_path / "decisions.csv"
    assert store.export(out) == 2
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows == [
        {"id": "c0", "text": "comment number 0", "decision": "reject", "category": "insult"},
        {"id": "c1", "text": "comment number 1", "decision": "reject", "category": ""},
    ]
    frame = read_feedback(out)
    assert frame["abuse"].tolist() == [1.0, 1.0] and frame["insult"].tolist()[0] == 1.0


def test_scored_output_is_imported_and_bad_rows_named(store: ReviewStore, tiny_bundle: Path, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("cid,text\na,you are an idiot\nb,thanks for the thoughtful article\nc,i will kill you\n")
    scored = tmp_path / "scored.jsonl"
    score_archive(tiny_bundle, [str(source)], scored, id_column="cid", keep=["text"], jobs=1)
    flagged = sum(json.loads(line)["flagged"] for line in scored.read_text().splitlines())
    assert import_scored(store, scored, "v9", source="site") == flagged >= 1
    assert import_scored(store, scored, "v9", flagged_only=False) == 3
    assert {x.model_version for x in store.queue(limit=10)} == {"v9"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "abuse": 0.1}\n')
    with pytest.raises(InputFormatError, match=r"bad.jsonl, row 1: .*--keep text"):
        import_scored(store, bad, "v9")


def test_cli_import_and_export(tiny_bundle: Path, tmp_path: Path) -> None:
    source = tmp_path / "c.csv"
    source.write_text("cid,text\na,you are an idiot\nb,i will kill you\n")
    scored = tmp_path / "scored.jsonl"
    score_archive(tiny_bundle, [str(source)], scored, id_column="cid", keep=["text"], jobs=1)
    db = f"sqlite:///{tmp_path / 'r.db'}"
    runner = CliRunner()
    result = runner.invoke(cli.app, ["review", "import", str(scored), "--db", db, "--all", "--model", str(tiny_bundle)])
    assert result.exit_code == 0, result.output
    assert "queued 2 comments" in result.stderr
    store = ReviewStore(db)
    store.decide(store.queue()[0].id, "reject", "ann", "threat")
    out = tmp_path / "d.csv"
    result = runner.invoke(cli.app, ["review", "export", "-o", str(out), "--db", db])
    assert result.exit_code == 0, result.output
    assert "exported 1 decisions" in result.stderr
    assert len(read_feedback(out)) == 1


def test_score_requests_can_queue_their_comments(tiny_moderator, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from service.app import create_app
    from service.settings import Settings

    db = f"sqlite:///{tmp_path / 'api.db'}"
    with TestClient(create_app(Settings(model=None, database_url=db), tiny_moderator)) as client:
        comments = [{"id": "c1", "text": "you are an idiot"}, {"id": "c2", "text": "thanks"}]
        assert client.post("/v1/score", json={"comments": comments}).status_code == 200
        assert not (tmp_path / "api.db").exists()  # nothing stored unless asked
        body = {"comments": comments, "review": True, "source": "site-a", "explain": True}
        assert client.post("/v1/score", json=body).status_code == 200
    queued = ReviewStore(db).queue(limit=10)
    assert {x.comment_id for x in queued} == {"c1", "c2"} and {x.source for x in queued} == {"site-a"}
    assert all(x.model_version == "test" and x.spans is not None for x in queued)
