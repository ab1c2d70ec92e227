# Tin Tốt: `docker build -t tintot . && docker run -p 8080:8080 -e TELEGRAM_BOT_TOKEN=… -v tintot-data:/app/data tintot`
# Two stages: the builder turns the source into a wheel and installs it into /opt/venv with the
# pinned versions of constraints.txt; the image keeps only that venv (no source, no wheel, no pip
# cache). A venv also keeps pip off the system Python, which Debian's Python refuses (PEP 668).
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python3 -m venv /opt/venv
COPY constraints.txt ./
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY content ./content
COPY storage ./storage
RUN /opt/venv/bin/pip wheel --no-deps --wheel-dir /wheels . \
 && /opt/venv/bin/pip install -c constraints.txt "$(ls /wheels/tintot-*.whl)[postgres]"

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
RUN useradd --create-home --uid 10001 tintot && mkdir -p /app/data && chown tintot:tintot /app/data
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
USER tintot
# The database (SQLite by default) and the media store live here.
VOLUME ["/app/data"]
EXPOSE 8080
ENV TINTOT_HTTP_HOST=0.0.0.0 TINTOT_HTTP_PORT=8080
# No curl in a slim image: the venv's Python asks /healthz (200 while the database answers).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/opt/venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('TINTOT_HTTP_PORT', '8080'), timeout=4)"]
CMD ["tintot", "run"]
