# Tin Tốt: `docker run -e TELEGRAM_BOT_TOKEN=… -v tintot-data:/app/data tintot`
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 tintot
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY content ./content
COPY storage ./storage
RUN pip install '.[postgres]' && mkdir -p /app/data && chown tintot:tintot /app/data

USER tintot
# The database (SQLite by default) and the media store live here.
VOLUME ["/app/data"]
EXPOSE 8080
ENV TINTOT_HTTP_HOST=0.0.0.0
CMD ["tintot", "run"]
