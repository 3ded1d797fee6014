"""The ``moderation`` command: argument parsing only; the work is in :mod:`moderation.batch` and the library.

Results go to stdout (or ``-o``), logs to stderr. Every :class:`~moderation.errors.ModerationError`
(bad input, bad bundle, missing data) ends the command with one line on stderr,
``moderation: error: <file>, row <n>: <what>``, and exit code 2, like a usage error.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, BinaryIO, TextIO

import typer

from . import __version__
from .errors import ConfigurationError, ModerationError

log = logging.getLogger("moderation")

LOG_LEVEL_ENV = "MODERATION_LOG_LEVEL"
"""Environment variable naming the log level (``DEBUG``, ``INFO``, ``WARNING``…) when ``-v`` is not given."""
EXIT_ERROR = 2
"""Exit code of every refused input, bundle or data folder (the same as click's usage errors)."""
SERVICE_FACTORY = "service.app:create_app"
"""The FastAPI app factory `serve` runs with uvicorn."""

app = typer.Typer(
    name="moderation",
    help="Self-hosted reader-comment moderation: page segmentation and explained abuse scoring.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        metavar="DIR",
        show_default=False,
        help="Model bundle folder (default: $MODERATION_MODEL, else the shipped models/default).",
    ),
]


FlagOnOption = Annotated[
    str | None,
    typer.Option(
        "--flag-on",
        metavar="LABELS",
        envvar="MODERATION_FLAG_ON",
        show_default=False,
        help="Comma-separated labels whose threshold flags a comment (default: the model card's policy, "
        "identity_attack,insult,threat,severe_toxicity,toxicity; add profanity to flag swearing too).",
    ),
]


DataOption = Annotated[
    Path | None, typer.Option("--data", metavar="DIR", show_default=False, help="Shared data folder.")
]
HeldOutFeedbackOption = Annotated[
    list[Path] | None,
    typer.Option("--feedback", metavar="FILE", show_default=False, help="Feedback files: their held-out fifth."),
]
ToleranceOption = Annotated[float, typer.Option("--tolerance", min=0.0, help="Allowed drop on guarded metrics.")]


class PageInput(StrEnum):
    """Input formats of `segment`."""

    auto = "auto"
    text = "text"
    html = "html"


class PageFormat(StrEnum):
    """Output formats of `segment`."""

    jsonl = "jsonl"
    table = "table"


class InputFormatChoice(StrEnum):
    """Input formats of `score`; ``auto`` means by extension (files) or by first character (stdin)."""

    auto = "auto"
    csv = "csv"
    jsonl = "jsonl"
    txt = "txt"
    parquet = "parquet"


class OutputFormatChoice(StrEnum):
    """Output formats of `score -o`; by default the output file's suffix decides."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class Engine(StrEnum):
    """Where `score -o` runs: worker processes on this machine, or a Dask cluster."""

    local = "local"
    dask = "dask"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A handler writing to whatever ``sys.stderr`` is at emit time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def configure_logging(verbosity: int = 0, default: int = logging.WARNING) -> int:
    """Send logs to stderr at a level from ``-v`` (INFO, ``-vv`` DEBUG), else ``$MODERATION_LOG_LEVEL``, else `default`.

    Idempotent: a second call replaces the handler the first installed. Returns the level.
    """
    level, bad_env = default, None
    if verbosity:
        level = logging.INFO if verbosity == 1 else logging.DEBUG
    elif env := os.environ.get(LOG_LEVEL_ENV, "").strip():
        named = int(env) if env.isdigit() else logging.getLevelName(env.upper())
        if isinstance(named, int):
            level = named
        else:
            bad_env = env
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    if bad_env is not None:
        log.warning("%s=%r is not a log level; using %s", LOG_LEVEL_ENV, bad_env, logging.getLevelName(level))
    return level


@contextmanager
def _reported() -> Iterator[None]:
    """Turn a `ModerationError` into one line on stderr and exit code 2, without a traceback."""
    try:
        yield
    except ModerationError as exc:
        message = " ".join(str(exc).splitlines())
        typer.echo(f"moderation: error: {message}", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _stdin() -> BinaryIO:
    """Standard input as bytes, looked up at call time (test runners swap it); the readers decode it strictly."""
    return sys.stdin.buffer if sys.stdin is not None else io.BytesIO()  # stdin closed: like empty input


def _version(value: bool) -> None:
    if value:
        typer.echo(f"moderation {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose",
            "-v",
            count=True,
            show_default=False,
            help=f"More logging on stderr: -v info, -vv debug (default: ${LOG_LEVEL_ENV}, else warnings only; "
            "train and serve log progress at info).",
        ),
    ] = 0,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Self-hosted reader-comment moderation: page segmentation and explained abuse scoring."""
    long_running = ctx.invoked_subcommand in {"train", "serve"}
    configure_logging(verbose, logging.INFO if long_running else logging.WARNING)


