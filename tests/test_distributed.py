"""Dask scoring: the same scores, ids and order as in-process scoring, global row numbers across partitions
and files, rejects, every input format, refusals, atomic output and the model loaded once per worker."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import dask
import pandas as pd
import pytest
from conftest import _NASTY, _NICE

from moderation import distributed
from moderation.batch import OutputError
from moderation.distributed import DistributedSummary, first_rows, rejects_path, score_with_dask
from moderation.errors import InputFormatError
from moderation.frames import output_schema, score_frame
from moderation.moderator import Moderator

TEXTS = [*_NICE, *(t for texts in _NASTY.values() for t in texts), 'he said "no, never", twice', "NA"]


def comments(n: int, start: int = 0) -> pd.DataFrame:
    """`n` comments with an id, an author, a like count and a text (quotes, commas and "NA" included)."""
    return pd.DataFrame(
        {
            "comment_id": [f"c{i:04d}" for i in range(start, start + n)],
            "author": [f"user {i % 7}" for i in range(start, start + n)],
            "likes": [i % 5 for i in range(start, start + n)],
            "text": [f"{TEXTS[i % len(TEXTS)]} {i}" for i in range(start, start + n)],
        }
    )


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV file read the way the Dask engine reads it: every field as text, "NA" and "" as written."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def leftovers(folder: Path) -> list[str]:
    """Hidden temporary folders a run may have left."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """One local cluster for the module (two worker processes): its scheduler address."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    ) as local:
        yield local.scheduler_address


@pytest.fixture
def run(cluster: str, tiny_bundle: Path) -> Any:
    """`score_with_dask` on the module's cluster with the tiny bundle."""

    def call(inputs: Sequence[str | Path], output: Path, **kwargs: Any) -> DistributedSummary:
        kwargs = {"model": tiny_bundle, "scheduler": cluster, **kwargs}
        return score_with_dask([str(i) for i in inputs], output, **kwargs)

    return call


def test_first_rows() -> None:
    assert first_rows([3, 0, 2, 5]) == [1, 4, 4, 6]
    assert first_rows([]) == []
    assert rejects_path(Path("out/scored")) == Path("out/scored.rejects")


@pytest.mark.parametrize("id_column", ["comment_id", None])
def test_csv_partitions_score_like_one_frame(
    tmp_path: Path, run: Any, tiny_moderator: Moderator, id_column: str | None
) -> None:
    path = tmp_path / "comments.csv"
    comments(400).to_csv(path, index=False)
    out = tmp_path / "scored"

    summary = run([path], out, id_column=id_column, keep=["author", "likes"], blocksize=1200)

    # More than ten partitions: Dask's default part names (part.10 before part.2) would scramble the order.
    assert summary.partitions >= 11
    assert (summary.rows_scored, summary.rows_rejected) == (400, 0)
    assert (summary.output, summary.rejects) == (out, rejects_path(out))
    got = pd.read_parquet(out)
    expected, rejects = score_frame(tiny_moderator, read_csv(path), id_column=id_column, keep=["author", "likes"])
    assert rejects.empty
    assert list(got.columns) == list(output_schema(["author", "likes"]))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["id"].tolist() == (list(range(1, 401)) if id_column is None else [f"c{i:04d}" for i in range(400)])
    assert pd.read_parquet(rejects_path(out)).empty
    assert leftovers(tmp_path) == []


