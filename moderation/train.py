"""Training of a complete bundle from the shared data: the abuse model, the segmenter and the card.

Deterministic for a given data folder, dataset choice and seed, so re-running the command that
built the shipped bundle reproduces it.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import random
import shutil
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from . import __version__
from .abuse import build_abuse_pipeline
from .bundle import MODELS_DIR, default_bundle_path, read_card, save_bundle, sha256_file
from .compiled import compile_abuse_model
from .datasets import DATASETS, LABELS, Page, data_dir, load_abuse_data, load_pages, read_toxic_spans
from .errors import BundleError, TrainingDataError
from .evaluate import (
    at_prevalence,
    auc_table,
    calibration_table,
    crop,
    dataset_weights,
    segment_report,
    threshold_at_precision,
)
from .explain import (
    TAGGER_FOLDS,
    SpanTagger,
    choose_cutoff,
    choose_tagger_cutoff,
    comments_words,
    fit_tagger,
    word_labels,
)
from .feedback import FEEDBACK_DATASET, read_feedback_files
from .moderator import ATTACK_CATEGORIES, DEFAULT_FLAG_ON, decide, flag_mask
from .segment import PageSegmenter

log = logging.getLogger(__name__)

TARGET_PRECISION = 0.8
"""Precision every threshold is chosen to reach on the validation split..."""

ASSUMED_PREVALENCE = 0.1
"""...at this share of abusive comments. The pooled validation split is mostly positive (the public
sets are enriched in abuse), so precision measured on it as it stands would promise far more than a
comment section with a tenth of its comments abusive gets; validation classes are reweighted to this
prevalence before the threshold is chosen."""

CALIBRATION_FOLDS = 3
"""Folds of the out-of-fold decision values each head's calibration is fitted on."""

DATASET_CAP = 8000
"""No dataset weighs more than this many rows in training or threshold choice."""

COMMENT_DATASETS = ("toxic_spans", "impermium", "jigsaw2018")
"""Reader-comment corpora whose texts are appended to article prose to make extra training pages."""

COMMENT_PAGES = 1
"""Pages of form 3 (article, then reader comments alone) made of each training page (two, with a strongly
regularised stage one, found the comments of more such pages in ``benchmarks/segment_dev.py`` but not
those of the seed page; see the README)."""

FOOTER_BLOCKS = 5
"""Blocks of site chrome kept after a page's last article or comment block in its fourth training form.
Cropped at both ends, no training page went on past its content: footers, related links and "Comments
are closed." lines were read as a comment section, and bare comments after an article were missed on
sites never seen. With this form the blind pages' comments are found far better, at a cost on the Dragnet
test split, whose pages share the training pages' sites (``benchmarks/segment_dev.py --footer-blocks``,
``benchmarks/blind_pages.py``; see the README)."""

PAGES_LICENCE = "AGPL-3.0 (Dragnet benchmark data, seomoz/dragnet_data)"

FEEDBACK_WEIGHT = 5.0
"""Default weight of one moderator decision, in base training rows."""


def row_weights(frame: pd.DataFrame, feedback_weight: float = FEEDBACK_WEIGHT) -> np.ndarray:
    """Training weight of each row: no dataset counts for more than `DATASET_CAP` rows, weak sets weigh less,
    and a moderator's decision weighs `feedback_weight` rows (it is the site's own judgement)."""
    strength = frame["dataset"].map(
        lambda name: DATASETS[name].weight if name in DATASETS else feedback_weight if name == FEEDBACK_DATASET else 1.0
    )
    weights = dataset_weights(frame["dataset"], DATASET_CAP).copy()
    weights[(frame["dataset"] == FEEDBACK_DATASET).to_numpy()] = 1.0  # feedback is never capped
    return weights * strength.to_numpy(dtype=float)


