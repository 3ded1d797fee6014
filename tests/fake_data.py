"""A miniature copy of the shared data folder, in the real files' formats, written by the tests."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

NICE = [
    "thanks for the thoughtful article about the council",
    "i agree with the point about the budget and the schools",
    "great reporting on the election, keep it up",
    "the figures should be published before the vote",
]
RUDE = ["you are an idiot and a moron", "shut up you stupid loser", "what a pathetic clown you are"]
HATE = ["those people are vermin and should leave", "all of them are animals, send them back"]
THREAT = ["i will kill you and your family", "someone should shoot him dead"]
SWEAR = ["this is shit, fuck this crap", "what the hell, damn it all"]


def _gz(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write(text)


def _csv(rows: list[list[object]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _texts(pool: list[str], n: int, tag: str) -> list[str]:
    return [f"{pool[i % len(pool)]} {tag}{i}" for i in range(n)]


def write_fake_data(root: Path) -> Path:
    """Write every file the readers expect under `root` (``toxicity/`` and ``pages/``); return `root`."""
    tox = root / "toxicity"
    rows: list[list[object]] = [["", "count", "hate_speech", "offensive_language", "neither", "class", "tweet"]]
    for i, t in enumerate(_texts(HATE, 6, "dh")):
        rows.append([i, 3, 3, 0, 0, 0, t])
    for i, t in enumerate(_texts(RUDE + SWEAR, 10, "do")):
        rows.append([100 + i, 3, 0, 3, 0, 1, t])
    for i, t in enumerate(_texts(NICE, 10, "dn")):
        rows.append([200 + i, 3, 0, 0, 3, 2, t])
    _gz(tox / "davidson_labeled_data.csv.gz", _csv(rows))

    head = [
        "split",
        "spans",
        "text",
        "comment_ids",
        "n_annotators",
        "n_all_toxic",
        "n_not_toxic",
        "n_insult",
        "n_threat",
        "n_identity_based_attack",
        "n_profane_obscene",
        "n_other_toxicity",
    ]
    rows = [head]
    for i, t in enumerate(_texts(RUDE, 8, "ts")):
        rows.append(["train", "[0, 1, 2]", t, str(i), 3, 0, 0, 3, 0, 0, 2 * (i % 2), 0])
    for i, t in enumerate(_texts(THREAT, 6, "tt")):
        rows.append(["train", "[]", t, str(50 + i), 3, 0, 0, 2, 2, 0, 0, 0])  # threat + insult: severe
    for i, t in enumerate(_texts(RUDE, 3, "tr")):
        rows.append(["trial", "[0, 1]", t, str(90 + i), 3, 0, 0, 2, 0, 0, 1, 0])
    _gz(tox / "toxic_spans_types_train_trial.csv.gz", _csv(rows))

    rows = [["id", "tweet", "subtask_a", "subtask_b", "subtask_c"]]
    for i, t in enumerate(_texts(NICE, 8, "on")):
        rows.append([i, t, "NOT", "NULL", "NULL"])
    for i, t in enumerate(_texts(RUDE, 6, "oi")):
        rows.append([100 + i, t, "OFF", "TIN", "IND"])
    for i, t in enumerate(_texts(SWEAR, 4, "ou")):
        rows.append([200 + i, t, "OFF", "UNT", "NULL"])
    for i, t in enumerate(_texts(RUDE, 3, "oo")):
        rows.append([300 + i, t, "OFF", "TIN", "OTH"])
    _gz(tox / "olid_training_v1.0.tsv.gz", _csv(rows, "\t").replace("\n", "\r\n"))

    lines = [json.dumps({"text": t, "group": "muslim", "label": "hate"}) for t in _texts(HATE, 5, "gh")]
    lines += [
        json.dumps({"text": f"muslim families celebrate the holiday {i}", "group": "muslim", "label": "neutral"})
        for i in range(5)
    ]
    _gz(tox / "toxigen_prompts.jsonl.gz", "\n".join(lines) + "\n")

    rows = [["file_id", "user_id", "subforum_id", "num_contexts", "label", "text"]]
    for i, t in enumerate(_texts(HATE, 5, "sh")):
        rows.append([f"1_{i}", 1, 1, 0, "hate", t.replace(",", " ,")])
    for i, t in enumerate(_texts(NICE, 8, "sn")):
        rows.append([f"2_{i}", 1, 1, 0, "noHate", t])
    rows.append(["3_0", 1, 1, 0, "relation", "dropped relation row"])
    _gz(tox / "stormfront_hate_speech.csv.gz", _csv(rows))

    binary = [["comment", "isHate"]]
    multi = [
        [
            "comment",
            "violence",
            "directed_vs_generalized",
            "gender",
            "race",
            "national_origin",
            "disability",
            "religion",
            "sexual_orientation",
        ]
    ]
    for i, t in enumerate(_texts(HATE, 4, "eh")):
        binary.append([t, 1.0])
        multi.append([t, int(i == 0), 0, 0, 1, 0, 0, 0, 0])
    for t in _texts(NICE, 4, "en"):
        binary.append([t, 0.0])
    _gz(tox / "ethos_binary.csv.gz", _csv(binary, ";"))
    _gz(tox / "ethos_multi_label.csv.gz", _csv(multi, ";"))

    rows = [["Insult", "Date", "Comment"]]
    for t in _texts(RUDE, 6, "ii"):
        rows.append([1, "20120618192155Z", f'"{t}\\xa0!"'])
    for t in _texts(NICE, 6, "in"):
        rows.append([0, "", f'"{t}\\nsecond line"'])
    _gz(tox / "impermium_insults_train.csv.gz", _csv(rows))

    rows = [["id", "comment_text", "toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]]
    for i, t in enumerate(_texts(NICE, 12, "jn")):
        rows.append([f"n{i:015d}", t, 0, 0, 0, 0, 0, 0])
    for i, t in enumerate(_texts(THREAT, 6, "jt")):
        rows.append([f"t{i:015d}", t, 1, 1, 0, 1, 0, 0])
    for i, t in enumerate(_texts(SWEAR, 6, "js")):
        rows.append([f"s{i:015d}", t, 1, 0, 1, 0, 1, 1])
    _gz(tox / "jigsaw2018_train_sample.csv.gz", _csv(rows))

    pages, split = [], ["id\tsplit"]
    for i in range(16):
        blocks = [{"text": "Home", "label": "boilerplate"}, {"text": "News", "label": "boilerplate"}]
        blocks += [
            {"text": f"The council met on Tuesday to discuss the budget, officials said ({i}).", "label": "article"},
            {"text": "The mayor told reporters the plan would fund new schools and roads.", "label": "article"},
        ]
        if i % 2 == 0:
            blocks += [
                {"text": "Leave a reply", "label": "boilerplate"},
                {"text": "I think you are wrong about this, the council never listens.", "label": "comment"},
                {"text": "Great article, thanks for writing it!", "label": "comment"},
            ]
        blocks.append({"text": "Copyright 2012", "label": "boilerplate"})
        pages.append(json.dumps({"id": f"fake-{i}", "source": "fake", "blocks": blocks}))
        split.append(f"fake-{i}\t{'test' if i >= 12 else 'train'}")
    _gz(root / "pages" / "dragnet_pages.jsonl.gz", "\n".join(pages) + "\n")
    (root / "pages" / "dragnet_split.tsv").write_text("\n".join(split) + "\n")
    return root