@app.command()
def segment(
    pages: Annotated[
        list[str],
        typer.Argument(
            metavar="PAGE",
            show_default=False,
            help="Pages: plain text, one paragraph a line, or HTML ('-' for stdin).",
        ),
    ],
    fmt: Annotated[
        PageFormat, typer.Option("--format", help="jsonl: one JSON object a line; table: aligned, for people.")
    ] = PageFormat.jsonl,
    page_input: Annotated[
        PageInput,
        typer.Option(
            "--input",
            help="auto: HTML for .html/.htm/.xhtml files and input that starts like an HTML document, else text.",
        ),
    ] = PageInput.auto,
    model: ModelOption = None,
    flag_on: FlagOnOption = None,
) -> None:
    """Label every block of each page as article, comment or boilerplate and score the comments.

    A block is a non-empty line of a text page, or a paragraph-like element of an HTML page.
    JSON Lines on stdout: {"file", "line", "text", "label", "comment_probability"}.

    Comment blocks also carry "comment_index" (which comment of the page they belong to), "abuse",
    "flagged", "reasons" and "categories".
    """
    from . import batch

    with _reported():
        batch.check_inputs(pages, "txt", _stdin())
        moderator = batch.load_moderator(model, flag_on)
        items = batch.segment_pages(moderator, pages, _stdin(), page_input.value)
        out = sys.stdout
        if fmt is PageFormat.table:
            for line in batch.format_table(items):
                out.write(line + "\n")
        else:
            for page, block in items:
                batch.write_jsonl([batch.block_row(page, block)], out)
        out.flush()


@app.command()
def score(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="INPUT",
            show_default=False,
            help="Comments as .csv (header row), .jsonl (one object a line), .txt (one a line) or .parquet; "
            "globs allowed; stdin if none.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="OUT",
            show_default=False,
            help="Write here (atomically; .jsonl, .csv or .parquet) instead of stdout; bad rows go to a rejects file.",
        ),
    ] = None,
    text_column: Annotated[
        str, typer.Option("--text-column", metavar="COL", help="Column (csv) or field (jsonl) holding the text.")
    ] = "text",
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            metavar="COL",
            show_default=False,
            help="Column or field holding each comment's id (default: the row number).",
        ),
    ] = None,
    input_format: Annotated[
        InputFormatChoice,
        typer.Option("--input-format", help="Input format; auto: by extension, on stdin jsonl if it starts with '{'."),
    ] = InputFormatChoice.auto,
    model: ModelOption = None,
    flag_on: FlagOnOption = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help='Add "spans" to each row: the stretches of the text that drove its scores, with offsets.',
        ),
    ] = False,
    out_format: Annotated[
        OutputFormatChoice | None,
        typer.Option("--format", show_default=False, help="Output format with -o (default: by OUT's suffix)."),
    ] = None,
    keep: Annotated[
        list[str] | None,
        typer.Option(
            "--keep", metavar="COL", show_default=False, help="Copy this input column to the output (repeat)."
        ),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects", metavar="FILE", show_default=False, help="Bad rows go here (default OUT.rejects.jsonl)."
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, show_default=False, help="Worker processes with -o (default: every core)."),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="With -o: continue an interrupted run from its last finished chunk.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")] = False,
    engine: Annotated[
        Engine, typer.Option("--engine", help="With -o: local worker processes, or Dask (partitioned Parquet out).")
    ] = Engine.local,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            show_default=False,
            help="With --engine dask: an existing cluster (tcp://host:8786); default a local cluster.",
        ),
    ] = None,
) -> None:
    """Score comments for abuse.

    To stdout: one JSON line a comment, in input order, {"id", "abuse", "flagged", "reasons", "categories"};
    a bad row stops the run with exit code 2.

    With -o OUT: an archive run. Chunks are scored on every core and written as JSON Lines, CSV or Parquet
    (by OUT's suffix or --format), with the id, the --keep columns and the scores. Bad rows (empty text,
    bytes that are not UTF-8, over-long text, malformed lines) go to OUT.rejects.jsonl with their row
    number and reason and the run goes on; a summary line on stderr counts them. --resume continues an
    interrupted run. --engine dask runs the same scoring on a Dask cluster.
    """
    from . import batch
    from .moderator import SCORING_MODELS

    sources = inputs or [batch.STDIN]
    stdin = _stdin()
    if output is not None and not explain:
        _score_archive(
            sources, output, stdin, text_column=text_column, id_column=id_column, input_format=input_format.value,
            model=model, flag_on=flag_on, out_format=out_format, keep=keep or [], rejects=rejects, jobs=jobs,
            resume=resume, quiet=quiet, engine=engine, scheduler=scheduler,
        )  # fmt: skip
        return
    with _reported():
        batch.check_inputs(sources, input_format.value, stdin)
        moderator = batch.load_moderator(model, flag_on, None if explain else SCORING_MODELS)
        batch.score_inputs(
            moderator,
            sources,
            output,
            out=sys.stdout,
            text_column=text_column,
            id_column=id_column,
            input_format=input_format.value,
            stdin=stdin,
            explain=explain,
        )


