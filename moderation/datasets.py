"""Readers for the shared training data and the mapping of each dataset's labels onto ours.

Every abuse reader returns a frame with a `text` column and one float column per label in
:data:`LABELS`: 1.0 positive, 0.0 negative, NaN where the dataset says nothing about that label.
A NaN is masked out of training for that label, never read as a negative.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import gzip
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .contrast import contrast_rows
from .errors import DataNotFoundError
from .lexicon import names_person
from .normalize import normalize

log = logging.getLogger(__name__)

CATEGORIES: tuple[str, ...] = (
    "toxicity",
    "severe_toxicity",
    "identity_attack",
    "insult",
    "profanity",
    "threat",
)
"""The six abuse categories, named like Perspective's attributes."""

LABELS: tuple[str, ...] = ("abuse", *CATEGORIES)
"""Every trained head: the overall `abuse` probability, then one per category."""

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
"""``../shared/data`` beside the project's checkout."""


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """The shared data folder: `path`, else `$MODERATION_DATA`, else ``../shared/data`` beside the checkout."""
    return Path(path or os.environ.get("MODERATION_DATA") or DEFAULT_DATA_DIR)


def _require(path: Path) -> Path:
    if not path.exists():
        raise DataNotFoundError(f"training data not found: {path} (set --data or MODERATION_DATA)")
    return path


def _frame(texts: list[str] | pd.Series, labels: dict[str, object]) -> pd.DataFrame:
    """A frame of texts with every label column present (NaN where not given)."""
    df = pd.DataFrame({"text": list(texts)})
    for name in LABELS:
        value = labels.get(name, np.nan)
        df[name] = np.asarray(value, dtype=float) if not np.isscalar(value) else float(value)
    return df


def _where(mask: pd.Series | np.ndarray, value: float) -> np.ndarray:
    """`value` where `mask` holds, NaN elsewhere."""
    return np.where(np.asarray(mask, dtype=bool), value, np.nan)


def _combine(*parts: np.ndarray) -> np.ndarray:
    """The first non-NaN value of several partial label vectors."""
    out = np.full(len(parts[0]), np.nan)
    for part in parts:
        out = np.where(np.isnan(out), part, out)
    return out


def read_davidson(root: Path) -> pd.DataFrame:
    """Davidson et al. 2017 tweets: hate speech, offensive language, neither."""
    raw = pd.read_csv(_require(root / "davidson_labeled_data.csv.gz"))
    hate, offensive, neither = (raw["class"] == 0), (raw["class"] == 1), (raw["class"] == 2)
    return _frame(
        raw["tweet"],
        {
            "toxicity": _combine(_where(hate | offensive, 1.0), _where(neither, 0.0)),
            "identity_attack": _combine(_where(hate, 1.0), _where(neither, 0.0)),
            "insult": _where(neither, 0.0),
            "profanity": _where(neither, 0.0),
            "severe_toxicity": _where(neither, 0.0),
        },
    )


def read_toxic_spans(root: Path, split: str = "train") -> pd.DataFrame:
    """Toxic Spans (Civil Comments) with span types; every row is toxic as a whole.

    A type counts as positive when at least half the raters marked a span of it, negative (weakly)
    when none did, and unknown in between. `split` is ``train`` or ``trial``; training uses only
    ``train`` rows whose text is not also in ``trial``, which is kept for span evaluation.
    """
    raw = pd.read_csv(_require(root / "toxic_spans_types_train_trial.csv.gz"))
    if split == "train":
        trial_texts = set(raw.loc[raw["split"] == "trial", "text"])
        raw = raw[(raw["split"] == "train") & ~raw["text"].isin(trial_texts)]
    else:
        raw = raw[raw["split"] == split]
    n = raw["n_annotators"].clip(lower=1)
    labels: dict[str, object] = {"toxicity": np.ones(len(raw))}
    for ours, theirs in (
        ("insult", "n_insult"),
        ("threat", "n_threat"),
        ("identity_attack", "n_identity_based_attack"),
        ("profanity", "n_profane_obscene"),
    ):
        frac = raw[theirs] / n
        labels[ours] = _combine(_where(frac >= 0.5, 1.0), _where(frac == 0, 0.0))
    df = _frame(raw["text"], labels)
    df["spans"] = raw["spans"].to_numpy()
    return df


