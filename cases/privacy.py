"""What a person can see and delete, and the retention purge.

Erasure empties every personal field of the person, withdraws their consent, cancels their bookings
and pending notifications, and keeps the lead rows (project, district, topic, status, dates) as
anonymous statistics. Rasa's conversation history is erased separately (`erase_conversation`),
by bot/ once Rasa has saved the turn in which the user confirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import create_engine, exists, select, text
from sqlalchemy.orm import Session

from cases.db import normalise_url
from cases.models import Booking, Consent, Lead, Notification, Person
from cases.service import latest_consent, latest_lead, live_booking, person_by_ref


@dataclass(frozen=True)
class StoredData:
    name: str | None
    channel: str | None
    phone: str | None
    email: str | None
    district: str | None
    topic: str | None
    gender: str | None
    qualification: str | None
    residence: str | None
    company: str | None
    consent_given: dt.datetime | None
    consent_version: str | None
    appointment: dt.datetime | None
    project_id: str | None


def stored_data(session: Session, ref: str) -> StoredData | None:
    person = person_by_ref(session, ref)
    if person is None:
        return None
    consent = latest_consent(session, person)
    lead = latest_lead(session, person)
    booking = live_booking(session, ref)
    return StoredData(
        name=person.name,
        channel=person.contact_channel,
        phone=person.phone,
        email=person.email,
        district=lead.district if lead else None,
        topic=lead.topic if lead else None,
        gender=person.gender,
        qualification=person.has_qualification,
        residence=person.residence,
        company=person.company,
        consent_given=consent.given_at if consent else None,
        consent_version=consent.text_version if consent else None,
        appointment=booking.slot.starts_at if booking else None,
        project_id=lead.project_id if lead else None,
    )


def erase_person(session: Session, ref: str, now: dt.datetime) -> bool:
    """Erase everything personal about `ref` from the case database; False when nothing was stored."""
    person = session.scalar(select(Person).where(Person.ref == ref))
    if person is None:
        return False
    _erase(session, person, now)
    return True


def _erase(session: Session, person: Person, now: dt.datetime) -> None:
    lead_ids = list(session.scalars(select(Lead.id).where(Lead.person_id == person.id)))
    for booking in session.scalars(
        select(Booking).where(Booking.lead_id.in_(lead_ids), Booking.cancelled_at.is_(None))
    ):
        booking.cancelled_at = now
    for n in session.scalars(
        select(Notification).where(Notification.lead_id.in_(lead_ids), Notification.sent_at.is_(None))
    ):
        n.cancelled_at = now
    for consent in session.scalars(select(Consent).where(Consent.person_id == person.id)):
        consent.withdrawn_at = consent.withdrawn_at or now
        consent.person_id = None
    for lead in session.scalars(select(Lead).where(Lead.id.in_(lead_ids))):
        lead.person_id = None
    session.flush()
    session.delete(person)
    session.flush()


def purge_expired(session: Session, now: dt.datetime, retention_days: int, closed_days: int = 30) -> int:
    """Erase, as the consent text promises: people who never booked a slot, `retention_days` after they
    were created; and people whose every lead the mentors have closed (or was cancelled), `closed_days`
    after the last of them changed."""
    cutoff = now - dt.timedelta(days=retention_days)
    booked = exists().where(Booking.lead_id == Lead.id, Lead.person_id == Person.id)
    never_booked = select(Person).where(Person.created_at < cutoff, ~booked)
    still_open = exists().where(
        Lead.person_id == Person.id,
        (Lead.status.not_in(("closed", "cancelled"))) | (Lead.updated_at >= now - dt.timedelta(days=closed_days)),
    )
    has_leads = exists().where(Lead.person_id == Person.id)
    closed = select(Person).where(has_leads, ~still_open)
    stale = {p.id: p for p in [*session.scalars(never_booked), *session.scalars(closed)]}
    for person in stale.values():
        _erase(session, person, now)
    return len(stale)


def erase_conversation(tracker_url: str, sender_id: str) -> int:
    """Delete Rasa's stored conversation of one sender from its SQL tracker store."""
    engine = create_engine(normalise_url(tracker_url))
    try:
        with engine.begin() as conn:
            has_table = conn.dialect.has_table(conn, "events")
            if not has_table:
                return 0
            return conn.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": sender_id}).rowcount
    finally:
        engine.dispose()
