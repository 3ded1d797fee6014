"""The batch readers and writers: records, ids and rows, every bad-input error, the atomic writer."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from moderation import batch
from moderation.batch import AtomicJsonlWriter, OutputError, Record, read_records
from moderation.errors import BundleError, InputFormatError
from moderation.moderator import Moderator


def write(path: Path, data: str | bytes) -> Path:
    """Write test data to `path` exactly as given (no newline translation)."""
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def records(path: Path | str, **kwargs: Any) -> list[Record]:
    return list(read_records(path, **kwargs))


def leftovers(folder: Path) -> list[str]:
    """Temporary files a writer may have left in `folder`."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---------------------------------------------------------------------------------------------- txt


def test_txt_one_comment_a_line_blank_lines_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "c.txt", "first comment\n\n   \nsecond one\r\nthird\n")
    assert records(path) == [
        Record(id=1, text="first comment", row=1),
        Record(id=4, text="second one", row=4),
        Record(id=5, text="third", row=5),
    ]


def test_txt_keeps_inner_whitespace_and_drops_a_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "c.txt", "\ufeffhello  there\u2028still line 1\nlast without newline")
    assert [(r.text, r.row) for r in records(path)] == [
        ("hello  there\u2028still line 1", 1),
        ("last without newline", 2),
    ]


def test_txt_ignores_id_column(tmp_path: Path) -> None:
    path = write(tmp_path / "c.txt", "a\nb\n")
    assert [r.id for r in records(path, id_column="id")] == [1, 2]


# ---------------------------------------------------------------------------------------------- csv


def test_csv_ids_are_data_rows_without_the_header(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "user,text\nann,hello\nbob,hi there\n")
    assert records(path) == [Record(id=1, text="hello", row=1), Record(id=2, text="hi there", row=2)]


def test_csv_id_and_text_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", 'body,cid\n"multi\r\nline, with comma",c-7\nplain,c-8\n')
    got = records(path, text_column="body", id_column="cid")
    assert got == [Record(id="c-7", text="multi\r\nline, with comma", row=1), Record(id="c-8", text="plain", row=2)]


def test_csv_blank_line_is_skipped_but_counted_and_bom_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "\ufefftext\none\n\nthree\n")
    assert [(r.id, r.text) for r in records(path)] == [(1, "one"), (3, "three")]


# -------------------------------------------------------------------------------------------- jsonl


def test_jsonl_rows_are_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", '{"text": "a", "n": 1}\n\n{"text": "b", "extra": [1]}\n')
    assert records(path) == [Record(id=1, text="a", row=1), Record(id=3, text="b", row=3)]


def test_jsonl_id_column_keeps_json_type(tmp_path: Path) -> None:
    path = write(tmp_path / "c.jsonl", '{"body": "a", "id": 17}\n{"body": "b", "id": "x-2"}\n')
    assert [(r.id, r.text) for r in records(path, text_column="body", id_column="id")] == [(17, "a"), ("x-2", "b")]


# -------------------------------------------------------------------------------------------- stdin


@pytest.mark.parametrize(
    ("data", "fmt", "expected"),
    [
        (b'\n  {"text": "json comment"}\n{"text": "two"}\n', "auto", [(2, "json comment"), (3, "two")]),
        (b"\nplain comment\n{not json}\n", "auto", [(2, "plain comment"), (3, "{not json}")]),
        (b"text\nfrom csv\n", "csv", [(1, "from csv")]),
        (b"", "auto", []),
    ],
)
def test_stdin_format_sniffing(data: bytes, fmt: batch.InputFormat, expected: list[tuple[int, str]]) -> None:
    got = list(read_records("-", input_format=fmt, stdin=io.BytesIO(data)))
    assert [(r.id, r.text) for r in got] == expected


def test_stdin_errors_are_named_stdin() -> None:
    with pytest.raises(InputFormatError, match=r"^<stdin>, row 2: text is empty$"):
        list(read_records("-", stdin=io.BytesIO(b'{"text": "ok"}\n{"text": ""}\n')))


# ---------------------------------------------------------------------------------------- bad input

