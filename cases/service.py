"""The case service: consent, intake submission, bookings, lead status, and what a person can see.

Every function takes a session and never commits: the caller owns the transaction (see
`cases.db.transaction`), so a lead, its booking and its notifications are written together or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from cases.models import (
    Booking,
    Consent,
    IntakeSlot,
    Lead,
    Notification,
    Person,
    Project,
    StatusChange,
    Vacancy,
    utcnow,
)
from knowledge.capacity import Capacity

CONSENT_VERSION = "intake-2026-11-30"  # bump when the consent text (intake.consent) changes in meaning
LEAD_STATUSES = ("new", "assigned", "contacted", "closed", "cancelled")
FOCUS_WOMEN, FOCUS_NO_QUALIFICATION = "women", "no_qualification"  # programme focus 2025-2027
REMINDER_BEFORE = dt.timedelta(days=1)


class SlotTaken(Exception):
    """Somebody else holds this slot (or it is gone): the user picks another one."""


class NoBooking(Exception):
    """The person has no live booking to cancel or move."""


@dataclass(frozen=True)
class VacancyRequest:
    kind: str  # job | training | internship
    title: str
    count: int
    start: str  # now | 3_months | later
    german_level: str  # none | basic | b1 | b2


@dataclass(frozen=True)
class IntakeRequest:
    submission_key: str  # the same key for a double tap or a retried request
    ref: str  # pseudonymous chat reference
    language: str
    district: str
    project_id: str
    topic: str
    name: str
    channel: str  # chat | phone | email
    consent_version: str
    kind: str = "mentee"
    phone: str | None = None
    email: str | None = None
    gender: str | None = None
    qualification: str | None = None  # yes | no | None (not said)
    residence: str | None = None
    slot_id: int | None = None  # None: the user asked for a call-back
    company: str | None = None  # employers
    vacancy: VacancyRequest | None = None  # employers
    summary: tuple[str, ...] = ()  # topics the user asked about in the chat (never the transcript)


def priority_marks(gender: str | None, qualification: str | None) -> list[str]:
    marks = []
    if gender == "woman":
        marks.append(FOCUS_WOMEN)
    if qualification == "no":
        marks.append(FOCUS_NO_QUALIFICATION)
    return marks


# --- projects and slots -------------------------------------------------------------------------


def sync_projects(session: Session, projects: list[tuple[str, str, tuple[str, ...]]]) -> None:
    """Mirror knowledge/projects.yml (id, name, districts) into the projects table."""
    known = {p.id: p for p in session.scalars(select(Project))}
    for pid, name, districts in projects:
        row = known.get(pid) or Project(id=pid, name=name, districts=list(districts))
        row.name, row.districts, row.active = name, list(districts), True
        session.add(row)
    for pid, row in known.items():
        if pid not in {p[0] for p in projects}:
            row.active = False


def ensure_slots(session: Session, capacity: Capacity, project_ids: list[str], now: dt.datetime) -> int:
    """Create the slots of the booking horizon that do not exist yet; returns how many were added."""
    today = now.astimezone(capacity.timezone).date()
    added = 0
    for pid in project_ids:
        have = set(
            session.scalars(
                select(IntakeSlot.starts_at).where(IntakeSlot.project_id == pid, IntakeSlot.starts_at >= now)
            )
        )
        minutes = capacity.hours(pid).slot_minutes
        for start in capacity.slot_starts(pid, today):
            if start >= now and start not in have:
                session.add(IntakeSlot(project_id=pid, starts_at=start, minutes=minutes))
                added += 1
    session.flush()
    return added


def free_slots(session: Session, project_ids: list[str], now: dt.datetime, capacity: Capacity) -> list[IntakeSlot]:
    live = select(Booking.slot_id).where(Booking.cancelled_at.is_(None))
    return list(
        session.scalars(
            select(IntakeSlot)
            .where(
                IntakeSlot.project_id.in_(project_ids),
                IntakeSlot.starts_at >= now + capacity.min_notice,
                IntakeSlot.id.not_in(live),
            )
            .order_by(IntakeSlot.starts_at, IntakeSlot.project_id)
            .limit(capacity.offer_count)
        )
    )


def _hold_slot(session: Session, lead: Lead, slot_id: int, now: dt.datetime, min_notice: dt.timedelta) -> Booking:
    slot = session.get(IntakeSlot, slot_id)
    if slot is None or slot.starts_at < now + min_notice:
        raise SlotTaken(slot_id)
    booking = Booking(slot=slot, lead_id=lead.id)
    try:
        with session.begin_nested():  # the unique index decides: one live booking per slot
            session.add(booking)
    except IntegrityError:
        raise SlotTaken(slot_id) from None
    _remind(session, lead, booking)
    return booking


def _remind(session: Session, lead: Lead, booking: Booking) -> None:
    session.add(
        Notification(
            dedupe_key=f"reminder:{booking.id}",
            kind="reminder",
            audience="user",
            project_id=lead.project_id,
            lead_id=lead.id,
            booking_id=booking.id,
            due_at=booking.slot.starts_at - REMINDER_BEFORE,
            next_attempt_at=booking.slot.starts_at - REMINDER_BEFORE,
        )
    )


def _notify_mentors(session: Session, lead: Lead, kind: str, key: str) -> None:
    session.add(
        Notification(
            dedupe_key=f"{kind}:{lead.id}:{key}",
            kind=kind,
            audience="mentors",
            project_id=lead.project_id,
            lead_id=lead.id,
        )
    )


def _status(session: Session, lead: Lead, subject: str, old: str | None, new: str, actor: str, note: str = "") -> None:
    session.add(
        StatusChange(lead=lead, subject=subject, old_status=old, new_status=new, actor=actor, note=note or None)
    )


# --- intake ---------------------------------------------------------------------------------------


def submit_intake(session: Session, req: IntakeRequest, now: dt.datetime, min_notice: dt.timedelta) -> Lead:
    """Person (after consent), consent record, lead, booking and outbox rows, in the caller's transaction.

    A second call with the same submission key returns the first lead and writes nothing.
    Raises SlotTaken when the slot is held by someone else; the caller rolls back and offers others.
    """
    existing = session.scalar(select(Lead).where(Lead.submission_key == req.submission_key))
    if existing is not None:
        return existing
    person = session.scalar(select(Person).where(Person.ref == req.ref))
    if person is None:
        person = Person(ref=req.ref, kind=req.kind, language=req.language)
        session.add(person)
    person.kind, person.language, person.erased_at = req.kind, req.language, None
    person.name, person.contact_channel = req.name, req.channel
    person.phone = req.phone if req.channel == "phone" else None
    person.email = req.email if req.channel == "email" else None
    person.gender, person.has_qualification, person.residence = req.gender, req.qualification, req.residence
    person.company = req.company
    purpose = "employer" if req.kind == "employer" else "intake"
    session.add(Consent(person=person, purpose=purpose, text_version=req.consent_version, language=req.language))
    lead = Lead(
        submission_key=req.submission_key,
        person=person,
        project_id=req.project_id,
        district=req.district,
        kind=req.kind,
        topic=req.topic,
        priority=priority_marks(req.gender, req.qualification) if req.kind == "mentee" else [],
        summary=list(req.summary),
        wants_callback=req.slot_id is None,
        status="new",
    )
    session.add(lead)
    session.flush()
    if req.vacancy is not None:
        v = req.vacancy
        session.add(
            Vacancy(
                lead_id=lead.id, kind=v.kind, title=v.title, count=v.count, start=v.start, german_level=v.german_level
            )
        )
    _status(session, lead, "lead", None, "new", "user")
    if req.slot_id is not None:
        _hold_slot(session, lead, req.slot_id, now, min_notice)
        _status(session, lead, "booking", None, "booked", "user")
    _notify_mentors(session, lead, "new_lead", "0")
    session.flush()
    return lead


def live_booking(session: Session, ref: str) -> Booking | None:
    return session.scalar(
        select(Booking)
        .options(joinedload(Booking.slot))  # callers read the slot after the session has closed
        .join(Lead, Booking.lead_id == Lead.id)
        .join(Person, Lead.person_id == Person.id)
        .join(IntakeSlot, Booking.slot_id == IntakeSlot.id)
        .where(Person.ref == ref, Booking.cancelled_at.is_(None))
        .order_by(IntakeSlot.starts_at.desc())
    )


def _cancel(session: Session, booking: Booking, now: dt.datetime) -> None:
    booking.cancelled_at = now
    for n in session.scalars(
        select(Notification).where(Notification.booking_id == booking.id, Notification.sent_at.is_(None))
    ):
        n.cancelled_at = now


def cancel_booking(session: Session, ref: str, now: dt.datetime) -> Booking:
    booking = live_booking(session, ref)
    if booking is None:
        raise NoBooking(ref)
    _cancel(session, booking, now)
    lead = session.get(Lead, booking.lead_id)
    assert lead is not None
    _status(session, lead, "booking", "booked", "cancelled", "user")
    _notify_mentors(session, lead, "booking_cancelled", str(booking.id))
    session.flush()
    return booking


def move_booking(session: Session, ref: str, slot_id: int, now: dt.datetime, min_notice: dt.timedelta) -> Booking:
    old = live_booking(session, ref)
    if old is None:
        raise NoBooking(ref)
    lead = session.get(Lead, old.lead_id)
    assert lead is not None
    _cancel(session, old, now)
    session.flush()
    new = _hold_slot(session, lead, slot_id, now, min_notice)
    _status(session, lead, "booking", "booked", "moved", "user")
    _notify_mentors(session, lead, "booking_moved", str(new.id))
    session.flush()
    return new


def set_lead_status(session: Session, lead_id: int, status: str, actor: str, note: str = "") -> Lead:
    if status not in LEAD_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    lead = session.get(Lead, lead_id, with_for_update=True)
    if lead is None:
        raise LookupError(lead_id)
    if lead.status != status:
        _status(session, lead, "lead", lead.status, status, actor, note)
        lead.status = status
        if status == "assigned":
            lead.assigned_to = actor
    session.flush()
    return lead


def assign_lead(session: Session, lead_id: int, actor: str, note: str = "") -> bool:
    """Give a new lead to `actor`; False when it is gone or someone else has it already."""
    lead = session.get(Lead, lead_id, with_for_update=True)
    if lead is None or lead.status != "new":
        return False
    set_lead_status(session, lead_id, "assigned", actor, note)
    return True


def lead_project(session: Session, lead_id: int) -> str | None:
    lead = session.get(Lead, lead_id)
    return lead.project_id if lead else None


def lead_district(session: Session, lead_id: int) -> str | None:
    lead = session.get(Lead, lead_id)
    return lead.district if lead else None


def slot_project(session: Session, slot_id: int) -> str | None:
    slot = session.get(IntakeSlot, slot_id)
    return slot.project_id if slot else None


def person_by_ref(session: Session, ref: str) -> Person | None:
    return session.scalar(select(Person).where(Person.ref == ref, Person.erased_at.is_(None)))


def latest_consent(session: Session, person: Person) -> Consent | None:
    return session.scalar(
        select(Consent)
        .where(Consent.person_id == person.id, Consent.withdrawn_at.is_(None))
        .order_by(Consent.id.desc())
    )


def latest_lead(session: Session, person: Person) -> Lead | None:
    return session.scalar(select(Lead).where(Lead.person_id == person.id).order_by(Lead.id.desc()))


def now_utc() -> dt.datetime:
    return utcnow()
