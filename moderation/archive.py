"""Scoring a whole comment archive into one file: JSON Lines, CSV or Parquet, on every core, with bad rows
set aside and a run that resumes where an interruption left it.

How a run is laid out, so that it survives being stopped at any moment:

- Inputs are read as a stream and cut into chunks of a fixed size; memory holds a few chunks, whatever the
  input size. Chunk *k* is always the same rows for the same inputs and options.
- Each scored chunk is written to its own part file in a hidden folder beside the output
  (``.OUT.parts/``), under a temporary name renamed into place when complete: a part file either exists
  whole or not at all. A manifest there records the inputs (size and modification time) and options.
- ``resume=True`` keeps the parts of an earlier run with the same manifest and scores only the missing
  chunks; the inputs are read again from the start (cheap next to scoring), which also rebuilds the rejects.
- At the end the parts are joined, in chunk order, into a temporary file renamed over the output, and the
  rejects file is renamed into place: the output is never half-written, and a resumed run's output is
  byte for byte an uninterrupted run's.

Bad rows (empty or missing text, undecodable bytes, malformed lines, over-long texts) never stop the run:
they go to the rejects file (``OUT.rejects.jsonl`` by default) with their source, row number and reason.
"""

from __future__ import annotations

import contextlib
import gc
import glob
import json
import logging
import multiprocessing
import os
import secrets
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .batch import STDIN, STDIN_NAME, InputFormat, OutputError, Record, check_inputs, chunked, read_records
from .datasets import CATEGORIES
from .errors import InputFormatError, ModerationError
from .frames import MAX_TEXT_CHARS, SCORE_COLUMNS, check_keep, too_long
from .moderator import SCORING_MODELS, Moderator

log = logging.getLogger(__name__)

OUTPUT_FORMATS: dict[str, str] = {".jsonl": "jsonl", ".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
"""Output format by the output file's suffix."""

ARCHIVE_CHUNK_SIZE = 2000
"""Comments per chunk: the unit of scoring on a worker, of a part file and of resuming."""

_PART_SUFFIX = {"jsonl": ".jsonl", "csv": ".csv", "parquet": ".parquet"}


class ResumeError(ModerationError):
    """``--resume`` was asked for, but the earlier run's parts were made from other inputs or options."""


@dataclass(frozen=True)
class ArchiveSummary:
    """What a run did."""

    scored: int
    rejected: int
    chunks: int
    resumed_chunks: int
    output: Path
    rejects: Path
    seconds: float


def output_format(output: str | os.PathLike[str], fmt: str | None = None) -> str:
    """The output format: `fmt` when given, else by the output file's suffix."""
    if fmt is not None:
        if fmt not in _PART_SUFFIX:
            raise InputFormatError(f"unknown output format {fmt!r} (expected jsonl, csv or parquet)", source="--format")
        return fmt
    suffix = Path(output).suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise InputFormatError(
            f"cannot tell the output format from {suffix or 'no extension'!r}: name it .jsonl, .csv or .parquet, "
            "or give --format",
            source=str(output),
        )
    return OUTPUT_FORMATS[suffix]


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """Inputs with glob patterns expanded (sorted); a pattern that matches nothing is an error."""
    out: list[str] = []
    for item in inputs:
        if item != STDIN and glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise InputFormatError("no file matches this pattern", source=item)
            out += matches
        else:
            out.append(item)
    return out


# --- scoring, in this process or in workers ------------------------------------------------------------

_worker_moderator: Moderator | None = None
"""The model a worker process scores with: inherited from the parent when workers are forked, else loaded
once per worker by :func:`_load_in_worker`. Only ever a verified bundle."""


def _load_in_worker(path: str, flag_on: tuple[str, ...]) -> None:
    global _worker_moderator
    if _worker_moderator is None:
        _worker_moderator = Moderator.load(path, flag_on, SCORING_MODELS)


def _score_texts(texts: list[str]) -> list[tuple[float, bool, list[str], list[float]]]:
    assert _worker_moderator is not None, "worker started without a model"
    return [
        (s.abuse, s.flagged, s.reasons, [s.categories[c] for c in CATEGORIES]) for s in _worker_moderator.score(texts)
    ]


# --- part files ---------------------------------------------------------------------------------------


Scores = Sequence[tuple[float, bool, list[str], list[float]]]
"""Per comment of a chunk: abuse, flagged, reasons and the category probabilities in CATEGORIES order."""


def _rows(chunk: Sequence[Record], scores: Scores) -> Iterator[tuple[Record, float, bool, list[str], dict[str, float]]]:
    for record, (abuse, flagged, reasons, categories) in zip(chunk, scores, strict=True):
        yield record, abuse, flagged, reasons, dict(zip(CATEGORIES, categories, strict=True))


def _csv_cell(value: Any) -> str:
    return "" if value is None else str(value)


def _write_part(path: Path, fmt: str, chunk: Sequence[Record], scores: Scores, keep: Sequence[str]) -> None:
    """Write one scored chunk to `path` completely, or not at all (temporary name, then rename)."""
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(4)}.tmp")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns: dict[str, list[Any]] = {"id": [], **{k: [] for k in keep}, "abuse": [], "flagged": [], "reasons": []}
        columns |= {c: [] for c in CATEGORIES}
        for record, abuse, flagged, reasons, categories in _rows(chunk, scores):
            columns["id"].append(str(record.id))
            for name, value in zip(keep, record.kept, strict=True):
                columns[name].append(None if value is None else str(value))
            columns["abuse"].append(abuse)
            columns["flagged"].append(flagged)
            columns["reasons"].append(",".join(reasons))
            for c in CATEGORIES:
                columns[c].append(categories[c])
        pq.write_table(pa.table(columns, schema=parquet_schema(keep)), tmp)
    else:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            if fmt == "jsonl":
                for record, abuse, flagged, reasons, categories in _rows(chunk, scores):
                    row = {"id": record.id, **dict(zip(keep, record.kept, strict=True))}
                    row |= {"abuse": abuse, "flagged": flagged, "reasons": reasons, "categories": categories}
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                import csv

                writer = csv.writer(fh, lineterminator="\n")
                for record, abuse, flagged, reasons, categories in _rows(chunk, scores):
                    kept = [_csv_cell(v) for v in record.kept]
                    cats = [categories[c] for c in CATEGORIES]
                    writer.writerow([record.id, *kept, abuse, str(flagged).lower(), ",".join(reasons), *cats])
    os.replace(tmp, path)


