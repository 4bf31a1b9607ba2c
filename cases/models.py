"""Tables of the case database. Schema changes go through Alembic (cases/migrations/), never create_all."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware timestamps on every backend (SQLite stores them naive; we store UTC and say so)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the case database; pass an aware one")
        return value.astimezone(dt.timezone.utc)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Project(Base):
    """A local mentor project, mirrored from knowledge/projects.yml (the file stays the source).
    Its mentors' messenger chat is deployment configuration (AMM_MENTOR_CHATS), not data."""

    __tablename__ = "projects"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    districts: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Person(Base):
    """A mentee or employer contact. `ref` is the pseudonymous chat reference; personal fields are
    filled only after consent and emptied on erasure (the row then keeps nothing that identifies)."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # mentee | employer
    language: Mapped[str] = mapped_column(String(8))
    name: Mapped[str | None] = mapped_column(String(200))
    contact_channel: Mapped[str | None] = mapped_column(String(16))  # chat | phone | email
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    gender: Mapped[str | None] = mapped_column(String(16))
    has_qualification: Mapped[str | None] = mapped_column(String(16))
    residence: Mapped[str | None] = mapped_column(String(32))
    company: Mapped[str | None] = mapped_column(String(200))  # employers only
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[dt.datetime | None]

    consents: Mapped[list[Consent]] = relationship(back_populates="person")
    leads: Mapped[list[Lead]] = relationship(back_populates="person")


class Consent(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))  # intake
    text_version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    given_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None]

    person: Mapped[Person | None] = relationship(back_populates="consents")


class Lead(Base):
    """One request for a mentor. Survives erasure of its person as an anonymous statistic."""

    __tablename__ = "leads"
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)  # double taps give one lead
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    district: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))  # mentee | employer
    topic: Mapped[str] = mapped_column(String(32))
    priority: Mapped[list[str]] = mapped_column(JSON, default=list)  # programme focus marks
    summary: Mapped[list[str]] = mapped_column(JSON, default=list)  # topics asked in the chat, not the transcript
    wants_callback: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="new")
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    person: Mapped[Person | None] = relationship(back_populates="leads")
    history: Mapped[list[StatusChange]] = relationship(back_populates="lead", order_by="StatusChange.id")


class Vacancy(Base):
    """What an employer offers (employer leads only)."""

    __tablename__ = "vacancies"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # job | training | internship
    title: Mapped[str] = mapped_column(String(200))
    count: Mapped[int] = mapped_column(Integer)
    start: Mapped[str] = mapped_column(String(16))  # now | 3_months | later
    german_level: Mapped[str] = mapped_column(String(16))  # none | basic | b1 | b2


class StatusChange(Base):
    """The audit trail: every status change of a lead or booking, who made it and when."""

    __tablename__ = "status_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(16))  # lead | booking
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))  # "user", "system", a mentor's reference
    note: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    lead: Mapped[Lead] = relationship(back_populates="history")


class IntakeSlot(Base):
    __tablename__ = "intake_slots"
    __table_args__ = (UniqueConstraint("project_id", "starts_at", name="uq_intake_slots_project_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    starts_at: Mapped[dt.datetime]
    minutes: Mapped[int] = mapped_column(Integer)


class Booking(Base):
    """A lead holding a slot. The partial unique index lets one live booking per slot exist, on SQLite
    and PostgreSQL alike: two users can never hold the same slot."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index(
            "uq_bookings_live_slot",
            "slot_id",
            unique=True,
            sqlite_where=text("cancelled_at IS NULL"),
            postgresql_where=text("cancelled_at IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("intake_slots.id"))
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[dt.datetime | None]

    slot: Mapped[IntakeSlot] = relationship()


class Notification(Base):
    """The outbox: written in the same transaction as what it reports, delivered later with retries.
    Holds references only; the text is rendered at delivery from current data (so erasure reaches it)."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(96), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # new_lead | booking_cancelled | booking_moved | reminder
    audience: Mapped[str] = mapped_column(String(16))  # mentors | user
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.id"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    due_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    cancelled_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
