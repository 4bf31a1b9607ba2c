"""Delivering the outbox: mentor notifications and user reminders, with retries.

Rows are written in the transaction that creates what they report (cases.service), so nothing is
announced that was not saved and nothing saved goes unannounced. `deliver_due` sends what is due
through a `Channel`; a failure leaves the row for a later attempt with exponential back-off, so a
messaging outage or a restart loses nothing. Without messaging configured, `LocalChannel` records
each delivery in the log (no personal data): `python -m cases leads` shows the leads themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from cases.db import transaction
from cases.models import Booking, Lead, Notification, Person, Project, Vacancy

log = logging.getLogger(__name__)
MAX_BACKOFF = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Message:
    notification_id: int
    kind: str
    audience: str  # mentors | user
    project_id: str | None
    project_name: str | None
    user_ref: str | None  # the person's pseudonymous reference, for reminders
    language: str
    lead_id: int | None
    lead: dict[str, object]


class Channel(Protocol):
    async def deliver(self, message: Message) -> None:
        """Send it, or raise: the row stays in the outbox and is tried again later."""


class LocalChannel:
    """No messaging configured: deliveries are only recorded, so the outbox never fills up."""

    async def deliver(self, message: Message) -> None:
        log.info(
            "outbox #%s delivered locally: %s for %s (lead %s); see `python -m cases leads`",
            message.notification_id,
            message.kind,
            message.project_id if message.audience == "mentors" else message.user_ref,
            message.lead_id,
        )


def backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(seconds=30 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def message_of(session: Session, n: Notification) -> Message:
    lead = session.get(Lead, n.lead_id) if n.lead_id else None
    person = session.get(Person, lead.person_id) if lead and lead.person_id else None
    project = session.get(Project, n.project_id) if n.project_id else None
    booking = session.get(Booking, n.booking_id) if n.booking_id else None
    if booking is None and lead is not None:
        booking = session.scalar(
            select(Booking)
            .where(Booking.lead_id == lead.id, Booking.cancelled_at.is_(None))
            .order_by(Booking.id.desc())
        )
    details: dict[str, object] = {}
    if lead is not None:
        details = {
            "id": lead.id,
            "kind": lead.kind,
            "summary": list(lead.summary or []),
            "district": lead.district,
            "topic": lead.topic,
            "priority": list(lead.priority or []),
            "callback": lead.wants_callback,
            "status": lead.status,
            "appointment": booking.slot.starts_at if booking and booking.cancelled_at is None else None,
        }
        vacancy = session.scalar(select(Vacancy).where(Vacancy.lead_id == lead.id))
        if vacancy is not None:
            details["vacancy"] = {
                "kind": vacancy.kind,
                "title": vacancy.title,
                "count": vacancy.count,
                "start": vacancy.start,
                "german_level": vacancy.german_level,
            }
        if person is not None:
            details.update(
                company=person.company,
                name=person.name,
                channel=person.contact_channel,
                phone=person.phone,
                email=person.email,
                language=person.language,
            )
    return Message(
        notification_id=n.id,
        kind=n.kind,
        audience=n.audience,
        project_id=n.project_id,
        project_name=project.name if project else None,
        user_ref=person.ref if person else None,
        language=person.language if person else "de",
        lead_id=n.lead_id,
        lead=details,
    )


def due(session: Session, now: dt.datetime, limit: int = 50) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(
                Notification.sent_at.is_(None),
                Notification.cancelled_at.is_(None),
                Notification.next_attempt_at <= now,
            )
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
        )
    )


async def deliver_due(factory: sessionmaker[Session], channel: Channel, now: dt.datetime) -> tuple[int, int]:
    """Deliver every due notification once; returns (sent, failed). Each row is its own transaction."""
    sent = failed = 0
    with factory() as session:
        ids = [n.id for n in due(session, now)]
    for nid in ids:
        with factory() as session:
            n = session.get(Notification, nid)
            if n is None or n.sent_at is not None or n.cancelled_at is not None:
                continue
            message = message_of(session, n)
            if n.audience == "user" and message.user_ref is None:
                message = None  # the person was erased: nobody to remind
        try:
            if message is not None:
                await channel.deliver(message)
        except Exception as exc:  # noqa: BLE001 - any failure of the channel: try again later
            failed += 1
            with transaction(factory) as session:
                n = session.get(Notification, nid)
                assert n is not None
                n.attempts += 1
                n.last_error = type(exc).__name__
                n.next_attempt_at = now + backoff(n.attempts)
            log.warning("outbox #%s not delivered (%s); attempt %s", nid, type(exc).__name__, n.attempts)
            continue
        with transaction(factory) as session:
            n = session.get(Notification, nid)
            assert n is not None
            n.attempts += 1
            if message is None:
                n.cancelled_at = now
            else:
                n.sent_at = now
                sent += 1
    return sent, failed


def recent(session: Session, limit: int = 50) -> list[Notification]:
    return list(session.scalars(select(Notification).order_by(Notification.id.desc()).limit(limit)))
