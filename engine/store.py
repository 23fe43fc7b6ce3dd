"""Content-addressed store of user scenarios: SQLite by default, PostgreSQL through a database URL.

A scenario's key is the hash of its canonical form, so saving the same scenario twice is a no-op
and nothing stored is ever overwritten: rows are only ever inserted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from engine.catalog import scenario_digest
from engine.loader import parse_scenario
from engine.schema import Scenario

DATA_DIR_ENV = "SCENARIO_DATA_DIR"
DATABASE_URL_ENV = "SCENARIO_DATABASE_URL"
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


def default_url() -> str:
    """The configured database: SCENARIO_DATABASE_URL, else a SQLite file in SCENARIO_DATA_DIR (./data)."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    folder = Path(os.environ.get(DATA_DIR_ENV, "data"))
    return f"sqlite:///{folder.resolve() / 'scenarios.sqlite3'}"


class ScenarioStore:
    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        parsed = sa.engine.make_url(self.url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # The page asks for the URL on every rerun; the folder is made once, with the store.
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        self._engine = sa.create_engine(self.url, pool_pre_ping=True)
        _metadata.create_all(self._engine)

    def save(self, yaml_text: str, filename: str = "<upload>") -> tuple[Saved, Scenario]:
        """Validate and store; returns the stored record (the earlier one if this scenario was saved before)."""
        scenario = parse_scenario(yaml_text, filename)  # raises ScenarioError naming file, line, field
        digest = scenario_digest(scenario)
        row = {
            "digest": digest,
            "scenario_id": scenario.id,
            "title_en": scenario.title.en,
            "yaml": yaml_text,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        existing = self._find(digest)
        if existing is None:
            try:
                with self._engine.begin() as conn:
                    conn.execute(scenarios_table.insert().values(**row))
            except IntegrityError:
                pass  # saved concurrently by someone else: same digest, same scenario
            existing = self._find(digest)
        return existing, scenario

    def _find(self, digest: str) -> Saved | None:
        with self._engine.connect() as conn:
            row = conn.execute(sa.select(*_summary_columns()).where(scenarios_table.c.digest == digest)).first()
        return Saved(*row) if row else None

    def load(self, ref: str) -> tuple[Saved, Scenario] | None:
        """Look up 'sha-<hex>' (or a bare hex prefix of at least 16 digits); None if absent or ambiguous."""
        prefix = ref.removeprefix(LINK_PREFIX).lower()
        if len(prefix) < SHORT or len(prefix) > 64 or any(c not in "0123456789abcdef" for c in prefix):
            return None
        with self._engine.connect() as conn:
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
        with self._engine.connect() as conn:
            rows = conn.execute(
                sa.select(*_summary_columns())
                .order_by(scenarios_table.c.created_at.desc(), scenarios_table.c.digest)
                .limit(limit)
            ).all()
        return [Saved(*row) for row in rows]

    def count(self) -> int:
        with self._engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(scenarios_table)).scalar_one()

    def dispose(self) -> None:
        self._engine.dispose()
