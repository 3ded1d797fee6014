"""Batch work behind the CLI: streaming comment readers, an atomic JSON Lines writer, chunked scoring, pages.

Readers yield one :class:`Record` at a time and never hold a whole file, so memory stays flat on large
inputs. Every malformed row raises :class:`~moderation.errors.InputFormatError` naming the file and its
1-based row, and output files are written all-or-nothing, so a bad input is refused rather than
half-scored.

Row numbers: in ``.txt`` and ``.jsonl`` files the row is the file's line number (blank lines are skipped
but counted); in ``.csv`` files it is the data row, the header excluded (the first row under the header is
row 1). A record's id is its id column's value when one is named, else that row number.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import logging
import os
import secrets
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Literal, TextIO

from .bundle import default_bundle_path, verify_bundle
from .errors import BundleError, InputFormatError, ModerationError
from .html_blocks import html_page, looks_like_html
from .moderator import Block, Moderator, page_lines

log = logging.getLogger(__name__)

InputFormat = Literal["auto", "csv", "jsonl", "txt", "parquet"]
"""How to parse an input: ``auto`` means by extension for files, by first character for stdin."""

EXTENSIONS: dict[str, str] = {".csv": "csv", ".jsonl": "jsonl", ".txt": "txt", ".parquet": "parquet", ".pq": "parquet"}
STDIN = "-"
"""The input name that means standard input."""
STDIN_NAME = "<stdin>"
"""How standard input is named in error messages."""
CHUNK_SIZE = 1000
"""Comments scored per call to :meth:`Moderator.score` (bounds memory, keeps the model's batching)."""


class OutputError(ModerationError):
    """An output file cannot be written (missing folder, no permission, disk full)."""


@dataclass(frozen=True)
class Record:
    """One comment read from an input: its id, its text, the 1-based row it came from and the values of the
    columns asked to be kept (`keep`), in that order."""

    id: str | int
    text: str
    row: int
    kept: tuple[Any, ...] = ()


Rejected = Callable[[InputFormatError], None]
"""Where a lenient reader sends a row it cannot use (the error names the source, the row and why)."""


class _DecodeError(Exception):
    """Raised by :func:`_decoded_lines`; each reader turns it into an `InputFormatError` with its own row."""

    def __init__(self, lineno: int, detail: str) -> None:
        super().__init__(detail)
        self.lineno = lineno
        self.detail = detail


# --------------------------------------------------------------------------------------------- inputs


def _display(source: str | os.PathLike[str]) -> str:
    """The name of an input as errors show it: the path as given, or ``<stdin>``."""
    return STDIN_NAME if str(source) == STDIN else str(source)


def _read_error(name: str, exc: OSError) -> InputFormatError:
    if isinstance(exc, FileNotFoundError):
        return InputFormatError("file not found", source=name)
    return InputFormatError(f"cannot read: {exc.strerror or exc}", source=name)


def detect_format(
    source: str | os.PathLike[str],
    input_format: str = "auto",
    extensions: dict[str, str] = EXTENSIONS,
    expected: str = ".csv, .jsonl, .txt or .parquet",
) -> str | None:
    """The format of `source`: `input_format` if given, else by extension; ``None`` for auto-detected stdin.

    `extensions` maps the suffixes a reader accepts to their formats (`expected` names them in errors).
    """
    formats = list(dict.fromkeys(extensions.values()))
    if input_format != "auto":
        if input_format not in formats:
            raise InputFormatError(f"unknown input format {input_format!r} (expected one of {', '.join(formats)})")
        return input_format
    if str(source) == STDIN:
        return None
    suffix = Path(source).suffix.lower()
    if suffix not in extensions:
        shown = f"'{suffix}'" if suffix else "no extension"
        raise InputFormatError(f"unknown input format ({shown}; expected {expected})", source=_display(source))
    return extensions[suffix]


def check_inputs(
    sources: Sequence[str | os.PathLike[str]],
    input_format: InputFormat = "auto",
    stdin: BinaryIO | None = None,
) -> None:
    """Fail fast, before a model is loaded or an output created, on inputs that cannot be read at all.

    Checks every format is known and every file opens; stdin may be named once, and not when it is a
    terminal (nothing was piped in).
    """
    if sum(str(s) == STDIN for s in sources) > 1:
        raise InputFormatError("standard input named more than once", source=STDIN_NAME)
    for source in sources:
        detect_format(source, input_format)
        if str(source) == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            if stream.isatty():
                raise InputFormatError(
                    "no input: name INPUT files or pipe comments to standard input", source=STDIN_NAME
                )
            continue
        try:
            with open(source, "rb"):
                pass
        except OSError as exc:
            raise _read_error(_display(source), exc) from None


def _decoded_lines(stream: BinaryIO, lenient: bool = False) -> Iterator[tuple[int, str]]:
    """(1-based line number, text) of every line, line ending kept, decoded strictly as UTF-8.

    Splitting on ``\\n`` only (like ``newline=""``) keeps ``\\r\\n`` inside quoted CSV fields intact; a
    UTF-8 byte-order mark at the start is dropped. `lenient` decodes bad bytes as U+FFFD instead of
    stopping, for readers that reject such rows (see :data:`UNDECODABLE`) and go on.
    """
    for lineno, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if lenient:
                line = raw.decode("utf-8", errors="replace")
            else:
                bad = exc.object[exc.start]
                raise _DecodeError(
                    lineno, f"not valid UTF-8 (byte 0x{bad:02x} at position {exc.start + 1}); re-encode it as UTF-8"
                ) from None
        if lineno == 1 and line.startswith("\ufeff"):
            line = line[1:]
        yield lineno, line


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _checked_text(value: object, column: str, name: str, row: int) -> str:
    if not isinstance(value, str):
        raise InputFormatError(f"{column} is not a string (got {_json_type(value)})", source=name, row=row)
    if not value.strip():
        raise InputFormatError(f"{column} is empty", source=name, row=row)
    return value


def _checked_id(value: object, column: str, name: str, row: int) -> str | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, str):
        raise InputFormatError(
            f"{column} is not a string or an integer (got {_json_type(value)})", source=name, row=row
        )
    if not value.strip():
        raise InputFormatError(f"{column} is empty", source=name, row=row)
    return value


