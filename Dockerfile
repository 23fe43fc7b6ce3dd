# Slim image for hosting the dashboard behind a reverse proxy; runs as an unprivileged user.
FROM python:3.11-slim

# MALLOC_ARENA_MAX: every session's script runs in its own thread, and glibc gives threads their own
# malloc arenas that keep freed ensemble arrays; two arenas cut the server's RSS after a 20-session
# load test from 330 to 217 MiB (bench/load_test.py --clients ws, one run each).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MALLOC_ARENA_MAX=2 \
    SCENARIO_DATA_DIR=/data

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-compile -r requirements.txt

COPY .streamlit ./.streamlit
COPY engine ./engine
COPY ui ./ui
COPY present ./present
COPY scenarios ./scenarios
COPY dashboard.py ./

RUN useradd --system --uid 10001 --home-dir /app dashboard \
    && mkdir -p /data && chown dashboard /data
USER dashboard
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() == b'ok' else 1)"

CMD ["python", "-m", "streamlit", "run", "dashboard.py", "--server.port=8501", "--server.address=0.0.0.0"]
