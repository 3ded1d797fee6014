"""The functional suite and the bias evaluation: generation, held-out hygiene, metric functions, evaluation.

Fast unit tests only: no assertion here is about the shipped model's quality (the benchmarks report that).
"""

from __future__ import annotations

import importlib
import json
import math
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from fake_data import write_fake_data

from moderation import suite
from moderation.moderator import Moderator, Score
from moderation.normalize import normalize

ROOT = Path(__file__).resolve().parent.parent

EXPECTED = {
    "slur": True,
    "obfuscated_slur": True,
    "dehumanisation": True,
    "threat": True,
    "insult": True,
    "profanity_not_abuse": False,
    "identity_neutral": False,
    "identity_positive": False,
    "negation": False,
    "counter_speech": False,
    "reclaimed": False,
    "innocent_substring": False,
    "object_abuse": False,
    "harmless_threat_words": False,
}
REQUIRED_IDENTITIES = [
    "muslim",
    "jewish",
    "christian",
    "hindu",
    "sikh",
    "buddhist",
    "atheist",
    "gay",
    "lesbian",
    "bisexual",
    "trans",
    "queer",
    "black",
    "white",
    "asian",
    "chinese",
    "mexican",
    "latino",
    "arab",
    "indian",
    "african",
    "immigrant",
    "refugee",
    "women",
    "men",
    "disabled",
    "deaf",
    "blind",
    "elderly",
    "young",
]
_OBSCENITY = r"(sh[iy1!]+t|shyte|shite|fuck|f\*+k|crap|piss|cunt|arse|ass|bitch|dick|bastard|damn|bollock|turd|wank)"
HELD_OUT = [
    re.compile(r"eaters?\W+of\W+dogs", re.IGNORECASE),
    re.compile(r"dog\W*eater", re.IGNORECASE),
    re.compile(r"sunni\W*" + _OBSCENITY, re.IGNORECASE),
    re.compile(r"shyte", re.IGNORECASE),
]


def _all_texts() -> list[str]:
    return [c.text for c in suite.cases()] + [e.text for e in suite.bias_examples()]


