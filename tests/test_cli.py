"""The `moderation` command: the output contracts users script against and every error path.

Most calls run in-process with typer's `CliRunner`; a few run the real console entry point as a
subprocess, to check what a shell sees (exit code, one stderr line, no traceback).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from moderation import cli
from moderation.datasets import DATASETS
from moderation.moderator import Moderator

runner = CliRunner()

PAGE = (
    "Home\n"
    "News\n"
    "The city council approved the new budget on Tuesday after a long debate about spending.\n"
    "\n"
    "Officials said the plan would fund schools, roads and a new library in the north of the city.\n"
    "Leave a reply\n"
    "Great article, thanks for covering this!\n"
    "Why would anyone vote for this? You must be joking, you idiot.\n"
)
COMMENTS = ["you are an idiot", "thanks for the thoughtful article", "i will kill you"]
SCORE_KEYS = {"abuse", "flagged", "reasons", "categories"}


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """The CLI configures the root logger; put it back after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a fresh folder so relative paths are exactly what the user typed; no ambient bundle."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MODERATION_MODEL", raising=False)
    monkeypatch.delenv(cli.LOG_LEVEL_ENV, raising=False)
    return tmp_path


@pytest.fixture
def tampered_bundle(tmp_path: Path, tiny_bundle: Path) -> Path:
    """A copy of the tiny bundle with one byte of abuse.joblib flipped."""
    copy = Path(shutil.copytree(tiny_bundle, tmp_path / "tampered"))
    artifact = copy / "abuse.joblib"
    data = bytearray(artifact.read_bytes())
    data[len(data) // 2] ^= 0xFF
    artifact.write_bytes(bytes(data))
    return copy


def invoke(args: list[str], stdin: str | bytes | None = None) -> Result:
    return runner.invoke(cli.app, args, input=stdin)


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def expected_scores(moderator: Moderator, texts: list[str], ids: list[Any]) -> list[dict[str, Any]]:
    return [{"id": i, **s.to_dict()} for i, s in zip(ids, moderator.score(texts), strict=True)]


def assert_refused(result: Result, *fragments: str) -> str:
    """Exit 2, exactly one stderr line `moderation: error: …` holding every fragment, no traceback, no stdout."""
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("moderation: error: ")
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]


# ------------------------------------------------------------------------------------------ segment


