"""Model bundles on disk: fitted pipelines as joblib files plus `card.json`, verified before loading.

A bundle is a folder. `card.json` records how the models were made (data, licences, parameters,
library versions, metrics, thresholds) and the sha256 of every artifact; :func:`load_bundle`
checks those digests *before* unpickling anything, so a tampered or truncated file is refused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
from sklearn.base import BaseEstimator

from .errors import BundleError, BundleIntegrityError

log = logging.getLogger(__name__)

CARD = "card.json"
ARTIFACTS = {"abuse": "abuse.joblib", "segmenter": "segmenter.joblib"}
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
"""Where bundles live: the one in service in ``default/``, retrained candidates in ``<version>/``."""
DEFAULT_BUNDLE = MODELS_DIR / "default"


def default_bundle_path() -> Path:
    """The bundle to use when none is named: `$MODERATION_MODEL`, else the shipped ``models/default``."""
    return Path(os.environ.get("MODERATION_MODEL") or DEFAULT_BUNDLE)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_VOLATILE_ATTRIBUTES = ("_stop_words_id",)
"""Fitted attributes holding a memory address (scikit-learn's text vectorisers cache `id(stop_words)`)."""


def _canonicalise(obj: Any, seen: set[int] | None = None) -> None:
    """Make every estimator reachable from `obj` pickle the same way whatever process fitted it, in place.

    Two identical fits can otherwise pickle differently: a vectoriser caches a memory address, and
    pickle shares a string between attributes only when the process happened to hold one object for
    both. Dropping the address and interning attribute names and string values fixes both, so the
    same data and seed give the same artifact digests.
    """
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, BaseEstimator):
        state = {
            sys.intern(key): sys.intern(value) if isinstance(value, str) else value
            for key, value in vars(obj).items()
            if key not in _VOLATILE_ATTRIBUTES
        }
        obj.__dict__.clear()
        obj.__dict__.update(state)
        children: Any = list(state.values())
    elif isinstance(obj, list | tuple):
        children = obj
    elif isinstance(obj, dict):
        children = list(obj.values())
    else:
        return
    for child in children:
        _canonicalise(child, seen)


@dataclass
class Bundle:
    """A loaded bundle: its folder, its card and its fitted models by name (every model the card lists, or
    the ones asked for: see :func:`load_bundle`)."""

    path: Path
    card: dict[str, Any]
    models: dict[str, Any]


def save_bundle(path: str | os.PathLike[str], models: dict[str, Any], card: dict[str, Any]) -> Path:
    """Write `models` (name → fitted object) and `card` to the folder `path`, atomically.

    Saving is byte-for-byte reproducible: the same fitted models give the same digests. The artifacts
    are written to a temporary sibling folder, their digests and sizes recorded in the
    card, and the folder renamed into place, so a reader never sees a half-written bundle.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a bundle is read by other users (the service's)
    try:
        artifacts = {}
        for name, model in models.items():
            _canonicalise(model)
            filename = ARTIFACTS.get(name, f"{name}.joblib")
            joblib.dump(model, tmp / filename, compress=("zlib", 3))
            artifacts[name] = {
                "file": filename,
                "sha256": sha256_file(tmp / filename),
                "bytes": (tmp / filename).stat().st_size,
            }
        # The version names the exact models: a digest of the artifacts' digests, unless the card sets one.
        fingerprint = hashlib.sha256("".join(a["sha256"] for a in artifacts.values()).encode()).hexdigest()
        card = {"version": fingerprint[:12], **card, "artifacts": artifacts}
        (tmp / CARD).write_text(json.dumps(card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        if target.exists():
            backup = target.with_name(f".{target.name}.old")
            shutil.rmtree(backup, ignore_errors=True)
            target.rename(backup)
            tmp.rename(target)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("wrote bundle %s", target)
    return target


def read_card(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The card of the bundle at `path`, without loading any model."""
    card_path = Path(path) / CARD
    if not card_path.is_file():
        raise BundleError(f"not a model bundle: {card_path} is missing")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"unreadable model card {card_path}: {exc}") from exc
    if not isinstance(card, dict) or not isinstance(card.get("artifacts"), dict):
        raise BundleError(f"model card {card_path} lists no artifacts")
    return card


def verify_bundle(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Check every artifact against the card's sha256; return the card or raise `BundleIntegrityError`."""
    folder = Path(path)
    card = read_card(folder)
    for name, meta in card["artifacts"].items():
        file = folder / meta["file"]
        if not file.is_file():
            raise BundleIntegrityError(f"bundle {folder}: artifact {name} ({meta['file']}) is missing")
        actual = sha256_file(file)
        if actual != meta["sha256"]:
            raise BundleIntegrityError(
                f"bundle {folder}: {meta['file']} has sha256 {actual[:12]}…, the card says {meta['sha256'][:12]}…; "
                "refusing to load it"
            )
    return card


def load_bundle(path: str | os.PathLike[str] | None = None, models: Collection[str] | None = None) -> Bundle:
    """Verify, then load, the bundle at `path` (default: :func:`default_bundle_path`).

    Every artifact is checked against the card; only `models` (names the card lists; default all) are
    unpickled, so a job that needs one model does not hold the others in memory.
    """
    folder = Path(path) if path is not None else default_bundle_path()
    card = verify_bundle(folder)
    artifacts = card["artifacts"]
    wanted = list(artifacts) if models is None else list(models)
    missing = [name for name in wanted if name not in artifacts]
    if missing:
        raise BundleError(f"bundle {folder} has no {', '.join(missing)} model")
    loaded = {}
    for name in wanted:
        meta = artifacts[name]
        try:
            loaded[name] = joblib.load(folder / meta["file"])
        except Exception as exc:  # a verified file that still fails to unpickle: wrong library versions
            raise BundleError(f"bundle {folder}: cannot load {meta['file']}: {exc}") from exc
    return Bundle(folder, card, loaded)