UNDECODABLE = "not valid UTF-8 (re-encode it as UTF-8)"
"""Why a lenient reader rejects a row whose bytes did not decode."""


def _rows(
    rows: Iterable[tuple[int, Callable[[], Record | None]]], name: str, rejected: Rejected | None
) -> Iterator[Record]:
    """Run each row's parser; a row error goes to `rejected` when given (lenient reading), else stops the read."""
    try:
        for _, parse in rows:
            try:
                record = parse()
            except InputFormatError as exc:
                if rejected is None or exc.row is None:
                    raise
                rejected(exc)
                continue
            if record is not None:
                if rejected is not None and "\ufffd" in record.text:
                    rejected(InputFormatError(UNDECODABLE, source=name, row=record.row))
                    continue
                yield record
    except _DecodeError as exc:
        raise InputFormatError(exc.detail, source=name, row=exc.lineno) from None


def _txt_records(lines: Iterable[tuple[int, str]], name: str, rejected: Rejected | None = None) -> Iterator[Record]:
    def parser(lineno: int, line: str) -> Callable[[], Record | None]:
        text = line.rstrip("\r\n")
        return lambda: Record(id=lineno, text=text, row=lineno) if text.strip() else None

    return _rows(((lineno, parser(lineno, line)) for lineno, line in lines), name, rejected)


