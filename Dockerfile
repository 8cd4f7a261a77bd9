# The production image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

COPY requirements.lock pyproject.toml ./
RUN pip install -r requirements.lock

COPY . .

# Static files are collected at build time with throwaway values: settings refuse to
# load without these, and none of them is used by collectstatic.
RUN DEBUG=false SECRET_KEY=build-only FIELD_ENCRYPTION_KEY=build-only XERO_CLIENT_ID=build-only \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 dext && mkdir -p /app/var && chown -R dext /app/var
USER dext

ENV STATIC_ROOT=/app/staticfiles
EXPOSE 8000
CMD ["gunicorn", "dext.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
