# Serves the shipped default model over HTTP on port 8000.
#   docker build -t moderation . && docker run --rm -p 8000:8000 moderation
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MODERATION_MODEL=/app/models/default \
    MODERATION_DATABASE_URL=sqlite:////app/data/review.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY moderation ./moderation
COPY service ./service
COPY models ./models
RUN pip install --no-compile . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin moderation \
    && mkdir -p /app/data && chown moderation /app/data
VOLUME /app/data

USER moderation
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
CMD ["moderation", "serve", "--host", "0.0.0.0", "--port", "8000"]