def _jsonl_records(
    lines: Iterable[tuple[int, str]],
    name: str,
    text_column: str,
    id_column: str | None,
    keep: Sequence[str] = (),
    rejected: Rejected | None = None,
) -> Iterator[Record]:
    def parse(lineno: int, line: str) -> Record | None:
        if not line.strip():
            return None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFormatError(f"malformed JSON: {exc.msg} (column {exc.colno})", source=name, row=lineno) from None
        if not isinstance(obj, dict):
            raise InputFormatError(f"not a JSON object (got {_json_type(obj)})", source=name, row=lineno)
        for column in (text_column, id_column, *keep):
            if column is not None and column not in obj:
                raise InputFormatError(f"no field {column!r}", source=name, row=lineno)
        text = _checked_text(obj[text_column], text_column, name, lineno)
        rid = lineno if id_column is None else _checked_id(obj[id_column], id_column, name, lineno)
        return Record(id=rid, text=text, row=lineno, kept=tuple(obj[c] for c in keep))

    return _rows(((n, lambda n=n, line=line: parse(n, line)) for n, line in lines), name, rejected)


def _csv_records(
    lines: Iterable[tuple[int, str]],
    name: str,
    text_column: str,
    id_column: str | None,
    keep: Sequence[str] = (),
    rejected: Rejected | None = None,
) -> Iterator[Record]:
    reader = csv.reader((line for _, line in lines), strict=True)
    row = 0  # data rows read so far; 0 while reading the header

    def where() -> dict[str, Any]:
        return {"source": name, "row": row if row else None}

    def next_fields() -> list[str] | None:
        try:
            return next(reader)
        except StopIteration:
            return None
        except _DecodeError as exc:
            raise InputFormatError(exc.detail if row else f"header row: {exc.detail}", **where()) from None
        except csv.Error as exc:
            # The reader's state is lost after malformed quoting: no row after it can be trusted, even leniently.
            message = f"malformed CSV: {exc}" if row else f"header row: malformed CSV: {exc}"
            raise InputFormatError(message, source=name, row=None if rejected else where()["row"]) from None

    header = next_fields()
    if header is None:
        raise InputFormatError("empty file: no header row", source=name)
    header = [h.strip() for h in header]
    index: dict[str, int] = {}
    for column in (text_column, id_column, *keep):
        if column is None:
            continue
        if column not in header:
            raise InputFormatError(
                f"no column {column!r} in the header row (columns: {', '.join(header)})", source=name
            )
        index[column] = header.index(column)

    def parse(number: int, fields: list[str]) -> Record | None:
        if not fields:  # a blank line: skipped, but counted
            return None
        if len(fields) != len(header):
            raise InputFormatError(
                f"has {len(fields)} fields, the header has {len(header)} (a comma or quote not quoted?)",
                source=name,
                row=number,
            )
        text = _checked_text(fields[index[text_column]], text_column, name, number)
        rid = number if id_column is None else _checked_id(fields[index[id_column]], id_column, name, number)
        return Record(id=rid, text=text, row=number, kept=tuple(fields[index[c]] for c in keep))

    def data_rows() -> Iterator[tuple[int, Callable[[], Record | None]]]:
        nonlocal row
        while True:
            row += 1
            fields = next_fields()
            if fields is None:
                return
            yield row, lambda number=row, fields=fields: parse(number, fields)

    return _rows(data_rows(), name, rejected)


def _parquet_records(
    path: str | os.PathLike[str],
    name: str,
    text_column: str,
    id_column: str | None,
    keep: Sequence[str] = (),
    rejected: Rejected | None = None,
) -> Iterator[Record]:
    """Rows of a Parquet file, one record batch at a time (flat memory); rows are numbered from 1."""
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError) on a non-Parquet file
        raise InputFormatError(f"not a readable Parquet file: {exc}", source=name) from None
    names = table.schema_arrow.names
    columns = [c for c in dict.fromkeys((text_column, id_column, *keep)) if c is not None]
    for column in columns:
        if column not in names:
            raise InputFormatError(f"no column {column!r} (columns: {', '.join(names)})", source=name)

    def parse(number: int, values: dict[str, Any]) -> Record:
        text = _checked_text(values[text_column], text_column, name, number)
        rid = number if id_column is None else _checked_id(values[id_column], id_column, name, number)
        return Record(id=rid, text=text, row=number, kept=tuple(values[c] for c in keep))

    def batches() -> Iterator[tuple[int, Callable[[], Record | None]]]:
        number = 0
        for batch in table.iter_batches(batch_size=CHUNK_SIZE, columns=columns):
            for values in batch.to_pylist():
                number += 1
                yield number, lambda number=number, values=values: parse(number, values)

    return _rows(batches(), name, rejected)


