"""Prometheus metrics of one app: requests and latency per route, comments scored and flagged per category,
the model being served and its reloads.

Each app owns its registry (no module-level global state), so tests can build many apps side by side.
With several worker processes each worker counts its own requests: scrape them one by one, or run one
worker per container.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from moderation.moderator import Moderator, Score

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Request latency histogram buckets, in seconds: most single-comment requests fall between 1 and 20 ms."""


class Metrics:
    """The app's metrics and the registry that exposes them."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "moderation_requests",
            "HTTP requests answered, by route template, method and status code.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "moderation_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.comments = Counter("moderation_comments_scored", "Comments scored.", registry=self.registry)
        self.flagged = Counter("moderation_comments_flagged", "Comments flagged for review.", registry=self.registry)
        self.reasons = Counter(
            "moderation_flag_reasons",
            "Categories over their threshold on flagged comments (a comment counts once per category).",
            ["category"],
            registry=self.registry,
        )
        self.model = Gauge(
            "moderation_model_info",
            "The model bundle being served (value 1), by name and version.",
            ["name", "version"],
            registry=self.registry,
        )
        self.reloads = Counter(
            "moderation_model_reloads",
            "Model reload attempts, by outcome (loaded or refused).",
            ["outcome"],
            registry=self.registry,
        )

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route=route, method=method, status=str(status)).inc()
        self.latency.labels(route=route).observe(seconds)

    def observe_scores(self, scores: Iterable[Score]) -> None:
        """Count scored comments, the flagged ones, and their reasons."""
        n = flagged = 0
        for score in scores:
            n += 1
            if score.flagged:
                flagged += 1
                for category in score.reasons:
                    self.reasons.labels(category=category).inc()
        self.comments.inc(n)
        self.flagged.inc(flagged)

    def serving(self, moderator: Moderator) -> None:
        """Mark `moderator` as the model being served (and no other)."""
        self.model.clear()
        self.model.labels(name=moderator.name, version=moderator.version).set(1)

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)
