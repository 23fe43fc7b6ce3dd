"""Content-addressed store of user scenarios: SQLite by default, PostgreSQL through a database URL.

A scenario's key is the hash of its canonical form, so saving the same scenario twice is a no-op
and nothing stored is ever overwritten: rows are only ever inserted. Beside the scenarios, the store
keeps where each came from (its origin: the scenario it was edited from, who saved it and why) and
which scenarios were published to the gallery, and which of those publications the operator hid.
A saved scenario is unlisted: only its link opens it, until someone publishes it on purpose.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from engine.limits import BYLINE_LIMIT, clean_byline
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

# Bounds on what a visitor may hand the store: every text is cut, every page is capped.
TITLE_LIMIT = BYLINE_LIMIT  # a publication's title and author: one line, like the brief's byline
NOTE_LIMIT = 500  # a save's note and a hiding's reason
SEARCH_LIMIT = 100
RAW_TEXT_LIMIT = 10_000  # a longer text is cut before cleaning, so a hostile paste costs no more than this
PER_PAGE_MAX = 50
PAGE_MAX = 100_000  # far past any real gallery; keeps the SQL offset a small integer
LINEAGE_MAX = 100
LISTED_MAX = 10_000
ID_MAX = 2**63 - 1  # the ids' 64 bits: a larger number is no publication, not a database error

_DIGEST = re.compile(r"[0-9a-f]{64}")

# A 64-bit id on PostgreSQL; on SQLite only INTEGER makes the rowid key that numbers rows by itself (64-bit too).
_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")

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
# One row per scenario saved since lineage existed, written with its scenario row; older scenarios have none.
origins_table = sa.Table(
    "scenario_origins",
    _metadata,
    sa.Column("digest", sa.String(64), sa.ForeignKey("saved_scenarios.digest"), primary_key=True),
    # No foreign key: the parent may be a folder scenario, which is never in the store.
    sa.Column("parent_digest", sa.String(64), nullable=True),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)
publications_table = sa.Table(
    "publications",
    _metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("digest", sa.String(64), sa.ForeignKey("saved_scenarios.digest"), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    # The title case-folded in Python: SQLite's LIKE and lower() fold ASCII only, so the search folds
    # both sides itself and finds the same publications on either backend.
    sa.Column("title_folded", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False, index=True),
)
# A publication is hidden once it has a row here; the key makes a second hiding of it a no-op.
hidings_table = sa.Table(
    "publication_hidings",
    _metadata,
    sa.Column("publication_id", _ID, sa.ForeignKey("publications.id"), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)


def _raw(text: str) -> str:
    """A visitor's text as a str, cut to RAW_TEXT_LIMIT before any cleaning, so a hostile paste costs little."""
    return str(text or "")[:RAW_TEXT_LIMIT]


def _one_line(text: str, limit: int) -> str:
    """clean_byline's rule (whitespace runs as one space, control characters dropped) with another length limit."""
    printable = "".join(ch if ch.isprintable() else " " for ch in _raw(text))
    return " ".join(printable.split())[:limit]


def clean_author(text: str) -> str:
    """An author as the store keeps it: engine.limits.clean_byline, at most BYLINE_LIMIT characters."""
    return clean_byline(_raw(text))


def clean_note(text: str) -> str:
    """A note or a reason as the store keeps it: clean_byline's rule, at most NOTE_LIMIT characters."""
    return _one_line(text, NOTE_LIMIT)


def _prefix(ref: str) -> str | None:
    """The lowercase hex digits of 'sha-<hex>' or a bare hex prefix (16 to 64 digits); None if it is not one."""
    if not isinstance(ref, str):
        return None
    prefix = ref.removeprefix(LINK_PREFIX).lower()
    if len(prefix) < SHORT or len(prefix) > 64 or any(c not in "0123456789abcdef" for c in prefix):
        return None
    return prefix


def _bounded(value: int, low: int, high: int) -> int:
    """`value` as an int clamped to [low, high]."""
    return max(low, min(int(value), high))


