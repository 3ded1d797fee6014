"""Hot reload: verify and load the bundle again, then swap it in, without dropping a request.

Routes get the moderator once per request (a dependency), so requests in flight finish on the model they
started with while new ones get the new model. A bundle that fails its checksums or cannot be loaded is
refused: the old model keeps serving. Reloads are serialised, and run off the event loop.

Triggers: ``POST /admin/reload`` and, in a single-process server, SIGHUP (installed by the app's lifespan).
With ``--workers N`` uvicorn's own supervisor handles SIGHUP by replacing the workers one at a time, each
new worker verifying the bundle at start-up and the old one retired only once its replacement is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from moderation.errors import BundleError
from moderation.moderator import Moderator

from .errors import CONFLICT, ServiceError

log = logging.getLogger(__name__)


async def reload_model(app: FastAPI) -> tuple[Moderator, Moderator]:
    """Load the app's bundle again and serve it; returns (previous, new) moderators.

    Raises :class:`service.errors.ServiceError` (409) when the bundle is refused; nothing changes then.
    """
    lock: asyncio.Lock = app.state.reload_lock
    async with lock:
        settings = app.state.settings
        old: Moderator = app.state.moderator
        try:
            new = await run_in_threadpool(Moderator.load, settings.model or old.path, settings.flag_on)
        except BundleError as exc:
            app.state.metrics.reloads.labels(outcome="refused").inc()
            log.error("reload refused, still serving %s %s: %s", old.name, old.version, exc)
            raise ServiceError(CONFLICT, f"bundle refused, still serving {old.name} {old.version}: {exc}") from None
        app.state.moderator = new
        app.state.metrics.serving(new)
        app.state.metrics.reloads.labels(outcome="loaded").inc()
        log.info("reloaded: serving %s %s (was %s)", new.name, new.version, old.version)
        return old, new


async def reload_quietly(app: FastAPI) -> None:
    """:func:`reload_model` for signal handlers: a refusal is logged, never raised."""
    with contextlib.suppress(ServiceError):  # already logged; the old model keeps serving
        await reload_model(app)