def read_records(
    source: str | os.PathLike[str],
    *,
    text_column: str = "text",
    id_column: str | None = None,
    input_format: InputFormat = "auto",
    stdin: BinaryIO | None = None,
    keep: Sequence[str] = (),
    rejected: Rejected | None = None,
) -> Iterator[Record]:
    """Lazily yield the comments of one input (a path, or ``"-"`` for stdin), validating each row.

    Raises :class:`InputFormatError` (file and row named) on the first bad row, an unreadable file or
    an unknown format; with `rejected`, bad rows (empty or missing text, undecodable bytes, malformed
    lines) go there instead and reading goes on. `keep` names columns whose values each record carries.
    On stdin without a format, a first non-blank character ``{`` means JSON Lines, anything else plain text.
    """
    name = _display(source)
    fmt = detect_format(source, input_format)
    if fmt == "parquet":
        if str(source) == STDIN:
            raise InputFormatError("Parquet cannot be read from standard input; name the file", source=name)
        yield from _parquet_records(source, name, text_column, id_column, keep, rejected)
        return
    if str(source) == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from _parse(stream, name, fmt, text_column, id_column, keep, rejected)
        return
    try:
        stream = open(source, "rb")  # noqa: SIM115 - closed below; the generator may be abandoned mid-file
    except OSError as exc:
        raise _read_error(name, exc) from None
    with stream:
        try:
            yield from _parse(stream, name, fmt, text_column, id_column, keep, rejected)
        except OSError as exc:
            raise _read_error(name, exc) from None


def _parse(
    stream: BinaryIO,
    name: str,
    fmt: str | None,
    text_column: str,
    id_column: str | None,
    keep: Sequence[str] = (),
    rejected: Rejected | None = None,
) -> Iterator[Record]:
    lines: Iterator[tuple[int, str]] = _decoded_lines(stream, lenient=rejected is not None)
    if fmt is None:  # sniff: buffer lines up to the first non-blank one
        head: list[tuple[int, str]] = []
        try:
            for item in lines:
                head.append(item)
                if item[1].strip():
                    break
        except _DecodeError as exc:
            raise InputFormatError(exc.detail, source=name, row=exc.lineno) from None
        fmt = "jsonl" if head and head[-1][1].lstrip().startswith("{") else "txt"
        log.debug("%s: reading as %s", name, fmt)
        lines = itertools.chain(head, lines)
    if fmt == "txt":
        if id_column is not None or keep:
            log.warning("%s: plain text has no columns; --id-column and --keep ignored, ids are line numbers", name)
        return _txt_records(lines, name, rejected)
    if fmt == "jsonl":
        return _jsonl_records(lines, name, text_column, id_column, keep, rejected)
    return _csv_records(lines, name, text_column, id_column, keep, rejected)


def chunked(records: Iterable[Record], size: int = CHUNK_SIZE) -> Iterator[list[Record]]:
    """Consecutive lists of at most `size` records; a chunk is complete (every row validated) when yielded."""
    if size < 1:
        raise ValueError("chunk size must be at least 1")
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


# -------------------------------------------------------------------------------------------- outputs


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


