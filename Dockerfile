# Production image: the app under gunicorn; the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext postgresql-client && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml requirements.lock ./
RUN pip install -c requirements.lock .
COPY . .
COPY --from=assets /src/node_modules/bootstrap/dist/css/bootstrap.min.css /src/node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
COPY --from=assets /src/node_modules/chart.js/dist/chart.umd.js static/vendor/chartjs/
RUN STATIC_MANIFEST=1 python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore=.venv \
    && useradd --create-home app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