def _score_archive(
    sources: list[str],
    output: Path,
    stdin: BinaryIO,
    *,
    text_column: str,
    id_column: str | None,
    input_format: str,
    model: Path | None,
    flag_on: str | None,
    out_format: OutputFormatChoice | None,
    keep: list[str],
    rejects: Path | None,
    jobs: int | None,
    resume: bool,
    quiet: bool,
    engine: Engine,
    scheduler: str | None,
) -> None:
    """`score -o`: an archive run (:mod:`moderation.archive`), or a Dask one (:mod:`moderation.distributed`)."""
    from . import archive, batch
    from .moderator import parse_flag_on

    with _reported():
        folder = batch.verify_model(model)
        flags = parse_flag_on(flag_on) or ()
        if engine is Engine.dask:
            from .distributed import score_with_dask

            if rejects is not None or resume:
                raise ConfigurationError("--rejects and --resume are for the local engine; Dask writes OUT.rejects/")
            result = score_with_dask(
                sources, output, model=folder, flag_on=flag_on, text_column=text_column, id_column=id_column,
                keep=keep, input_format=input_format, scheduler=scheduler,
            )  # fmt: skip
            if not quiet:
                typer.echo(
                    f"moderation: scored {result.rows_scored} comments into {result.output} "
                    f"({result.partitions} partitions); rejected {result.rows_rejected} (see {result.rejects})",
                    err=True,
                )
            return
        try:
            with archive.progress_bar(not quiet and sys.stderr.isatty()) as progress:
                summary = archive.score_archive(
                    folder, sources, output, flag_on=flags, text_column=text_column, id_column=id_column,
                    keep=keep, input_format=input_format,  # type: ignore[arg-type]
                    fmt=out_format.value if out_format else None, rejects=rejects, jobs=jobs, resume=resume,
                    stdin=stdin, progress=progress,
                )  # fmt: skip
        except KeyboardInterrupt:
            typer.echo("moderation: interrupted; finished chunks are kept: rerun with --resume to continue", err=True)
            raise typer.Exit(130) from None
    if not quiet:
        rate = summary.scored / summary.seconds if summary.seconds else 0.0
        resumed = f", {summary.resumed_chunks} of {summary.chunks} chunks from the earlier run" if resume else ""
        typer.echo(
            f"moderation: scored {summary.scored} comments into {summary.output} in {summary.seconds:.1f} s "
            f"({rate:,.0f}/s){resumed}; rejected {summary.rejected} (see {summary.rejects})",
            err=True,
        )


def _parse_datasets(value: str | None) -> list[str] | None:
    """``a,b,c`` → a checked list of dataset names (``None``: all of them)."""
    if value is None:
        return None
    from .datasets import DATASETS

    names = [n.strip() for n in value.split(",") if n.strip()]
    if not names:
        raise typer.BadParameter("no dataset named", param_hint="--datasets")
    unknown = [n for n in names if n not in DATASETS]
    if unknown:
        raise typer.BadParameter(
            f"unknown dataset(s) {', '.join(unknown)}; known: {', '.join(DATASETS)}", param_hint="--datasets"
        )
    return names