def parquet_schema(keep: Sequence[str]) -> Any:
    """The Arrow schema of a Parquet output: ids and kept columns as strings, scores as numbers."""
    import pyarrow as pa

    fields = [("id", pa.string()), *((k, pa.string()) for k in keep)]
    fields += [("abuse", pa.float64()), ("flagged", pa.bool_()), ("reasons", pa.string())]
    return pa.schema(fields + [(c, pa.float64()) for c in CATEGORIES])


def _csv_header(keep: Sequence[str]) -> str:
    return ",".join(["id", *keep, "abuse", "flagged", "reasons", *CATEGORIES]) + "\n"


def _assemble(parts: list[Path], fmt: str, output: Path, keep: Sequence[str]) -> None:
    """Join the part files, in order, into `output` atomically."""
    tmp = output.with_name(f".{output.name}.{secrets.token_hex(6)}.tmp")
    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            with pq.ParquetWriter(tmp, parquet_schema(keep)) as writer:
                for part in parts:
                    writer.write_table(pq.read_table(part))
        else:
            with open(tmp, "wb") as out:
                if fmt == "csv":
                    out.write(_csv_header(keep).encode())
                for part in parts:
                    with open(part, "rb") as fh:
                        shutil.copyfileobj(fh, out)
        os.replace(tmp, output)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write: {exc.strerror or exc}") from None
    finally:
        tmp.unlink(missing_ok=True)


# --- the run ------------------------------------------------------------------------------------------


def _manifest(inputs: Sequence[str], options: dict[str, Any]) -> dict[str, Any]:
    files = []
    for item in inputs:
        if item == STDIN:
            files.append({"path": STDIN})
        else:
            stat = Path(item).stat()
            files.append({"path": str(Path(item).resolve()), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns})
    return {"inputs": files, "options": options}


