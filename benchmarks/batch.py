"""Archive scoring at scale: `moderation score -o` on one core and on every core, against alt-profanity-check.

    .venv/bin/python benchmarks/batch.py [--rows 1000000] [--jobs N] [--model DIR] [--keep-files]

Writes a CSV of `--rows` comments (the validation texts of the shared data, cycled, each made unique by a
number; or assembled sentences without the data) into a temporary folder, then runs the real command
``moderation score FILE --id-column id -o OUT.jsonl -q`` twice, with ``--jobs 1`` and with ``--jobs N``
(default: every core), timing each and sampling the resident memory of the whole process tree (the
command and its workers, proportional set size) every 0.2 s. In the same run it scores the same texts with
alt-profanity-check (``pip install -e ".[bench]"``) in process, in chunks of 10,000. Prints rows/s, the
speed-up of N cores over one, the ratio to alt-profanity-check and the peak memory, against the targets
(1.5x on 2 cores, 0.5x alt-profanity-check, under 500 MB). Both outputs must be byte-identical.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import itertools
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from moderation.datasets import load_abuse_data
from moderation.errors import DataNotFoundError

log = logging.getLogger("benchmarks.batch")


def texts() -> list[str]:
    try:
        frame = load_abuse_data()
        return [t[:1000] for t in frame.loc[frame["split"] == "valid", "text"]]
    except DataNotFoundError:
        log.warning("shared data not found: using assembled sentences")
        return [f"comment {i}: the council budget vote was {'wrong' if i % 3 else 'right'}" for i in range(1000)]


def write_input(path: Path, rows: int) -> None:
    pool = texts()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text"])
        for i, text in enumerate(itertools.islice(itertools.cycle(pool), rows)):
            writer.writerow([i, f"{text} #{i}"])


def _tree_pss_kb(pid: int) -> int:
    """Memory of `pid` and all its descendants, in kB: proportional set size (Linux /proc), so pages the forked
    workers share with the parent count once, not once per process as resident sizes would."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_command(args: list[str]) -> tuple[float, float]:
    """Run `args`; returns (seconds, peak memory of its process tree in MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_pss_kb(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    stop.set()
    sampler.join()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err}")
    return seconds, peak / 1024


def alt_profanity_rate(path: Path) -> float | None:
    try:
        from profanity_check import predict_prob
    except ImportError:
        log.warning("alt-profanity-check is not installed (pip install -e '.[bench]'): no baseline")
        return None
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        all_texts = [row[1] for row in reader]
    start = time.perf_counter()
    for i in range(0, len(all_texts), 10_000):
        predict_prob(all_texts[i : i + 10_000])
    return len(all_texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="comments to score")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes of the parallel run")
    parser.add_argument("--model", default=None, help="bundle folder (default: the shipped one)")
    parser.add_argument("--keep-files", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    folder = Path(tempfile.mkdtemp(prefix="moderation-batch-"))
    source = folder / "comments.csv"
    write_input(source, args.rows)
    log.info("input: %d comments, %.0f MB (%s)", args.rows, source.stat().st_size / 1e6, source)
    command = [sys.executable, "-m", "moderation.cli", "score", str(source), "--id-column", "id", "-q"]
    if args.model:
        command += ["--model", args.model]

    results = {}
    for jobs in (1, args.jobs):
        out = folder / f"out-{jobs}.jsonl"
        seconds, peak = run_command([*command, "-o", str(out), "--jobs", str(jobs)])
        results[jobs] = (args.rows / seconds, peak, out)
        rate = args.rows / seconds
        log.info(f"--jobs {jobs}: {seconds:.1f} s, {rate:,.0f} comments/s, peak memory {peak:.0f} MB")
    baseline = alt_profanity_rate(source)

    one, many = results[1][0], results[args.jobs][0]
    identical = filecmp.cmp(results[1][2], results[args.jobs][2], shallow=False)
    log.info("\nspeed-up, %d jobs over 1: %.2fx (target >= 1.5x on 2 cores)", args.jobs, many / one)
    if baseline is not None:
        log.info(f"alt-profanity-check: {baseline:,.0f} comments/s; ratio {many / baseline:.2f} (target >= 0.5)")
    peak = max(r[1] for r in results.values())
    log.info("peak memory (process tree, proportional set size): %.0f MB (target < 500 MB)", peak)
    log.info("outputs of --jobs 1 and --jobs %d byte-identical: %s", args.jobs, identical)
    if not args.keep_files:
        for file in folder.iterdir():
            file.unlink()
        folder.rmdir()


if __name__ == "__main__":
    main()
