"""Content-addressed store of user scenarios: SQLite by default, PostgreSQL through a database URL.

A scenario's key is the hash of its canonical form, so saving the same scenario twice is a no-op
and nothing stored is ever overwritten: rows are only ever inserted.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from engine.loader import parse_scenario
from engine.schema import Scenario

logger = logging.getLogger(__name__)

DATA_DIR_ENV = "SCENARIO_DATA_DIR"
DATABASE_URL_ENV = "SCENARIO_DATABASE_URL"
SAVES_PER_SESSION_ENV = "SCENARIO_SAVES_PER_SESSION_HOUR"
SAVES_PER_HOUR_ENV = "SCENARIO_SAVES_PER_HOUR"
MAX_BYTES_ENV = "SCENARIO_STORE_MAX_BYTES"
WINDOW_SECONDS = 3600  # the save limits count the new saves of the last hour
CONNECT_TIMEOUT_SECONDS = 5
SHORT = 16  # hex digits of the digest used in links: 64 bits, short and collision-safe at this scale
LINK_PREFIX = "sha-"

_metadata = sa.MetaData()
scenarios_table = sa.Table(
    "saved_scenarios",
    _metadata,
    sa.Column("digest", sa.String(64), primary_key=True),
    sa.Column("scenario_id", sa.String(64), nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("yaml", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)


def _summary_columns() -> tuple:
    # The columns of a Saved record, in its field order.
    c = scenarios_table.c
    return (c.digest, c.scenario_id, c.title_en, c.created_at)


@dataclass(frozen=True)
class Saved:
    digest: str
    scenario_id: str
    title_en: str
    created_at: str

    @property
    def ref(self) -> str:
        return LINK_PREFIX + self.digest[:SHORT]


@dataclass(frozen=True)
class StoreStats:
    rows: int
    yaml_bytes: int  # UTF-8 bytes of the stored YAML texts, what the size limit counts


class StoreError(Exception):
    """The store could not be reached, read or written; the text is safe to show, the log has the cause."""


class SaveLimitReached(Exception):
    """A new save refused by a limit: kind 'session', 'server' or 'size'; retry_in seconds (None for 'size')."""

    def __init__(self, kind: str, limit: int, retry_in: float | None):
        self.kind, self.limit, self.retry_in = kind, limit, retry_in
        super().__init__(f"{kind} limit of {limit:,} reached")


@dataclass(frozen=True)
class Limits:
    """Bounds on new saves (saving a scenario already stored is free); 0 turns a bound off."""

    saves_per_session_hour: int = 10
    saves_per_hour: int = 120  # the whole server: counted in the store, so it holds across replicas
    max_bytes: int = 200 * 1024 * 1024

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """SCENARIO_SAVES_PER_SESSION_HOUR, SCENARIO_SAVES_PER_HOUR, SCENARIO_STORE_MAX_BYTES; unset: the defaults."""
        env = os.environ if env is None else env
        names = {
            "saves_per_session_hour": SAVES_PER_SESSION_ENV,
            "saves_per_hour": SAVES_PER_HOUR_ENV,
            "max_bytes": MAX_BYTES_ENV,
        }
        values = {}
        for field, name in names.items():
            text = env.get(name, "").strip()
            if not text:
                continue
            if text.isdecimal():
                values[field] = int(text)
            else:
                # A typo must neither switch a limit off nor stop the page: keep the default, and say so.
                logger.warning("%s=%r is not a whole number >= 0; using the default", name, text)
        return cls(**values)


def default_url() -> str:
    """The configured database: SCENARIO_DATABASE_URL, else a SQLite file in SCENARIO_DATA_DIR (./data)."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = Path(os.environ.get(DATA_DIR_ENV, "data"))
    return f"sqlite:///{folder.resolve() / 'scenarios.sqlite3'}"


def _sqlite_folder(parsed: sa.engine.URL) -> Path | None:
    """The folder to make for a SQLite database file; None for other backends, memory and read-only ones."""
    if parsed.get_backend_name() != "sqlite":
        return None
    name = parsed.database or ""
    if sa.util.asbool(parsed.query.get("uri", False)):
        if parsed.query.get("mode") in ("memory", "ro"):
            return None
        if name.startswith("file:"):
            # An SQLite URI filename: 'file:', an optional '//authority', then a %-escaped path.
            name = unquote(urlsplit(name).path)
    if name in ("", ":memory:"):
        return None
    return Path(name).parent