def fit_abuse(
    train: pd.DataFrame, seed: int = 0, n_jobs: int | None = None, feedback_weight: float = FEEDBACK_WEIGHT
) -> Pipeline:
    """Fit the abuse pipeline on the training rows, datasets weighted so none dominates."""
    pipeline = build_abuse_pipeline(n_jobs=n_jobs)
    pipeline.set_params(
        heads__random_state=seed, heads__prevalence=ASSUMED_PREVALENCE, heads__calibration_cv=CALIBRATION_FOLDS
    )
    weights = row_weights(train, feedback_weight)
    pipeline.fit(train["text"].tolist(), train[list(LABELS)].to_numpy(), heads__sample_weight=weights)
    return pipeline


def fit_span_tagger(
    abuse: Pipeline,
    root: Path,
    trial_texts: Sequence[str],
    trial_gold: Sequence[set[int]],
    thresholds: dict[str, float],
    flag_thresholds: dict[str, float],
    abuse_floor: float = 0.0,
    n_jobs: int | None = -1,
) -> tuple[SpanTagger | None, float, float, float]:
    """The span tagger, fitted on the spans marked in the Toxic Spans training comments; the cutoff with the
    best character F1 on the trial comments taken as toxic (the task's premise: each comment is, and the
    question is which part), that F1, and the F1 at that cutoff when the model's own verdict decides which
    comments are toxic (as :meth:`Moderator.explain` does). No tagger (``None``, zeros) when the training
    comments mark no spans, or every word. The comments' occlusion and the tagger's first-stage folds run in
    `n_jobs` processes."""
    scorer = compile_abuse_model(abuse)
    train = read_toxic_spans(root / "toxicity", split="train")
    words = comments_words(scorer, train["text"].tolist(), n_jobs)
    gold = [set(json.loads(spans)) for spans in train["spans"]]
    if len({label for w, g in zip(words, gold, strict=True) for label in word_labels(w, g)}) < 2:
        log.warning("the Toxic Spans training comments give one class of word only: no span tagger")
        return None, 0.0, 0.0, 0.0
    tagger = fit_tagger(train["text"].tolist(), words, gold, n_jobs=n_jobs)
    trial_words = comments_words(scorer, list(trial_texts), n_jobs)
    cutoff, f1 = choose_tagger_cutoff(tagger, trial_texts, trial_words, trial_gold, [True] * len(trial_texts))
    verdicts = decide(
        scorer.predict_proba(list(trial_texts)), thresholds, DEFAULT_FLAG_ON, flag_thresholds, abuse_floor
    )
    toxic = [verdict.toxic for verdict in verdicts]
    _, gated = choose_tagger_cutoff(tagger, trial_texts, trial_words, trial_gold, toxic, grid=[cutoff])
    log.info(
        "explanations by the span tagger (%d training comments): cutoff %.2f, trial F1 %.4f (%.4f where the "
        "model's verdict decides which comments are toxic)",
        len(words),
        cutoff,
        f1,
        gated,
    )
    return tagger, cutoff, f1, gated


