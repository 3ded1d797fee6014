"""Application factory for the moderation REST service.

Run it with ``uvicorn service.app:create_app --factory``. There is deliberately no module-level ``app``:
building one would load the model at import time. The model is loaded once, in the app's lifespan,
unless a loaded :class:`~moderation.moderator.Moderator` is passed in (as the tests do).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from moderation import __version__
from moderation.moderator import Moderator

from . import native, openai_compat, perspective, review_page
from .errors import install_error_handlers
from .metrics import Metrics
from .middleware import RequestGuard, setup_access_log
from .reload import reload_quietly
from .settings import Settings

log = logging.getLogger(__name__)

DESCRIPTION = """\
Self-hosted reader-comment moderation: find the reader comments on a page and explain which of them
are abusive, with per-category probabilities.
"""


def create_app(settings: Settings | None = None, moderator: Moderator | None = None) -> FastAPI:
    """Build the FastAPI app.

    `settings` defaults to :class:`Settings` read from the environment. `moderator`, if given, is used
    as is; otherwise the bundle at ``settings.model`` (or the library default) is verified and loaded
    at start-up, and a bad bundle stops the server from starting.
    """
    settings = settings if settings is not None else Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.moderator is None:
            app.state.moderator = await run_in_threadpool(Moderator.load, settings.model, settings.flag_on)
        loaded: Moderator = app.state.moderator
        app.state.metrics.serving(loaded)
        setup_access_log()
        log.info("serving model %s %s from %s", loaded.name, loaded.version, loaded.path)
        hangup = _on_sighup(app)
        try:
            yield
        finally:
            if hangup:
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    app = FastAPI(title="Comment moderation", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.moderator = moderator
    app.state.metrics = Metrics()
    app.state.reload_lock = asyncio.Lock()
    app.state.review_lock = threading.Lock()  # the review store is opened once, from a worker thread
    app.state.review_sessions = {}  # moderators signed in to /review: cookie token -> session
    app.add_middleware(
        RequestGuard,
        metrics=app.state.metrics,
        max_body_bytes=settings.max_body_bytes,
        log_text=settings.log_text,
    )
    install_error_handlers(app)
    app.include_router(native.router)
    app.include_router(openai_compat.router)
    app.include_router(perspective.router)
    app.include_router(review_page.router)
    return app


def _on_sighup(app: FastAPI) -> bool:
    """Reload the model on SIGHUP; False where signals cannot be caught (not the main thread, no SIGHUP)."""
    if not hasattr(signal, "SIGHUP"):
        return False
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(reload_quietly(app)))
    except (RuntimeError, ValueError):  # e.g. the test client runs the app outside the main thread
        return False
    return True
