"""Archive runs (`moderation score -o`): formats, kept columns, rejects, worker processes and resuming."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from moderation import archive, bundle, moderator
from moderation.archive import ResumeError, score_archive
from moderation.datasets import CATEGORIES
from moderation.errors import InputFormatError
from moderation.moderator import SCORING_MODELS, Moderator

TEXTS = ["you are an idiot", "thanks for the thoughtful article", "i will kill you", "great work, council"]


def write_csv(path: Path, n: int, bad: bool = True) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["cid", "text", "user"])
        for i in range(n):
            text = TEXTS[i % len(TEXTS)] + f" {i}"
            if bad and i % 10 == 3:
                text = ""
            if bad and i % 10 == 7:
                text = "x" * 50
            writer.writerow([f"c{i}", text, f"u{i % 3}"])
    return path


def run(tiny_bundle: Path, inputs: list[str], output: Path, **options: object) -> archive.ArchiveSummary:
    params: dict[str, object] = {"id_column": "cid", "chunk_size": 7, "jobs": 1, "max_chars": 45} | options
    return score_archive(tiny_bundle, inputs, output, **params)  # type: ignore[arg-type]


def test_jsonl_output_keeps_ids_columns_and_order_and_sets_bad_rows_aside(
    tmp_path: Path, tiny_bundle: Path, tiny_moderator: Moderator
) -> None:
    source = write_csv(tmp_path / "c.csv", 40)
    out = tmp_path / "scored.jsonl"
    summary = run(tiny_bundle, [str(source)], out, keep=["user"])
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    good = frame[(frame.text != "") & (frame.text.str.len() <= 45)]
    assert [r["id"] for r in rows] == good.cid.tolist()
    assert [r["user"] for r in rows] == good.user.tolist()
    expected = tiny_moderator.score(good.text.tolist())
    for row, score in zip(rows, expected, strict=True):
        assert list(row) == ["id", "user", "abuse", "flagged", "reasons", "categories"]
        assert row["abuse"] == score.abuse and row["flagged"] == score.flagged and row["reasons"] == score.reasons
    rejects = [json.loads(line) for line in summary.rejects.read_text().splitlines()]
    assert summary.rejects == tmp_path / "scored.jsonl.rejects.jsonl"
    assert [r["row"] for r in rejects] == [i + 1 for i in range(40) if i % 10 in (3, 7)]
    assert {r["reason"] for r in rejects} == {"text is empty", "text is 50 characters long; the limit is 45"}
    assert all(r["source"] == str(source) for r in rejects)
    assert (summary.scored, summary.rejected, summary.chunks) == (32, 8, 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "scored.jsonl", "scored.jsonl.rejects.jsonl"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_csv_and_parquet_outputs_hold_the_same_scores(tmp_path: Path, tiny_bundle: Path, suffix: str) -> None:
    source = write_csv(tmp_path / "c.csv", 30)
    run(tiny_bundle, [str(source)], tmp_path / "a.jsonl", keep=["user"])
    run(tiny_bundle, [str(source)], tmp_path / f"a{suffix}", keep=["user"])
    reference = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    table = (
        pd.read_csv(tmp_path / "a.csv", dtype={"id": str})
        if suffix == ".csv"
        else pd.read_parquet(tmp_path / "a.parquet")
    )
    assert list(table.columns) == ["id", "user", "abuse", "flagged", "reasons", *CATEGORIES]
    assert table.id.tolist() == [r["id"] for r in reference]
    assert table.abuse.tolist() == pytest.approx([r["abuse"] for r in reference])
    assert table.flagged.tolist() == [r["flagged"] for r in reference]
    assert table.reasons.fillna("").tolist() == [",".join(r["reasons"]) for r in reference]


def test_inputs_of_every_format_globs_and_bad_lines(tmp_path: Path, tiny_bundle: Path) -> None:
    (tmp_path / "in").mkdir()
    pd.DataFrame({"cid": ["p1", "p2"], "text": ["you idiot", None]}).to_parquet(tmp_path / "in" / "a.parquet")
    (tmp_path / "in" / "b.jsonl").write_bytes(
        b'{"cid": "j1", "text": "hello"}\nnot json\n{"cid": "j3", "text": "bad \xff byte"}\n{"text": "no id"}\n'
    )
    summary = run(tiny_bundle, [str(tmp_path / "in" / "*")], tmp_path / "o.jsonl")
    ids = [json.loads(line)["id"] for line in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert ids == ["p1", "j1"]
    rejects = [json.loads(line) for line in summary.rejects.read_text().splitlines()]
    assert [(Path(r["source"]).name, r["row"]) for r in rejects] == [
        ("a.parquet", 2),
        ("b.jsonl", 2),
        ("b.jsonl", 3),
        ("b.jsonl", 4),
    ]
    assert "not valid UTF-8" in rejects[2]["reason"] and "no field 'cid'" in rejects[3]["reason"]


def test_worker_processes_give_the_same_bytes(tmp_path: Path, tiny_bundle: Path) -> None:
    source = write_csv(tmp_path / "c.csv", 60)
    run(tiny_bundle, [str(source)], tmp_path / "one.parquet", jobs=1)
    run(tiny_bundle, [str(source)], tmp_path / "two.parquet", jobs=2)
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "two.parquet").read_bytes()


def test_an_archive_run_leaves_the_segmenter_on_disk(
    tmp_path: Path, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scoring needs the abuse model alone: the others would only add to every run's memory."""
    loads: list[object] = []

    def load_bundle(path: object, models: object = None) -> object:
        loads.append(models)
        return bundle.load_bundle(path, models)  # type: ignore[arg-type]

    monkeypatch.setattr(moderator, "load_bundle", load_bundle)
    run(tiny_bundle, [str(write_csv(tmp_path / "c.csv", 20))], tmp_path / "out.jsonl")
    assert loads == [SCORING_MODELS]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_resumed_run_equals_an_uninterrupted_one(
    tmp_path: Path, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    source = write_csv(tmp_path / "c.csv", 50)
    run(tiny_bundle, [str(source)], tmp_path / f"full{suffix}")
    out = tmp_path / f"cut{suffix}"

    real_write = archive._write_part
    written: list[Path] = []

    def write_then_stop(path: Path, *args: object) -> None:
        if len(written) == 3:
            raise KeyboardInterrupt  # as Ctrl-C would, mid-run
        real_write(path, *args)  # type: ignore[arg-type]
        written.append(path)

    monkeypatch.setattr(archive, "_write_part", write_then_stop)
    with pytest.raises(KeyboardInterrupt):
        run(tiny_bundle, [str(source)], out)
    monkeypatch.setattr(archive, "_write_part", real_write)
    assert not out.exists() and not (tmp_path / f"cut{suffix}.rejects.jsonl").exists()

    summary = run(tiny_bundle, [str(source)], out, resume=True)
    assert summary.resumed_chunks == 3
    assert out.read_bytes() == (tmp_path / f"full{suffix}").read_bytes()
    assert summary.rejects.read_bytes() == (tmp_path / f"full{suffix}.rejects.jsonl").read_bytes()
    assert not (tmp_path / f".cut{suffix}.parts").exists()


def test_resume_refuses_parts_made_from_other_inputs(
    tmp_path: Path, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_csv(tmp_path / "c.csv", 30)
    monkeypatch.setattr(archive, "_write_part", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        run(tiny_bundle, [str(source)], tmp_path / "o.jsonl")
    monkeypatch.undo()
    with pytest.raises(ResumeError, match="other inputs or used other options"):
        run(tiny_bundle, [str(source)], tmp_path / "o.jsonl", resume=True, chunk_size=9)
    assert run(tiny_bundle, [str(source)], tmp_path / "o.jsonl").scored == 24  # without --resume: afresh


def test_output_and_pattern_errors(tmp_path: Path, tiny_bundle: Path) -> None:
    source = write_csv(tmp_path / "c.csv", 5)
    with pytest.raises(InputFormatError, match="cannot tell the output format"):
        run(tiny_bundle, [str(source)], tmp_path / "o.xlsx")
    with pytest.raises(InputFormatError, match="no file matches"):
        run(tiny_bundle, [str(tmp_path / "nothing*.csv")], tmp_path / "o.jsonl")
    with pytest.raises(InputFormatError, match="no column 'nope'"):
        run(tiny_bundle, [str(source)], tmp_path / "o.jsonl", keep=["nope"])
    assert not (tmp_path / "o.jsonl").exists()


def test_cli_archive_run_interrupted_then_resumed(tmp_path: Path, tiny_bundle: Path) -> None:
    """The real command, stopped with SIGINT in the middle and resumed: same bytes as one uninterrupted run."""
    source = write_csv(tmp_path / "c.csv", 3000, bad=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    base = [
        sys.executable,
        "-m",
        "moderation.cli",
        "score",
        str(source),
        "--id-column",
        "cid",
        "--model",
        str(tiny_bundle),
    ]
    full = subprocess.run(
        [*base, "-o", str(tmp_path / "full.jsonl"), "-j", "1"], env=env, capture_output=True, text=True
    )
    assert full.returncode == 0, full.stderr
    assert full.stderr.startswith("moderation: scored 3000 comments into") and "rejected 0" in full.stderr

    out = tmp_path / "cut.jsonl"
    # A test run started in the background of a shell inherits SIGINT ignored, and so would the command (which
    # then finishes instead of stopping): give it the default disposition, as a terminal's Ctrl-C meets it.
    proc = subprocess.Popen(
        [*base, "-o", str(out), "-j", "1"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    parts = tmp_path / ".cut.jsonl.parts"
    deadline = time.monotonic() + 60
    while not (parts.exists() and len(list(parts.glob("part-*.jsonl"))) >= 1) and proc.poll() is None:
        assert time.monotonic() < deadline, "no part file appeared"
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before it could be interrupted")
    assert proc.returncode == 130, err
    assert "rerun with --resume" in err and "Traceback" not in err
    assert not out.exists()
    resumed = subprocess.run([*base, "-o", str(out), "--resume", "-j", "1"], env=env, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == (tmp_path / "full.jsonl").read_bytes()
