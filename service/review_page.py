"""The moderators' page at ``/review``: the queue (highest score first, filters, highlighted spans, category
bars, approve/reject by button or keyboard) and a page-segmentation view. Server-rendered with Jinja2 and a
little plain JavaScript; no build step.

Sign-in: with API keys configured, a login form takes a key and the moderator's name and sets an HttpOnly,
SameSite=Strict session cookie; without keys, the page is open and decisions are signed "moderator".
Every decision and form post carries the session's CSRF token (header or hidden field).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from moderation.datasets import CATEGORIES
from moderation.html_blocks import html_page, looks_like_html
from moderation.review import ReviewError, ReviewItem

from .deps import ModeratorDep, SettingsDep
from .errors import ServiceError
from .review_queue import review_store

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
COOKIE = "moderation_session"
PAGE_SIZE = 50


@dataclass(frozen=True)
class Session:
    who: str
    csrf: str


class DecisionIn(BaseModel):
    decision: str = Field(description="approve or reject")
    category: str | None = Field(default=None, description="the category of a rejection")


def _sessions(request: Request) -> dict[str, Session]:
    return request.app.state.review_sessions


def _session(request: Request, settings: Any) -> Session | None:
    """The caller's session; without API keys, the app's one anonymous session (its cookie set later), so
    callers without a cookie do not each add a session."""
    token = request.cookies.get(COOKIE)
    found = _sessions(request).get(token) if token else None
    if found is None and not settings.keys():
        state = request.app.state
        if getattr(state, "anonymous_session", None) is None:
            state.anonymous_session = _new_token(request, Session(who="moderator", csrf=secrets.token_urlsafe(24)))
        request.state.new_session = state.anonymous_session
        found = _sessions(request)[state.anonymous_session]
    return found


def _new_token(request: Request, session: Session) -> str:
    token = secrets.token_urlsafe(32)
    _sessions(request)[token] = session
    return token


def _with_cookie(request: Request, response: Response) -> Response:
    token = getattr(request.state, "new_session", None)
    if token is not None:
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/review")
    return response


def _parts(item: ReviewItem) -> list[tuple[str, bool]]:
    """The comment text cut at its explanation spans: (piece, highlighted)."""
    spans = sorted((int(s["start"]), int(s["end"])) for s in (item.spans or []))
    parts, last = [], 0
    for start, end in spans:
        if start >= last:
            parts += [(item.text[last:start], False), (item.text[start:end], True)]
            last = end
    parts.append((item.text[last:], False))
    return [p for p in parts if p[0]]


def _csrf_ok(session: Session, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(session.csrf.encode(), given.encode())


@router.get("/review/login")
def login_form(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "login.html", {"error": None})


@router.post("/review/login")
async def login(request: Request, settings: SettingsDep) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
    key = (form.get("key") or [""])[0].encode()
    who = (form.get("who") or [""])[0].strip()[:200]
    configured = settings.keys()
    valid = any(hmac.compare_digest(key, k) for k in configured) if configured else True
    if not valid or not who:
        error = "That key is not valid." if not valid else "Give your name: it is recorded with your decisions."
        return templates.TemplateResponse(request, "login.html", {"error": error}, status_code=401)
    token = _new_token(request, Session(who=who, csrf=secrets.token_urlsafe(24)))
    response = RedirectResponse("/review", status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/review")
    return response


@router.get("/review")
def queue(
    request: Request,
    settings: SettingsDep,
    category: str = "",
    min_score: float = 0.0,
    max_score: float = 1.0,
    source: str = "",
    offset: int = 0,
) -> Response:
    session = _session(request, settings)
    if session is None:
        return RedirectResponse("/review/login", status_code=303)
    store = review_store(request.app)
    filters = {"category": category or None, "min_score": min_score, "max_score": max_score, "source": source or None}
    items = store.queue(limit=PAGE_SIZE + 1, offset=max(offset, 0), **filters)
    more = len(items) > PAGE_SIZE
    shown = [
        {
            "id": i.id,
            "comment_id": i.comment_id,
            "parts": _parts(i),
            "categories": {c: float(i.categories.get(c, 0.0)) for c in CATEGORIES},
            "abuse": i.abuse,
            "reasons": i.reasons.replace(",", ", "),
            "source": i.source,
            "model_version": i.model_version,
        }
        for i in items[:PAGE_SIZE]
    ]
    query = {k: v for k, v in {"category": category, "source": source}.items() if v}
    next_url = "/review?" + urlencode(
        query | {"min_score": min_score, "max_score": max_score, "offset": offset + PAGE_SIZE}
    )
    context = {
        "items": shown,
        "pending": store.count(),
        "categories": CATEGORIES,
        "filters": filters,
        "csrf": session.csrf,
        "next_offset": offset + PAGE_SIZE if more else None,
        "next_url": next_url,
    }
    return _with_cookie(request, templates.TemplateResponse(request, "queue.html", context))


@router.post("/review/items/{item_id}/decision")
def decide(item_id: int, body: DecisionIn, request: Request, settings: SettingsDep) -> dict[str, Any]:
    token = request.cookies.get(COOKIE)
    session = _sessions(request).get(token) if token else None
    if session is None:
        raise ServiceError(401, "sign in at /review/login first")
    if not _csrf_ok(session, request.headers.get("x-csrf-token")):
        raise ServiceError(403, "missing or wrong CSRF token")
    try:
        item = review_store(request.app).decide(item_id, body.decision, session.who, body.category)
    except ReviewError as exc:
        raise ServiceError(404 if "no review item" in str(exc) else 422, str(exc)) from None
    return {"id": item.id, "decision": item.decision, "category": item.category, "decided_by": item.decided_by}


@router.get("/review/page")
def page_form(request: Request, settings: SettingsDep) -> Response:
    session = _session(request, settings)
    if session is None:
        return RedirectResponse("/review/login", status_code=303)
    context = {"csrf": session.csrf, "page": "", "blocks": None}
    return _with_cookie(request, templates.TemplateResponse(request, "page.html", context))


@router.post("/review/page")
async def page_segment(request: Request, settings: SettingsDep, moderator: ModeratorDep) -> Response:
    token = request.cookies.get(COOKIE)
    session = _sessions(request).get(token) if token else None
    if session is None:
        return RedirectResponse("/review/login", status_code=303)
    form = parse_qs((await request.body()).decode("utf-8", errors="replace"), keep_blank_values=True)
    if not _csrf_ok(session, (form.get("csrf") or [None])[0]):
        raise ServiceError(403, "missing or wrong CSRF token")
    page = (form.get("page") or [""])[0][: settings.max_page_chars]
    text = html_page(page) if looks_like_html(page.encode()) else page
    blocks = moderator.segment(text)
    return templates.TemplateResponse(request, "page.html", {"csrf": session.csrf, "page": page, "blocks": blocks})
