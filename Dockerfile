# The service image: the README's install steps, a non-root user, DATABASE_URL required.
FROM python:3.11-slim
WORKDIR /srv/ilonet
RUN useradd --system --create-home --home-dir /home/ilonet ilonet
COPY requirements.lock pyproject.toml README.md alembic.ini ./
RUN python -m venv .venv && .venv/bin/pip install --require-hashes -r requirements.lock
COPY app ./app
COPY migrations ./migrations
RUN .venv/bin/pip install --no-deps -e . && chown -R ilonet /srv/ilonet
USER ilonet
ENV ILONET_ENV=production \
    ILONET_DATA_DIR=/home/ilonet/data
EXPOSE 8000
# No embedded PostgreSQL in a container: refuse to start without DATABASE_URL.
CMD ["sh", "-c", ": \"${DATABASE_URL:?set DATABASE_URL}\" && exec .venv/bin/ilonet serve --host 0.0.0.0 --port 8000"]
