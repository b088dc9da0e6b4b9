# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md requirements.lock ./
COPY matchscope ./matchscope
RUN python -m venv /opt/matchscope && /opt/matchscope/bin/pip install --no-cache-dir --constraint requirements.lock .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 matchscope
COPY --from=build /opt/matchscope /opt/matchscope
ENV PATH=/opt/matchscope/bin:$PATH \
    NUMBA_CACHE_DIR=/home/matchscope/.cache/numba \
    DATABASE_URL=sqlite:////data/matchscope.db \
    MATCHSCOPE_IMAGE_ROOT=/data/images \
    MATCHSCOPE_THUMBNAIL_CACHE=/data/thumbnails
# Mount a dataset's images at /data/images (read-only is fine; `serve --demo` draws its images there).
RUN mkdir -p /data/images /data/thumbnails && chown -R matchscope /data
USER matchscope
# Kernels compiled into the image's cache: a server process that compiles them itself is slower on every request.
RUN python -c "from matchscope.engine import warmup; warmup()"
WORKDIR /data
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["matchscope", "serve", "--host", "0.0.0.0", "--port", "8000"]
