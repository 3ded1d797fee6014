"""Batch scoring on Dask, for inputs one machine cannot score in time: a local cluster or an existing one.

The inputs (CSV, JSON Lines or Parquet; paths or globs) are read with :mod:`dask.dataframe`, every partition
is scored by :func:`moderation.frames.score_frame` on a worker, and the results are written as partitioned
Parquet: the scored rows to the output folder, the rows that cannot be scored to ``<output>.rejects``.

Row numbers are global: 1-based positions of the records across all inputs, in the order given (a glob's
files in sorted name order; in CSV the data rows under the header, the header excluded). Dask partitions do
not know where they start, so a first pass counts each partition's rows and a second scores each one with
its first row number. The partitions are pinned with ``to_delayed()`` so both passes see exactly the same
ones (the optimiser may otherwise merge Parquet partitions differently in each graph), and each partition is
scored once, by one task whose two results feed both outputs. Rows are counted as records, so blank lines
are not counted (unlike :mod:`moderation.batch`, which numbers lines).

Workers load the model themselves, once per worker process (see :func:`_worker_moderator`): tasks carry the
bundle's path, never the model. Client and workers must see the inputs, the bundle and the output folder at
the same paths (a shared file system on a multi-machine cluster).

CSV caveat: Dask splits CSV files at newlines, so a quoted field holding a newline breaks parsing when it
straddles a block boundary. For such files pass ``blocksize=None`` (one partition per file), or use JSON
Lines or Parquet.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dask
import pandas as pd

from . import batch
from .batch import OutputError
from .bundle import verify_bundle
from .errors import BundleIntegrityError, ConfigurationError, InputFormatError, ModerationError
from .frames import MAX_TEXT_CHARS, REJECT_COLUMNS, check_keep, dumps, output_schema, score_frame
from .moderator import SCORING_MODELS, Moderator, parse_flag_on

if TYPE_CHECKING:
    import dask.dataframe as dd
    import pyarrow as pa
    from dask.delayed import Delayed
    from distributed import Client

log = logging.getLogger(__name__)

EXTENSIONS: dict[str, str] = {".csv": "csv", ".jsonl": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
"""Input formats the Dask engine reads, by suffix (plain text has no columns to partition)."""
REJECTS_SUFFIX = ".rejects"
"""The rejects folder is the output folder's sibling named ``<output>.rejects``."""
WORKER_WAIT = 60
"""Seconds to wait for a worker to join a cluster that has none before giving up."""
WORKER_CACHE_SIZE = 4
"""Most moderators a worker process keeps loaded (a long-lived cluster may score with several bundles)."""


@dataclass(frozen=True)
class DistributedSummary:
    """What a Dask run wrote: row counts, the number of partitions and the two output folders."""

    rows_scored: int
    rows_rejected: int
    partitions: int
    output: Path
    rejects: Path


@dataclass(frozen=True)
class _Task:
    """The settings every partition is scored with; small, so sending it with each task costs nothing."""

    bundle: str
    fingerprint: str
    flag_on: tuple[str, ...] | None
    text_column: str
    id_column: str | None
    keep: tuple[str, ...]
    max_chars: int

    @property
    def columns(self) -> list[str]:
        """The input columns scoring reads, each once."""
        return list(dict.fromkeys(c for c in (self.text_column, self.id_column, *self.keep) if c is not None))


def rejects_path(output: str | os.PathLike[str]) -> Path:
    """The rejects folder that goes with the output folder `output`."""
    out = Path(output)
    return out.with_name(out.name + REJECTS_SUFFIX)


# --------------------------------------------------------------------------------------------- workers

_MODERATORS: dict[tuple[str, str, tuple[str, ...] | None], Moderator] = {}
"""Per worker process: (bundle path, artifact fingerprint, flag_on) → loaded `Moderator`.

It lives in this module's globals, so each worker process loads a bundle once and reuses it for every
partition it scores; it is not shared between processes. It only ever holds bundles that passed
:func:`~moderation.bundle.load_bundle`'s digest check and match the fingerprint the client verified.
"""
_MODERATORS_LOCK = threading.Lock()


def bundle_fingerprint(card: dict[str, Any]) -> str:
    """A digest of a bundle's artifact digests: it changes whenever any model file does."""
    artifacts = card.get("artifacts", {})
    joined = ",".join(f"{name}={artifacts[name]['sha256']}" for name in sorted(artifacts))
    return hashlib.sha256(joined.encode()).hexdigest()