def _part_files(parts: Path) -> list[Path]:
    """The finished part files, in chunk order (their names sort as their chunk numbers)."""
    return sorted(p for p in parts.glob("part-*") if not p.name.endswith(".tmp"))


def _prepare_parts(parts: Path, manifest: dict[str, Any], resume: bool) -> int:
    """Make the parts folder ready; returns how many chunks an earlier run left done."""
    manifest_file = parts / "manifest.json"
    if parts.exists():
        earlier = json.loads(manifest_file.read_text()) if manifest_file.exists() else None
        if resume and earlier == manifest:
            for leftover in parts.glob("*.tmp"):  # a part being written when the run was stopped
                leftover.unlink()
            done = len(_part_files(parts))
            log.info("resuming: %d chunks already scored", done)
            return done
        if resume:
            raise ResumeError(
                f"cannot resume into {parts}: the earlier run read other inputs or used other options "
                "(run again without --resume to start afresh)"
            )
        log.info("an earlier run was interrupted; starting afresh (use --resume to continue it)")
        shutil.rmtree(parts)
    elif resume:
        log.info("nothing to resume: starting afresh")
    parts.mkdir(parents=True)
    manifest_file.write_text(json.dumps(manifest, indent=1))
    return 0


def score_archive(
    bundle: str | os.PathLike[str],
    inputs: Sequence[str],
    output: str | os.PathLike[str],
    *,
    flag_on: Sequence[str] = (),
    text_column: str = "text",
    id_column: str | None = None,
    keep: Sequence[str] = (),
    input_format: InputFormat = "auto",
    fmt: str | None = None,
    rejects: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    resume: bool = False,
    chunk_size: int = ARCHIVE_CHUNK_SIZE,
    max_chars: int = MAX_TEXT_CHARS,
    stdin: BinaryIO | None = None,
    progress: Callable[[int], None] | None = None,
) -> ArchiveSummary:
    """Score every comment of `inputs` into `output` (see the module docstring); returns what was done.

    `bundle` is a verified bundle folder, loaded here and, with ``jobs > 1``, in each worker process.
    `jobs` defaults to every core. `progress` is called with the number of rows of each finished chunk.
    """
    started = time.monotonic()
    check_keep(keep, ("id", "categories", *SCORE_COLUMNS))  # JSON Lines rows nest the categories
    output = Path(output)
    out_format = output_format(output, fmt)
    sources = expand_inputs(list(inputs) or [STDIN])
    check_inputs(sources, input_format, stdin)
    if output.is_dir():
        raise OutputError(f"{output}: cannot write: is a directory")
    if not output.parent.is_dir():
        raise OutputError(f"{output}: cannot write: folder {output.parent} does not exist")
    rejects_path = Path(rejects) if rejects is not None else output.with_name(output.name + ".rejects.jsonl")
    jobs = max(1, jobs or os.cpu_count() or 1)
    moderator = Moderator.load(bundle, flag_on or None, SCORING_MODELS)
    options = {
        "text_column": text_column,
        "id_column": id_column,
        "keep": list(keep),
        "input_format": input_format,
        "format": out_format,
        "chunk_size": chunk_size,
        "max_chars": max_chars,
        "model": moderator.version,
        "flag_on": list(moderator.flag_on),
    }
    parts = output.with_name(f".{output.name}.parts")
    done_before = _prepare_parts(parts, _manifest(sources, options), resume)

    rejects_tmp = parts / "rejects.jsonl"  # rebuilt by every run, since every run reads the inputs again
    n_rejected = 0
    with open(rejects_tmp, "w", encoding="utf-8") as rejects_fh:

        def reject(error: InputFormatError) -> None:
            nonlocal n_rejected
            n_rejected += 1
            entry = {"source": error.source, "row": error.row, "reason": error.message}
            rejects_fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

        def records() -> Iterator[Record]:
            for source in sources:
                for record in read_records(
                    source,
                    text_column=text_column,
                    id_column=id_column,
                    input_format=input_format,
                    stdin=stdin,
                    keep=keep,
                    rejected=reject,
                ):
                    if (message := too_long(record.text, max_chars)) is not None:
                        reject(InputFormatError(message, source=_name(source), row=record.row))
                    else:
                        yield record

        try:
            n_scored, n_chunks = _score_chunks(
                moderator, bundle, chunked(records(), chunk_size), parts, out_format, keep, jobs, progress
            )
        except ModerationError:
            # Bad input as a whole (a missing column, a malformed file): the inputs must change, so no part of
            # this run can be resumed; leave nothing behind.
            rejects_fh.close()
            shutil.rmtree(parts, ignore_errors=True)
            raise
    part_files = _part_files(parts)
    if len(part_files) != n_chunks:
        raise ModerationError(f"{parts}: expected {n_chunks} part files, found {len(part_files)}")
    _assemble(part_files, out_format, output, keep)
    try:
        shutil.move(rejects_tmp, rejects_path)
    except OSError as exc:
        raise OutputError(f"{rejects_path}: cannot write: {exc.strerror or exc}") from None
    shutil.rmtree(parts)
    summary = ArchiveSummary(
        scored=n_scored,
        rejected=n_rejected,
        chunks=n_chunks,
        resumed_chunks=done_before,
        output=output,
        rejects=rejects_path,
        seconds=round(time.monotonic() - started, 3),
    )
    log.info("%s", summary)
    return summary