@app.command()
def train(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            metavar="DIR",
            show_default=False,
            help="Shared training data folder (default: $MODERATION_DATA, else ../shared/data).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="DIR",
            show_default=False,
            help="Where to write the bundle (default: models/default; with --feedback, models/<version>).",
        ),
    ] = None,
    datasets: Annotated[
        str | None,
        typer.Option(
            "--datasets", metavar="A,B,C", show_default=False, help="Abuse datasets to train on (default: all)."
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same data and seed give the same bundle.")] = 0,
    feedback: Annotated[
        list[Path] | None,
        typer.Option(
            "--feedback",
            metavar="FILE",
            show_default=False,
            help="Moderators' decisions (.csv or .jsonl: text, decision, optional category, id); repeatable.",
        ),
    ] = None,
    feedback_weight: Annotated[
        float, typer.Option("--feedback-weight", min=0.0, help="Weight of one decision, in base training rows.")
    ] = 5.0,
    parent: Annotated[
        Path | None,
        typer.Option(
            "--parent", metavar="DIR", show_default=False, help="Parent bundle (default: the one in service)."
        ),
    ] = None,
) -> None:
    """Train the abuse model and the page segmenter on the shared data (and feedback) and write a verified bundle."""
    from .train import train_bundle

    chosen = _parse_datasets(datasets)
    files = [str(f) for f in feedback or []]
    target = out if out is not None or files else Path("models/default")
    with _reported():
        path = train_bundle(
            data=data, out=target, datasets=chosen, seed=seed, feedback=files, feedback_weight=feedback_weight,
            parent=parent,
        )  # fmt: skip
    log.info("bundle ready: %s", path)
    typer.echo(str(path))


@app.command()
def evaluate(
    candidate: Annotated[Path, typer.Option("--candidate", metavar="DIR", help="The retrained bundle to judge.")],
    model: ModelOption = None,
    data: DataOption = None,
    feedback: HeldOutFeedbackOption = None,
    tolerance: ToleranceOption = 0.005,
) -> None:
    """Compare a candidate bundle with the one in service on fixed data: a side-by-side table per metric.

    Exit code 1 when the candidate is worse on a guarded metric (it would not be promoted).
    """
    from . import registry

    with _reported():
        in_service, challenger = _gate(candidate, model, data, feedback)
    raise typer.Exit(1 if registry.compare(in_service, challenger, tolerance) else 0)


def _gate(
    candidate: Path, model: Path | None, data: Path | None, feedback: list[Path] | None
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Score the champion and the candidate on the evaluation set; print the table; return both metric sets."""
    from . import batch, registry

    champion = batch.load_moderator(model)
    challenger = batch.load_moderator(candidate)
    evaluation = registry.evaluation_set(data, [str(f) for f in feedback or []])
    for note in evaluation.notes:
        typer.echo(f"moderation: {note}", err=True)
    old, new = registry.evaluate(champion, evaluation), registry.evaluate(challenger, evaluation)
    typer.echo(f"in service: {champion.version} ({champion.path}); candidate: {challenger.version} ({challenger.path})")
    for line in registry.table(old, new):
        typer.echo(line)
    return old, new


@app.command()
def promote(
    candidate: Annotated[Path, typer.Argument(metavar="DIR", help="The retrained bundle to put in service.")],
    model: ModelOption = None,
    data: DataOption = None,
    feedback: HeldOutFeedbackOption = None,
    tolerance: ToleranceOption = 0.005,
    force: Annotated[bool, typer.Option("--force", help="Promote even if the candidate is worse.")] = False,
) -> None:
    """Put a candidate in service if it is no worse on the guarded metrics; record the decision.

    The bundle in service (--model, default models/default) is replaced atomically; send the server SIGHUP
    (or POST /admin/reload) to serve it.
    """
    from . import batch, registry

    with _reported():
        old, new = _gate(candidate, model, data, feedback)
        target = batch.check_bundle_folder(model)
        decision = registry.promote(
            candidate, champion_metrics=old, candidate_metrics=new, target=target, tolerance=tolerance, force=force
        )
    typer.echo(f"promoted {decision['version']} into {target} (was {decision['previous']})")


@app.command()
def models(
    folder: Annotated[Path | None, typer.Option("--models-dir", metavar="DIR", show_default=False)] = None,
) -> None:
    """List the model bundles with their parent and validation AUC; * marks the one in service."""
    from . import registry

    entries = registry.list_models(folder or registry.MODELS_DIR)
    typer.echo(f"{'':2}{'version':<14} {'parent':<14} {'abuse AUC':>9}  path")
    for e in entries:
        auc = f"{e.validation_abuse_auc:.4f}" if e.validation_abuse_auc is not None else "-"
        typer.echo(f"{'*' if e.current else ' ':2}{e.version:<14} {e.parent or '-':<14} {auc:>9}  {e.path}")


review_app = typer.Typer(help="The moderators' review queue: import scored comments, export decisions.")
app.add_typer(review_app, name="review")
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        show_default=False,
        help="Review database (SQLAlchemy URL; default $MODERATION_DATABASE_URL, else sqlite:///moderation-review.db).",
    ),
]


@review_app.command("import")
def review_import(
    scored: Annotated[
        Path, typer.Argument(metavar="FILE", help="Output of `moderation score -o X.jsonl --keep text`.")
    ],
    db: DatabaseOption = None,
    source: Annotated[str, typer.Option("--source", help="Where the comments come from (a site, a section).")] = "",
    every: Annotated[bool, typer.Option("--all", help="Queue every comment, not only the flagged ones.")] = False,
    model: ModelOption = None,
) -> None:
    """Queue scored comments for review (the flagged ones by default)."""
    from . import batch
    from .bundle import read_card
    from .review import ReviewStore, import_scored

    with _reported():
        version = str(read_card(batch.check_bundle_folder(model))["version"])
        store = ReviewStore(db)
        n = import_scored(store, scored, version, source=source, flagged_only=not every)
    typer.echo(f"moderation: queued {n} comments for review in {store.url}", err=True)


@review_app.command("export")
def review_export(
    output: Annotated[Path, typer.Option("--output", "-o", metavar="FILE", help="Feedback CSV to write.")],
    db: DatabaseOption = None,
) -> None:
    """Write every decision as the feedback file `moderation train --feedback` reads."""
    from .review import ReviewStore

    with _reported():
        store = ReviewStore(db)
        n = store.export(output)
    typer.echo(f"moderation: exported {n} decisions to {output}", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
    model: ModelOption = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, envvar="MODERATION_WORKERS", help="Worker processes (one per core for throughput)."
        ),
    ] = 1,
    flag_on: FlagOnOption = None,
) -> None:
    """Serve the HTTP API with uvicorn: native, OpenAI- and Perspective-compatible routes, metrics.

    SIGHUP (or POST /admin/reload) loads the bundle again without dropping requests; a bundle that fails
    its checksums is refused and the old one keeps serving.
    """
    import uvicorn

    from . import batch

    with _reported():
        folder = batch.verify_model(model)  # refuse a missing or tampered bundle before starting
    os.environ["MODERATION_MODEL"] = str(folder)  # the app factory (and every worker) loads this one
    if flag_on is not None:
        from .moderator import parse_flag_on

        with _reported():
            parse_flag_on(flag_on)  # refuse an unknown label before starting
        os.environ["MODERATION_FLAG_ON"] = flag_on
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel()).lower()
    log.info("serving bundle %s on http://%s:%d with %d worker(s)", folder, host, port, workers)
    options: dict[str, Any] = {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers,
        "log_level": level if level in {"critical", "error", "warning", "info", "debug"} else "info",
        "access_log": False,  # the service writes its own JSON access log (service.middleware)
    }
    if workers == 1:
        uvicorn.run(SERVICE_FACTORY, **options)
        return
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(SERVICE_FACTORY, **options)

    sock = config.bind_socket()
    # uvicorn's worker processes leave Nagle's algorithm on for the connections they accept
    # (encode/uvicorn#3149), which holds every keep-alive answer back ~40 ms; on Linux an accepted socket
    # inherits TCP_NODELAY from the listening one.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``moderation`` console script and ``python -m moderation.cli``; returns the exit code."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="moderation")
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