def _worker_moderator(bundle: str, fingerprint: str, flag_on: tuple[str, ...] | None) -> Moderator:
    """This process's `Moderator` for `bundle`, loaded (and verified) on first use."""
    key = (bundle, fingerprint, flag_on)
    with _MODERATORS_LOCK:  # a worker with several threads loads the bundle once, not once a thread
        moderator = _MODERATORS.get(key)
        if moderator is None:
            moderator = Moderator.load(bundle, flag_on, SCORING_MODELS)
            if bundle_fingerprint(moderator.card) != fingerprint:
                raise BundleIntegrityError(f"bundle {bundle} changed on disk after the client verified it")
            while len(_MODERATORS) >= WORKER_CACHE_SIZE:
                del _MODERATORS[next(iter(_MODERATORS))]
            _MODERATORS[key] = moderator
            log.info("worker %d loaded bundle %s", os.getpid(), bundle)
        return moderator


def _as_text(value: Any) -> str | None:
    """A kept value as Parquet stores it (text): numbers, booleans, lists and objects as JSON, other values as
    `str` makes them, missing values as null."""
    if isinstance(value, str):
        return value
    if hasattr(value, "tolist"):  # NumPy scalars and arrays (a Parquet list column) as plain Python values
        value = value.tolist()
    missing = pd.isna(value)
    if isinstance(missing, bool) and missing:
        return None
    return dumps(value) if isinstance(value, bool | int | float | list | dict) else str(value)


