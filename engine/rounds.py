"""Elicitation rounds and their forecast ledger, kept in the scenario store's database; rows are only inserted.

A round pins a stored scenario (by digest), the settings it was opened with, the questions in focus and its
limits. Whoever opens it gets a facilitator key: an unguessable secret of which only the SHA-256 is stored, and
which closes, reopens, opens a follow-up (Delphi) round, freezes forecasts and resolves questions. The round's
own id, in the participant link, does none of that. A member's later submission supersedes their earlier one
(same name, case-folded) for the results; both rows stay. Closing, reopening and showing the results are rows
too: the latest one says the round's state. A follow-up round shares its first round's key and ledger.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from engine.ledger import SOURCES, Forecast, Resolution
from engine.limits import RUNS_RANGE, SEED_RANGE
from engine.model import Model
from engine.pooling import Judgement, check_judgement
from engine.schema import Scenario
from engine.store import _ID, NOTE_LIMIT, TITLE_LIMIT, ScenarioStore, _one_line, _raw, _stamp

logger = logging.getLogger(__name__)

SUBMISSIONS_ENV = "SCENARIO_ROUND_SUBMISSIONS"
DEFAULT_SUBMISSIONS = 200
ALIAS_LIMIT = 60
COMMENT_LIMIT = 1000
COMMENT_LINES = 20
FORECASTS_MAX = 5000  # per ledger: far past a team's use, a bound on what a leaked key can add
RESOLUTIONS_MAX = 1000
ROUNDS_LISTED_MAX = 50  # rounds of one family (a first round and its follow-ups)
ACTIONS = ("close", "reopen", "results_on", "results_off")
_ROUND_ID = re.compile(r"[A-Za-z0-9_-]{22}")
_KEY = re.compile(r"[A-Za-z0-9_-]{32}")
LOCKED_RETRIES = 8

_metadata = sa.MetaData()
rounds_table = sa.Table(
    "rounds",
    _metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("parent_id", sa.String(32), nullable=True, index=True),
    sa.Column("digest", sa.String(64), nullable=False),  # a scenario in saved_scenarios
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("questions", sa.Text, nullable=False),  # JSON list of question ids
    sa.Column("settings", sa.Text, nullable=False),  # JSON: values, runs, seed
    sa.Column("closes_at", sa.String(32), nullable=True),
    sa.Column("max_submissions", sa.Integer, nullable=False),
    sa.Column("show_results", sa.Boolean, nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False),
    # 1 for a first round, n for the n-th of its series: time stamps have whole seconds, and two follow-ups
    # opened within one must still come in the order they were opened.
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)
actions_table = sa.Table(
    "round_actions",
    _metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.String(32), sa.ForeignKey("rounds.id"), nullable=False, index=True),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)
submissions_table = sa.Table(
    "round_submissions",
    _metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("round_id", sa.String(32), sa.ForeignKey("rounds.id"), nullable=False, index=True),
    sa.Column("alias", sa.Text, nullable=False),
    sa.Column("alias_folded", sa.Text, nullable=False),
    sa.Column("judgement", sa.Text, nullable=False),  # JSON: values, impacts, gut
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)
forecasts_table = sa.Table(
    "ledger_forecasts",
    _metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("ledger_id", sa.String(32), sa.ForeignKey("rounds.id"), nullable=False, index=True),
    sa.Column("question", sa.String(64), nullable=False),
    sa.Column("question_text", sa.Text, nullable=False),
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("low", sa.Float, nullable=False),
    sa.Column("high", sa.Float, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("label", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("frozen_at", sa.String(32), nullable=False),
)
resolutions_table = sa.Table(
    "ledger_resolutions",
    _metadata,
    sa.Column("id", _ID, primary_key=True, autoincrement=True),
    sa.Column("ledger_id", sa.String(32), sa.ForeignKey("rounds.id"), nullable=False, index=True),
    sa.Column("question", sa.String(64), nullable=False),
    sa.Column("happened", sa.Boolean, nullable=False),
    sa.Column("resolved_on", sa.String(10), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)


class AccessDenied(PermissionError):
    """The facilitator key is missing or not this round's."""


class RoundClosed(Exception):
    """The round takes no submissions: closed by its facilitator or past its closing time."""