class AtomicJsonlWriter:
    """Write JSON Lines to `path` all-or-nothing.

    Lines go to a temporary file in the target's folder, which is fsynced and renamed over the target
    with :func:`os.replace` only when the ``with`` block ends without error. On any error the temporary
    file is removed: no output file appears and an existing one is left untouched.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.count = 0
        self._tmp: Path | None = None
        self._fh: TextIO | None = None

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"{self.path}: cannot write: {exc.strerror or exc}")

    def __enter__(self) -> AtomicJsonlWriter:
        if self.path.is_dir():
            raise OutputError(f"{self.path}: cannot write: is a directory")
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # 0o666 & ~umask, like open()
        except OSError as exc:
            raise self._error(exc) from None
        self._tmp = tmp
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self

    def write(self, obj: Any) -> None:
        """Append one JSON object as a line."""
        self.write_many([obj])

    def write_many(self, objs: Iterable[Any]) -> None:
        """Append several JSON objects, one a line."""
        if self._fh is None:
            raise RuntimeError("AtomicJsonlWriter used outside its with block")
        try:
            for obj in objs:
                self._fh.write(_dumps(obj) + "\n")
                self.count += 1
        except OSError as exc:
            raise self._error(exc) from None

    def _commit(self) -> None:
        assert self._fh is not None and self._tmp is not None
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            os.replace(self._tmp, self.path)
        except OSError as exc:
            raise self._error(exc) from None
        self._tmp = None
        try:  # make the rename itself durable; not every platform lets a folder be opened
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(dir_fd)
        except OSError:
            pass
        finally:
            os.close(dir_fd)

    def _abort(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)
            self._tmp = None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            try:
                self._commit()
            finally:
                self._abort()  # no-op after a successful commit
        else:
            self._abort()


def write_jsonl(rows: Iterable[Any], out: TextIO) -> int:
    """Write JSON objects to a text stream, one a line; returns how many."""
    n = 0
    for row in rows:
        out.write(_dumps(row) + "\n")
        n += 1
    return n


# ------------------------------------------------------------------------------------------ the model


def load_moderator(
    path: str | os.PathLike[str] | None = None,
    flag_on: str | Sequence[str] | None = None,
    models: Collection[str] | None = None,
) -> Moderator:
    """Load a bundle like :meth:`Moderator.load`, with a clear error when the folder does not exist."""
    return Moderator.load(check_bundle_folder(path), flag_on=flag_on, models=models)


def check_bundle_folder(path: str | os.PathLike[str] | None = None) -> Path:
    """The bundle folder (default: :func:`default_bundle_path`); `BundleError` if it is not a folder."""
    folder = Path(path) if path is not None else default_bundle_path()
    if not folder.exists():
        raise BundleError(f"model bundle not found: {folder}")
    if not folder.is_dir():
        raise BundleError(f"not a model bundle: {folder} is not a folder")
    return folder


def verify_model(path: str | os.PathLike[str] | None = None) -> Path:
    """Check a bundle's card and artifact digests without unpickling it; returns its absolute folder."""
    folder = check_bundle_folder(path)
    verify_bundle(folder)
    return folder.resolve()


# ------------------------------------------------------------------------------------------- scoring


def score_chunks(
    moderator: Moderator, chunks: Iterable[Sequence[Record]], explain: bool = False
) -> Iterator[list[dict[str, Any]]]:
    """Score each chunk in one call, yielding its output rows ``{"id", **Score.to_dict()}`` in input order."""
    for chunk in chunks:
        scores = moderator.score([r.text for r in chunk], explain=explain)
        yield [{"id": r.id, **s.to_dict()} for r, s in zip(chunk, scores, strict=True)]


def score_inputs(
    moderator: Moderator,
    sources: Sequence[str | os.PathLike[str]] = (),
    output: str | os.PathLike[str] | None = None,
    *,
    out: TextIO | None = None,
    text_column: str = "text",
    id_column: str | None = None,
    input_format: InputFormat = "auto",
    chunk_size: int = CHUNK_SIZE,
    stdin: BinaryIO | None = None,
    explain: bool = False,
) -> int:
    """Score every comment of `sources` (stdin when empty) and write one JSON line each; returns the count.

    With `explain`, each row also carries the `spans` that drove its scores.

    With `output` the file is written atomically: on any error nothing is left behind. Otherwise lines
    go to `out` (default stdout) a whole chunk at a time, so an error may follow earlier complete
    chunks but never a partial one.
    """
    sources = list(sources) or [STDIN]
    check_inputs(sources, input_format, stdin)
    records = itertools.chain.from_iterable(
        read_records(s, text_column=text_column, id_column=id_column, input_format=input_format, stdin=stdin)
        for s in sources
    )
    rows = score_chunks(moderator, chunked(records, chunk_size), explain)
    if output is not None:
        with AtomicJsonlWriter(output) as writer:
            for chunk_rows in rows:
                writer.write_many(chunk_rows)
        log.info("scored %d comments into %s", writer.count, output)
        return writer.count
    stream = out if out is not None else sys.stdout
    n = 0
    for chunk_rows in rows:
        n += write_jsonl(chunk_rows, stream)
        stream.flush()
    log.info("scored %d comments", n)
    return n