def read_olid(root: Path) -> pd.DataFrame:
    """OLID v1.0 (OffensEval 2019) tweets: offensive or not, targeted or not, and at whom.

    Offence aimed at an organisation, event or issue (target OTH) is no abuse of a person: `abuse` and
    `insult` 0, as for rudeness about a thing."""
    raw = pd.read_csv(_require(root / "olid_training_v1.0.tsv.gz"), sep="\t", quoting=3, dtype=str)
    off, nott = raw["subtask_a"] == "OFF", raw["subtask_a"] == "NOT"
    unt = raw["subtask_b"] == "UNT"
    tin = raw["subtask_b"] == "TIN"
    ind, oth = tin & (raw["subtask_c"] == "IND"), tin & (raw["subtask_c"] == "OTH")
    return _frame(
        raw["tweet"],
        {
            "abuse": _where(oth, 0.0),
            "toxicity": _combine(_where(off, 1.0), _where(nott, 0.0)),
            "insult": _combine(_where(ind, 1.0), _where(nott | unt | oth, 0.0)),
            "profanity": _combine(_where(unt, 1.0), _where(nott, 0.0)),
            "threat": _where(nott, 0.0),
            "identity_attack": _where(nott, 0.0),
        },
    )


def read_toxigen(root: Path) -> pd.DataFrame:
    """ToxiGen's human-written prompt statements about 16 identity groups, hateful or neutral."""
    path = _require(root / "toxigen_prompts.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        raw = pd.DataFrame([json.loads(line) for line in fh if line.strip()])
    raw = raw.drop_duplicates("text")
    hate, neutral = raw["label"] == "hate", raw["label"] == "neutral"
    zero = _where(neutral, 0.0)
    return _frame(
        raw["text"],
        {
            "toxicity": _combine(_where(hate, 1.0), zero),
            "identity_attack": _combine(_where(hate, 1.0), zero),
            "insult": zero,
            "profanity": zero,
            "threat": zero,
            "severe_toxicity": zero,
        },
    )


_SPACED_PUNCT = re.compile(r" ([.,!?;:)'\"])|([(\"]) ")


def read_stormfront(root: Path) -> pd.DataFrame:
    """Stormfront forum sentences (de Gibert et al. 2018): hate or not; `relation`/`idk` rows dropped."""
    raw = pd.read_csv(_require(root / "stormfront_hate_speech.csv.gz"))
    raw = raw[raw["label"].isin(["hate", "noHate"])]
    # The sentences are tokenised with spaces around punctuation; undo that so they read like comments.
    texts = raw["text"].astype(str).map(lambda t: _SPACED_PUNCT.sub(lambda m: m.group(1) or m.group(2), t))
    hate = raw["label"] == "hate"
    return _frame(
        texts,
        {"toxicity": _where(hate, 1.0), "identity_attack": np.where(hate, 1.0, 0.0)},
    )


_IDENTITY_COLUMNS = ("gender", "race", "national_origin", "disability", "religion", "sexual_orientation")


def read_ethos(root: Path) -> pd.DataFrame:
    """ETHOS YouTube and Reddit comments: hate fraction, plus target and violence for the hateful ones."""
    binary = pd.read_csv(_require(root / "ethos_binary.csv.gz"), sep=";")
    multi = pd.read_csv(_require(root / "ethos_multi_label.csv.gz"), sep=";").drop_duplicates("comment")
    raw = binary.merge(multi, on="comment", how="left")
    hate = raw["isHate"] >= 0.5
    identity = (raw[list(_IDENTITY_COLUMNS)] >= 0.5).any(axis=1)
    return _frame(
        raw["comment"],
        {
            "toxicity": _combine(_where(hate, 1.0), _where(raw["isHate"] == 0, 0.0)),
            "identity_attack": _combine(_where(hate & identity, 1.0), _where(~hate, 0.0)),
            # violence is rated for the hateful comments only: below 0.5 there, a known non-threat
            "threat": _combine(
                _where(hate & (raw["violence"] >= 0.5), 1.0), _where(hate & (raw["violence"] < 0.5), 0.0)
            ),
        },
    )


def _unescape_impermium(text: str) -> str:
    """Undo the Impermium file's wrapping quotes and Python-style escapes (`\\n`, `\\xa0`, `\\\\xc2\\\\xa0`)."""
    if text.startswith('"') and text.endswith('"') and len(text) >= 2:
        text = text[1:-1]
    for _ in range(2):
        if "\\" not in text:
            break
        try:
            text = codecs.decode(text.encode("latin-1", "backslashreplace"), "unicode_escape")
        except UnicodeDecodeError:
            break
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        # byte escapes of UTF-8 decode to mojibake: re-read them as UTF-8
        text = text.encode("latin-1").decode("utf-8")
    return text


def read_impermium(root: Path) -> pd.DataFrame:
    """Impermium 2012 insults in social commentary (news comments, forums, blogs)."""
    raw = pd.read_csv(_require(root / "impermium_insults_train.csv.gz"))
    insult = raw["Insult"] == 1
    return _frame(
        raw["Comment"].astype(str).map(_unescape_impermium),
        {"insult": np.where(insult, 1.0, 0.0), "toxicity": _where(insult, 1.0)},
    )


_JIGSAW = {
    "toxicity": "toxic",
    "severe_toxicity": "severe_toxic",
    "profanity": "obscene",
    "threat": "threat",
    "insult": "insult",
    "identity_attack": "identity_hate",
}


def read_jigsaw(root: Path) -> pd.DataFrame:
    """Jigsaw 2018 Wikipedia talk-page sample: all six categories annotated on every row."""
    raw = pd.read_csv(_require(root / "jigsaw2018_train_sample.csv.gz"))
    return _frame(raw["comment_text"], {ours: raw[theirs].astype(float) for ours, theirs in _JIGSAW.items()})


_PROFANE = re.compile(r"\b(?:fu+c?k|sh[iy]te?|shyt|crap|cunt|bitch|whore|slut|idiot|moron|stupid|dumb)", re.IGNORECASE)


def read_dragnet_comments(root: Path) -> pd.DataFrame:
    """Reader comments from the Dragnet training pages, as weak negatives: real blog and news comments,
    nearly all benign. Blocks under 40 characters (names, dates) and blocks with profanity, insults or
    attack evidence are left out, since a few comments are abusive."""
    from .lexicon import find_attacks

    pages, split = load_pages(root.parent)
    texts = {
        text
        for page in pages
        if split.get(page.id) == "train"
        for text, label in zip(page.texts, page.labels, strict=True)
        if label == "comment" and len(text) >= 40
    }
    kept = sorted(t for t in texts if not _PROFANE.search(t) and not find_attacks(normalize(t)))
    zero = np.zeros(len(kept))
    return _frame(kept, {"toxicity": zero, "identity_attack": zero, "insult": zero, "threat": zero})


def read_contrast(root: Path) -> pd.DataFrame:
    """The project's own contrast sentences (:mod:`moderation.contrast`): nothing is read from `root`."""
    rows = contrast_rows()
    return _frame(
        [text for text, _ in rows], {name: [labels.get(name, np.nan) for _, labels in rows] for name in LABELS}
    )


@dataclass(frozen=True)
class DatasetInfo:
    """What the card records of a training dataset, and how to read it.

    `folder` is the data folder's subfolder holding `files`; `weight` scales the dataset's rows in
    training (weak labels weigh less).
    """

    name: str
    files: tuple[str, ...]
    licence: str
    domain: str
    reader: Callable[[Path], pd.DataFrame]
    folder: str = "toxicity"
    weight: float = 1.0


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo(
            "jigsaw2018",
            ("jigsaw2018_train_sample.csv.gz",),
            "texts CC BY-SA 3.0 (Wikipedia), labels CC0",
            "Wikipedia talk pages",
            read_jigsaw,
        ),
        DatasetInfo(
            "toxic_spans",
            ("toxic_spans_types_train_trial.csv.gz",),
            "CC0 1.0",
            "news-site reader comments (Civil Comments)",
            read_toxic_spans,
        ),
        DatasetInfo("davidson", ("davidson_labeled_data.csv.gz",), "MIT", "tweets", read_davidson),
        DatasetInfo(
            "olid",
            ("olid_training_v1.0.tsv.gz",),
            "UNCLEAR (no licence stated; Twitter terms apply)",
            "tweets",
            read_olid,
        ),
        DatasetInfo(
            "toxigen",
            ("toxigen_prompts.jsonl.gz",),
            "CDLA-Permissive-2.0 (data), MIT (code)",
            "curated statements about identity groups",
            read_toxigen,
        ),
        DatasetInfo(
            "stormfront",
            ("stormfront_hate_speech.csv.gz",),
            "CC BY-SA 3.0 ES (share-alike)",
            "white-supremacist forum sentences",
            read_stormfront,
        ),
        DatasetInfo(
            "ethos",
            ("ethos_binary.csv.gz", "ethos_multi_label.csv.gz"),
            "GPL-3.0 (copyleft)",
            "YouTube and Reddit comments",
            read_ethos,
        ),
        DatasetInfo(
            "impermium",
            ("impermium_insults_train.csv.gz",),
            "UNCLEAR (Kaggle competition data; treat as research-only)",
            "news comments, forums and blogs",
            read_impermium,
        ),
        DatasetInfo(
            "dragnet_comments",
            ("dragnet_pages.jsonl.gz", "dragnet_split.tsv"),
            "AGPL-3.0 (Dragnet benchmark data)",
            "blog and news reader comments, as weak negatives",
            read_dragnet_comments,
            folder="pages",
            weight=0.5,
        ),
        DatasetInfo(
            "contrast",
            (),
            "CC0 1.0 (written by this project in moderation/contrast.py and dedicated to the public domain)",
            "template minimal pairs: attacks beside the same words negated, reported, condemned or aimed at things",
            read_contrast,
            folder=".",
            weight=2.0,
        ),
    )
}
"""Every abuse dataset the trainer knows, keyed by the name `--datasets` takes."""