class RoundFull(Exception):
    """The round holds as many submissions as it may (`limit`)."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"the round holds its limit of {limit:,} submissions")


def submissions_limit(env: Mapping[str, str] | None = None) -> int:
    """The most submissions a round may hold on this server: SCENARIO_ROUND_SUBMISSIONS, else 200."""
    env = os.environ if env is None else env
    text = env.get(SUBMISSIONS_ENV, "").strip()
    if text.isdecimal() and int(text) > 0:
        return int(text)
    if text:
        logger.warning("%s=%r is not a whole number > 0; using %d", SUBMISSIONS_ENV, text, DEFAULT_SUBMISSIONS)
    return DEFAULT_SUBMISSIONS


def clean_alias(text: str) -> str:
    """A member's name as the round keeps it: one line, at most ALIAS_LIMIT characters."""
    return _one_line(text, ALIAS_LIMIT)


def clean_comment(text: str) -> str:
    """A comment: up to COMMENT_LINES lines, each cleaned like a note, at most COMMENT_LIMIT characters."""
    lines = [_one_line(line, COMMENT_LIMIT) for line in _raw(text).splitlines()[:COMMENT_LINES]]
    return "\n".join(lines).strip()[:COMMENT_LIMIT]


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def valid_id(round_id: object) -> bool:
    """Whether `round_id` has the form of a round id (a link may carry anything)."""
    return isinstance(round_id, str) and _ROUND_ID.fullmatch(round_id) is not None


@dataclass(frozen=True)
class Round:
    """One elicitation round as its pages see it; `closed`, `show_results` and `submitted` as of the last read."""

    id: str
    parent_id: str | None
    digest: str
    title: str
    questions: tuple[str, ...]
    values: Mapping[str, float]
    runs: int
    seed: int
    closes_at: str | None
    max_submissions: int
    created_at: str
    position: int = 1  # 1 for a first round, n for the n-th of its series
    closed: bool = False
    show_results: bool = False
    submitted: int = 0  # submission rows, superseded ones included: what the limit counts
    members: int = 0  # distinct members

    @property
    def full(self) -> bool:
        return self.submitted >= self.max_submissions

    @property
    def settings(self) -> dict:
        return {"values": dict(self.values), "runs": self.runs, "seed": self.seed}


@dataclass(frozen=True)
class Submission:
    """One submission row; `superseded` when the same member submitted again later."""

    id: int
    round_id: str
    member: str
    values: Mapping[str, float]
    impacts: Mapping[int, tuple[float, float, float]]
    gut: Mapping[str, float]
    comment: str
    created_at: str
    superseded: bool = False

    @property
    def judgement(self) -> Judgement:
        return Judgement(self.member, self.values, self.impacts, self.gut)


@dataclass(frozen=True)
class Opened:
    """A newly opened round and the facilitator key, which is shown once and never stored."""

    round: Round
    key: str = field(repr=False)


