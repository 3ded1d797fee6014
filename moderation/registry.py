"""Model versions and the champion/challenger gate: compare a retrained bundle with the one in service on fixed
data, promote it only if it is no worse, and keep a record of every decision.

The fixed evaluation set has three parts, scored the same way for both bundles:

- ``validation``: the base data's validation split (20 % by hash, seed 0), ROC AUC per label, pooled;
- ``seeds``: the seed pages' expectations (every block's label, and which comments are abusive), accuracy;
- ``feedback``: the held-out fifth of the feedback files (the same hash split), accuracy of ``flagged``
  against the moderators' decisions and ROC AUC of ``abuse``.

Guarded metrics (:data:`GUARDED`) may not drop by more than the tolerance; promotion copies the candidate over
the bundle in service atomically (the service picks it up on SIGHUP or ``POST /admin/reload``) and appends
the decision to ``models/promotions.jsonl``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from .bundle import DEFAULT_BUNDLE, MODELS_DIR, read_card, verify_bundle
from .datasets import LABELS, load_abuse_data
from .errors import DataNotFoundError, ModerationError
from .feedback import read_feedback_files
from .moderator import Moderator

log = logging.getLogger(__name__)

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
GUARDED: tuple[str, ...] = (
    "validation.abuse",
    "validation.identity_attack",
    "validation.threat",
    "seeds",
    "feedback.accuracy",
)
"""Metrics a candidate may not lose (beyond the tolerance) to be promoted."""
DEFAULT_TOLERANCE = 0.005
PROMOTIONS = "promotions.jsonl"


class PromotionRefused(ModerationError):
    """The candidate is worse than the bundle in service on a guarded metric."""


@dataclass
class EvaluationSet:
    """The fixed data both bundles are scored on."""

    validation: pd.DataFrame | None
    seeds: list[dict[str, Any]]
    feedback: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)


def seed_pages() -> list[dict[str, Any]]:
    """The seed pages' expected labels (`seeds/expected.jsonl`), a page a row: its file and its blocks."""
    expected = SEEDS_DIR / "expected.jsonl"
    return [json.loads(line) for line in expected.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluation_set(data: str | os.PathLike[str] | None = None, feedback: Sequence[str] = ()) -> EvaluationSet:
    """Build the evaluation set; a part whose data is absent is left out, with a note saying so."""
    notes = []
    try:
        frame = load_abuse_data(data)
        validation: pd.DataFrame | None = frame[frame["split"] == "valid"].reset_index(drop=True)
    except DataNotFoundError as exc:
        validation, notes = None, [f"validation left out: {exc}"]
    seeds = seed_pages()
    held_out = None
    if feedback:
        rows = read_feedback_files(feedback)
        held_out = rows[rows["split"] == "valid"].reset_index(drop=True)
        if held_out.empty:
            notes.append("feedback left out: no held-out decisions (a fifth of the rows, by hash)")
            held_out = None
    return EvaluationSet(validation, seeds, held_out, notes)


def _auc(y: np.ndarray, score: np.ndarray) -> float | None:
    return round(float(roc_auc_score(y, score)), 4) if len(np.unique(y)) == 2 else None


def evaluate(moderator: Moderator, data: EvaluationSet) -> dict[str, float | None]:
    """One bundle's metrics on the evaluation set, flat: ``validation.<label>``, ``seeds``, ``feedback.*``."""
    out: dict[str, float | None] = {}
    if data.validation is not None:
        proba = moderator.predict_proba(data.validation["text"].tolist())
        for j, label in enumerate(LABELS):
            known = data.validation[label].notna().to_numpy()
            out[f"validation.{label}"] = _auc(data.validation.loc[known, label].to_numpy(), proba[known, j])
    right = total = 0
    for page in data.seeds:
        blocks = {b.line: b for b in moderator.segment((SEEDS_DIR / page["file"]).read_text(encoding="utf-8"))}
        for expected in page["blocks"]:
            got = blocks.get(expected["line"])
            total += 1 + ("abusive" in expected)
            right += got is not None and got.label == expected["label"]
            if "abusive" in expected:
                right += got is not None and got.score is not None and got.score.flagged is expected["abusive"]
    out["seeds"] = round(right / total, 4) if total else None
    if data.feedback is not None:
        scores = moderator.score(data.feedback["text"].tolist())
        rejected = data.feedback["abuse"].to_numpy() == 1.0
        flagged = np.array([s.flagged for s in scores])
        out["feedback.accuracy"] = round(float((flagged == rejected).mean()), 4)
        out["feedback.abuse_auc"] = _auc(rejected.astype(int), np.array([s.abuse for s in scores]))
    return out


def compare(champion: dict[str, float | None], candidate: dict[str, float | None], tolerance: float) -> list[str]:
    """The guarded metrics on which the candidate is worse than the champion by more than `tolerance`."""
    worse = []
    for metric in GUARDED:
        old, new = champion.get(metric), candidate.get(metric)
        if old is not None and new is not None and new < old - tolerance:
            worse.append(f"{metric} {new:.4f} < {old:.4f}")
    return worse


def table(champion: dict[str, float | None], candidate: dict[str, float | None]) -> list[str]:
    """Side-by-side lines: metric, champion, candidate, difference, and a mark on guarded metrics."""
    lines = [f"{'metric':<28} {'in service':>10} {'candidate':>10} {'change':>8}"]
    for metric in dict.fromkeys([*champion, *candidate]):
        old, new = champion.get(metric), candidate.get(metric)
        change = f"{new - old:+.4f}" if old is not None and new is not None else "-"
        shown = [f"{v:.4f}" if v is not None else "-" for v in (old, new)]
        mark = "  guarded" if metric in GUARDED else ""
        lines.append(f"{metric:<28} {shown[0]:>10} {shown[1]:>10} {change:>8}{mark}")
    return lines


def promote(
    candidate: str | os.PathLike[str],
    *,
    champion_metrics: dict[str, float | None],
    candidate_metrics: dict[str, float | None],
    target: str | os.PathLike[str] = DEFAULT_BUNDLE,
    tolerance: float = DEFAULT_TOLERANCE,
    force: bool = False,
) -> dict[str, Any]:
    """Put `candidate` in service at `target` unless it is worse on a guarded metric (or `force`); record it.

    The copy is verified, then swapped in with two renames, so a reader sees the old bundle or the new one.
    Raises :class:`PromotionRefused` (after recording the refusal) when the gate says no.
    """
    source, target = Path(candidate), Path(target)
    card = verify_bundle(source)
    worse = compare(champion_metrics, candidate_metrics, tolerance)
    try:
        previous = str(read_card(target)["version"])
    except ModerationError:
        previous = None
    decision = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "candidate": str(source),
        "version": card["version"],
        "previous": previous,
        "promoted": not worse or force,
        "forced": bool(worse and force),
        "worse_on": worse,
        "tolerance": tolerance,
        "champion_metrics": champion_metrics,
        "candidate_metrics": candidate_metrics,
    }
    record = target.parent / PROMOTIONS
    with open(record, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(decision) + "\n")
    if worse and not force:
        raise PromotionRefused(
            f"candidate {card['version']} is worse than {previous}: {'; '.join(worse)} (--force to promote)"
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    shutil.rmtree(staging)
    shutil.copytree(source, staging)
    verify_bundle(staging)
    retired = target.with_name(f".{target.name}.retired-{os.getpid()}")
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    log.info("promoted %s (was %s) into %s", card["version"], previous, target)
    return decision


@dataclass(frozen=True)
class ModelEntry:
    """One bundle under the models folder."""

    path: Path
    version: str
    parent: str | None
    validation_abuse_auc: float | None
    current: bool


def list_models(
    models_dir: str | os.PathLike[str] = MODELS_DIR, current: str | os.PathLike[str] | None = None
) -> list[ModelEntry]:
    """Every bundle in `models_dir` with its parent and pooled validation AUC of abuse; `current` is the one in
    service (default: ``models_dir/default``)."""
    folder = Path(models_dir)
    in_service = Path(current) if current is not None else folder / "default"
    try:
        current_version = str(read_card(in_service)["version"])
    except ModerationError:
        current_version = None
    entries = []
    for path in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        try:
            card = read_card(path)
        except ModerationError:
            continue
        auc = (card.get("metrics", {}).get("abuse_validation_auc", {}).get("abuse") or {}).get("all")
        parent = (card.get("lineage") or {}).get("parent", {}).get("version")
        entries.append(ModelEntry(path, str(card["version"]), parent, auc, str(card["version"]) == current_version))
    return entries