def _derive_labels(df: pd.DataFrame, aimed: np.ndarray | None = None) -> pd.DataFrame:
    """Fill the labels no dataset annotates directly, by documented rules.

    - `severe_toxicity`, where the dataset does not annotate it: positive for a threat that is also an
      identity attack or an insult (hate or abuse combined with a threat), otherwise unknown.
    - `abuse`, abuse aimed at people: positive when an attack category (identity attack, insult, threat,
      severe toxicity) is positive, or toxicity is positive and the row is not profanity that its
      dataset says targets no one (OLID's untargeted profanity); negative when toxicity is known to be 0
      or for that untargeted profanity; otherwise unknown. Toxicity alone in a text that names no person
      or group (`aimed` false: "this article is garbage") is unknown too: it may be rudeness about a thing.
      An `insult` label on such a text is made unknown first, for the same reason.
      A dataset that annotates `abuse` itself (OLID's offence aimed at a thing, the contrast sentences'
      rudeness about objects) keeps its own value.
    """
    aimed = np.ones(len(df), dtype=bool) if aimed is None else np.asarray(aimed, dtype=bool)
    # An insult label on a text that names no one ("what an idiotic article") marks rudeness about a thing,
    # which the product's insult category does not cover: unknown, not positive.
    df["insult"] = np.where((df["insult"] == 1.0) & ~aimed, np.nan, df["insult"])
    severe = (df["threat"] == 1.0) & ((df["identity_attack"] == 1.0) | (df["insult"] == 1.0))
    df["severe_toxicity"] = np.where(df["severe_toxicity"].isna() & severe, 1.0, df["severe_toxicity"])
    attack = (df[["identity_attack", "insult", "threat", "severe_toxicity"]] == 1.0).any(axis=1)
    untargeted = (df["profanity"] == 1.0) & (df["insult"] == 0.0) & ~attack
    positive = attack | ((df["toxicity"] == 1.0) & ~untargeted & aimed)
    negative = (df["toxicity"] == 0.0) | untargeted
    derived = np.where(positive, 1.0, np.where(negative, 0.0, np.nan))
    df["abuse"] = np.where(df["abuse"].notna(), df["abuse"], derived)
    return df