BAD_INPUTS = [
    # (file name, content, reader options, expected row, message fragment)
    ("c.csv", "id,body\n1,x\n", {}, None, "no column 'text' in the header row (columns: id, body)"),
    ("c.csv", "id,text\n1,x\n", {"id_column": "cid"}, None, "no column 'cid'"),
    ("c.csv", "", {}, None, "empty file: no header row"),
    ("c.csv", "id,text\n1,fine\n2,\n", {}, 2, "text is empty"),
    ("c.csv", "id,text\n1,fine\n2,   \n", {}, 2, "text is empty"),
    ("c.csv", "id,text\n1,fine\n,blank id\n", {"id_column": "id"}, 2, "id is empty"),
    ("c.csv", "id,text\n1,fine\n2,hello, world\n", {}, 2, "has 3 fields, the header has 2"),
    ("c.csv", 'id,text\n1,"never closed\n', {}, 1, "malformed CSV"),
    ("c.csv", b"id,text\n1,fine\n2,caf\xe9\n", {}, 2, "not valid UTF-8 (byte 0xe9 at position 6)"),
    ("c.csv", b"id,t\xffext\n1,fine\n", {}, None, "header row: not valid UTF-8"),
    ("c.jsonl", '{"text": "ok"}\n{"text": "unterminated}\n', {}, 2, "malformed JSON"),
    ("c.jsonl", '{"text": "ok"}\n\n["text", "a list"]\n', {}, 3, "not a JSON object (got array)"),
    ("c.jsonl", '{"text": "ok"}\n{"text": 42}\n', {}, 2, "text is not a string (got number)"),
    ("c.jsonl", '{"text": "ok"}\n{"text": null}\n', {}, 2, "text is not a string (got null)"),
    ("c.jsonl", '{"text": "ok"}\n{"text": " "}\n', {}, 2, "text is empty"),
    ("c.jsonl", '{"text": "ok"}\n{"body": "x"}\n', {}, 2, "no field 'text'"),
    ("c.jsonl", '{"text": "ok", "id": 1}\n{"text": "x", "id": 1.5}\n', {"id_column": "id"}, 2, "id is not a string"),
    ("c.jsonl", '{"text": "ok", "id": 1}\n{"text": "x", "id": true}\n', {"id_column": "id"}, 2, "(got boolean)"),
    ("c.jsonl", b'{"text": "ok"}\n{"text": "\xc3"}\n', {}, 2, "not valid UTF-8"),
    ("c.txt", b"ok\n\n\x80 bad start\n", {}, 3, "not valid UTF-8 (byte 0x80 at position 1)"),
    ("c.xlsx", "text\nx\n", {}, None, "unknown input format ('.xlsx'; expected .csv, .jsonl, .txt or .parquet)"),
    ("comments", "x\n", {}, None, "unknown input format (no extension"),
]


@pytest.mark.parametrize(("name", "content", "options", "row", "fragment"), BAD_INPUTS)
def test_bad_input_names_file_and_row(
    tmp_path: Path, name: str, content: str | bytes, options: dict[str, Any], row: int | None, fragment: str
) -> None:
    path = write(tmp_path / name, content)
    with pytest.raises(InputFormatError) as info:
        records(path, **options)
    err = info.value
    assert err.source == str(path)
    assert err.row == row
    assert fragment in err.message
    prefix = f"{path}, row {row}: " if row is not None else f"{path}: "
    assert str(err).startswith(prefix)
    assert "\n" not in str(err)


def test_rows_before_a_bad_row_are_read_lazily(tmp_path: Path) -> None:
    """Readers stream: the first rows come out before the bad one is reached."""
    path = write(tmp_path / "c.txt", "one\ntwo\n\xff\n".encode("latin-1"))
    it = read_records(path)
    assert next(it).text == "one"
    assert next(it).text == "two"
    with pytest.raises(InputFormatError, match="row 3"):
        next(it)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match=r"nope\.csv: file not found$"):
        records(tmp_path / "nope.csv")
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(InputFormatError, match=r"folder\.txt: cannot read: Is a directory$"):
        records(folder)
    with pytest.raises(InputFormatError, match="file not found"):
        batch.check_inputs([write(tmp_path / "ok.txt", "x\n"), tmp_path / "gone.txt"])


def test_check_inputs_refuses_stdin_twice_and_a_terminal() -> None:
    with pytest.raises(InputFormatError, match="more than once"):
        batch.check_inputs(["-", "-"], stdin=io.BytesIO(b""))

    class Tty(io.BytesIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(InputFormatError, match="no input"):
        batch.check_inputs(["-"], stdin=Tty())


def test_explicit_input_format_overrides_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "export.data", '{"text": "hello"}\n')
    assert records(path, input_format="jsonl") == [Record(id=1, text="hello", row=1)]


def test_chunked() -> None:
    recs = [Record(id=i, text=str(i), row=i) for i in range(1, 6)]
    assert [[r.id for r in c] for c in batch.chunked(recs, 2)] == [[1, 2], [3, 4], [5]]
    assert list(batch.chunked([], 3)) == []
    with pytest.raises(ValueError):
        list(batch.chunked(recs, 0))


# ------------------------------------------------------------------------------------------- writer


def test_atomic_writer_writes_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with AtomicJsonlWriter(target) as writer:
        writer.write({"id": 1, "text": "é"})
        writer.write_many([{"id": 2}, {"id": 3}])
        assert not target.exists()  # nothing visible until the end
    assert writer.count == 3
    assert [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] == [
        {"id": 1, "text": "é"},
        {"id": 2},
        {"id": 3},
    ]
    assert leftovers(tmp_path) == []


def test_atomic_writer_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with pytest.raises(RuntimeError), AtomicJsonlWriter(target) as writer:
        writer.write({"id": 1})
        raise RuntimeError("boom")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_atomic_writer_keeps_an_existing_file_on_failure(tmp_path: Path) -> None:
    target = write(tmp_path / "out.jsonl", "previous results\n")
    with pytest.raises(KeyboardInterrupt), AtomicJsonlWriter(target) as writer:
        writer.write({"id": 1})
        raise KeyboardInterrupt
    assert target.read_text() == "previous results\n"
    assert leftovers(tmp_path) == []