def _summary_select() -> sa.Select:
    """The columns of a Saved record, in its field order: the scenario row and its origin, if it has one."""
    s, o = scenarios_table.c, origins_table.c
    return sa.select(
        s.digest,
        s.scenario_id,
        s.title_en,
        s.created_at,
        o.parent_digest,
        sa.func.coalesce(o.author, ""),
        sa.func.coalesce(o.note, ""),
    ).select_from(scenarios_table.outerjoin(origins_table, o.digest == s.digest))


def _publication_select() -> sa.Select:
    """The columns of a Publication record, in its field order, `hidden` computed from the hidings."""
    p, h = publications_table.c, hidings_table.c
    hidden = sa.exists().where(h.publication_id == p.id)
    return sa.select(p.id, p.digest, p.title, p.author, p.created_at, hidden.label("hidden"))


def _not_hidden() -> sa.ColumnElement:
    """The condition: a publication without a hiding."""
    h = hidings_table.c
    return ~sa.exists().where(h.publication_id == publications_table.c.id)


def _newest_first(select: sa.Select) -> sa.Select:
    """Publications newest first; one second holds many, so the later id comes first among them."""
    p = publications_table.c
    return select.order_by(p.created_at.desc(), p.id.desc())


def link_ref(digest: str) -> str:
    """The link form of a digest: 'sha-' and its first SHORT hex digits."""
    return LINK_PREFIX + digest[:SHORT]


@dataclass(frozen=True)
class Saved:
    """A stored scenario: its digest, id, English title, when it was saved, and its origin (if recorded)."""

    digest: str
    scenario_id: str
    title_en: str
    created_at: str
    parent: str | None = None  # the full digest of the scenario it was edited from
    author: str = ""
    note: str = ""

    @property
    def ref(self) -> str:
        return link_ref(self.digest)


@dataclass(frozen=True)
class Publication:
    """One entry of the gallery: a stored scenario published under a title; each publishing is its own entry."""

    id: int
    digest: str
    title: str
    author: str
    created_at: str
    hidden: bool = False

    @property
    def ref(self) -> str:
        return link_ref(self.digest)


@dataclass(frozen=True)
class StoreStats:
    """The size of the store: its scenario rows and their YAML bytes."""

    rows: int
    yaml_bytes: int  # UTF-8 bytes of the stored YAML texts, what the size limit counts


class StoreError(Exception):
    """The store could not be reached, read or written; the text is safe to show, the log has the cause."""


class SaveLimitReached(Exception):
    """A new save refused by a limit: kind 'session', 'server' or 'size'; retry_in seconds (None for 'size')."""

    def __init__(self, kind: str, limit: int, retry_in: float | None):
        """Which limit, its size, and in how many seconds a retry may succeed."""
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
    """Driver arguments for the URL: a connect timeout for PostgreSQL unless the URL sets one."""
    # Without a timeout, a database host that drops packets holds every page that asks the store for minutes.
    if (
        parsed.get_backend_name() == "postgresql"
        and parsed.get_driver_name() in ("psycopg", "psycopg2")
        and "connect_timeout" not in parsed.query
    ):
        return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return {}


def _shown_url(url: str) -> str:
    """The URL as the log may show it: without its password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return "<invalid database URL>"


def _stamp(seconds: float) -> str:
    """A clock time as the store's created_at text."""
    # Fixed-width UTC ISO text: comparing these strings orders them in time, on every backend.
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