def _name(source: str) -> str:
    return STDIN_NAME if source == STDIN else source


def _score_chunks(
    moderator: Moderator,
    bundle: str | os.PathLike[str],
    chunks: Iterator[list[Record]],
    parts: Path,
    fmt: str,
    keep: Sequence[str],
    jobs: int,
    progress: Callable[[int], None] | None,
) -> tuple[int, int]:
    """Score every chunk not already on disk into its part file; returns (rows, chunks) in total."""
    suffix = _PART_SUFFIX[fmt]
    n_rows = n_chunks = 0

    def part(k: int) -> Path:
        return parts / f"part-{k:07d}{suffix}"

    def finished(k: int, chunk: list[Record], scores: Sequence[Any]) -> None:
        _write_part(part(k), fmt, chunk, scores, keep)
        if progress is not None:
            progress(len(chunk))

    global _worker_moderator
    _worker_moderator = moderator
    pool: ProcessPoolExecutor | None = None
    if jobs > 1:
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        if method == "fork":
            # Forked workers share the parent's model pages until something writes to them; the cyclic
            # garbage collector would, by marking every object it tracks. Frozen objects it never visits.
            gc.collect()
            gc.freeze()
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context(method),
            initializer=_load_in_worker if method != "fork" else None,
            initargs=(str(bundle), tuple(moderator.flag_on)) if method != "fork" else (),
        )
    pending: deque[tuple[int, list[Record], Future[Any]]] = deque()
    try:
        for k, chunk in enumerate(chunks):
            n_chunks += 1
            n_rows += len(chunk)
            if part(k).exists():  # scored by an earlier, interrupted run
                if progress is not None:
                    progress(len(chunk))
                continue
            if pool is None:
                finished(k, chunk, _score_texts([r.text for r in chunk]))
                continue
            pending.append((k, chunk, pool.submit(_score_texts, [r.text for r in chunk])))
            while len(pending) >= 2 * jobs:  # bounded: memory holds a few chunks, whatever the input size
                j, done_chunk, future = pending.popleft()
                finished(j, done_chunk, future.result())
        while pending:
            j, done_chunk, future = pending.popleft()
            finished(j, done_chunk, future.result())
    finally:
        if pool is not None:
            for _, _, future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()
        _worker_moderator = None
    return n_rows, n_chunks


def progress_bar(enabled: bool) -> contextlib.AbstractContextManager[Callable[[int], None] | None]:
    """A tqdm progress bar on stderr (rows, rows/s) when `enabled`, else nothing."""
    if not enabled:
        return contextlib.nullcontext(None)
    from tqdm import tqdm

    @contextlib.contextmanager
    def bar() -> Iterator[Callable[[int], None]]:
        with tqdm(unit=" rows", unit_scale=True, file=sys.stderr, dynamic_ncols=True, smoothing=0.1) as t:
            yield t.update

    return bar()