def _score_partition(frame: pd.DataFrame, first_row: int, task: _Task) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score one partition whose first row is row `first_row` of the whole input; runs on a worker."""
    scored, rejects = score_frame(
        _worker_moderator(task.bundle, task.fingerprint, task.flag_on),
        frame,
        text_column=task.text_column,
        id_column=task.id_column,
        keep=task.keep,
        first_row=first_row,
        max_chars=task.max_chars,
    )
    for column in task.keep:
        scored[column] = pd.Series([_as_text(v) for v in scored[column].tolist()], dtype=object)
    return scored, rejects


# ---------------------------------------------------------------------------------------------- inputs


def detect_format(source: str, input_format: str = "auto") -> str:
    """The format of `source` (a path or a glob): `input_format` unless ``auto``, else by suffix.

    A folder is read as Parquet (a dataset written by Dask or Spark, say).
    """
    if input_format == "auto" and Path(source).is_dir():
        return "parquet"
    return str(batch.detect_format(source, input_format, EXTENSIONS, ".csv, .jsonl, .parquet or .pq"))


def _error_text(exc: BaseException) -> str:
    """An exception's message without the wrapper Dask puts around a pandas reader's error."""
    text = str(exc)
    marker = "Original Message: "
    return text.split(marker, 1)[1] if marker in text else text


def _read(source: str, fmt: str, columns: Sequence[str], blocksize: str | int | None) -> dd.DataFrame:
    """A lazy Dask frame of `columns` of `source`; only a sample is read here.

    Raises `InputFormatError` naming the column and the input when the input lacks one of `columns`.
    """
    import dask.dataframe as dd

    if "://" not in source and not glob.glob(source):  # Dask reads an empty Parquet glob as a frame of no columns
        missing = "no file matches" if glob.has_magic(source) else "no such file"
        raise InputFormatError(missing, source=source)
    try:
        if fmt == "csv":
            # Every column as text, "NA" and empty fields kept as written (an empty text is rejected as such),
            # undecodable bytes replaced so `score_frame` rejects the row instead of failing the run.
            ddf = dd.read_csv(source, dtype=str, keep_default_na=False, blocksize=blocksize, encoding_errors="replace")
        elif fmt == "jsonl":
            ddf = dd.read_json(source, lines=True, blocksize=blocksize, errors="replace", engine=_read_json_lines)
        else:
            ddf = dd.read_parquet(source, **({} if blocksize is None else {"blocksize": blocksize}))
        _check_columns(ddf, columns, source)
        if fmt == "jsonl":
            # A block may lack a key none of its records has (a missing value, not a missing column): read
            # again, every block conformed to `columns`.
            return dd.read_json(
                source,
                lines=True,
                blocksize=blocksize,
                errors="replace",
                engine=partial(_read_json_lines, columns=list(columns)),
                meta=pd.DataFrame({c: pd.Series(dtype=object) for c in columns}),
            )
        return ddf[list(columns)]  # pushed down into the CSV and Parquet readers
    except OSError as exc:
        raise InputFormatError(f"cannot read: {_error_text(exc)}", source=source) from None
    except (ValueError, UnicodeDecodeError) as exc:  # pandas' ParserError and EmptyDataError are ValueErrors
        raise InputFormatError(f"cannot parse as {fmt}: {_error_text(exc)}", source=source) from None


def _check_columns(ddf: dd.DataFrame, columns: Sequence[str], source: str) -> None:
    missing = [c for c in columns if c not in ddf.columns]
    if missing:
        have = ", ".join(map(str, ddf.columns))
        raise InputFormatError(f"no column {missing[0]!r} (columns: {have})", source=source)


def _read_json_lines(*args: Any, columns: list[str] | None = None, **kwargs: Any) -> pd.DataFrame:
    """`pd.read_json` without type guessing (an id "007" stays a string, a "created_at" stays text), every
    column as Python objects so blocks whose values differ in type share Dask's metadata; with `columns`,
    just those (absent ones all missing)."""
    frame = pd.read_json(*args, dtype=False, **kwargs)
    return (frame if columns is None else frame.reindex(columns=columns)).astype(object)


def _partitions(
    inputs: Sequence[str], input_format: str, columns: Sequence[str], blocksize: str | int | None
) -> tuple[list[Delayed], list[str]]:
    """Every input's partitions in input order, pinned as delayed objects, and the input each came from.

    Raises `InputFormatError` naming the column and the input when an input lacks a column, before any
    partition is read in full.
    """
    parts: list[Delayed] = []
    sources: list[str] = []
    for source in inputs:
        fmt = detect_format(source, input_format)
        pinned = _read(source, fmt, columns, blocksize).to_delayed()
        parts.extend(pinned)
        sources.extend([source] * len(pinned))
        log.info("%s: %s, %d partition(s)", source, fmt, len(pinned))
    return parts, sources


def first_rows(lengths: Sequence[int]) -> list[int]:
    """Each partition's 1-based first row number, from the partitions' lengths in input order."""
    starts, row = [], 1
    for n in lengths:
        starts.append(row)
        row += int(n)
    return starts


def _count_rows(client: Client, parts: Sequence[Delayed], sources: Sequence[str]) -> list[int]:
    """Each partition's row count (the first pass); a partition that cannot be parsed names its input."""
    futures = client.compute([dask.delayed(len, pure=True)(part) for part in parts])
    try:
        return [int(n) for n in client.gather(futures)]
    except (ValueError, UnicodeDecodeError, OSError) as exc:  # pandas' ParserError is a ValueError
        failed = [(f, s) for f, s in zip(futures, sources, strict=True) if f.status == "error"]
        source, error = (failed[0][1], failed[0][0].exception()) if failed else (", ".join(sources), exc)
        raise InputFormatError(f"cannot read: {_error_text(error)}", source=source) from exc
    finally:
        client.cancel(futures)


# --------------------------------------------------------------------------------------------- outputs


def _arrow_schema(columns: dict[str, str], id_is_row: bool) -> pa.Schema:
    """The Parquet schema of a table whose pandas dtypes are `columns` (object columns hold strings).

    Ids are integers when they are row numbers (no id column), strings otherwise, like `score_frame` makes them.
    """
    import pyarrow as pa

    types = {"object": pa.string(), "float64": pa.float64(), "bool": pa.bool_(), "int64": pa.int64()}
    fields = [(name, pa.int64() if name == "id" and id_is_row else types[dtype]) for name, dtype in columns.items()]
    return pa.schema(fields)