# ----------------------------------------------------------------------------------------- segmenting


PageInput = Literal["auto", "text", "html"]
HTML_EXTENSIONS: frozenset[str] = frozenset({".html", ".htm", ".xhtml"})


def read_page(source: str | os.PathLike[str], stdin: BinaryIO | None = None, page_format: PageInput = "auto") -> str:
    """The text of a page (a path, or ``"-"`` for stdin), one block a line.

    A plain-text page is read strictly as UTF-8. An HTML page (``page_format="html"``, or with ``"auto"`` a
    .html/.htm/.xhtml file or input that starts like an HTML document) is cut into blocks first
    (:func:`moderation.html_blocks.html_page`), decoded by its declared charset.
    """
    name = _display(source)
    try:
        if str(source) == STDIN:
            data = (stdin if stdin is not None else sys.stdin.buffer).read()
        else:
            with open(source, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        raise _read_error(name, exc) from None
    is_html = page_format == "html" or (
        page_format == "auto"
        and ((str(source) != STDIN and Path(source).suffix.lower() in HTML_EXTENSIONS) or looks_like_html(data))
    )
    if is_html:
        try:
            return html_page(data)
        except InputFormatError as exc:
            raise InputFormatError(exc.message, source=name) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputFormatError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at position {column}); re-encode it as UTF-8",
            source=name,
            row=line,
        ) from None
    return text.removeprefix("\ufeff")


def segment_pages(
    moderator: Moderator,
    pages: Sequence[str | os.PathLike[str]],
    stdin: BinaryIO | None = None,
    page_format: PageInput = "auto",
) -> Iterator[tuple[str, Block]]:
    """(page as given, block) for every block of every page, pages read one at a time (see :func:`read_page`)."""
    check_inputs(pages, "txt", stdin)
    for page in pages:
        text = read_page(page, stdin, page_format)
        if not page_lines(text):  # nothing to label
            continue
        for block in moderator.segment(text):
            yield str(page), block


def block_row(page: str, block: Block) -> dict[str, Any]:
    """The JSON Lines row of one block: ``{"file": page, "line", "text", **block.to_dict()}`` (the text, since
    an HTML page's blocks are not lines the caller can look up)."""
    row = {"file": page, **block.to_dict()}
    return {"file": page, "line": row.pop("line"), "text": block.text, **row}


TABLE_COLUMNS: tuple[str, ...] = ("FILE", "LINE", "LABEL", "P(COMMENT)", "ABUSE", "FLAGGED", "REASONS", "TEXT")
_RIGHT = {"LINE", "P(COMMENT)", "ABUSE"}


def format_table(items: Iterable[tuple[str, Block]], text_width: int = 48) -> Iterator[str]:
    """Lines of a plain aligned table of blocks, for people: the text is cut to `text_width` characters."""
    rows: list[tuple[str, ...]] = []
    for page, block in items:
        text = " ".join(block.text.split())
        if len(text) > text_width:
            text = text[: text_width - 1] + "…"
        s = block.score
        rows.append(
            (
                page,
                str(block.line),
                block.label,
                f"{block.comment_probability:.3f}",
                "" if s is None else f"{s.abuse:.3f}",
                "" if s is None else ("yes" if s.flagged else "no"),
                "" if s is None else (", ".join(s.reasons) or "-"),
                text,
            )
        )
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(TABLE_COLUMNS)]

    def line(cells: Sequence[str]) -> str:
        out = [
            cell.rjust(w) if col in _RIGHT else cell.ljust(w)
            for col, cell, w in zip(TABLE_COLUMNS, cells, widths, strict=True)
        ]
        return "  ".join(out).rstrip()

    yield line(TABLE_COLUMNS)
    for row in rows:
        yield line(row)