class ScenarioStore:
    """The scenarios, their origins, the publications and their hidings, in one database; rows only inserted."""

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

    # --- for the stores that keep their tables in the same database (engine.rounds) ---------------------

    @property
    def sql(self) -> sa.Engine:
        """The database engine, shared with the stores that live beside this one."""
        return self._engine

    def guard(self, action: str):
        """The context that turns a database failure into a StoreError ("could not <action>") and logs it."""
        return self._failures(action)

    def now(self) -> float:
        """The store's clock, in seconds."""
        return self._clock()

    def check_hourly(self, conn: sa.Connection, created: sa.Column, now: float, action: str, rows: str) -> None:
        """Refuse a new row of `created`'s table past the server's hourly limit (SaveLimitReached 'server')."""
        self._check_hourly(conn, created, now, action, rows)

    def save(
        self,
        yaml_text: str | bytes,
        filename: str = "<upload>",
        recent: list[float] | None = None,
        parent: str | None = None,
        author: str = "",
        note: str = "",
    ) -> tuple[Saved, Scenario]:
        """Validate and store; returns the stored record (the earlier one if this scenario was saved before).

        `recent` holds the clock times of the calling session's new saves, kept by the caller: they count
        against the per-session limit, and this save's time is added when it stores a new row. `parent` is
        the full digest of the scenario this one was edited from (it need not be in the store); `author`
        and `note` are one-line texts, cleaned. They are recorded only with a new row: the first save's
        origin stays. Raises ValueError (a parent that is not 64 lowercase hex digits), ScenarioError
        (invalid text), SaveLimitReached (nothing stored) or StoreError.
        """
        if parent is not None and not (isinstance(parent, str) and _DIGEST.fullmatch(parent)):
            raise ValueError("parent must be the full digest of a scenario: 64 lowercase hex digits")
        author, note = clean_author(author), clean_note(note)
        # The loader checks size and UTF-8 (bytes from an upload) and names file, line and field.
        scenario = parse_scenario(yaml_text, filename)
        if isinstance(yaml_text, bytes):
            yaml_text = yaml_text.decode("utf-8")  # valid UTF-8: the loader said so
        digest = scenario.digest
        if parent == digest:
            parent = None  # saved unchanged: it is its own scenario, not an edit of itself
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
            origin = {
                "digest": digest,
                "parent_digest": parent,
                "author": author,
                "note": note,
                "created_at": _stamp(now),
            }
            inserted = True
            try:
                # One transaction: a scenario row never exists without the origin it was saved with.
                with self._engine.begin() as conn:
                    conn.execute(scenarios_table.insert().values(**row))
                    conn.execute(origins_table.insert().values(**origin))
            except IntegrityError:
                inserted = False  # saved concurrently by someone else: same digest, same scenario, their origin
            existing = self._find(digest)
            if existing is None:
                raise sa.exc.NoResultFound("the row just inserted is not there")
        if inserted:
            if recent is not None:
                recent.append(now)
            self._log_growth(existing, size, before)
        return existing, scenario

    def _check_session(self, recent: list[float] | None, now: float) -> None:
        """Refuse a new save past the calling session's hourly limit; forgets its saves older than an hour."""
        limit = self.limits.saves_per_session_hour
        if recent is None or not limit:
            return
        recent[:] = [t for t in recent if now - t < WINDOW_SECONDS]  # older saves no longer count
        if len(recent) >= limit:
            logger.info("save refused: a session reached its limit of %d new scenarios an hour", limit)
            raise SaveLimitReached("session", limit, min(recent) + WINDOW_SECONDS - now)

    def _check_hourly(self, conn: sa.Connection, created: sa.Column, now: float, action: str, rows: str) -> None:
        """Refuse a new row of `created`'s table past the server's hourly limit (counted in the store)."""
        limit = self.limits.saves_per_hour
        if not limit:
            return
        count, oldest = conn.execute(
            sa.select(sa.func.count(), sa.func.min(created)).where(created > _stamp(now - WINDOW_SECONDS))
        ).one()
        if count >= limit:
            logger.warning("%s refused: the server reached its limit of %d new %s an hour", action, limit, rows)
            wait = datetime.fromisoformat(oldest).timestamp() + WINDOW_SECONDS - now
            raise SaveLimitReached("server", limit, min(max(wait, 1.0), WINDOW_SECONDS))

    def _check_store(self, conn: sa.Connection, now: float, size: int) -> StoreStats:
        """Refuse a new row past the server's hourly or total-size limit; returns the store's stats before it."""
        self._check_hourly(conn, scenarios_table.c.created_at, now, "save", "scenarios")
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
        """Tell the operator how big the store has grown, and warn from 80 % of its size limit on."""
        rows, total = before.rows + 1, before.yaml_bytes + size
        logger.info("saved %s (%d bytes); the store holds %d scenarios, %d bytes of YAML", saved.ref, size, rows, total)
        if self.limits.max_bytes and total >= 0.8 * self.limits.max_bytes:
            logger.warning("the scenario store holds %d of at most %d bytes of YAML", total, self.limits.max_bytes)

    def _yaml_bytes(self) -> sa.ColumnElement:
        """The UTF-8 size of a stored YAML text, in this backend's SQL."""
        yaml = scenarios_table.c.yaml
        if self._engine.dialect.name == "sqlite":
            return sa.func.length(sa.cast(yaml, sa.LargeBinary))  # SQLite's length() of text counts characters
        return sa.func.octet_length(yaml)

    def _stats(self, conn: sa.Connection) -> StoreStats:
        """StoreStats, on an open connection."""
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
        """The Saved record of a full digest, or None."""
        with self._engine.connect() as conn:
            row = conn.execute(_summary_select().where(scenarios_table.c.digest == digest)).first()
        return Saved(*row) if row else None

    def _resolve(self, conn: sa.Connection, ref: str) -> str | None:
        """The full digest a ref names; None if it is malformed, unknown or ambiguous."""
        prefix = _prefix(ref)
        if prefix is None:
            return None
        digest = scenarios_table.c.digest
        rows = conn.execute(sa.select(digest).where(digest.startswith(prefix, autoescape=True)).limit(2)).all()
        return rows[0].digest if len(rows) == 1 else None

    def load(self, ref: str) -> tuple[Saved, Scenario] | None:
        """Look up 'sha-<hex>' (or a bare hex prefix of at least 16 digits); None if absent or ambiguous."""
        prefix = _prefix(ref)
        if prefix is None:
            return None
        with self._failures("load"), self._engine.connect() as conn:
            rows = conn.execute(
                _summary_select()
                .add_columns(scenarios_table.c.yaml)
                .where(scenarios_table.c.digest.startswith(prefix, autoescape=True))
                .limit(2)
            ).all()
        if len(rows) != 1:
            return None
        *summary, yaml_text = rows[0]
        saved = Saved(*summary)
        scenario = parse_scenario(yaml_text, f"saved:{saved.ref}")
        return saved, scenario

    def yaml_text(self, ref: str) -> str | None:
        """The YAML text of a stored scenario exactly as it was saved (comments and all); None if not found."""
        with self._failures("load"), self._engine.connect() as conn:
            digest = self._resolve(conn, ref)
            if digest is None:
                return None
            return conn.execute(sa.select(scenarios_table.c.yaml).where(scenarios_table.c.digest == digest)).scalar()

    def lineage(self, ref: str, limit: int = 20) -> list[str]:
        """Full digests [the scenario, its parent, grandparent, ...], following the recorded parents.

        The chain ends at a parent not in the store (a folder scenario, say: its digest is the last item), at
        a scenario without parent, after `limit` items (at most LINEAGE_MAX), or where it would repeat a
        digest (a cycle). Empty if `ref` names no stored scenario.
        """
        limit = _bounded(limit, 0, LINEAGE_MAX)
        s, o = scenarios_table.c, origins_table.c
        step = sa.select(s.digest, o.parent_digest).select_from(scenarios_table.outerjoin(origins_table))
        chain: list[str] = []
        with self._failures("load"), self._engine.connect() as conn:
            digest = self._resolve(conn, ref)
            while digest is not None and len(chain) < limit and digest not in chain:
                chain.append(digest)
                row = conn.execute(step.where(s.digest == digest)).first()
                # Not stored: where the chain leaves the store. Stored, no origin: saved before lineage existed.
                digest = row.parent_digest if row is not None else None
        return chain

    def list(self, limit: int = 200) -> list[Saved]:
        """The newest stored scenarios, published or not: for the operator, not for visitors."""
        with self._failures("list"), self._engine.connect() as conn:
            rows = conn.execute(
                _summary_select()
                .order_by(scenarios_table.c.created_at.desc(), scenarios_table.c.digest)
                .limit(_bounded(limit, 0, LISTED_MAX))
            ).all()
        return [Saved(*row) for row in rows]

    def count(self) -> int:
        """How many scenarios are stored."""
        with self._failures("count"), self._engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(scenarios_table)).scalar_one()

    # --- the gallery: publishing on purpose, hiding by the operator -------------------------------------

    def publish(self, ref: str, title: str, author: str = "") -> Publication:
        """Publish a stored scenario to the gallery under `title`; every call is a new entry, even for one scenario.

        `title` and `author` are cleaned to one line of at most TITLE_LIMIT characters. Raises ValueError for a
        title that is empty once cleaned, LookupError when `ref` names no stored scenario (a caller holding a
        ref it just saved never sees it), SaveLimitReached ('server': as many publications in the last hour as
        Limits.saves_per_hour allows) or StoreError.
        """
        title, author = _one_line(title, TITLE_LIMIT), clean_author(author)
        if not title:
            raise ValueError("a publication needs a title")
        with self._failures("publish"):
            now = self._clock()
            with self._engine.begin() as conn:
                digest = self._resolve(conn, ref)
                if digest is not None:
                    self._check_hourly(conn, publications_table.c.created_at, now, "publish", "publications")
                    row = {
                        "digest": digest,
                        "title": title,
                        "title_folded": title.casefold(),
                        "author": author,
                        "created_at": _stamp(now),
                    }
                    new_id = conn.execute(publications_table.insert().values(**row)).inserted_primary_key[0]
        if digest is None:
            raise LookupError(f"no stored scenario {_raw(ref)[:80]!r}")
        logger.info("published %s as publication %d", link_ref(digest), new_id)
        return Publication(int(new_id), digest, title, author, row["created_at"])

    def gallery(self, search: str = "", page: int = 0, per_page: int = 20) -> tuple[list[Publication], int]:
        """One page of the publications not hidden, newest first, and how many match in all.

        `search` (cleaned like a title, at most SEARCH_LIMIT characters) finds titles that contain it, in any
        case; `%` and `_` are plain characters. `per_page` is held to 1..PER_PAGE_MAX, `page` (from 0) to
        0..PAGE_MAX.
        """
        needle = _one_line(search, SEARCH_LIMIT).casefold()
        per_page, page = _bounded(per_page, 1, PER_PAGE_MAX), _bounded(page, 0, PAGE_MAX)
        conditions = [_not_hidden()]
        if needle:
            conditions.append(publications_table.c.title_folded.contains(needle, autoescape=True))
        with self._failures("list"), self._engine.connect() as conn:
            rows = conn.execute(
                _newest_first(_publication_select().where(*conditions)).limit(per_page).offset(page * per_page)
            ).all()
            total = conn.execute(sa.select(sa.func.count()).select_from(publications_table).where(*conditions))
            total = total.scalar_one()
        return [_publication(row) for row in rows], int(total)

    def hide(self, publication_id: int, reason: str = "") -> bool:
        """Hide a publication from the gallery (its scenario and its link stay); False if there is no such id.

        Hiding adds a row and removes none; hiding a hidden publication again changes nothing (the first
        reason stays) and returns True. `reason` is cleaned like a note.
        """
        if isinstance(publication_id, bool) or not isinstance(publication_id, int) or not 1 <= publication_id <= ID_MAX:
            return False
        p, h = publications_table.c, hidings_table.c
        hiding = {"publication_id": publication_id, "reason": clean_note(reason)}
        with self._failures("hide"):
            hiding["created_at"] = _stamp(self._clock())
            try:
                with self._engine.begin() as conn:
                    if conn.execute(sa.select(p.id).where(p.id == publication_id)).first() is None:
                        return False
                    if conn.execute(sa.select(h.publication_id).where(h.publication_id == publication_id)).first():
                        return True
                    conn.execute(hidings_table.insert().values(**hiding))
            except IntegrityError:
                pass  # hidden concurrently by another call: hidden all the same
        logger.info("hid publication %d", publication_id)
        return True

    def publications(self, include_hidden: bool = True, limit: int = 200) -> list[Publication]:
        """The newest publications for the operator, each with its `hidden` flag; at most LISTED_MAX."""
        select = _publication_select() if include_hidden else _publication_select().where(_not_hidden())
        with self._failures("list"), self._engine.connect() as conn:
            rows = conn.execute(_newest_first(select).limit(_bounded(limit, 0, LISTED_MAX))).all()
        return [_publication(row) for row in rows]

    def dispose(self) -> None:
        """Close the store's database connections."""
        self._engine.dispose()


def _publication(row: sa.Row) -> Publication:
    """A Publication from a row of _publication_select()."""
    return Publication(int(row.id), row.digest, row.title, row.author, row.created_at, bool(row.hidden))