def split_of(text: str, seed: int = 0, valid_fraction: float = 0.2) -> str:
    """``valid`` or ``train``, fixed by a hash of the normalised text so duplicates never straddle."""
    digest = hashlib.sha256(f"{seed}:{normalize(text)}".encode()).digest()
    return "valid" if int.from_bytes(digest[:8], "big") / 2**64 < valid_fraction else "train"


def load_abuse_data(
    root: str | os.PathLike[str] | None = None,
    datasets: list[str] | None = None,
    seed: int = 0,
    valid_fraction: float = 0.2,
) -> pd.DataFrame:
    """All chosen abuse datasets in one frame: `text`, `dataset`, `split` and the :data:`LABELS`.

    Texts are deduplicated across datasets by normalised form (the first dataset in
    :data:`DATASETS` order keeps a duplicate), and each text is put in ``train`` or ``valid`` by hash.
    """
    base = data_dir(root)
    _require(base / "toxicity")
    names = list(DATASETS) if datasets is None else datasets
    unknown = sorted(set(names) - set(DATASETS))
    if unknown:
        raise ValueError(f"unknown dataset(s): {', '.join(unknown)}; known: {', '.join(DATASETS)}")
    frames = []
    for name in DATASETS:
        if name not in names:
            continue
        df = DATASETS[name].reader(base / DATASETS[name].folder)
        df["dataset"] = name
        frames.append(df)
        log.info("read %s: %d rows", name, len(df))
    data = pd.concat(frames, ignore_index=True)
    data["text"] = data["text"].astype(str)
    data = data[data["text"].str.strip() != ""]
    data["_key"] = data["text"].map(normalize)
    data = data.drop_duplicates("_key").reset_index(drop=True)
    data = _derive_labels(data, data.pop("_key").map(names_person).to_numpy())
    data["split"] = [split_of(t, seed, valid_fraction) for t in data["text"]]
    return data


