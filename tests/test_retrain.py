"""Retraining from moderators' decisions: the feedback format, its effect, lineage, and the promotion gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_data import write_fake_data
from typer.testing import CliRunner

from moderation import cli, registry
from moderation.bundle import read_card
from moderation.errors import InputFormatError
from moderation.feedback import labels_of, read_feedback
from moderation.moderator import Moderator
from moderation.train import train_bundle

# A kind of comment the base data never shows: sneering about "clickbait peddlers". Moderators reject it.
REJECTED = [
    f"{opener} clickbait peddlers {tail}"
    for opener in ("typical", "more garbage from", "nobody reads", "shameless", "pathetic", "look at these")
    for tail in ("again", "as usual", "every single day", "yet again", "lol", "smh")
]
APPROVED = [
    f"thanks for the report on the {topic}" for topic in ("roads", "schools", "budget", "library", "parks", "vote")
]
NEW_WORDINGS = ["the clickbait peddlers strike once more", "honestly these clickbait peddlers never stop"]


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fake_data(tmp_path_factory.mktemp("shared") / "data")


@pytest.fixture(scope="module")
def feedback_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feedback") / "decisions.csv"
    rows = ["id,text,decision,category"]
    rows += [f"r{i},{t},reject,insult" for i, t in enumerate(REJECTED)]
    rows += [f"a{i},{t},approve," for i, t in enumerate(APPROVED)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def base(fake_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_bundle(data=fake_root, out=tmp_path_factory.mktemp("m") / "base")


@pytest.fixture(scope="module")
def retrained(fake_root: Path, base: Path, feedback_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("m") / "retrained"
    return train_bundle(data=fake_root, out=out, feedback=[str(feedback_file)], feedback_weight=5.0, parent=base)


def test_feedback_rows_become_labels(feedback_file: Path) -> None:
    frame = read_feedback(feedback_file)
    assert len(frame) == len(REJECTED) + len(APPROVED)
    assert set(frame["dataset"]) == {"feedback"} and set(frame["split"]) <= {"train", "valid"}
    reject = labels_of("reject", "insult")
    assert reject["abuse"] == reject["toxicity"] == reject["insult"] == 1.0
    assert all(v != v for k, v in reject.items() if k not in ("abuse", "toxicity", "insult"))  # unknown: NaN
    approve = labels_of("approve", None)
    assert approve["abuse"] == approve["threat"] == 0.0 and approve["profanity"] != approve["profanity"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("f.csv", "text,decision\nfine,approve\nbad,maybe\n", "f.csv, row 2: decision 'maybe' is not one of"),
        ("f.csv", "text,decision,category\nbad,reject,rudeness\n", "f.csv, row 1: category 'rudeness' is not one of"),
        ("f.csv", "text,verdict\nfine,approve\n", "no column 'decision'"),
        ("f.jsonl", '{"text": "", "decision": "reject"}\n', "f.jsonl, row 1: text is empty"),
        ("f.txt", "fine\n", "feedback must be .csv or .jsonl"),
    ],
)
def test_bad_feedback_names_file_and_row(tmp_path: Path, name: str, content: str, message: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(InputFormatError, match=message.replace("(", r"\(")):
        read_feedback(tmp_path / name)


def test_a_moderators_rejections_raise_scores_of_new_wordings(base: Path, retrained: Path) -> None:
    before = [s.abuse for s in Moderator.load(base).score(NEW_WORDINGS)]
    after = [s.abuse for s in Moderator.load(retrained).score(NEW_WORDINGS)]
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)
    assert min(after) > max(before)


def test_lineage_and_reproducibility(
    fake_root: Path, base: Path, retrained: Path, feedback_file: Path, tmp_path: Path
) -> None:
    card = read_card(retrained)
    lineage = card["lineage"]
    assert lineage["parent"]["version"] == read_card(base)["version"]
    [record] = lineage["feedback_files"]
    assert record["file"] == str(feedback_file) and len(record["sha256"]) == 64
    assert sum(lineage["feedback_rows"].values()) == len(REJECTED) + len(APPROVED)
    assert lineage["parameters"]["feedback_weight"] == 5.0
    assert all(len(f["sha256"]) == 64 and f["rows"] >= 0 for f in lineage["data_files"])
    assert "--feedback" in card["training"]["command"]
    again = train_bundle(data=fake_root, out=tmp_path / "again", feedback=[str(feedback_file)], parent=base)
    assert read_card(again)["artifacts"] == card["artifacts"]
    assert read_card(again)["version"] == card["version"]


def test_the_gate_refuses_a_worse_candidate_and_records_every_decision(
    base: Path, retrained: Path, tmp_path: Path
) -> None:
    service = tmp_path / "models" / "default"
    service.parent.mkdir()
    import shutil

    shutil.copytree(base, service)
    good = {"validation.abuse": 0.95, "seeds": 1.0, "feedback.accuracy": 0.9}
    worse = {"validation.abuse": 0.90, "seeds": 1.0, "feedback.accuracy": 0.95}
    assert registry.compare(good, worse, 0.005) == ["validation.abuse 0.9000 < 0.9500"]
    with pytest.raises(registry.PromotionRefused, match="worse"):
        registry.promote(retrained, champion_metrics=good, candidate_metrics=worse, target=service)
    assert read_card(service)["version"] == read_card(base)["version"]  # still the old one

    decision = registry.promote(
        retrained, champion_metrics=good, candidate_metrics=good | {"seeds": 1.0}, target=service
    )
    assert decision["promoted"] and read_card(service)["version"] == read_card(retrained)["version"]
    Moderator.load(service)  # verified and loadable
    records = [json.loads(line) for line in (service.parent / "promotions.jsonl").read_text().splitlines()]
    assert [r["promoted"] for r in records] == [False, True]
    assert records[0]["worse_on"] and records[1]["previous"] == read_card(base)["version"]


def test_cli_evaluate_promote_and_models(
    fake_root: Path, base: Path, retrained: Path, feedback_file: Path, tmp_path: Path
) -> None:
    import shutil

    models = tmp_path / "models"
    shutil.copytree(base, models / "default")
    shutil.copytree(retrained, models / read_card(retrained)["version"])
    runner = CliRunner()
    common = ["--model", str(models / "default"), "--data", str(fake_root), "--feedback", str(feedback_file)]
    result = runner.invoke(cli.app, ["evaluate", "--candidate", str(retrained), *common])
    assert result.exit_code in (0, 1), result.output
    assert "validation.abuse" in result.stdout and "seeds" in result.stdout and "guarded" in result.stdout

    result = runner.invoke(cli.app, ["promote", str(retrained), *common, "--force"])
    assert result.exit_code == 0, result.output
    assert f"promoted {read_card(retrained)['version']}" in result.stdout

    listing = runner.invoke(cli.app, ["models", "--models-dir", str(models)])
    assert listing.exit_code == 0, listing.output
    current = [line for line in listing.stdout.splitlines() if line.startswith("*")]
    assert len(current) == 2 and all(read_card(retrained)["version"] in line for line in current)