def _closes_at(value: datetime | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        raise ValueError("a closing time needs its time zone")
    return value.astimezone(UTC).isoformat(timespec="seconds")


class RoundStore:
    """Rounds, submissions and ledgers beside the scenarios, in the same database."""

    def __init__(self, scenarios: ScenarioStore, max_submissions: int | None = None):
        """Create the tables if needed; `max_submissions` bounds every round (default: submissions_limit())."""
        self.scenarios = scenarios
        self.max_submissions = submissions_limit() if max_submissions is None else max_submissions
        with scenarios.guard("open"):
            _metadata.create_all(scenarios.sql)

    @property
    def _sql(self) -> sa.Engine:
        return self.scenarios.sql

    # --- opening and reading -------------------------------------------------------------------------------

    def open(
        self,
        yaml_text: str,
        filename: str,
        title: str,
        questions: Sequence[str],
        values: Mapping[str, float],
        runs: int,
        seed: int,
        closes_at: datetime | str | None = None,
        max_submissions: int | None = None,
        show_results: bool = False,
    ) -> Opened:
        """Save the scenario (content-addressed: a no-op when stored) and open a round on it.

        Raises ValueError for a title empty once cleaned, no or unknown questions, runs or seed out of range,
        a closing time without time zone; JudgementError for values the scenario cannot take; the store's
        ScenarioError, SaveLimitReached and StoreError as ScenarioStore.save raises them.
        """
        saved, scenario = self.scenarios.save(yaml_text, filename)
        return self._insert(
            scenario,
            saved.digest,
            None,
            secrets.token_urlsafe(24),
            title,
            questions,
            values,
            runs,
            seed,
            closes_at,
            max_submissions,
            show_results,
        )

    def follow_up(self, round_id: str, key: str, title: str, closes_at: datetime | str | None = None) -> Round:
        """A Delphi follow-up of a round: the same scenario, settings, questions and key, a new id, the same ledger.

        A follow-up of a follow-up belongs to the same first round: every round of a family has it as parent.
        """
        first = self._authorised(round_id, key)
        found = self.scenarios.load(f"sha-{first.digest}")
        if found is None:
            raise LookupError("the round's scenario is no longer in the store")
        opened = self._insert(
            found[1],
            first.digest,
            first.parent_id or first.id,
            key,
            title,
            first.questions,
            first.values,
            first.runs,
            first.seed,
            closes_at,
            first.max_submissions,
            first.show_results,
        )
        return opened.round

    def _insert(
        self,
        scenario: Scenario,
        digest: str,
        parent_id: str | None,
        key: str,
        title: str,
        questions: Sequence[str],
        values: Mapping[str, float],
        runs: int,
        seed: int,
        closes_at: datetime | str | None,
        max_submissions: int | None,
        show_results: bool,
    ) -> Opened:
        title = _one_line(title, TITLE_LIMIT)
        if not title:
            raise ValueError("a round needs a title")
        known = [q.id for q in scenario.questions]
        unknown = sorted(set(questions) - set(known))
        if unknown:
            raise ValueError(f"unknown question(s): {', '.join(map(str, unknown))}")
        questions = [q for q in known if q in set(questions)]  # in the scenario's order
        if not questions:
            raise ValueError("a round needs at least one of the scenario's questions")
        if not RUNS_RANGE[0] <= int(runs) <= RUNS_RANGE[1] or not SEED_RANGE[0] <= int(seed) <= SEED_RANGE[1]:
            raise ValueError("runs or seed out of range")
        values = check_judgement(scenario, Judgement("", values)).values
        limit = (
            self.max_submissions if max_submissions is None else max(1, min(int(max_submissions), self.max_submissions))
        )
        settings = {"values": dict(values), "runs": int(runs), "seed": int(seed)}
        with self.scenarios.guard("open a round"):
            now = self.scenarios.now()
            row = {
                "id": secrets.token_urlsafe(16),
                "parent_id": parent_id,
                "digest": digest,
                "title": title,
                "questions": _json(questions),
                "settings": _json(settings),
                "closes_at": _closes_at(closes_at),
                "max_submissions": limit,
                "show_results": bool(show_results),
                "key_hash": key_hash(key),
                "created_at": _stamp(now),
            }
            with self._sql.begin() as conn:
                self.scenarios.check_hourly(conn, rounds_table.c.created_at, now, "open a round", "rounds")
                row["position"] = 1
                if parent_id is not None:
                    r = rounds_table.c
                    held = sa.select(sa.func.count()).where(sa.or_(r.id == parent_id, r.parent_id == parent_id))
                    row["position"] = conn.execute(held).scalar_one() + 1
                conn.execute(rounds_table.insert().values(**row))
        logger.info("opened round %s on sha-%s", row["id"], digest[:16])
        opened = self.get(row["id"])
        if opened is None:
            raise sa.exc.NoResultFound("the round just inserted is not there")
        return Opened(opened, key)

    def get(self, round_id: str) -> Round | None:
        """The round with this id, with its state now; None for an unknown or malformed id."""
        if not valid_id(round_id):
            return None
        with self.scenarios.guard("load a round"), self._sql.connect() as conn:
            row = conn.execute(sa.select(rounds_table).where(rounds_table.c.id == round_id)).first()
            if row is None:
                return None
            return self._round(conn, row)

    def _round(self, conn: sa.Connection, row: sa.Row) -> Round:
        a, s = actions_table.c, submissions_table.c
        actions = conn.execute(sa.select(a.action, a.created_at).where(a.round_id == row.id).order_by(a.id)).all()
        submitted, members = conn.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(s.alias_folded))).where(s.round_id == row.id)
        ).one()
        settings = json.loads(row.settings)
        now = _stamp(self.scenarios.now())
        # The closing time is a "close" at that moment; a reopening after it opens the round again.
        events = [(row.closes_at, 0, "close")] if row.closes_at and row.closes_at <= now else []
        events += [(at, 1 + n, act) for n, (act, at) in enumerate(actions) if act in ("close", "reopen")]
        closed = bool(events) and max(events)[2] == "close"
        shown = [act for act, _ in actions if act in ("results_on", "results_off")]
        show_results = shown[-1] == "results_on" if shown else bool(row.show_results)
        return Round(
            id=row.id,
            parent_id=row.parent_id,
            digest=row.digest,
            title=row.title,
            questions=tuple(json.loads(row.questions)),
            values=settings["values"],
            runs=settings["runs"],
            seed=settings["seed"],
            closes_at=row.closes_at,
            max_submissions=row.max_submissions,
            created_at=row.created_at,
            position=row.position,
            closed=closed,
            show_results=show_results,
            submitted=int(submitted),
            members=int(members),
        )

    def is_facilitator(self, round_id: str, key: object) -> bool:
        """Whether `key` is the round's facilitator key (compared in constant time)."""
        if not valid_id(round_id) or not isinstance(key, str) or not _KEY.fullmatch(key):
            return False
        with self.scenarios.guard("load a round"), self._sql.connect() as conn:
            stored = conn.execute(sa.select(rounds_table.c.key_hash).where(rounds_table.c.id == round_id)).scalar()
        return stored is not None and hmac.compare_digest(stored, key_hash(key))

    def _authorised(self, round_id: str, key: object) -> Round:
        if not self.is_facilitator(round_id, key):
            raise AccessDenied("this key is not the round's facilitator key")
        found = self.get(round_id)
        if found is None:  # pragma: no cover - the key matched a row a moment ago, and rows are never deleted
            raise AccessDenied("no such round")
        return found

    def family(self, round_id: str) -> list[Round]:
        """The round's first round and its follow-ups, oldest first (at most ROUNDS_LISTED_MAX)."""
        root = self.ledger_id(round_id)
        if root is None:
            return []
        r = rounds_table.c
        with self.scenarios.guard("load a round"), self._sql.connect() as conn:
            rows = conn.execute(
                sa.select(rounds_table)
                .where(sa.or_(r.id == root, r.parent_id == root))
                .order_by(r.position, r.created_at, r.id)
                .limit(ROUNDS_LISTED_MAX)
            ).all()
            found = [self._round(conn, row) for row in rows]
        # The first round first, whatever the clock said.
        return sorted(found, key=lambda x: (x.position, x.created_at, x.id))

    def ledger_id(self, round_id: str) -> str | None:
        """The id of the round's first round: a family's ledger is kept under it."""
        found = self.get(round_id)
        if found is None:
            return None
        return found.parent_id or found.id

    # --- the facilitator's actions --------------------------------------------------------------------------

    def act(self, round_id: str, key: object, action: str) -> Round:
        """Close, reopen, show or hide the results ('close', 'reopen', 'results_on', 'results_off')."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        self._authorised(round_id, key)
        with self.scenarios.guard("change the round"):
            now = self.scenarios.now()
            with self._sql.begin() as conn:
                conn.execute(actions_table.insert().values(round_id=round_id, action=action, created_at=_stamp(now)))
        logger.info("round %s: %s", round_id, action)
        return self.get(round_id)

    # --- submitting ---------------------------------------------------------------------------------------

    def submit(self, round_id: str, model: Model, judgement: Judgement, comment: str = "") -> Submission:
        """Record a member's judgement; a later one of the same member supersedes it for the results.

        Raises LookupError (no such round), ValueError (no name), JudgementError (values the scenario cannot
        take), RoundClosed, RoundFull, StoreError. Concurrent submissions all count: the limit is checked and the
        row inserted in one statement, while the round's row is locked (PostgreSQL) or the database's write
        lock is held (SQLite).
        """
        found = self.get(round_id)
        if found is None:
            raise LookupError("no such round")
        if model.digest != found.digest:
            raise ValueError("the model is not the round's scenario")
        alias = clean_alias(judgement.member)
        if not alias:
            raise ValueError("a submission needs a name or alias")
        checked = check_judgement(model.scenario, Judgement(alias, judgement.values, judgement.impacts, judgement.gut))
        gut = {q: p for q, p in checked.gut.items() if q in found.questions}
        if found.closed:
            raise RoundClosed(round_id)
        body = {
            "values": checked.values,
            "impacts": {str(k): list(v) for k, v in sorted(checked.impacts.items())},
            "gut": gut,
        }
        row = {
            "round_id": round_id,
            "alias": alias,
            "alias_folded": alias.casefold(),
            "judgement": _json(body),
            "comment": clean_comment(comment),
        }
        with self.scenarios.guard("submit"):
            new_id = self._insert_submission(row, found.max_submissions)
        if new_id is None:
            raise RoundFull(found.max_submissions)
        logger.info("round %s: submission %d", round_id, new_id)
        return Submission(
            new_id, round_id, alias, checked.values, checked.impacts, gut, row["comment"], row["created_at"]
        )

    def _insert_submission(self, row: dict, limit: int) -> int | None:
        s = submissions_table.c
        held = sa.select(sa.func.count()).where(s.round_id == row["round_id"]).scalar_subquery()
        for attempt in range(LOCKED_RETRIES):
            row["created_at"] = _stamp(self.scenarios.now())
            columns = list(row)
            chosen = sa.select(*[sa.literal(row[c], submissions_table.c[c].type) for c in columns]).where(held < limit)
            try:
                with self._sql.begin() as conn:
                    if conn.dialect.name != "sqlite":
                        # Serialise the round's submissions: two counts of 199 must not both insert a 200th.
                        conn.execute(
                            sa.select(rounds_table.c.id).where(rounds_table.c.id == row["round_id"]).with_for_update()
                        )
                    # The new row's id, or none when the round is full. Not the result's rowcount: SQLAlchemy
                    # keeps no rowcount of an INSERT by default, and psycopg's reads -1 once its cursor is closed.
                    inserted = conn.execute(
                        submissions_table.insert().from_select(columns, chosen).returning(s.id)
                    ).first()
                    return None if inserted is None else int(inserted[0])
            except OperationalError as err:
                # SQLite's write lock was held past the driver's wait: try again, a little later each time.
                if "locked" not in str(err.orig) or attempt == LOCKED_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        return None  # pragma: no cover - the loop returns or raises

    def submissions(self, round_id: str) -> list[Submission]:
        """Every submission of the round, oldest first, each marked superseded or not."""
        if not valid_id(round_id):
            return []
        s = submissions_table.c
        with self.scenarios.guard("load the submissions"), self._sql.connect() as conn:
            rows = conn.execute(sa.select(submissions_table).where(s.round_id == round_id).order_by(s.id)).all()
        last = {row.alias_folded: row.id for row in rows}
        found = []
        for row in rows:
            body = json.loads(row.judgement)
            impacts = {int(k): tuple(v) for k, v in body.get("impacts", {}).items()}
            found.append(
                Submission(
                    int(row.id),
                    row.round_id,
                    row.alias,
                    body["values"],
                    impacts,
                    body.get("gut", {}),
                    row.comment,
                    row.created_at,
                    superseded=last[row.alias_folded] != row.id,
                )
            )
        return found

    def current(self, round_id: str) -> list[Submission]:
        """Each member's latest submission, ordered by case-folded name: what the results pool."""
        latest = [s for s in self.submissions(round_id) if not s.superseded]
        return sorted(latest, key=lambda s: (s.member.casefold(), s.id))

    # --- the ledger ---------------------------------------------------------------------------------------

    def freeze(
        self,
        round_id: str,
        key: object,
        question: str,
        probability: float,
        low: float,
        high: float,
        source: str,
        label: str = "",
        settings: Mapping | None = None,
        question_text: str = "",
        digest: str | None = None,
    ) -> Forecast:
        """Record a question card's figure in the round family's ledger (facilitator only).

        `settings` default to the round's; `digest`, when given, must be the round's scenario: a card of the
        dashboard at other settings may be frozen, a card of another scenario may not (its question ids
        could mean something else).
        """
        found = self._authorised(round_id, key)
        if digest is not None and digest != found.digest:
            raise ValueError("the card is of another scenario than the round's")
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}")
        if question not in found.questions:
            raise ValueError(f"{question!r} is not a question of this round")
        numbers = [float(probability), float(low), float(high)]
        if not all(math.isfinite(v) and 0 <= v <= 1 for v in numbers) or not numbers[1] <= numbers[0] <= numbers[2]:
            raise ValueError("a forecast needs 0 <= low <= probability <= high <= 1")
        ledger = found.parent_id or found.id
        row = {
            "ledger_id": ledger,
            "question": question,
            "question_text": _one_line(question_text, NOTE_LIMIT),
            "probability": numbers[0],
            "low": numbers[1],
            "high": numbers[2],
            "source": source,
            "label": clean_alias(label) if source == "gut" else "",
            "digest": found.digest,
            "settings": _json(found.settings if settings is None else dict(settings)),
        }
        f = forecasts_table.c
        with self.scenarios.guard("freeze the forecast"):
            row["frozen_at"] = _stamp(self.scenarios.now())
            with self._sql.begin() as conn:
                held = conn.execute(sa.select(sa.func.count()).where(f.ledger_id == ledger)).scalar_one()
                if held >= FORECASTS_MAX:
                    raise RoundFull(FORECASTS_MAX)
                new_id = conn.execute(forecasts_table.insert().values(**row)).inserted_primary_key[0]
        return Forecast(
            int(new_id),
            question,
            numbers[0],
            numbers[1],
            numbers[2],
            source,
            row["label"],
            found.digest,
            row["settings"],
            row["frozen_at"],
            row["question_text"],
        )

    def resolve(
        self, round_id: str, key: object, question: str, happened: bool, resolved_on: date | str, note: str = ""
    ) -> Resolution:
        """Say whether a question's event happened (facilitator only); a later resolution corrects an earlier one."""
        found = self._authorised(round_id, key)
        if question not in found.questions:
            raise ValueError(f"{question!r} is not a question of this round")
        if isinstance(resolved_on, datetime):
            resolved_on = resolved_on.date()  # a datetime is a date too, but its isoformat is no day
        day = resolved_on if isinstance(resolved_on, date) else date.fromisoformat(str(resolved_on))
        ledger = found.parent_id or found.id
        row = {
            "ledger_id": ledger,
            "question": question,
            "happened": bool(happened),
            "resolved_on": day.isoformat(),
            "note": _one_line(note, NOTE_LIMIT),
        }
        r = resolutions_table.c
        with self.scenarios.guard("resolve the question"):
            row["created_at"] = _stamp(self.scenarios.now())
            with self._sql.begin() as conn:
                held = conn.execute(sa.select(sa.func.count()).where(r.ledger_id == ledger)).scalar_one()
                if held >= RESOLUTIONS_MAX:
                    raise RoundFull(RESOLUTIONS_MAX)
                new_id = conn.execute(resolutions_table.insert().values(**row)).inserted_primary_key[0]
        return Resolution(int(new_id), question, row["happened"], row["resolved_on"], row["note"], row["created_at"])

    def forecasts(self, round_id: str) -> list[Forecast]:
        """The round family's frozen forecasts, oldest first."""
        ledger = self.ledger_id(round_id)
        if ledger is None:
            return []
        f = forecasts_table.c
        with self.scenarios.guard("load the ledger"), self._sql.connect() as conn:
            rows = conn.execute(sa.select(forecasts_table).where(f.ledger_id == ledger).order_by(f.id)).all()
        return [
            Forecast(
                int(r.id),
                r.question,
                r.probability,
                r.low,
                r.high,
                r.source,
                r.label,
                r.digest,
                r.settings,
                r.frozen_at,
                r.question_text,
            )
            for r in rows
        ]

    def resolutions(self, round_id: str) -> list[Resolution]:
        """The round family's resolutions, oldest first (engine.ledger.latest says which are in force)."""
        ledger = self.ledger_id(round_id)
        if ledger is None:
            return []
        r = resolutions_table.c
        with self.scenarios.guard("load the ledger"), self._sql.connect() as conn:
            rows = conn.execute(sa.select(resolutions_table).where(r.ledger_id == ledger).order_by(r.id)).all()
        return [Resolution(int(x.id), x.question, bool(x.happened), x.resolved_on, x.note, x.created_at) for x in rows]