def _empty(columns: dict[str, str]) -> pd.DataFrame:
    """An empty frame with these column dtypes: Dask's ``meta``."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def _part_name(i: int) -> str:
    """Part file names that sort in partition order (Dask's default ``part.10`` sorts before ``part.2``)."""
    return f"part.{i:06d}.parquet"


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _replaceable(path: Path) -> bool:
    """Whether `path` looks like an earlier run's output: a folder of Parquet parts and metadata, nothing else."""
    if not path.is_dir() or path.is_symlink():
        return False
    return all(p.is_file() and (p.suffix == ".parquet" or p.name.startswith("_")) for p in path.iterdir())


def _check_output(output: Path, overwrite: bool) -> None:
    """Refuse an output (or rejects) folder that exists, unless `overwrite` and it holds only Parquet parts."""
    for target in (output, rejects_path(output)):
        if not (target.exists() or target.is_symlink()):
            continue
        if not overwrite:
            raise OutputError(f"{target}: already exists (pass overwrite to replace it)")
        if not _replaceable(target):
            raise OutputError(f"{target}: exists and is not a folder of Parquet files; refusing to replace it")


def _commit(tmp: Path, output: Path, overwrite: bool) -> None:
    """Rename the finished ``tmp/scored`` and ``tmp/rejects`` into place, the output folder last.

    With `overwrite`, old folders are first moved aside into `tmp` (deleted with it) and moved back if the
    new ones cannot be put in place.
    """
    _check_output(output, overwrite)  # again: something may have appeared while the cluster worked
    pairs = [(tmp / "rejects", rejects_path(output)), (tmp / "scored", output)]
    aside: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    try:
        for _, target in pairs:
            if target.exists():
                old = tmp / f"old-{target.name}"
                target.rename(old)
                aside.append((old, target))
        for built, target in pairs:
            built.rename(target)
            placed.append(target)
    except OSError as exc:
        for target in placed:
            _remove(target)
        for old, target in aside:
            old.rename(target)
        raise OutputError(f"{output}: cannot move the results into place: {exc.strerror or exc}") from None


# ------------------------------------------------------------------------------------------- the cluster


@contextmanager
def _client(scheduler: str | None, n_workers: int | None) -> Iterator[Client]:
    """A client of a new local cluster (closed on exit) or of the existing cluster at `scheduler`."""
    from distributed import Client, LocalCluster

    if scheduler is None:
        workers = n_workers or os.cpu_count() or 1
        log.info("starting a local Dask cluster: %d worker process(es), one thread each", workers)
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # No dashboard, but the scheduler still serves health checks over HTTP: a free port on
                # 127.0.0.1 rather than :8787, which another cluster may hold.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            ) as cluster,
            Client(cluster, set_as_default=False) as client,
        ):
            yield client
        return
    if n_workers is not None:
        log.warning("n_workers is ignored with a scheduler address: the cluster at %s has its own", scheduler)
    try:
        client = Client(scheduler, set_as_default=False)
    except (OSError, ValueError) as exc:  # TimeoutError is an OSError
        raise ModerationError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError:
            raise ModerationError(f"the Dask cluster at {scheduler} has no worker (waited {WORKER_WAIT} s)") from None
        log.info("connected to the Dask scheduler at %s (%d worker(s))", scheduler, len(client.nthreads()))
        yield client


# ------------------------------------------------------------------------------------------------ scoring


def _bundle_folder(model: str | os.PathLike[str] | None) -> tuple[Path, dict[str, Any]]:
    """The absolute bundle folder and its card, every artifact digest checked (nothing is unpickled here)."""
    folder = batch.check_bundle_folder(model).resolve()
    return folder, verify_bundle(folder)


