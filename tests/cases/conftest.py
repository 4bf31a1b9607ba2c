"""Case-database fixtures: every test here runs on SQLite and on PostgreSQL.

PostgreSQL comes from AMM_TEST_POSTGRES_URL (set by .ci/run); each test run creates its own database
on that server and drops it afterwards, so runs never see each other's rows. Without the variable,
the PostgreSQL half is skipped with a reason (a laptop has no server).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from cases import db, service
from cases.models import Base
from knowledge.capacity import capacity
from knowledge.projects import directory

PG = os.environ.get("AMM_TEST_POSTGRES_URL")
# A fixed Monday 08:00 UTC; slots are generated from knowledge/intake.yml relative to it.
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


def _pg_database() -> tuple[str, str]:
    admin_url = db.normalise_url(PG)
    name = f"amm_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return admin_url, admin_url.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg(admin_url: str, url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_database(kind: str, tmp_path_factory):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('cases') / 'cases.sqlite3'}"
        return
    if not PG:
        pytest.skip("AMM_TEST_POSTGRES_URL is not set (no PostgreSQL server for this run)")
    admin_url, url = _pg_database()
    yield url
    _drop_pg(admin_url, url)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_url(request, tmp_path_factory):
    """An empty database of each kind, shared by the tests of a run (migrated by `engine`)."""
    yield from _empty_database(request.param, tmp_path_factory)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request, tmp_path_factory):
    """An empty database of each kind for one test (migration tests)."""
    yield from _empty_database(request.param, tmp_path_factory)


@pytest.fixture(scope="session")
def engine(db_url):
    db.migrate(db_url)
    eng = db.make_engine(db_url)
    with db.transaction(db.session_factory(eng)) as s:
        service.sync_projects(s, [(p.id, p.name, p.districts) for p in directory().projects])
        service.ensure_slots(s, capacity(), [p.id for p in directory().projects], NOW)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine):
    """A session whose every change is rolled back after the test."""
    conn = engine.connect()
    outer = conn.begin()
    s = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield s
    s.close()
    outer.rollback()
    conn.close()


@pytest.fixture
def factory(engine):
    """Real commits (outbox delivery, races); the rows the test wrote are removed afterwards."""
    yield db.session_factory(engine)
    keep = {"projects", "intake_slots", "alembic_version"}
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in keep:
                conn.execute(table.delete())


def request(**overrides) -> service.IntakeRequest:
    values = dict(
        submission_key=uuid.uuid4().hex,
        ref="u" + uuid.uuid4().hex[:24],
        language="uk",
        district="14612",
        project_id="dresden",
        topic="job_search",
        name="Olena",
        channel="phone",
        phone="+4915123456789",
        consent_version=service.CONSENT_VERSION,
        gender="woman",
        qualification="no",
        residence="ukraine",
        slot_id=None,
    )
    values.update(overrides)
    return service.IntakeRequest(**values)