def test_segment_jsonl_contract(workdir: Path, tiny_bundle: Path, tiny_moderator: Moderator) -> None:
    (workdir / "pages").mkdir()
    (workdir / "pages" / "a.txt").write_text(PAGE, encoding="utf-8")
    (workdir / "b.txt").write_text("Home\nThe mayor told reporters that the vote was a turning point.\n")
    result = invoke(["segment", "./pages/a.txt", "b.txt", "--model", str(tiny_bundle)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows = jsonl(result.stdout)

    a_rows = [r for r in rows if r["file"] == "./pages/a.txt"]
    assert [r["line"] for r in a_rows] == [1, 2, 3, 5, 6, 7, 8]  # 1-based, the empty line 4 has no row
    assert {r["file"] for r in rows} == {"./pages/a.txt", "b.txt"}  # paths exactly as given
    for row in rows:
        base = ["file", "line", "text", "label", "comment_probability"]
        assert list(row)[:5] == base
        assert row["label"] in {"article", "comment", "boilerplate"}
        assert 0.0 <= row["comment_probability"] <= 1.0
        if row["label"] == "comment":
            assert set(row) == {*base, "comment_index", *SCORE_KEYS}
            assert isinstance(row["flagged"], bool)
        else:
            assert set(row) == set(base)
    assert any(r["label"] == "comment" for r in rows)
    expected = [
        {"file": "./pages/a.txt", "line": b.line, "text": b.text, **b.to_dict()} for b in tiny_moderator.segment(PAGE)
    ]
    assert a_rows == expected


def test_segment_table(workdir: Path, tiny_bundle: Path) -> None:
    (workdir / "a.txt").write_text(PAGE, encoding="utf-8")
    result = invoke(["segment", "a.txt", "--format", "table", "--model", str(tiny_bundle)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["FILE", "LINE", "LABEL", "P(COMMENT)", "ABUSE", "FLAGGED", "REASONS", "TEXT"]
    assert len(lines) == 1 + 7
    label_col = lines[0].index("LABEL")
    assert all(line[label_col:].split()[0] in {"article", "comment", "boilerplate"} for line in lines[1:])
    assert any("Great article, thanks for covering this!" in line for line in lines)


def test_segment_from_stdin(workdir: Path, tiny_bundle: Path) -> None:
    result = invoke(["segment", "-", "--model", str(tiny_bundle)], stdin=PAGE)
    assert result.exit_code == 0, result.stderr
    assert {r["file"] for r in jsonl(result.stdout)} == {"-"}


def _as_html(page: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in page.splitlines() if line.strip())
    return f"<!DOCTYPE html><html><head><title>T</title></head><body>{paragraphs}<script>x()</script></body></html>"


@pytest.mark.parametrize(
    ("name", "extra", "stdin"),
    [("a.html", [], None), ("a.page", ["--input", "html"], None), ("-", [], True), ("-", ["--input", "html"], True)],
)
def test_segment_html_pages_like_their_text(
    workdir: Path, tiny_bundle: Path, name: str, extra: list[str], stdin: bool | None
) -> None:
    html = _as_html(PAGE)
    if not stdin:
        (workdir / name).write_text(html, encoding="utf-8")
    result = invoke(["segment", name, *extra, "--model", str(tiny_bundle)], stdin=html if stdin else None)
    assert result.exit_code == 0, result.stderr
    (workdir / "a.txt").write_text(PAGE, encoding="utf-8")
    as_text = jsonl(invoke(["segment", "a.txt", "--model", str(tiny_bundle)]).stdout)
    rows = jsonl(result.stdout)
    assert [r["text"] for r in rows] == [line for line in PAGE.splitlines() if line.strip()]
    assert [r["line"] for r in rows] == list(range(1, len(rows) + 1))
    assert [r["label"] for r in rows] == [r["label"] for r in as_text]


def test_segment_text_input_keeps_markup_as_text(workdir: Path, tiny_bundle: Path) -> None:
    (workdir / "a.html").write_text("<p>one</p>\n<p>two</p>\n", encoding="utf-8")
    result = invoke(["segment", "a.html", "--input", "text", "--model", str(tiny_bundle)])
    assert result.exit_code == 0, result.stderr
    assert [r["text"] for r in jsonl(result.stdout)] == ["<p>one</p>", "<p>two</p>"]


def test_segment_unparsable_html_names_the_file(workdir: Path, tiny_bundle: Path) -> None:
    (workdir / "bad.html").write_text("<!-- saved without a body -->", encoding="utf-8")
    result = invoke(["segment", "bad.html", "--model", str(tiny_bundle)])
    assert result.exit_code == 2
    assert result.stderr.startswith("moderation: error: bad.html: not an HTML document")
    assert result.stdout == ""


# -------------------------------------------------------------------------------------------- score


def test_score_csv(workdir: Path, tiny_bundle: Path, tiny_moderator: Moderator) -> None:
    (workdir / "c.csv").write_text("cid,body\n" + "".join(f"c{i},{t}\n" for i, t in enumerate(COMMENTS)))
    args = ["score", "c.csv", "--text-column", "body", "--model", str(tiny_bundle)]
    result = invoke([*args, "--id-column", "cid"])
    assert result.exit_code == 0, result.stderr
    assert jsonl(result.stdout) == expected_scores(tiny_moderator, COMMENTS, ["c0", "c1", "c2"])
    result = invoke(args)
    assert [r["id"] for r in jsonl(result.stdout)] == [1, 2, 3]


def test_score_jsonl_to_file(workdir: Path, tiny_bundle: Path, tiny_moderator: Moderator) -> None:
    (workdir / "c.jsonl").write_text(
        "".join(json.dumps({"id": 10 + i, "text": t}) + "\n" for i, t in enumerate(COMMENTS))
    )
    result = invoke(["score", "c.jsonl", "--id-column", "id", "-o", "out/scores.jsonl", "--model", str(tiny_bundle)])
    assert_refused(result, "out/scores.jsonl: cannot write: folder out does not exist")
    (workdir / "out").mkdir()
    result = invoke(["score", "c.jsonl", "--id-column", "id", "-o", "out/scores.jsonl", "--model", str(tiny_bundle)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("moderation: scored 3 comments into out/scores.jsonl")
    written = jsonl((workdir / "out" / "scores.jsonl").read_text(encoding="utf-8"))
    assert written == expected_scores(tiny_moderator, COMMENTS, [10, 11, 12])
    assert sorted(p.name for p in (workdir / "out").iterdir()) == ["scores.jsonl", "scores.jsonl.rejects.jsonl"]


def test_score_txt_and_several_inputs_in_order(workdir: Path, tiny_bundle: Path, tiny_moderator: Moderator) -> None:
    (workdir / "a.txt").write_text(f"{COMMENTS[0]}\n\n{COMMENTS[1]}\n")
    (workdir / "b.txt").write_text(f"{COMMENTS[2]}\n")
    result = invoke(["score", "a.txt", "b.txt", "-o", "out.jsonl", "--model", str(tiny_bundle)])
    assert result.exit_code == 0, result.stderr
    assert jsonl((workdir / "out.jsonl").read_text()) == expected_scores(tiny_moderator, COMMENTS, [1, 3, 1])


@pytest.mark.parametrize(
    ("stdin", "extra", "ids"),
    [
        ("\n".join(COMMENTS) + "\n", [], [1, 2, 3]),
        (
            "".join(json.dumps({"text": t, "k": f"k{i}"}) + "\n" for i, t in enumerate(COMMENTS)),
            ["--id-column", "k"],
            ["k0", "k1", "k2"],
        ),
        ("text\n" + "\n".join(COMMENTS) + "\n", ["--input-format", "csv"], [1, 2, 3]),
    ],
    ids=["txt", "jsonl", "csv"],
)
def test_score_stdin(
    workdir: Path, tiny_bundle: Path, tiny_moderator: Moderator, stdin: str, extra: list[str], ids: list[Any]
) -> None:
    result = invoke(["score", "--model", str(tiny_bundle), *extra], stdin=stdin)
    assert result.exit_code == 0, result.stderr
    assert jsonl(result.stdout) == expected_scores(tiny_moderator, COMMENTS, ids)
    result = invoke(["score", "--model", str(tiny_bundle), "-o", "o.jsonl", *extra], stdin=stdin)
    assert result.exit_code == 0, result.stderr
    assert jsonl((workdir / "o.jsonl").read_text()) == expected_scores(tiny_moderator, COMMENTS, ids)


def test_model_from_environment(workdir: Path, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MODERATION_MODEL", str(tiny_bundle))
    result = invoke(["score"], stdin="hello\n")
    assert result.exit_code == 0, result.stderr
    assert len(jsonl(result.stdout)) == 1


# ------------------------------------------------------------------------------------------- errors

SCORE_ERRORS = [
    # (file name, content, extra options, fragments the one stderr line must hold)
    ("c.csv", "id,body\n1,hello\n", [], ["c.csv: no column 'text' in the header row (columns: id, body)"]),
    ("c.csv", "id,text\n1,hello\n2,there\n", ["--id-column", "cid"], ["c.csv: no column 'cid'"]),
    ("c.csv", "id,text\n1,hello\n2,\n3,x\n", [], ["c.csv, row 2: text is empty"]),
    ("c.jsonl", '{"text": "ok"}\n{"text": "ok"}\n{"text": oops}\n', [], ["c.jsonl, row 3: malformed JSON"]),
    ("c.jsonl", '{"text": "ok"}\n[1, 2]\n', [], ["c.jsonl, row 2: not a JSON object"]),
    ("c.jsonl", '{"text": "ok"}\n{"text": ""}\n', [], ["c.jsonl, row 2: text is empty"]),
    ("c.txt", b"fine\ncaf\xe9 latin-1\n", [], ["c.txt, row 2: not valid UTF-8 (byte 0xe9"]),
    ("c.csv", b"text\nok\n\xff\xfe\n", [], ["c.csv, row 2: not valid UTF-8"]),
    ("c.xlsx", "text\nok\n", [], ["c.xlsx: unknown input format"]),
]


ROW_ERRORS = {2, 3, 4, 5, 6, 7}
"""Indexes into SCORE_ERRORS of the errors in one row: an archive run (-o) sets such rows aside."""


@pytest.mark.parametrize(("name", "content", "extra", "fragments"), SCORE_ERRORS)
def test_score_bad_input_to_stdout_stops_the_run(
    workdir: Path, tiny_bundle: Path, name: str, content: str | bytes, extra: list[str], fragments: list[str]
) -> None:
    (workdir / name).write_bytes(content.encode() if isinstance(content, str) else content)
    result = invoke(["score", name, "--model", str(tiny_bundle), *extra])
    assert_refused(result, *fragments)
    assert sorted(p.name for p in workdir.iterdir()) == [name]


@pytest.mark.parametrize(("index", "case"), list(enumerate(SCORE_ERRORS)))
def test_score_bad_input_to_a_file(workdir: Path, tiny_bundle: Path, index: int, case: tuple[Any, ...]) -> None:
    name, content, extra, fragments = case
    (workdir / name).write_bytes(content.encode() if isinstance(content, str) else content)
    result = invoke(["score", name, "--model", str(tiny_bundle), *extra, "-o", "out.jsonl"])
    if index not in ROW_ERRORS:  # the file as a whole cannot be read: refused, nothing written
        assert_refused(result, *fragments)
        assert sorted(p.name for p in workdir.iterdir()) == [name]
        return
    assert result.exit_code == 0, result.stderr
    assert "rejected 1 (see out.jsonl.rejects.jsonl)" in result.stderr
    [reject] = jsonl((workdir / "out.jsonl.rejects.jsonl").read_text())
    where, _, reason = fragments[0].partition(": ")
    assert f"{reject['source']}, row {reject['row']}" == where
    assert reject["reason"].startswith(reason.split(" (byte")[0])
    assert len(jsonl((workdir / "out.jsonl").read_text())) >= 1


def test_score_missing_and_unreadable_files(workdir: Path, tiny_bundle: Path) -> None:
    (workdir / "ok.txt").write_text("fine\n")
    result = invoke(["score", "ok.txt", "nope.csv", "-o", "out.jsonl", "--model", str(tiny_bundle)])
    assert_refused(result, "nope.csv: file not found")
    (workdir / "dir.csv").mkdir()
    result = invoke(["score", "dir.csv", "-o", "out.jsonl", "--model", str(tiny_bundle)])
    assert_refused(result, "dir.csv: cannot read: Is a directory")
    assert not (workdir / "out.jsonl").exists()


def test_score_error_keeps_an_existing_output(workdir: Path, tiny_bundle: Path) -> None:
    (workdir / "out.jsonl").write_text("yesterday's results\n")
    (workdir / "c.csv").write_text("id,body\n1,fine\n")
    result = invoke(["score", "c.csv", "-o", "out.jsonl", "--model", str(tiny_bundle)])
    assert_refused(result, "c.csv: no column 'text'")
    assert (workdir / "out.jsonl").read_text() == "yesterday's results\n"
    assert sorted(p.name for p in workdir.iterdir()) == ["c.csv", "out.jsonl"]


def test_bad_stdin_row(workdir: Path, tiny_bundle: Path) -> None:
    result = invoke(["score", "--model", str(tiny_bundle)], stdin='{"text": "a"}\n{"text": 3}\n')
    assert_refused(result, "<stdin>, row 2: text is not a string")


@pytest.mark.parametrize("command", ["score", "segment"])
def test_tampered_bundle_is_refused(workdir: Path, tampered_bundle: Path, command: str) -> None:
    (workdir / "c.txt").write_text("hello\n")
    out = ["-o", "out.jsonl"] if command == "score" else []
    result = invoke([command, "c.txt", "--model", str(tampered_bundle), *out])
    line = assert_refused(result, str(tampered_bundle), "abuse.joblib", "refusing to load it")
    assert "sha256" in line
    assert not (workdir / "out.jsonl").exists()


@pytest.mark.parametrize("command", ["score", "segment"])
def test_missing_bundle_folder(workdir: Path, command: str) -> None:
    (workdir / "c.txt").write_text("hello\n")
    out = ["-o", "out.jsonl"] if command == "score" else []
    result = invoke([command, "c.txt", "--model", "no/such/bundle", *out])
    assert_refused(result, "model bundle not found: no/such/bundle")
    assert not (workdir / "out.jsonl").exists()


def test_folder_without_card_is_not_a_bundle(workdir: Path) -> None:
    (workdir / "empty").mkdir()
    (workdir / "c.txt").write_text("hello\n")
    assert_refused(invoke(["score", "c.txt", "--model", "empty"]), "not a model bundle", "card.json")


def test_segment_bad_pages(workdir: Path, tiny_bundle: Path) -> None:
    assert_refused(invoke(["segment", "gone.txt", "--model", str(tiny_bundle)]), "gone.txt: file not found")
    (workdir / "p.txt").write_bytes(b"Home\nAn article line\nbad \x80 comment\n")
    assert_refused(invoke(["segment", "p.txt", "--model", str(tiny_bundle)]), "p.txt, row 3: not valid UTF-8")


@pytest.mark.parametrize(
    "args",
    [
        ["score", "--bogus"],
        ["segment"],
        ["segment", "p.txt", "--format", "xml"],
        ["score", "--input-format", "xlsx"],
        ["train", "--datasets", "nope,jigsaw2018"],
        ["train", "--seed", "many"],
        ["serve", "--port", "70000"],
        ["nonsense"],
    ],
)
def test_usage_errors_exit_2(workdir: Path, args: list[str]) -> None:
    result = invoke(args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


# -------------------------------------------------------------------------------------- train, serve


def test_train_passes_options(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    def fake_train_bundle(**kwargs: Any) -> Path:
        calls.append(kwargs)
        return Path(kwargs["out"] or "models/0123456789ab")

    monkeypatch.setattr("moderation.train.train_bundle", fake_train_bundle)
    names = list(DATASETS)[:2]
    result = invoke(["train", "--data", "d", "--out", "m/x", "--datasets", f" {names[0]}, {names[1]} ", "--seed", "3"])
    assert result.exit_code == 0, result.stderr
    defaults = {"feedback": [], "feedback_weight": 5.0, "parent": None}
    assert calls == [{"data": Path("d"), "out": Path("m/x"), "datasets": names, "seed": 3} | defaults]
    assert "bundle ready: m/x" in result.stderr  # train logs progress at info by default

    calls.clear()
    assert invoke(["train"]).exit_code == 0
    assert calls == [{"data": None, "out": Path("models/default"), "datasets": None, "seed": 0} | defaults]

    calls.clear()  # with feedback and no --out: a new versioned folder, models/<version>
    args = ["train", "--feedback", "a.csv", "--feedback", "b.jsonl", "--feedback-weight", "2", "--parent", "p"]
    assert invoke(args).exit_code == 0
    assert calls == [
        {"data": None, "out": None, "datasets": None, "seed": 0, "feedback": ["a.csv", "b.jsonl"]}
        | {"feedback_weight": 2.0, "parent": Path("p")}
    ]


def test_train_without_data_is_refused(workdir: Path) -> None:
    result = invoke(["train", "--data", "no-data-here", "--out", "m"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1].startswith("moderation: error: training data not found: no-data-here")
    assert "Traceback" not in result.stderr
    assert not (workdir / "m").exists()


def test_serve_runs_uvicorn_with_the_verified_bundle(
    workdir: Path, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    seen: list[tuple[tuple[Any, ...], dict[str, Any], str | None]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: seen.append((a, k, os.environ.get("MODERATION_MODEL"))))
    monkeypatch.setenv("MODERATION_MODEL", "elsewhere")  # restored by monkeypatch after the test
    result = invoke(["serve", "--model", str(tiny_bundle), "--port", "8123"])
    assert result.exit_code == 0, result.stderr
    [(args, kwargs, env)] = seen
    assert args == ("service.app:create_app",)
    assert kwargs["factory"] is True and kwargs["access_log"] is False
    assert (kwargs["host"], kwargs["port"], kwargs["workers"]) == ("127.0.0.1", 8123, 1)
    assert env == str(tiny_bundle.resolve())


@pytest.mark.parametrize("how", ["option", "environment"])
def test_serve_with_workers_disables_nagle_on_the_shared_socket(
    workdir: Path, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    from uvicorn import supervisors

    started: list[tuple[Any, list[int]]] = []

    class FakeSupervisor:
        """Records what uvicorn's multi-process supervisor would get, starts nothing."""

        def __init__(self, config: Any, sockets: list[socket.socket]) -> None:
            started.append((config, [s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets]))
            self.sockets = sockets

        def run(self) -> None:
            for sock in self.sockets:
                sock.close()

    monkeypatch.setattr(supervisors, "Multiprocess", FakeSupervisor)
    monkeypatch.setenv("MODERATION_MODEL", "elsewhere")  # serve sets it for its workers; restored after the test
    args = ["serve", "--model", str(tiny_bundle), "--port", "0"]
    if how == "option":
        args += ["--workers", "2"]
    else:
        monkeypatch.setenv("MODERATION_WORKERS", "2")
    result = invoke(args)
    assert result.exit_code == 0, result.stderr
    [(config, [nodelay])] = started
    assert (config.app, config.factory, config.workers, config.access_log) == ("service.app:create_app", True, 2, False)
    assert nodelay != 0


def test_serve_refuses_a_tampered_bundle(workdir: Path, tampered_bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("uvicorn must not start"))
    assert_refused(invoke(["serve", "--model", str(tampered_bundle)]), str(tampered_bundle), "refusing to load it")


# ------------------------------------------------------------------------------------- logging, main


def test_logging_levels(workdir: Path, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["score", "--model", str(tiny_bundle)]
    quiet = invoke(args, stdin="hello\n")
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    verbose = invoke(["-v", *args], stdin="hello\n")
    assert "INFO moderation.batch: scored 1 comments" in verbose.stderr
    assert jsonl(verbose.stdout) == jsonl(quiet.stdout)  # logs never reach stdout
    monkeypatch.setenv(cli.LOG_LEVEL_ENV, "debug")
    assert "DEBUG moderation.batch: <stdin>: reading as txt" in invoke(args, stdin="hello\n").stderr


def test_main_returns_exit_codes(workdir: Path, tiny_bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "c.txt").write_text("hello\n")
    assert cli.main(["score", "c.txt", "--model", str(tiny_bundle)]) == 0
    assert jsonl(capsys.readouterr().out)[0]["id"] == 1
    assert cli.main(["score", "c.csv", "--model", str(tiny_bundle)]) == 2
    assert capsys.readouterr().err == "moderation: error: c.csv: file not found\n"
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("moderation ")


# ---------------------------------------------------------------------------------------- subprocess


def run(args: list[str], cwd: Path, stdin: bytes = b"", console: bool = False) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child process: the console script, or ``python -m moderation.cli``."""
    script = Path(sys.executable).with_name("moderation")
    cmd = [str(script)] if console else [sys.executable, "-m", "moderation.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    return subprocess.run([*cmd, *args], cwd=cwd, input=stdin, capture_output=True, env=env, timeout=120, check=False)


def test_subprocess_score_stdin_and_file(tmp_path: Path, tiny_bundle: Path, tiny_moderator: Moderator) -> None:
    proc = run(["score", "--model", str(tiny_bundle)], tmp_path, stdin="\n".join(COMMENTS).encode())
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""
    assert jsonl(proc.stdout.decode()) == expected_scores(tiny_moderator, COMMENTS, [1, 2, 3])

    (tmp_path / "p.txt").write_text(PAGE)
    proc = run(["segment", "p.txt", "--model", str(tiny_bundle)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(jsonl(proc.stdout.decode())) == 7


@pytest.mark.skipif(not Path(sys.executable).with_name("moderation").exists(), reason="console script not installed")
def test_console_script_error_is_one_line(tmp_path: Path, tampered_bundle: Path) -> None:
    (tmp_path / "c.csv").write_text("text\nfine\n\n")
    missing = tmp_path / "nope"
    proc = run(["score", "c.csv", "-o", "out.jsonl", "--model", str(missing)], tmp_path, console=True)
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"moderation: error: model bundle not found: {missing}\n"

    proc = run(["score", "c.csv", "-o", "out.jsonl", "--model", str(tampered_bundle)], tmp_path, console=True)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("moderation: error: bundle ") and "refusing to load it" in err
    assert proc.stdout == b""
    assert not (tmp_path / "out.jsonl").exists()


def test_subprocess_bad_row(tmp_path: Path, tiny_bundle: Path) -> None:
    (tmp_path / "c.csv").write_text("id,text\n1,fine\n2,\n")
    proc = run(["score", "c.csv", "--model", str(tiny_bundle)], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == b"moderation: error: c.csv, row 2: text is empty\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]
    archived = run(["score", "c.csv", "-o", "out.jsonl", "--model", str(tiny_bundle)], tmp_path)
    assert archived.returncode == 0
    assert archived.stderr.decode().endswith("rejected 1 (see out.jsonl.rejects.jsonl)\n")