def score_with_dask(
    inputs: Sequence[str],
    output: str | Path,
    *,
    model: str | Path | None = None,
    flag_on: str | None = None,
    text_column: str = "text",
    id_column: str | None = None,
    keep: Sequence[str] = (),
    input_format: str = "auto",
    scheduler: str | None = None,
    n_workers: int | None = None,
    blocksize: str | int | None = "64MB",
    max_chars: int = MAX_TEXT_CHARS,
    overwrite: bool = False,
) -> DistributedSummary:
    """Score every comment of `inputs` on Dask into partitioned Parquet folders; returns what was written.

    `output` receives the scored rows (columns :func:`~moderation.frames.output_schema` of `keep`, input
    order), ``<output>.rejects`` the rows that could not be scored (``row``, ``id``, ``reason``). Both are
    built in a hidden temporary folder beside `output` and renamed into place at the end, so an interrupted
    run leaves nothing under their names; an existing output is refused unless `overwrite`.

    Ids are the `id_column` values as strings, or the global row numbers (integers) without one; kept
    columns are written as text. `scheduler` is the address of a running cluster (``tcp://host:port``);
    without one, a local cluster of `n_workers` processes (default: one a CPU) listening on 127.0.0.1 only
    is started and closed. `blocksize` is the size of a CSV or JSON Lines partition (``None``: one a file)
    and of Parquet partitions.

    Raises `InputFormatError` (unreadable input, missing column), `BundleError`, `ConfigurationError` or
    :class:`~moderation.batch.OutputError` before any scoring starts; bad rows never stop the run.
    """
    started = time.perf_counter()
    inputs = [str(inputs)] if isinstance(inputs, str | os.PathLike) else [str(s) for s in inputs]
    if not inputs:
        raise InputFormatError("no input: name at least one file or glob")
    if "-" in inputs:
        raise InputFormatError("the Dask engine cannot read standard input; name files", source="<stdin>")
    keep = tuple(dict.fromkeys(keep))
    check_keep(keep)
    if n_workers is not None and n_workers < 1:
        raise ConfigurationError(f"n_workers must be at least 1, not {n_workers}")
    for source in inputs:
        detect_format(source, input_format)
    out = Path(os.path.abspath(output))
    _check_output(out, overwrite)
    folder, card = _bundle_folder(model)
    task = _Task(
        bundle=str(folder),
        fingerprint=bundle_fingerprint(card),
        flag_on=parse_flag_on(flag_on),
        text_column=text_column,
        id_column=id_column,
        keep=keep,
        max_chars=max_chars,
    )
    # Scoring sees what the files hold: no conversion of object columns to Arrow strings (that would make a
    # number in a text field scorable and turn row-number ids into strings).
    with dask.config.set({"dataframe.convert-string": False}):
        parts, sources = _partitions(inputs, input_format, task.columns, blocksize)
        with _client(scheduler, n_workers) as client:
            lengths = _count_rows(client, parts, sources)
            total = sum(lengths)
            log.info("counted %d rows in %d partitions (%.1f s)", total, len(parts), time.perf_counter() - started)
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(f".{out.name}.{secrets.token_hex(6)}.tmp")
            tmp.mkdir(mode=0o755)
            try:
                _score_and_write(client, parts, first_rows(lengths), task, tmp)
                scored, rejected = _count_written(tmp / "scored"), _count_written(tmp / "rejects")
                if scored + rejected != total:
                    raise ModerationError(f"{total} rows read but {scored} scored and {rejected} rejected")
                _commit(tmp, out, overwrite)
            finally:
                _remove(tmp)
    summary = DistributedSummary(
        rows_scored=scored,
        rows_rejected=rejected,
        partitions=len(parts),
        output=out,
        rejects=rejects_path(out),
    )
    log.info(
        "scored %d rows, rejected %d, in %d partitions into %s (%.1f s)",
        summary.rows_scored,
        summary.rows_rejected,
        summary.partitions,
        out,
        time.perf_counter() - started,
    )
    return summary


def _score_and_write(client: Client, parts: Sequence[Delayed], starts: Sequence[int], task: _Task, tmp: Path) -> None:
    """The second pass: score every partition once and write ``tmp/scored`` and ``tmp/rejects``."""
    import dask.dataframe as dd

    score = dask.delayed(_score_partition, nout=2, pure=True)
    results = [score(part, start, task) for part, start in zip(parts, starts, strict=True)]
    scored_columns, reject_columns = output_schema(task.keep), dict.fromkeys(REJECT_COLUMNS, "object")
    reject_columns["row"] = "int64"
    tables = [
        (dd.from_delayed([r[0] for r in results], meta=_empty(scored_columns), verify_meta=False), scored_columns),
        (dd.from_delayed([r[1] for r in results], meta=_empty(reject_columns), verify_meta=False), reject_columns),
    ]
    writes = [
        frame.to_parquet(
            tmp / name,
            engine="pyarrow",
            write_index=False,
            schema=_arrow_schema(columns, id_is_row=task.id_column is None),
            name_function=_part_name,
            compute=False,
        )
        for name, (frame, columns) in zip(("scored", "rejects"), tables, strict=True)
    ]
    client.compute(writes, sync=True)  # one graph: each partition is scored once for both outputs


def _count_written(folder: Path) -> int:
    """Rows in a written Parquet folder, from the part files' footers."""
    import pyarrow.dataset as ds

    return int(ds.dataset(folder, format="parquet").count_rows())