@dataclass(frozen=True)
class Page:
    """A labelled page: its blocks' texts and labels in page order."""

    id: str
    texts: list[str]
    labels: list[str]


_COMMENT_COUNT = re.compile(r"^\W*(?:\d+|no|one)\s+(?:comments?|responses?|replies|thoughts?)\b|^comments?\s*\(\d+\)")
"""A comment-count line: "37 comments", "{ 18 comments… read them below or add one }", "Comments (87)"."""


def _dated_header(text: str) -> bool:
    """A comment header with a date, a time or a closing colon ("X says:"): not a line that names today."""
    from .segment import is_comment_header  # late: the segmenter's module is not needed to read data

    return is_comment_header(text) and (any(c.isdigit() for c in text) or text.rstrip().endswith(":"))


def comment_thread_in_article(page: Page) -> int | None:
    """Where a reader-comment thread that the page's gold labels count as article starts (its comment-count
    line), or None.

    The Dragnet gold text of a few pages pastes the reader comments into the main content, and the labels
    come from aligning that text (see the pages README). Such a thread shows, on a page with no comment
    block, as a comment-count line followed within six blocks by a comment header labelled article (a line
    with a date or time, "X says:", "by X on ...") and by at least three such headers in all.
    """
    if "comment" in page.labels:
        return None
    headers = [
        j
        for j, (text, label) in enumerate(zip(page.texts, page.labels, strict=True))
        if label == "article" and _dated_header(text)
    ]
    for i, text in enumerate(page.texts):
        if _COMMENT_COUNT.search(normalize(text)):
            after = headers[bisect.bisect_right(headers, i) :]
            if len(after) >= 3 and after[0] <= i + 6:
                return i
    return None


def relabel_comment_thread(page: Page) -> Page:
    """`page` with a thread found by :func:`comment_thread_in_article` labelled as the pages label comment
    sections (its count line boilerplate, its blocks comments); any other page as it is."""
    start = comment_thread_in_article(page)
    if start is None:
        return page
    labels = [
        "boilerplate" if i == start else "comment" if i > start and label == "article" else label
        for i, label in enumerate(page.labels)
    ]
    return Page(page.id, page.texts, labels)


def load_pages(root: str | os.PathLike[str] | None = None) -> tuple[list[Page], dict[str, str]]:
    """The Dragnet pages and the benchmark's own split (page id → ``train``/``test``)."""
    base = data_dir(root) / "pages"
    pages = []
    with gzip.open(_require(base / "dragnet_pages.jsonl.gz"), "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                doc = json.loads(line)
                pages.append(Page(doc["id"], [b["text"] for b in doc["blocks"]], [b["label"] for b in doc["blocks"]]))
    split = pd.read_csv(_require(base / "dragnet_split.tsv"), sep="\t")
    return pages, dict(zip(split["id"], split["split"], strict=True))