def _seed_comments() -> list[str]:
    lines = (ROOT / "seeds" / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    return [b["text"] for line in lines if line for b in json.loads(line)["blocks"] if b["label"] == "comment"]


# --- generation ----------------------------------------------------------------------------------


def test_generation_is_deterministic() -> None:
    assert suite.cases() == suite.cases()
    assert suite.bias_examples() == suite.bias_examples()


def test_every_group_has_enough_cases_and_identity_groups_more() -> None:
    counts = Counter(c.group for c in suite.cases())
    assert set(counts) == set(EXPECTED)
    assert list(suite.GROUPS) == list(EXPECTED)
    assert all(n >= 40 for n in counts.values()), counts
    for group in ("identity_neutral", "identity_positive", "dehumanisation"):
        assert counts[group] >= 3 * len(REQUIRED_IDENTITIES), (group, counts[group])


def test_labels_per_group_are_as_specified() -> None:
    wrong = [c for c in suite.cases() if c.expected_flagged is not EXPECTED[c.group]]
    assert not wrong
    assert suite.EXPECTED_FLAGGED == EXPECTED


def test_texts_are_unique_and_never_labelled_both_ways() -> None:
    cases = suite.cases()
    assert len({(c.group, c.text) for c in cases}) == len(cases)
    labels: dict[str, set[bool]] = {}
    for c in cases:
        labels.setdefault(normalize(c.text), set()).add(c.expected_flagged)
    assert all(len(v) == 1 for v in labels.values())


def test_identity_groups_are_covered() -> None:
    keys = [i.key for i in suite.IDENTITIES]
    assert set(REQUIRED_IDENTITIES) <= set(keys)
    by_group: dict[str, str] = {}
    for c in suite.cases():
        by_group[c.group] = by_group.get(c.group, "") + "\n" + c.text
    for ident in suite.IDENTITIES:
        for group in ("identity_neutral", "identity_positive", "dehumanisation", "threat", "negation"):
            forms = (ident.plural, ident.person, ident.self_desc, ident.adj)
            assert any(f.lower() in by_group[group].lower() for f in forms), (ident.key, group)
    bias = Counter((e.identity, e.toxic) for e in suite.bias_examples())
    for key in keys:
        assert bias[key, False] >= 12 and bias[key, True] >= 12, key


def test_no_held_out_acceptance_case_or_coined_word() -> None:
    texts = _all_texts()
    hits = [t for t in texts for pattern in HELD_OUT if pattern.search(t)]
    assert not hits
    seeds = [normalize(s) for s in _seed_comments()]
    assert len(seeds) == 4
    for text in texts:
        norm = normalize(text)
        assert not any(norm in s or s in norm for s in seeds), text
    for phrase in ("arrogance is showing", "phishing", "western agent", "mustafa"):
        assert not any(phrase in t.lower() for t in texts), phrase


def test_bias_templates_differ_from_functional_templates() -> None:
    functional = {normalize(c.text) for c in suite.cases()}
    bias = {normalize(e.text) for e in suite.bias_examples()}
    assert not functional & bias


def test_obfuscations() -> None:
    assert suite.leetspeak("faggot") == "f4gg0t"
    assert suite.spaced("fag") == "f a g"
    assert suite.dotted("nig") == "n.i.g"
    assert suite.stretched("bitch") == "biiitch"
    for script in ("cyrillic", "greek"):
        disguised = suite.homoglyphs("idiot", script)
        assert disguised[0] == "i" and disguised != "idiot"
        assert normalize(disguised) == "idiot"  # the normaliser folds lookalikes from other scripts back
        assert any(unicodedata.name(ch).startswith(script.upper()) for ch in disguised)
    for slur in suite.SLURS:
        assert slur.typo != slur.word and abs(len(slur.typo) - len(slur.word)) <= 1


# --- bias metrics on hand-made arrays ------------------------------------------------------------


def _groups(n_per: int = 4, names: tuple[str, ...] = ("a", "b", "c")) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Labels (half benign, half toxic per group) and membership masks."""
    y = np.array([i % 2 == 1 for _ in names for i in range(n_per)])
    member = np.repeat(np.arange(len(names)), n_per)
    return y, {name: member == k for k, name in enumerate(names)}


def test_perfect_scorer_gives_one_everywhere() -> None:
    y, masks = _groups()
    score = y.astype(float)
    table = suite.bias_table(y, score, masks)
    assert all(v == 1.0 for row in table.values() for v in row.values())
    assert suite.final_bias_metric(1.0, table) == pytest.approx(1.0)


def test_constant_added_to_one_subgroup_lowers_its_bpsn() -> None:
    y, masks = _groups()
    score = np.where(y, 0.7, 0.2) + np.linspace(0, 0.05, len(y))
    score[masks["a"]] += 0.6  # every 'a' sentence looks more toxic: benign 'a' now outranks toxic others
    table = suite.bias_table(y, score, masks)
    assert table["a"]["subgroup_auc"] == 1.0  # within 'a' the order is intact
    assert table["a"]["bpsn_auc"] < 0.5
    assert table["a"]["bnsp_auc"] == 1.0
    assert table["b"]["bpsn_auc"] == 1.0
    assert suite.final_bias_metric(1.0, table) < 1.0


def test_bpsn_and_bnsp_by_hand() -> None:
    y = [False, True, False, True]
    score = [0.5, 0.9, 0.1, 0.4]
    group = [True, True, False, False]
    assert suite.subgroup_auc(y, score, group) == 1.0  # 0.9 > 0.5
    assert suite.bpsn_auc(y, score, group) == 0.0  # subgroup negative 0.5 vs background positive 0.4
    assert suite.bnsp_auc(y, score, group) == 1.0  # subgroup positive 0.9 vs background negative 0.1


def test_auc_undefined_with_one_class_and_shapes_checked() -> None:
    assert math.isnan(suite.subgroup_auc([True, True, False], [0.1, 0.2, 0.3], [True, True, False]))
    with pytest.raises(ValueError):
        suite.bpsn_auc([True, False], [0.1, 0.2, 0.3], [True, False])


def test_power_mean() -> None:
    assert suite.power_mean([0.8, 0.8, 0.8]) == pytest.approx(0.8)
    values = [0.6, 0.9, 0.95]
    pm = suite.power_mean(values, -5)
    assert min(values) < pm < float(np.mean(values))  # pulled toward the worst
    assert suite.power_mean(values, 1) == pytest.approx(np.mean(values))
    assert suite.power_mean([0.0, 1.0], -5) == 0.0
    expected = (np.mean(np.power(values, -5.0))) ** (1 / -5.0)
    assert pm == pytest.approx(expected)


def test_final_metric_formula() -> None:
    table = {
        "a": {"subgroup_auc": 0.9, "bpsn_auc": 0.8, "bnsp_auc": 1.0},
        "b": {"subgroup_auc": 0.9, "bpsn_auc": 0.8, "bnsp_auc": 1.0},
    }
    assert suite.final_bias_metric(0.96, table) == pytest.approx(0.25 * 0.96 + 0.75 * (0.9 + 0.8 + 1.0) / 3)


def test_false_flag_rate() -> None:
    y = [False, False, False, True, False]
    flagged = [True, False, False, True, True]
    assert suite.false_flag_rate(y, flagged) == pytest.approx(2 / 4)
    assert suite.false_flag_rate(y, flagged, [True, True, True, True, False]) == pytest.approx(1 / 3)
    assert math.isnan(suite.false_flag_rate([True], [True]))


# --- evaluation ----------------------------------------------------------------------------------


class _FlagAll:
    """A stand-in moderator that flags everything with abuse 0.9."""

    def score(self, texts: Sequence[str]) -> list[Score]:
        return [Score(abuse=0.9, flagged=True, reasons=["toxicity"], categories={}) for _ in texts]


def test_evaluate_counts_against_a_known_scorer() -> None:
    cases = suite.cases()
    result = suite.evaluate(_FlagAll(), cases)
    should_flag = sum(c.expected_flagged for c in cases)
    assert result["correct"] == should_flag
    assert result["accuracy"] == pytest.approx(should_flag / len(cases))
    for group, stats in result["groups"].items():
        assert stats["accuracy"] == (1.0 if EXPECTED[group] else 0.0)
        assert len(result["failures"][group]) == stats["cases"] - stats["correct"]
    assert result["meets_targets"] is False
    assert result["abuse"] == [0.9] * len(cases)  # every case's probability, in suite order


def test_evaluate_runs_on_the_tiny_model(tiny_moderator: Moderator) -> None:
    result = suite.evaluate(tiny_moderator)
    assert set(result) == {"cases", "correct", "accuracy", "groups", "failures", "abuse", "targets", "meets_targets"}
    assert result["cases"] == len(suite.cases())
    assert list(result["groups"]) == list(EXPECTED)
    assert 0.0 <= result["accuracy"] <= 1.0
    assert result["targets"] == {"overall": 0.95, "group": 0.80}
    for group, stats in result["groups"].items():
        assert set(stats) == {"cases", "correct", "accuracy", "expected_flagged"}
        assert stats["expected_flagged"] is EXPECTED[group]
        assert stats["accuracy"] == pytest.approx(stats["correct"] / stats["cases"])
        failures = result["failures"][group]
        assert len(failures) == stats["cases"] - stats["correct"]
        for f in failures:
            assert set(f) == {"text", "expected_flagged", "flagged", "abuse", "reasons"}
            assert f["flagged"] is not f["expected_flagged"]


def test_evaluate_bias_runs_on_the_tiny_model(tiny_moderator: Moderator) -> None:
    result = suite.evaluate_bias(tiny_moderator)
    assert {"examples", "overall_auc", "final_metric", "power_means", "false_flag_rate", "groups", "worst_bpsn"} <= set(
        result
    )
    assert result["examples"] == len(suite.bias_examples())
    assert list(result["groups"]) == [i.key for i in suite.IDENTITIES]
    for row in result["groups"].values():
        assert set(row) >= {"subgroup_auc", "bpsn_auc", "bnsp_auc", "false_flag_rate"}
    assert 0.0 <= result["final_metric"] <= 1.0
    assert 0.0 <= result["false_flag_rate"] <= 1.0
    worst, value = result["worst_bpsn"]
    assert value == min(row["bpsn_auc"] for row in result["groups"].values()) == result["groups"][worst]["bpsn_auc"]


@pytest.mark.parametrize(
    ("script", "expect"),
    [
        ("functional.py", "overall"),
        ("bias.py", "final bias metric"),
        ("blind_abuse.py", "abuse ROC AUC"),
        ("blind_pages.py", "has comments"),
    ],
    ids=["functional", "bias", "blind_abuse", "blind_pages"],
)
def test_benchmark_scripts_run(tiny_bundle: Path, script: str, expect: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--model", str(tiny_bundle)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert expect in done.stderr


def test_false_flag_benchmark_runs(tiny_bundle: Path, tmp_path: Path) -> None:
    data = write_fake_data(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "false_flags.py"), "--model", str(tiny_bundle), "--data", str(data)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Dragnet reader comments" in done.stderr and "(the card's)" in done.stderr


def test_blind_sets_are_complete() -> None:
    """Every blind comment has a verdict and a group of 20; every blind page line has a label."""
    sets = sorted((ROOT / "benchmarks" / "blind").glob("abuse_*.jsonl"))
    assert [path.name for path in sets] == [f"abuse_{s}.jsonl" for s in "abcdefghi"]
    for path in sets:
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        groups = {row["group"] for row in rows}
        assert len(rows) == 240 and len(groups) == 12
        assert all(isinstance(row["flag"], bool) and row["text"].strip() for row in rows)
        assert {sum(row["group"] == g for row in rows) for g in groups} == {20}
    for name, size in (("pages", 24), ("pages2", 30), ("pages3", 30)):
        folder = ROOT / "benchmarks" / "blind" / name
        pages = [json.loads(line) for line in (folder / "labels.jsonl").read_text().splitlines()]
        assert len(pages) == size == len(list(folder.glob("page*.txt")))
        for page in pages:
            lines = [t for t in (folder / page["page"]).read_text().splitlines() if t.strip()]
            assert len(lines) == len(page["labels"]) and set(page["labels"]) <= {"article", "comment", "boilerplate"}
            assert ("comment" in page["labels"]) == (page["form"] != "no_comments")


class _AllArticle:
    """A stand-in segmenter that reads every block as article."""

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        return np.tile([1.0, 0.0, 0.0], (len(texts), 1))

    def decode_proba(self, proba: np.ndarray) -> np.ndarray:
        return np.zeros(len(proba), dtype=int)

    def predict(self, texts: list[str]) -> list[str]:
        return ["article"] * len(texts)


def _benchmark_module(name: str) -> ModuleType:
    """A script of `benchmarks/`, imported as its own directory would import it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_segment_dev_reports_seed_and_blind_errors() -> None:
    """segment_dev.py names every seed block a segmenter gets wrong, and counts blind pages right."""
    segment_dev = _benchmark_module("segment_dev")
    errors = segment_dev.seed_errors(_AllArticle())
    assert [e.split(":")[0] for e in errors] == [f"page_with_comments.txt line {n}" for n in (12, 13, 14, 15)]
    assert all("comment read as article" in e for e in errors)
    pages = _benchmark_module("blind_pages").load_set("1")
    without = sum(page.form == "no_comments" for page in pages)
    bare = sum(page.form == "bare_comments" for page in pages)
    assert segment_dev.blind_figures(_AllArticle(), "1").startswith(
        f"whole {without}/{len(pages)} (bare comments 0/{bare})"
    )