def test_atomic_writer_replaces_an_existing_file_on_success(tmp_path: Path) -> None:
    target = write(tmp_path / "out.jsonl", "previous results\n")
    with AtomicJsonlWriter(target) as writer:
        writer.write({"id": 1})
    assert target.read_text() == '{"id": 1}\n'


def test_atomic_writer_unwritable_targets(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write: No such file or directory"):
        AtomicJsonlWriter(tmp_path / "missing" / "out.jsonl").__enter__()
    with pytest.raises(OutputError, match="is a directory"):
        AtomicJsonlWriter(tmp_path).__enter__()
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------ scoring


def test_score_inputs_preserves_order_across_chunks_and_files(tmp_path: Path, tiny_moderator: Moderator) -> None:
    texts = ["you are an idiot", "thanks for the thoughtful article", "i will kill you", "great reporting", "ok"]
    txt = write(tmp_path / "a.txt", "\n".join(texts[:3]) + "\n")
    jsonl = write(
        tmp_path / "b.jsonl", "".join(json.dumps({"text": t, "id": f"b{i}"}) + "\n" for i, t in enumerate(texts[3:]))
    )
    target = tmp_path / "out.jsonl"
    n = batch.score_inputs(tiny_moderator, [txt, jsonl], target, id_column="id", chunk_size=2)
    assert n == 5
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    expected = [s.to_dict() for s in tiny_moderator.score(texts)]
    assert [r.pop("id") for r in rows] == [1, 2, 3, "b0", "b1"]
    assert rows == expected


def test_score_inputs_to_a_stream(tmp_path: Path, tiny_moderator: Moderator) -> None:
    out = io.StringIO()
    n = batch.score_inputs(tiny_moderator, ["-"], out=out, stdin=io.BytesIO(b"hello\n\nyou moron\n"))
    assert n == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [1, 3]
    assert set(rows[0]) == {"id", "abuse", "flagged", "reasons", "categories"}


def test_bad_row_in_a_later_chunk_aborts_without_output(tmp_path: Path, tiny_moderator: Moderator) -> None:
    src = write(tmp_path / "c.csv", 'text\none\ntwo\nthree\n""\nfive\n')  # row 4 is in the second chunk
    target = tmp_path / "out.jsonl"
    with pytest.raises(InputFormatError, match=r"c\.csv, row 4: text is empty"):
        batch.score_inputs(tiny_moderator, [src], target, chunk_size=2)
    assert not target.exists()
    assert leftovers(tmp_path) == []

    write(target, "old\n")
    with pytest.raises(InputFormatError):
        batch.score_inputs(tiny_moderator, [src], target, chunk_size=2)
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_stream_output_never_holds_part_of_a_bad_chunk(tmp_path: Path, tiny_moderator: Moderator) -> None:
    src = write(tmp_path / "c.txt", "one\ntwo\nthree\n\xff\n".encode("latin-1"))
    out = io.StringIO()
    with pytest.raises(InputFormatError, match="row 4"):
        batch.score_inputs(tiny_moderator, [src], out=out, chunk_size=2)
    assert len(out.getvalue().splitlines()) == 2  # the first, complete chunk only


# --------------------------------------------------------------------------------------- pages, model


def test_read_page_names_the_undecodable_line(tmp_path: Path) -> None:
    page = write(tmp_path / "p.txt", b"fine\nalso fine\nbad \xfe here\n")
    with pytest.raises(InputFormatError, match=r"p\.txt, row 3: not valid UTF-8 \(byte 0xfe at position 5\)"):
        batch.read_page(page)
    with pytest.raises(InputFormatError, match="file not found"):
        batch.read_page(tmp_path / "none.txt")
    assert batch.read_page("-", io.BytesIO("\ufeffa\nb".encode())) == "a\nb"


def test_segment_pages_and_table(tmp_path: Path, tiny_moderator: Moderator) -> None:
    page = write(tmp_path / "p.txt", "Home\n\nThe council approved the budget on Tuesday.\nGreat article, thanks!\n")
    empty = write(tmp_path / "empty.txt", "\n  \n")
    items = list(batch.segment_pages(tiny_moderator, [str(page), str(empty)]))
    assert [(f, b.line) for f, b in items] == [(str(page), 1), (str(page), 3), (str(page), 4)]
    row = batch.block_row(*items[0])
    assert list(row)[:5] == ["file", "line", "text", "label", "comment_probability"]
    assert row["text"] == "Home"
    lines = list(batch.format_table(items, text_width=10))
    assert lines[0].split() == list(batch.TABLE_COLUMNS)
    assert len(lines) == 4
    assert "The counc…" in lines[2]


def test_load_moderator_errors(tmp_path: Path, tiny_bundle: Path) -> None:
    with pytest.raises(BundleError, match=r"model bundle not found: .*nope$"):
        batch.load_moderator(tmp_path / "nope")
    file = write(tmp_path / "file", "x")
    with pytest.raises(BundleError, match="is not a folder"):
        batch.load_moderator(file)
    assert batch.verify_model(tiny_bundle) == tiny_bundle.resolve()
