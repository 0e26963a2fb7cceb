FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DEBUG=false

# LibreOffice (Writer and Calc, without the desktop parts) converts imported .doc, .rtf, .odt,
# .xls and .ods to DOCX and XLSX; the Liberation fonts stand in for Times New Roman and Arial.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Static files are collected at build time (hashed names, compressed, served by whitenoise);
# the key is a placeholder for this step only: the settings refuse to start without one.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput

RUN useradd --create-home portal && mkdir -p /app/media && chown portal /app/media
USER portal
# Reachable only from the compose network, behind the reverse proxy (deploy/nginx.conf).
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