def test_bad_rows_are_rejected_with_global_row_numbers(tmp_path: Path, run: Any) -> None:
    # Two inputs of two formats, each split into several partitions; rows count on across them.
    csv_frame = comments(150)
    csv_frame.loc[2, "text"] = ""  # row 3
    csv_frame.loc[99, "text"] = "x" * 250  # row 100: over the limit
    csv_frame.loc[119, "text"] = "BAD"  # row 120: replaced by an undecodable byte below
    csv_bytes = csv_frame.to_csv(index=False).encode().replace(b"BAD", b"caf\xe9")
    (tmp_path / "a.csv").write_bytes(csv_bytes)
    records: list[dict[str, Any]] = comments(120, start=150).to_dict("records")
    records[1]["text"] = None  # row 152
    del records[49]["text"]  # row 200
    records[69]["text"] = "   "  # row 220
    records[89]["text"] = 12  # row 240
    (tmp_path / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "scored"

    summary = run([tmp_path / "a.csv", tmp_path / "b.jsonl"], out, blocksize=1500, max_chars=200)

    assert summary.partitions >= 4
    expected_rejects = [
        (3, "text is empty"),
        (100, "text is 250 characters long; the limit is 200"),
        (120, "text holds bytes that are not valid UTF-8"),
        (152, "text is missing"),
        (200, "text is missing"),
        (220, "text is empty"),
        (240, "text is a int, not a string"),
    ]
    rejects = pd.read_parquet(rejects_path(out))
    assert list(rejects.columns) == ["row", "id", "reason"]
    assert list(zip(rejects["row"], rejects["reason"], strict=True)) == expected_rejects
    assert rejects["id"].tolist() == rejects["row"].tolist()  # no id column: the id is the row number
    bad = {row for row, _ in expected_rejects}
    assert pd.read_parquet(out)["id"].tolist() == [r for r in range(1, 271) if r not in bad]
    assert (summary.rows_scored, summary.rows_rejected) == (263, 7)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_jsonl_and_parquet_globs(tmp_path: Path, run: Any, tiny_moderator: Moderator, fmt: str) -> None:
    halves = [comments(120), comments(90, start=120)]
    for i, half in enumerate(halves, start=1):
        if fmt == "jsonl":
            half.to_json(tmp_path / f"part-{i}.jsonl", orient="records", lines=True)
        else:
            half.to_parquet(tmp_path / f"part-{i}.parquet", index=False, row_group_size=30)
    out = tmp_path / "scored"

    summary = run([tmp_path / f"part-*.{fmt}"], out, keep=["likes"], flag_on="insult,threat", blocksize=2000)

    assert summary.partitions >= 4
    moderator = Moderator(tiny_moderator.bundle, "insult,threat")
    expected, _ = score_frame(moderator, pd.concat(halves, ignore_index=True), keep=["likes"])
    expected["likes"] = expected["likes"].map(str)  # kept values are written as text
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected, check_dtype=False)


def test_jsonl_block_without_a_key_scores_it_as_missing(tmp_path: Path, run: Any) -> None:
    records: list[dict[str, Any]] = comments(60).to_dict("records")
    for record in records[20:]:  # the later blocks have no "author" key at all, the last ones no "text"
        del record["author"]
    for record in records[45:]:
        del record["text"]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "scored"

    summary = run([path], out, keep=["author"], blocksize=1000)

    assert summary.partitions >= 4
    scored = pd.read_parquet(out)
    assert scored["id"].tolist() == list(range(1, 46))
    assert scored["author"][:20].tolist() == [f"user {i % 7}" for i in range(20)]
    assert scored["author"][20:].isna().all()  # null in the Parquet file
    rejects = pd.read_parquet(rejects_path(out))
    assert rejects["row"].tolist() == list(range(46, 61))
    assert set(rejects["reason"]) == {"text is missing"}


def test_unreadable_inputs_are_refused(tmp_path: Path, tiny_bundle: Path) -> None:
    (tmp_path / "c.txt").write_text("a comment\n")
    cases = [("nothing-*.csv", "no file matches"), ("absent.jsonl", "no such file")]
    cases.append(("c.txt", "unknown input format ('.txt'; expected .csv, .jsonl, .parquet or .pq)"))
    for name, message in cases:
        source = str(tmp_path / name)
        with pytest.raises(InputFormatError) as info:
            score_with_dask([source], tmp_path / "scored", model=tiny_bundle, scheduler="tcp://127.0.0.1:9")
        assert str(info.value) == f"{source}: {message}"


def test_missing_column_is_refused_before_any_work(tmp_path: Path, tiny_bundle: Path) -> None:
    comments(5).to_csv(tmp_path / "good.csv", index=False)
    comments(5).drop(columns="author").to_csv(tmp_path / "bad.csv", index=False)
    out = tmp_path / "scored"
    inputs = [str(tmp_path / "good.csv"), str(tmp_path / "bad.csv")]
    cases = [({"keep": ["author"]}, "author", inputs[1]), ({"text_column": "body"}, "body", inputs[0])]
    cases.append(({"id_column": "nope"}, "nope", inputs[0]))
    # Nothing listens at that address: reaching for the cluster would fail differently (and slowly).
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        for kwargs, column, source in cases:
            with pytest.raises(InputFormatError) as info:
                score_with_dask(inputs, out, model=tiny_bundle, scheduler="tcp://127.0.0.1:9", **kwargs)
            assert f"no column {column!r}" in str(info.value)
            assert info.value.source == source and source in str(info.value)
    assert not out.exists() and not rejects_path(out).exists() and leftovers(tmp_path) == []


