# LSP Capacity Twin: production image.
#   docker build -t lsp-twin .
#   docker run -p 8501:8501 -e DATABASE_URL=postgresql://user:pw@host:5432/db lsp-twin
# Without DATABASE_URL the app uses an SQLite file in /app/data (mount a volume there
# to keep it). APP_MODE is deliberately not set here: the host decides (render.yaml
# sets APP_MODE=public). The image listens on every interface, so without
# APP_MODE=public it is read-only anyway unless ADMIN_PASSWORD is set (services/access.py).
# Uploads are capped at 150 MB (~7 million demand rows): Streamlit keeps an upload in
# memory, and the free hosted instance has 512 MB.
FROM python:3.11-slim

# PORT: Render (and most PaaS) inject it; 8501 is Streamlit's usual port.
# STREAMLIT_*: production settings, repeated as flags in CMD so they win over any
# config file. showErrorDetails=none keeps tracebacks and exception messages in the
# server log and out of the page ("false" would still show the stack trace).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8501 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_CLIENT_SHOW_ERROR_DETAILS=none \
    STREAMLIT_CLIENT_TOOLBAR_MODE=viewer \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_SERVER_RUN_ON_SAVE=false \
    STREAMLIT_SERVER_MAX_UPLOAD_SIZE=150

WORKDIR /app

# Unprivileged user with a fixed id (volume permissions stay predictable) and a
# writable home for Streamlit's and Matplotlib's caches.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
       --shell /usr/sbin/nologin app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# Code stays owned by root (the app cannot rewrite itself); only data/ is writable.
COPY . .
RUN mkdir -p /app/data && chown app:app /app/data

USER app

EXPOSE 8501

# slim has no curl: ask Streamlit's health endpoint with the standard library.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:' + os.environ.get('PORT', '8501') + '/_stcore/health'; sys.exit(0 if urllib.request.urlopen(url, timeout=4).status == 200 else 1)"]

# Shell form only to expand $PORT; exec hands signals straight to Streamlit.
CMD ["sh", "-c", "exec streamlit run app.py --server.port=${PORT:-8501} --server.address=0.0.0.0 --server.headless=true --browser.gatherUsageStats=false --client.showErrorDetails=none"]
