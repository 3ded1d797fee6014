"""Dataset readers: each dataset's labels map onto ours, unknown stays unknown (NaN), never negative."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fake_data import write_fake_data

from moderation import datasets as ds
from moderation.errors import DataNotFoundError


@pytest.fixture(scope="module")
def fake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fake_data(tmp_path_factory.mktemp("shared") / "data")


def _row(frame: pd.DataFrame, prefix: str) -> pd.Series:
    return frame[frame["text"].str.contains(prefix)].iloc[0]


def test_davidson_mapping(fake_root: Path) -> None:
    frame = ds.read_davidson(fake_root / "toxicity")
    hate, offensive, neither = _row(frame, "dh0"), _row(frame, "do0"), _row(frame, "dn0")
    assert (hate.toxicity, hate.identity_attack) == (1.0, 1.0)
    assert math.isnan(hate.insult) and math.isnan(hate.threat)
    assert offensive.toxicity == 1.0 and math.isnan(offensive.identity_attack) and math.isnan(offensive.insult)
    assert neither.toxicity == 0.0 and neither.profanity == 0.0 and math.isnan(neither.threat)


def test_toxic_spans_mapping_and_trial_held_out(fake_root: Path) -> None:
    train = ds.read_toxic_spans(fake_root / "toxicity")
    assert (train["toxicity"] == 1.0).all()
    insult, threat = _row(train, "ts0"), _row(train, "tt0")
    assert insult.insult == 1.0 and insult.threat == 0.0
    assert threat.threat == 1.0 and threat.insult == 1.0
    assert math.isnan(insult.severe_toxicity)
    assert not train["text"].str.contains("tr0").any()
    trial = ds.read_toxic_spans(fake_root / "toxicity", split="trial")
    assert len(trial) == 3 and "spans" in trial


def test_olid_mapping(fake_root: Path) -> None:
    frame = ds.read_olid(fake_root / "toxicity")
    nott, ind, unt = _row(frame, "on0"), _row(frame, "oi0"), _row(frame, "ou0")
    assert nott.toxicity == 0.0 and nott.insult == 0.0 and nott.threat == 0.0
    assert ind.insult == 1.0 and math.isnan(ind.profanity) and math.isnan(ind.threat)
    assert unt.profanity == 1.0 and unt.insult == 0.0
    oth = _row(frame, "oo0")  # offence aimed at an organisation, event or issue: no abuse of a person
    assert oth.toxicity == 1.0 and oth.abuse == 0.0 and oth.insult == 0.0


def test_toxigen_stormfront_ethos_impermium_jigsaw(fake_root: Path) -> None:
    tox = fake_root / "toxicity"
    toxigen = ds.read_toxigen(tox)
    assert _row(toxigen, "gh0").identity_attack == 1.0
    assert _row(toxigen, "holiday 0").toxicity == 0.0
    storm = ds.read_stormfront(tox)
    assert len(storm) == 13  # the relation row is dropped
    assert math.isnan(_row(storm, "sn0").toxicity) and _row(storm, "sn0").identity_attack == 0.0
    assert " ," not in _row(storm, "sh0").text  # tokenised punctuation rejoined
    ethos = ds.read_ethos(tox)
    assert _row(ethos, "eh0").identity_attack == 1.0 and _row(ethos, "eh0").threat == 1.0
    assert _row(ethos, "eh1").threat == 0.0  # hateful, violence rated below 0.5: a known non-threat
    assert math.isnan(_row(ethos, "en0").threat)  # violence is rated for the hateful comments only
    assert _row(ethos, "en0").toxicity == 0.0
    imp = ds.read_impermium(tox)
    assert _row(imp, "ii0").text.endswith("\xa0!") and "\n" in _row(imp, "in0").text
    assert _row(imp, "ii0").insult == 1.0 and math.isnan(_row(imp, "in0").toxicity)
    jig = ds.read_jigsaw(tox)
    assert jig[list(ds.CATEGORIES)].notna().all().all()


def test_load_abuse_data_dedups_splits_and_derives_abuse(fake_root: Path) -> None:
    frame = ds.load_abuse_data(fake_root)
    assert set(frame["dataset"]) == set(ds.DATASETS)
    assert frame["text"].map(ds.normalize).is_unique
    assert set(frame["split"]) <= {"train", "valid"}
    again = ds.load_abuse_data(fake_root)
    assert frame["split"].tolist() == again["split"].tolist()
    attacks = frame[(frame[["identity_attack", "insult", "threat", "severe_toxicity"]] == 1.0).any(axis=1)]
    assert len(attacks) and (attacks["abuse"] == 1.0).all()
    assert (frame.loc[frame["toxicity"] == 0.0, "abuse"] == 0.0).all()
    # OLID untargeted profanity (the fake rows' texts end "ou0", "ou1" ...): not aimed at anyone
    untargeted = frame[(frame["dataset"] == "olid") & frame["text"].str.contains(" ou")]
    assert len(untargeted) and (untargeted["abuse"] == 0.0).all()
    assert (frame.loc[frame["dataset"] == "dragnet_comments", "abuse"] == 0.0).all()
    only = ds.load_abuse_data(fake_root, datasets=["jigsaw2018"])
    assert set(only["dataset"]) == {"jigsaw2018"}
    with pytest.raises(ValueError, match="unknown dataset"):
        ds.load_abuse_data(fake_root, datasets=["nope"])


def test_toxicity_aimed_at_nobody_leaves_abuse_unknown() -> None:
    frame = pd.DataFrame(
        {
            "text": ["you are garbage", "this article is garbage", "this article is garbage", "fine article"],
            "toxicity": [1.0, 1.0, 1.0, 0.0],
            "profanity": [np.nan] * 4,
            **{label: [0.0, 0.0, 1.0, 0.0] for label in ("identity_attack", "insult", "threat")},
            "severe_toxicity": [np.nan] * 4,
            "abuse": [np.nan] * 4,
        }
    )
    aimed = np.array([True, False, False, False])
    abuse = ds._derive_labels(frame, aimed)["abuse"].tolist()
    assert abuse[0] == 1.0  # toxic and aimed at someone
    assert math.isnan(abuse[1])  # toxic about a thing: perhaps rude, not known to be abuse of anyone
    assert abuse[2] == 1.0  # an annotated attack is abuse whatever the text names
    assert abuse[3] == 0.0


def test_an_insult_label_on_a_text_naming_nobody_is_unknown() -> None:
    frame = pd.DataFrame(
        {
            "text": ["what an idiotic article", "you are an idiot"],
            "toxicity": [1.0, 1.0],
            "insult": [1.0, 1.0],
            **{label: [0.0, 0.0] for label in ("identity_attack", "threat")},
            "profanity": [np.nan] * 2,
            "severe_toxicity": [np.nan] * 2,
            "abuse": [np.nan] * 2,
        }
    )
    labels = ds._derive_labels(frame, np.array([False, True]))
    assert math.isnan(labels["insult"][0]) and math.isnan(labels["abuse"][0])  # rudeness about a thing
    assert labels["insult"][1] == 1.0 and labels["abuse"][1] == 1.0


def test_an_abuse_label_the_dataset_gives_is_kept() -> None:
    frame = pd.DataFrame(
        {
            "text": ["this toaster is stupid", "you are stupid"],
            "toxicity": [np.nan, 1.0],
            **{label: [0.0, np.nan] for label in ("identity_attack", "insult", "threat", "severe_toxicity")},
            "profanity": [0.0, np.nan],
            "abuse": [0.0, np.nan],
        }
    )
    abuse = ds._derive_labels(frame, np.array([False, True]))["abuse"].tolist()
    assert abuse == [0.0, 1.0]  # rudeness about a thing stays a negative; the rest is derived


def test_names_person() -> None:
    assert ds.names_person("i think you are wrong") and ds.names_person("@sam agreed")
    assert ds.names_person("muslims celebrated eid")
    assert not ds.names_person("this printer is garbage")


def test_split_is_by_normalised_text() -> None:
    assert ds.split_of("Hello  World") == ds.split_of("hello world")


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="MODERATION_DATA"):
        ds.load_abuse_data(tmp_path / "absent")
    with pytest.raises(DataNotFoundError):
        ds.load_pages(tmp_path / "absent")


def test_pages(fake_root: Path) -> None:
    pages, split = ds.load_pages(fake_root)
    assert len(pages) == 16 and split["fake-0"] == "train" and split["fake-15"] == "test"
    assert pages[0].labels[0] == "boilerplate" and len(pages[0].texts) == len(pages[0].labels)


@pytest.mark.data
def test_real_data_counts(shared_data: Path) -> None:
    """The shared files read with the row counts their README states."""
    tox = shared_data / "toxicity"
    assert len(ds.read_davidson(tox)) == 24783
    assert len(ds.read_olid(tox)) == 13240
    assert len(ds.read_jigsaw(tox)) == 9970
    assert len(ds.read_impermium(tox)) == 3947
    assert len(ds.read_toxic_spans(tox, split="trial")) == 690
    pages, split = ds.load_pages(shared_data)
    assert len(pages) == 1376 and sum(v == "test" for v in split.values()) == 414