def _validation_rows(
    valid: pd.DataFrame, label: str, weights: np.ndarray, prevalence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The validation rows annotating `label`: their mask, their labels and their weights, classes
    rescaled to `prevalence` (what every threshold and the floor are chosen on)."""
    known = valid[label].notna().to_numpy()
    y = valid[label].to_numpy()[known]
    return known, y, at_prevalence(y, weights[known], prevalence)


def choose_thresholds(
    proba: np.ndarray,
    valid: pd.DataFrame,
    precision: float = TARGET_PRECISION,
    prevalence: float = ASSUMED_PREVALENCE,
) -> dict[str, float]:
    """Per-label thresholds reaching `precision` at `prevalence` on the validation rows annotating each label.

    Rows are weighted as in training (no dataset dominates), then positives and negatives rescaled to
    `prevalence` and ``1 - prevalence`` of the total weight.
    """
    base = row_weights(valid)
    out = {}
    for j, label in enumerate(LABELS):
        known, y, w = _validation_rows(valid, label, base, prevalence)
        if not 0 < y.sum() < len(y):
            log.warning("validation rows of %s hold one class only; its threshold is not reliable", label)
        out[label] = round(threshold_at_precision(y, proba[known, j], precision, w), 6)
    return out


def choose_flag_thresholds(
    proba: np.ndarray,
    valid: pd.DataFrame,
    thresholds: dict[str, float],
    precision: float = TARGET_PRECISION,
    prevalence: float = ASSUMED_PREVALENCE,
) -> dict[str, float]:
    """Thresholds that flag: each label's own, except toxicity's, which must reach `precision` for abuse
    aimed at people (the `abuse` label), so profanity that attacks no one does not flag."""
    out = dict(thresholds)
    known, y, w = _validation_rows(valid, "abuse", row_weights(valid), prevalence)
    toxicity = proba[known, LABELS.index("toxicity")]
    out["toxicity"] = round(max(thresholds["toxicity"], threshold_at_precision(y, toxicity, precision, w)), 6)
    return out


ABUSE_FLOORS = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2)
"""The floors :func:`choose_abuse_floor` tries."""
MAX_RECALL_LOSS = 0.001
"""How much of the validation's abuse an abuse floor may leave unflagged (a share of all of it)."""


def choose_abuse_floor(
    proba: np.ndarray,
    valid: pd.DataFrame,
    flag_thresholds: dict[str, float],
    flag_on: Sequence[str] = DEFAULT_FLAG_ON,
    max_loss: float = MAX_RECALL_LOSS,
    prevalence: float = ASSUMED_PREVALENCE,
) -> float:
    """The highest `abuse` probability an attack category must also see to flag (see
    :func:`moderation.moderator.decide`) that loses at most `max_loss` of the flag recall on the validation
    rows annotating `abuse` (weighted as the thresholds are). A category head trained on a few hundred
    positives (threat) reads words the abuse head, trained on every attack, has learned are harmless in
    context; the floor lets the abuse head veto where it is sure, and nowhere it is not."""
    known, y, w = _validation_rows(valid, "abuse", row_weights(valid), prevalence)
    positives = (w * y).sum()

    def recall(floor: float) -> float:
        flagged = flag_mask(proba[known], flag_on, flag_thresholds, floor)
        return float((w * y * flagged).sum() / positives) if positives else 0.0

    full = recall(0.0)
    return max(floor for floor in ABUSE_FLOORS if recall(floor) >= full - max_loss)


def page_variants(
    pages: Sequence[Page],
    comments: Sequence[str],
    seed: int = 0,
    comment_pages: int = COMMENT_PAGES,
    footer_blocks: int = 0,
) -> tuple[list[list[str]], list[list[str]], list[bool]]:
    """Training pages for the segmenter, in three or four forms each, and whether each form is a real page.

    1. the page cropped to its article-to-comments span, as the product receives scraped pages;
    2. the same with its boilerplate removed ("one paragraph a line" input without page chrome);
    3. its article blocks followed by a few reader comments drawn from `comments`, one paragraph a
       line, with no commenter names or dates: pages as a comment system exports them. These are made
       up, not real pages (``benchmarks/segment_dev.py`` fits decoders with and without them).
       `comment_pages` such pages are made of each page, each with comments of its own;
    4. with `footer_blocks`, the page from its first non-boilerplate block to up to `footer_blocks` blocks
       past its last (footer, related links, "Comments are closed."), as pages are scraped whole; only for
       pages that go on past their content.

    Each page gives its forms in that order: 1, 2, the `comment_pages` pages of form 3, then form 4.
    """
    rng = random.Random(seed)
    texts_out: list[list[str]] = []
    labels_out: list[list[str]] = []
    real: list[bool] = []
    for page in pages:
        texts, labels = crop(page)
        if not texts:
            continue
        texts_out.append(texts)
        labels_out.append(labels)
        kept = [(t, lab) for t, lab in zip(texts, labels, strict=True) if lab != "boilerplate"]
        texts_out.append([t for t, _ in kept])
        labels_out.append([lab for _, lab in kept])
        real += [True, True]
        article = [t for t, lab in kept if lab == "article"]
        for _ in range(comment_pages if comments else 0):
            drawn = rng.sample(list(comments), min(len(comments), rng.randint(1, 12)))
            extra = [p.strip() for c in drawn for p in c.splitlines()]
            extra = [p for p in extra if p]
            texts_out.append(article + extra)
            labels_out.append(["article"] * len(article) + ["comment"] * len(extra))
            real.append(False)
        whole_texts, whole_labels = crop(page, after=footer_blocks)
        if len(whole_texts) > len(texts):
            texts_out.append(whole_texts)
            labels_out.append(whole_labels)
            real.append(True)
    return texts_out, labels_out, real


def abuse_description(abuse: Pipeline) -> str:
    """What the card says the abuse model is, read off the fitted pipeline."""
    slur_token, _ = abuse.named_steps["views"].slur_masking()
    features = abuse.named_steps["features"]
    attack = features.named_transformers_["attack"]
    weight = (features.transformer_weights or {}).get("attack", 1.0)
    return (
        "de-obfuscating NFKC/casefold normalisation; mentioned (negated, quoted, rejected) words masked; TF-IDF "
        "word 1-2-grams + char_wb 2-5-grams of the text without identity terms"
        + (", every slur and misspelt slur one token" if slur_token else "")
        + f"; attack features ({', '.join(attack.fitted_features())}) scaled by {weight:g}; one logistic "
        "regression per label on the rows that annotate it, Platt-calibrated"
    )


def explanation_method(tagger: SpanTagger | None) -> str:
    """What the card says explanations are, read off the fitted span tagger (``None``: occlusion alone)."""
    if tagger is None:
        return (
            "occlusion: a word's weight is the fall in a label's decision value when it is removed; words whose "
            "toxicity weight reaches the cutoff are highlighted, neighbours merged, each span labelled with the "
            "category it raises most"
        )
    second = ""
    if getattr(tagger, "refiner_", None) is not None:
        alpha, power = tagger.decoder_
        params = getattr(tagger, "refiner_params_", None)
        settings = f" ({', '.join(f'{k} {v:g}' for k, v in params.items())})" if params else ""
        second = (
            f"; gradient-boosted trees{settings} over that probability read against the rest of the comment "
            f"(fitted on {TAGGER_FOLDS}-fold out-of-fold probabilities) and, per comment, the words with the best "
            f"expected character F1 (alpha {alpha:g}, power {power:g}; both chosen on the training comments)"
        )
    return (
        "span tagger: a logistic regression over each word's occlusion weights (the fall in every label's "
        "decision value when the word is removed), its form, character n-grams and neighbours, fitted on the "
        f"spans marked in the Toxic Spans training comments{second}; of those, words whose probability reaches "
        "the cutoff are highlighted in a comment that is flagged or has a reason (at least its strongest word; "
        "none in other comments), neighbours merged, each span labelled with the category its words raise most"
    )


def _library_versions() -> dict[str, str]:
    names = ("scikit-learn", "numpy", "scipy", "joblib", "pandas")
    return {"python": platform.python_version(), **{n: metadata.version(n) for n in names}}


def _file_record(path: Path) -> dict[str, Any]:
    return {"file": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size}


def train_bundle(
    data: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] | None = "models/default",
    datasets: list[str] | None = None,
    seed: int = 0,
    name: str = "default",
    feedback: Sequence[str | os.PathLike[str]] = (),
    feedback_weight: float = FEEDBACK_WEIGHT,
    parent: str | os.PathLike[str] | None = None,
) -> Path:
    """Train both models on the shared data and write a verified bundle with its card to `out`.

    `feedback` files (see :mod:`moderation.feedback`) add the moderators' decisions to the base data, each
    row weighing `feedback_weight` base rows; their held-out fifth joins the validation split. `out=None`
    writes to ``models/<version>/`` (the version is the bundle's digest). The card records the lineage:
    the `parent` bundle's version (default: the bundle in service), every data file with its sha256 and
    row count, and the parameters.
    """
    root = data_dir(data)
    started = time.monotonic()
    chosen = list(DATASETS) if datasets is None else datasets
    frame = load_abuse_data(root, chosen, seed=seed)
    feedback_frame = read_feedback_files(feedback, seed) if feedback else None
    if feedback_frame is not None:
        frame = pd.concat([frame, feedback_frame], ignore_index=True)
        log.info(
            "feedback: %d decisions from %d file(s), weight %g each",
            len(feedback_frame),
            len(feedback),
            feedback_weight,
        )
    train, valid = frame[frame["split"] == "train"], frame[frame["split"] == "valid"]
    for label in LABELS:
        known = train[label].dropna()
        if known.nunique() < 2:
            raise TrainingDataError(
                f"the chosen datasets ({', '.join(chosen)}) give no {'positive' if (known == 0).all() else 'negative'} "
                f"training rows for {label}; add a dataset that annotates it (jigsaw2018 annotates every label)"
            )
    log.info("abuse model: %d training rows, %d validation rows", len(train), len(valid))
    abuse = fit_abuse(train, seed, n_jobs=-1, feedback_weight=feedback_weight)
    valid_proba = abuse.predict_proba(valid["text"].tolist())
    thresholds = choose_thresholds(valid_proba, valid)
    flag_thresholds = choose_flag_thresholds(valid_proba, valid, thresholds)
    abuse_floor = choose_abuse_floor(valid_proba, valid, flag_thresholds)
    log.info("flag policy: categories flag where abuse is at least %.2f", abuse_floor)
    aucs = auc_table(valid_proba, valid)
    ece = calibration_table(valid_proba, valid, row_weights(valid), ASSUMED_PREVALENCE)
    log.info("expected calibration error (validation, at prevalence %s): %s", ASSUMED_PREVALENCE, ece)
    log.info("abuse AUC (validation, pooled): %s", {k: v.get("all") for k, v in aucs.items()})

    trial = read_toxic_spans(root / "toxicity", split="trial")
    gold = [set(json.loads(spans)) for spans in trial["spans"]]
    occlusion_cutoff, occlusion_f1 = choose_cutoff(abuse, trial["text"].tolist(), gold)
    log.info(
        "explanations by occlusion: cutoff %.2f, Toxic Spans trial character F1 %.4f", occlusion_cutoff, occlusion_f1
    )
    tagger, cutoff, spans_f1, gated_f1 = fit_span_tagger(
        abuse, root, trial["text"].tolist(), gold, thresholds, flag_thresholds, abuse_floor
    )
    if tagger is None:
        cutoff, spans_f1 = occlusion_cutoff, occlusion_f1

    pages, split = load_pages(root)
    train_pages = [p for p in pages if split.get(p.id) == "train"]
    test_pages = [p for p in pages if split.get(p.id) == "test"]
    comment_texts = [t for t in train.loc[train["dataset"].isin(COMMENT_DATASETS), "text"] if 20 <= len(t) <= 1500]
    texts, labels, _ = page_variants(train_pages, comment_texts, seed, COMMENT_PAGES, FOOTER_BLOCKS)
    log.info("segmenter: %d training pages (%d Dragnet pages in several forms)", len(texts), len(train_pages))
    segmenter = PageSegmenter().fit(texts, labels)
    seg_metrics = segment_report(segmenter, test_pages)
    log.info("segmentation (Dragnet test): %s", seg_metrics["per_label"])
    stage_one = (
        f"word TF-IDF into a logistic regression (C {segmenter.text_C})"
        + (f", character TF-IDF into another (C {segmenter.char_C})" if segmenter.char_C is not None else "")
        + (
            f", and TF-IDF of its style (closed-class words, word lengths, punctuation) into another "
            f"(C {segmenter.style_C})"
            if segmenter.style_C is not None
            else ""
        )
    )

    counts = frame.groupby(["dataset", "split"]).size().unstack(fill_value=0)
    card: dict[str, Any] = {
        "name": name,
        "package_version": __version__,
        "task": "reader-comment moderation: page segmentation and abuse scoring",
        "labels": list(LABELS),
        "training": {
            "command": f"moderation train --out {out}"
            + (f" --datasets {','.join(chosen)}" if datasets else "")
            + (f" --seed {seed}" if seed else ""),
            "seed": seed,
            "seconds": None,
            "abuse_datasets": [
                {
                    "name": ds,
                    "licence": DATASETS[ds].licence,
                    "domain": DATASETS[ds].domain,
                    "files": [_file_record(root / DATASETS[ds].folder / f) for f in DATASETS[ds].files],
                    "rows_train": int(counts.loc[ds].get("train", 0)) if ds in counts.index else 0,
                    "rows_valid": int(counts.loc[ds].get("valid", 0)) if ds in counts.index else 0,
                    "labels_annotated": [lab for lab in LABELS if frame.loc[frame["dataset"] == ds, lab].notna().any()],
                }
                for ds in chosen
            ],
            "pages": {
                "name": "dragnet",
                "licence": PAGES_LICENCE,
                "files": [_file_record(root / "pages" / f) for f in ("dragnet_pages.jsonl.gz", "dragnet_split.tsv")],
                "pages_train": len(train_pages),
                "pages_test": len(test_pages),
                "augmentation": "each train page cropped, without boilerplate, as its article followed by "
                f"1-12 reader comments from the training rows of {', '.join(COMMENT_DATASETS)}"
                + (f" ({COMMENT_PAGES} such pages, each with comments of its own)" if COMMENT_PAGES > 1 else "")
                + (
                    f", and with up to {FOOTER_BLOCKS} blocks of the site's footer after its content"
                    if FOOTER_BLOCKS
                    else ""
                ),
            },
            "split": "20 % of abuse texts held out for validation by sha256 of the normalised text (seed "
            f"{seed}), after cross-dataset deduplication; the Dragnet benchmark's own train/test split",
            "weighting": f"each dataset weighs at most {DATASET_CAP} rows; classes balanced per head",
            "label_mapping": "as suggested by the data README; a label a dataset does not annotate is masked "
            "out of that head, never a negative",
            "derived_labels": {
                "abuse": "the dataset's own value where it gives one (OLID offence aimed at an organisation, "
                "event or issue: 0; the contrast sentences); else positive when an attack category is positive "
                "or toxicity is positive in a text that names a person or group, negative when toxicity is "
                "known negative or for untargeted profanity, otherwise unknown",
                "severe_toxicity": "annotated only by jigsaw2018 (severe_toxic); elsewhere positive for a "
                "threat that is also an identity attack or an insult, otherwise unknown; weak negatives "
                "from rows their dataset marks clean (davidson 'neither', toxigen 'neutral')",
            },
        },
        "model": {
            "abuse": abuse_description(abuse),
            "segmenter": f"block {stage_one}; its outputs with shape, position and neighbour features into a "
            "multinomial logistic regression; Viterbi decoding under 'article, then comments, boilerplate anywhere'",
        },
        "thresholds": thresholds,
        "threshold_policy": {
            "precision": TARGET_PRECISION,
            "assumed_prevalence": ASSUMED_PREVALENCE,
            "rule": "per label, the lowest score reaching the stated precision on the validation rows that "
            "annotate the label, datasets weighted as in training and classes reweighted to the assumed "
            "prevalence of abuse",
            "reasons": "categories at or above their own threshold, strongest first",
        },
        "flag_policy": {
            "flag_on": list(DEFAULT_FLAG_ON),
            "thresholds": flag_thresholds,
            "abuse_floor": abuse_floor,
            "rule": "flagged when any flag-on label reaches its flag threshold: its own threshold, except "
            f"toxicity's, which must reach precision {TARGET_PRECISION} for abuse aimed at people; an attack "
            f"category ({', '.join(ATTACK_CATEGORIES)}) flags only where abuse is at least "
            "abuse_floor, the highest floor that leaves at most "
            f"{MAX_RECALL_LOSS:.1%} of the validation's abuse unflagged; profanity alone shows in reasons but "
            "does not flag unless a site adds it (--flag-on, MODERATION_FLAG_ON)",
        },
        "calibration": f"Platt scaling per label on {CALIBRATION_FOLDS}-fold out-of-fold decision values, classes "
        f"reweighted to a prevalence of {ASSUMED_PREVALENCE}: probabilities are for a comment stream in which "
        "that share of comments carries the label",
        "explanations": {
            "method": explanation_method(tagger),
            "cutoff": cutoff,
            "cutoff_chosen_on": f"Toxic Spans trial split ({len(trial)} comments), best mean character F1",
            "occlusion_only": {"cutoff": occlusion_cutoff, "toxic_spans_trial_f1": round(occlusion_f1, 4)},
            "toxic_spans_trial_f1_own_verdict": round(gated_f1, 4) if tagger is not None else None,
        },
        "metrics": {
            "toxic_spans_trial_f1": round(spans_f1, 4),
            "abuse_validation_auc": aucs,
            "abuse_validation_ece": ece,
            "segmentation_dragnet_test": seg_metrics,
        },
        "libraries": _library_versions(),
    }
    card["lineage"] = _lineage(root, chosen, frame, feedback, feedback_weight, parent, seed)
    if feedback:
        card["training"]["command"] += "".join(f" --feedback {f}" for f in feedback)
        card["training"]["command"] += f" --feedback-weight {feedback_weight:g}"
    card["training"]["seconds"] = round(time.monotonic() - started)
    models = {"abuse": abuse, "segmenter": segmenter, **({"spans": tagger} if tagger is not None else {})}
    if out is not None:
        return save_bundle(out, models, card)
    staging = save_bundle(MODELS_DIR / f".staging-{os.getpid()}", models, card)
    final = MODELS_DIR / str(read_card(staging)["version"])
    if final.exists():  # the same inputs give the same bundle: keep the one already there
        shutil.rmtree(staging)
        return final
    staging.rename(final)
    return final


