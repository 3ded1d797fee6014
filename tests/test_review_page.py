"""The moderators' page: sign-in, CSRF, the queue with spans and bars, decisions, the segmentation view; and,
in a real headless Chromium driven by Playwright, keyboard decisions end to end."""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from moderation.moderator import Moderator
from moderation.review import ReviewStore
from service.app import create_app
from service.settings import Settings

COMMENTS = [
    {"id": "c1", "text": "you are an idiot and a moron"},
    {"id": "c2", "text": "i will kill you"},
    {"id": "c3", "text": "thanks for the thoughtful article"},
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def make_client(tiny_moderator: Moderator, tmp_path: Path, keys: str | None = None) -> TestClient:
    settings = Settings(model=None, database_url=f"sqlite:///{tmp_path / 'r.db'}", api_keys=keys)
    return TestClient(create_app(settings, tiny_moderator))


def csrf_of(html: str) -> str:
    return re.search(r'data-csrf="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def test_queue_shows_comments_highest_first_with_spans_and_bars(tiny_moderator: Moderator, tmp_path: Path) -> None:
    with make_client(tiny_moderator, tmp_path) as client:
        client.post("/v1/score", json={"comments": COMMENTS, "review": True, "explain": True})
        page = client.get("/review")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        ids = re.findall(r"id (c\d) ·", page.text)
        abuse = {
            c["id"]: s.abuse for c, s in zip(COMMENTS, tiny_moderator.score([c["text"] for c in COMMENTS]), strict=True)
        }
        # Every comment, highest score first (two comments may tie: a tiny model saturates).
        assert sorted(ids) == sorted(abuse)
        assert [abuse[i] for i in ids] == sorted(abuse.values(), reverse=True)
        assert page.text.count("<meter") == 6 * 3
        assert '<label for="f-category">' in page.text and 'aria-label="Approve comment c1"' in page.text
        filtered = client.get("/review", params={"min_score": 0.99, "max_score": 1.0})
        assert filtered.text.count('role="option"') <= 3


def test_decisions_need_the_csrf_token_and_are_stored(tiny_moderator: Moderator, tmp_path: Path) -> None:
    with make_client(tiny_moderator, tmp_path) as client:
        client.post("/v1/score", json={"comments": COMMENTS, "review": True})
        page = client.get("/review")
        item = re.search(r'data-id="(\d+)"', page.text).group(1)  # type: ignore[union-attr]
        url = f"/review/items/{item}/decision"
        assert client.post(url, json={"decision": "reject"}).status_code == 403
        assert client.post(url, json={"decision": "reject"}, headers={"X-CSRF-Token": "forged"}).status_code == 403
        answer = client.post(
            url, json={"decision": "reject", "category": "insult"}, headers={"X-CSRF-Token": csrf_of(page.text)}
        )
        assert answer.status_code == 200 and answer.json()["decided_by"] == "moderator"
        bad = client.post(url, json={"decision": "maybe"}, headers={"X-CSRF-Token": csrf_of(page.text)})
        assert bad.status_code == 422
    assert ReviewStore(f"sqlite:///{tmp_path / 'r.db'}").count() == 2


def test_with_api_keys_the_page_needs_a_sign_in(tiny_moderator: Moderator, tmp_path: Path) -> None:
    with make_client(tiny_moderator, tmp_path, keys="k-1") as client:
        first = client.get("/review", follow_redirects=False)
        assert first.status_code == 303 and first.headers["location"] == "/review/login"
        assert 'label for="key"' in client.get("/review/login").text
        assert client.post("/review/login", data={"key": "wrong", "who": "ann"}).status_code == 401
        signed = client.post("/review/login", data={"key": "k-1", "who": "ann"}, follow_redirects=False)
        assert signed.status_code == 303 and "httponly" in signed.headers["set-cookie"].lower()
        assert client.get("/review").status_code == 200


def test_the_segmentation_view_labels_blocks_and_flags_comments(tiny_moderator: Moderator, tmp_path: Path) -> None:
    with make_client(tiny_moderator, tmp_path) as client:
        form = client.get("/review/page")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        text = (
            "Home\nThe council approved the new budget on Tuesday after a long debate.\nLeave a reply\nyou are an idiot"
        )
        page = client.post("/review/page", data={"csrf": csrf, "page": text})
        assert page.status_code == 200
        labels = re.findall(r'class="block-(\w+)"', page.text)
        assert labels == [b.label for b in tiny_moderator.segment(text)]
        assert client.post("/review/page", data={"csrf": "forged", "page": text}).status_code == 403


# --- in a real browser -----------------------------------------------------------------------------------


@pytest.fixture
def served(tiny_bundle: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`moderation serve` on 127.0.0.1 with API keys and a review database in tmp_path."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = tmp_path / "review.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODERATION_")}
    env |= {"MODERATION_API_KEYS": "key-1", "MODERATION_DATABASE_URL": f"sqlite:///{db}"}
    cmd = [sys.executable, "-m", "moderation.cli", "serve", "--model", str(tiny_bundle), "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.2)
        yield url, db
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_in_a_browser_sign_in_decide_by_keyboard_and_export(
    served: tuple[str, Path], tiny_bundle: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    url, db = served
    # Import a small scored file, as a data team would.
    scored = tmp_path / "scored.jsonl"
    source = tmp_path / "c.csv"
    with open(source, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["cid", "text"])
        writer.writerows([[c["id"], c["text"]] for c in COMMENTS])
    run = [sys.executable, "-m", "moderation.cli"]
    subprocess.run(
        [
            *run,
            "score",
            str(source),
            "--id-column",
            "cid",
            "--keep",
            "text",
            "-o",
            str(scored),
            "--model",
            str(tiny_bundle),
            "-q",
        ],
        check=True,
    )
    subprocess.run(
        [*run, "review", "import", str(scored), "--all", "--db", f"sqlite:///{db}", "--model", str(tiny_bundle)],
        check=True,
    )

    shots = Path(os.environ.get("MODERATION_TEST_OUTPUT", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page()
        page.goto(f"{url}/review")
        assert page.url.endswith("/review/login")
        page.get_by_label("API key").fill("key-1")
        page.get_by_label("Your name").fill("ann")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/review")
        options = page.locator("li.item")
        assert options.count() == 3
        assert options.nth(0).get_attribute("aria-selected") == "true"  # the first comment is selected at once
        page.keyboard.press("r")  # reject the first
        page.get_by_text("Rejected", exact=True).wait_for()
        page.keyboard.press("a")  # the selection moved on: approve the second
        page.get_by_text("Approved", exact=True).wait_for()
        page.screenshot(path=str(shots / "review-queue.png"), full_page=True)
        browser.close()

    out = tmp_path / "decisions.csv"
    subprocess.run([*run, "review", "export", "-o", str(out), "--db", f"sqlite:///{db}"], check=True)
    with open(out, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["decision"] for r in rows] == ["reject", "approve"]
    assert (shots / "review-queue.png").stat().st_size > 1000