def _connect_args(parsed: sa.engine.URL) -> dict:
    # Without a timeout, a database host that drops packets holds every page that asks the store for minutes.
    if (
        parsed.get_backend_name() == "postgresql"
        and parsed.get_driver_name() in ("psycopg", "psycopg2")
        and "connect_timeout" not in parsed.query
    ):
        return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return {}


def _shown_url(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "<invalid database URL>"


def _stamp(seconds: float) -> str:
    # Fixed-width UTC ISO text: comparing these strings orders them in time, on every backend.
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


class ScenarioStore:
    def __init__(self, url: str | None = None, limits: Limits | None = None, clock: Callable[[], float] = time.time):
        """Open (and create if needed) the store; raises StoreError if the database cannot be used.

        `limits` default to the environment's (Limits.from_env); `clock` gives the time in seconds.
        """
        self.url = url or default_url()
        self.limits = Limits.from_env() if limits is None else limits
        self._clock = clock
        self._shown = _shown_url(self.url)
        with self._failures("open"):
            parsed = sa.engine.make_url(self.url)
            folder = _sqlite_folder(parsed)
            if folder is not None:
                # The page asks for the URL on every rerun; the folder is made once, with the store.
                folder.mkdir(parents=True, exist_ok=True)
            self._engine = sa.create_engine(self.url, pool_pre_ping=True, connect_args=_connect_args(parsed))
            try:
                _metadata.create_all(self._engine)
            except BaseException:
                self._engine.dispose()
                raise

    @contextmanager
    def _failures(self, action: str) -> Iterator[None]:
        """Turn a database failure into a StoreError; the operator's log gets what the page must not show."""
        try:
            yield
        except (SQLAlchemyError, OSError, UnicodeError, ImportError) as err:
            # The driver's own message, not SQLAlchemy's, which repeats the statement and the user's text.
            cause = err.orig if isinstance(err, DBAPIError) and err.orig is not None else err
            logger.warning("scenario store %s: %s failed: %s: %s", self._shown, action, type(cause).__name__, cause)
            raise StoreError(f"the scenario store could not {action}") from err

    def save(
        self, yaml_text: str | bytes, filename: str = "<upload>", recent: list[float] | None = None
    ) -> tuple[Saved, Scenario]:
        """Validate and store; returns the stored record (the earlier one if this scenario was saved before).

        `recent` holds the clock times of the calling session's new saves, kept by the caller: they count
        against the per-session limit, and this save's time is added when it stores a new row. Raises
        ScenarioError (invalid text), SaveLimitReached (nothing stored) or StoreError.
        """
        # The loader checks size and UTF-8 (bytes from an upload) and names file, line and field.
        scenario = parse_scenario(yaml_text, filename)
        if isinstance(yaml_text, bytes):
            yaml_text = yaml_text.decode("utf-8")  # valid UTF-8: the loader said so
        digest = scenario.digest
        with self._failures("save"):
            existing = self._find(digest)
            if existing is not None:
                return existing, scenario  # no new row: counts against no limit
            now = self._clock()
            size = len(yaml_text.encode("utf-8"))
            self._check_session(recent, now)
            with self._engine.connect() as conn:
                before = self._check_store(conn, now, size)
            row = {
                "digest": digest,
                "scenario_id": scenario.id,
                "title_en": scenario.title.en,
                "yaml": yaml_text,
                "created_at": _stamp(now),
            }
            inserted = True
            try:
                with self._engine.begin() as conn:
                    conn.execute(scenarios_table.insert().values(**row))
            except IntegrityError:
                inserted = False  # saved concurrently by someone else: same digest, same scenario
            existing = self._find(digest)
            if existing is None:
                raise sa.exc.NoResultFound("the row just inserted is not there")
        if inserted:
            if recent is not None:
                recent.append(now)
            self._log_growth(existing, size, before)
        return existing, scenario

    def _check_session(self, recent: list[float] | None, now: float) -> None:
        limit = self.limits.saves_per_session_hour
        if recent is None or not limit:
            return
        recent[:] = [t for t in recent if now - t < WINDOW_SECONDS]  # older saves no longer count
        if len(recent) >= limit:
            logger.info("save refused: a session reached its limit of %d new scenarios an hour", limit)
            raise SaveLimitReached("session", limit, min(recent) + WINDOW_SECONDS - now)

    def _check_store(self, conn: sa.Connection, now: float, size: int) -> StoreStats:
        """Refuse a new row past the server's hourly or total-size limit; returns the store's stats before it."""
        limit = self.limits.saves_per_hour
        if limit:
            created = scenarios_table.c.created_at
            count, oldest = conn.execute(
                sa.select(sa.func.count(), sa.func.min(created)).where(created > _stamp(now - WINDOW_SECONDS))
            ).one()
            if count >= limit:
                logger.warning("save refused: the server reached its limit of %d new scenarios an hour", limit)
                wait = datetime.fromisoformat(oldest).timestamp() + WINDOW_SECONDS - now
                raise SaveLimitReached("server", limit, min(max(wait, 1.0), WINDOW_SECONDS))
        stats = self._stats(conn)
        if self.limits.max_bytes and stats.yaml_bytes + size > self.limits.max_bytes:
            logger.warning(
                "save refused: the store holds %d bytes of YAML in %d scenarios; %d more would pass its limit of %d",
                stats.yaml_bytes,
                stats.rows,
                size,
                self.limits.max_bytes,
            )
            raise SaveLimitReached("size", self.limits.max_bytes, None)
        return stats

    def _log_growth(self, saved: Saved, size: int, before: StoreStats) -> None:
        rows, total = before.rows + 1, before.yaml_bytes + size
        logger.info("saved %s (%d bytes); the store holds %d scenarios, %d bytes of YAML", saved.ref, size, rows, total)
        if self.limits.max_bytes and total >= 0.8 * self.limits.max_bytes:
            logger.warning("the scenario store holds %d of at most %d bytes of YAML", total, self.limits.max_bytes)

    def _yaml_bytes(self) -> sa.ColumnElement:
        yaml = scenarios_table.c.yaml
        if self._engine.dialect.name == "sqlite":
            return sa.func.length(sa.cast(yaml, sa.LargeBinary))  # SQLite's length() of text counts characters
        return sa.func.octet_length(yaml)

    def _stats(self, conn: sa.Connection) -> StoreStats:
        rows, size = conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(self._yaml_bytes()), 0)).select_from(
                scenarios_table
            )
        ).one()
        return StoreStats(int(rows), int(size))

    def stats(self) -> StoreStats:
        """How many scenarios are stored and how many bytes of YAML they take."""
        with self._failures("count"), self._engine.connect() as conn:
            return self._stats(conn)

    def _find(self, digest: str) -> Saved | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(*_summary_columns()).where(scenarios_table.c.digest == digest)).first()
        return Saved(*row) if row else None

    def load(self, ref: str) -> tuple[Saved, Scenario] | None:
        """Look up 'sha-<hex>' (or a bare hex prefix of at least 16 digits); None if absent or ambiguous."""
        prefix = ref.removeprefix(LINK_PREFIX).lower()
        if len(prefix) < SHORT or len(prefix) > 64 or any(c not in "0123456789abcdef" for c in prefix):
            return None
        with self._failures("load"), self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(scenarios_table).where(scenarios_table.c.digest.startswith(prefix, autoescape=True)).limit(2)
            ).all()
        if len(rows) != 1:
            return None
        row = rows[0]
        saved = Saved(row.digest, row.scenario_id, row.title_en, row.created_at)
        scenario = parse_scenario(row.yaml, f"saved:{saved.ref}")
        return saved, scenario

    def list(self, limit: int = 200) -> list[Saved]:
        with self._failures("list"), self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_summary_columns())
                .order_by(scenarios_table.c.created_at.desc(), scenarios_table.c.digest)
                .limit(limit)
            ).all()
        return [Saved(*row) for row in rows]

    def count(self) -> int:
        with self._failures("count"), self._engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(scenarios_table)).scalar_one()

    def dispose(self) -> None:
        self._engine.dispose()
