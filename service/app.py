"""Application factory for the moderation REST service.

Run it with ``uvicorn service.app:create_app --factory``. There is deliberately no module-level ``app``:
building one would load the model at import time. The model is loaded once, in the app's lifespan,
unless a loaded :class:`~moderation.moderator.Moderator` is passed in (as the tests do).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from moderation import __version__
from moderation.moderator import Moderator

from . import native
from .errors import install_error_handlers
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
        log.info("serving model %s %s from %s", loaded.name, loaded.version, loaded.path)
        yield

    app = FastAPI(title="Comment moderation", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings
    app.state.moderator = moderator
    install_error_handlers(app)
    app.include_router(native.router)
    return app
