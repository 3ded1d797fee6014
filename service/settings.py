"""Service configuration, read from `MODERATION_*` environment variables.

One `Settings` object is made per app (see :func:`service.app.create_app`), so tests can pass their own
limits without touching the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the model bundle is, how much input one request may carry, who may call, what is logged.

    The limits bound the CPU and memory one request can use; requests over them get HTTP 413.
    """

    model_config = SettingsConfigDict(env_prefix="MODERATION_", extra="ignore")

    model: Path | None = Field(
        default=None,
        description="Model bundle folder (`MODERATION_MODEL`); unset means the library default bundle.",
    )
    max_text_chars: int = Field(
        default=20_000, gt=0, description="Longest comment text accepted by /v1/score, in characters."
    )
    max_batch: int = Field(default=1_000, gt=0, description="Most comments accepted in one /v1/score request.")
    flag_on: str | None = Field(
        default=None,
        description="Comma-separated labels whose threshold flags a comment (`MODERATION_FLAG_ON`); unset means "
        "the model card's policy.",
    )
    max_page_chars: int = Field(
        default=2_000_000, gt=0, description="Longest page text accepted by /v1/segment, in characters."
    )
    max_body_bytes: int = Field(
        default=10_000_000, gt=0, description="Largest request body accepted by any route, in bytes."
    )
    api_keys: SecretStr | None = Field(
        default=None,
        description="Comma-separated API keys (`MODERATION_API_KEYS`). When set, every route but /healthz, "
        "/readyz and the docs needs one (`Authorization: Bearer KEY`, or `?key=KEY` on the Perspective route); "
        "unset means no authentication.",
    )
    log_text: bool = Field(
        default=False,
        description="Put comment texts in the access log (`MODERATION_LOG_TEXT`); never for `doNotStore` requests.",
    )

    def keys(self) -> list[bytes]:
        """The configured API keys, as bytes for constant-time comparison; empty when authentication is off."""
        if self.api_keys is None:
            return []
        return [k.strip().encode() for k in self.api_keys.get_secret_value().split(",") if k.strip()]

    database_url: str | None = Field(
        default=None,
        description="The review queue's database, a SQLAlchemy URL (`MODERATION_DATABASE_URL`); unset means "
        "a SQLite file `moderation-review.db` in the working folder. Opened on the first `review` request.",
    )