def test_unparsable_csv_names_the_input(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "c.csv"
    path.write_text(comments(100).to_csv(index=False) + 'c9999,x,1,"text",extra\n', encoding="utf-8")
    with pytest.raises(InputFormatError) as info:
        run([path], tmp_path / "scored", blocksize=1500)
    assert info.value.source == str(path)
    assert "cannot read" in str(info.value)
    assert leftovers(tmp_path) == []


def test_existing_output_is_refused_unless_overwrite(tmp_path: Path, run: Any) -> None:
    path = tmp_path / "c.csv"
    comments(20).to_csv(path, index=False)
    out = tmp_path / "scored"
    run([path], out)

    with pytest.raises(OutputError, match=re.escape(f"{out}: already exists")):
        run([path], out)
    out.rename(tmp_path / "aside")  # the rejects folder alone blocks a run too
    with pytest.raises(OutputError, match=re.escape(f"{rejects_path(out)}: already exists")):
        run([path], out)
    (tmp_path / "aside").rename(out)

    comments(30).to_csv(path, index=False)
    summary = run([path], out, overwrite=True)
    assert summary.rows_scored == 30 and len(pd.read_parquet(out)) == 30
    assert leftovers(tmp_path) == []

    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    with pytest.raises(OutputError, match="not a folder of Parquet files"):
        run([path], tmp_path / "notes", overwrite=True)
    assert (tmp_path / "notes" / "todo.txt").exists()


def test_failed_run_leaves_nothing(tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.csv"
    comments(20).to_csv(path, index=False)
    out = tmp_path / "scored"

    def half_written(*args: Any) -> None:
        tmp = args[-1]
        (tmp / "scored").mkdir()
        (tmp / "scored" / "part.000000.parquet").write_bytes(b"PAR1")
        raise KeyboardInterrupt

    monkeypatch.setattr(distributed, "_score_and_write", half_written)
    with pytest.raises(KeyboardInterrupt):
        run([path], out)
    assert not out.exists() and not rejects_path(out).exists() and leftovers(tmp_path) == []


def test_model_is_loaded_once_per_worker_process(tmp_path: Path, run: Any, cluster: str, tiny_bundle: Path) -> None:
    from distributed import Client, get_task_stream

    def loaded() -> dict[str, int]:
        """This worker's cached moderators without a flag-on override: bundle path → object id."""
        from moderation import distributed

        return {key[0]: id(moderator) for key, moderator in distributed._MODERATORS.items() if key[2] is None}

    path = tmp_path / "c.csv"
    comments(300).to_csv(path, index=False)
    with Client(cluster, set_as_default=False) as client:
        with get_task_stream(client) as stream:
            summary = run([path], tmp_path / "one", blocksize=1000)
        first = client.run(loaded)
        # Each partition is read twice (counting, then scoring) but scored once, for both outputs.
        scoring = [t for t in stream.data if str(t["key"]).lstrip("('").startswith("_score_partition")]
        assert len(scoring) == summary.partitions > 2
        run([path], tmp_path / "two", blocksize=1000)
        assert client.run(loaded) == first  # the same objects: nothing was loaded again
    # Each worker process that scored holds one copy of the bundle, however many partitions it scored.
    assert [list(models) for models in first.values() if models] in (
        [[str(tiny_bundle.resolve())]],
        [[str(tiny_bundle.resolve())]] * 2,
    )


def test_own_local_cluster(tmp_path: Path, tiny_bundle: Path, tiny_moderator: Moderator) -> None:
    path = tmp_path / "c.csv"
    comments(12).to_csv(path, index=False)
    out = tmp_path / "out" / "scored"

    summary = score_with_dask([str(path)], out, model=tiny_bundle, n_workers=1, id_column="comment_id")

    assert (summary.rows_scored, summary.partitions) == (12, 1)
    expected, _ = score_frame(tiny_moderator, read_csv(path), id_column="comment_id")
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected, check_dtype=False)
    assert leftovers(out.parent) == []
