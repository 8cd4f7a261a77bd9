# The production image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

COPY requirements.lock pyproject.toml ./
RUN pip install -r requirements.lock
# Capture's OCR needs no system package: headless OpenCV and ONNX Runtime wheels, and the
# PP-OCR models inside the rapidocr wheel. Fail the build here if any of them can't load.
RUN python -c "import cv2, onnxruntime, rapidocr, pathlib; assert any(pathlib.Path(rapidocr.__file__).parent.glob('models/*rec*.onnx'))"

COPY . .

# Static files are collected at build time with throwaway values: settings refuse to
# load without these, and none of them is used by collectstatic.
RUN DEBUG=false SECRET_KEY=build-only FIELD_ENCRYPTION_KEY=build-only XERO_CLIENT_ID=build-only \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 dext && mkdir -p /app/var/media /app/var/beat && chown -R dext /app/var
USER dext

ENV STATIC_ROOT=/app/staticfiles
EXPOSE 8000
CMD ["gunicorn", "dext.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--max-requests", "1000", "--max-requests-jitter", "100", "--config", "python:dext.gunicorn_config"]