def _shown_path(path: Path) -> str:
    """`path` as a card records it: relative to the project for bundles inside it (``models/default``), so a
    shipped card names no folder of the machine that trained it; absolute otherwise."""
    resolved = path.resolve()
    project = MODELS_DIR.parent
    return str(resolved.relative_to(project)) if resolved.is_relative_to(project) else str(resolved)


def _lineage(
    root: Path,
    chosen: Sequence[str],
    frame: pd.DataFrame,
    feedback: Sequence[str | os.PathLike[str]],
    feedback_weight: float,
    parent: str | os.PathLike[str] | None,
    seed: int,
) -> dict[str, Any]:
    """Where a bundle comes from: its parent's version, every data file with sha256 and rows, its parameters."""
    parent_path = Path(parent) if parent is not None else default_bundle_path()
    try:
        parent_version: str | None = str(read_card(parent_path)["version"])
    except BundleError:
        parent_version = None
    rows = frame.groupby("dataset").size()
    files = [
        {**_file_record(root / DATASETS[ds].folder / f), "dataset": ds, "rows": int(rows.get(ds, 0))}
        for ds in chosen
        for f in DATASETS[ds].files
    ]
    feedback_rows = frame[frame["dataset"] == FEEDBACK_DATASET]
    return {
        "parent": {"path": _shown_path(parent_path), "version": parent_version},
        "data_files": files,
        "feedback_files": [
            {"file": str(f), "sha256": sha256_file(Path(f)), "bytes": Path(f).stat().st_size} for f in feedback
        ],
        "feedback_rows": {
            "train": int((feedback_rows["split"] == "train").sum()),
            "valid": int((feedback_rows["split"] == "valid").sum()),
        },
        "parameters": {"seed": seed, "datasets": list(chosen), "feedback_weight": feedback_weight},
    }
