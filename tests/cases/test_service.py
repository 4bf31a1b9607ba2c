"""The case service on SQLite and PostgreSQL: leads, consent, bookings, erasure, retention."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from cases import privacy, service
from cases.db import transaction
from cases.models import Booking, Consent, IntakeSlot, Lead, Notification, Person, StatusChange
from knowledge.capacity import capacity
from tests.cases.conftest import NOW, request

NOTICE = capacity().min_notice


def first_free(session, project="dresden", skip=0) -> IntakeSlot:
    return service.free_slots(session, [project], NOW, capacity())[skip]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_slots_follow_the_office_hours(session):
    slots = service.free_slots(session, ["dresden"], NOW, capacity())
    assert len(slots) == capacity().offer_count
    tz = capacity().timezone
    first = slots[0].starts_at.astimezone(tz)
    # Monday 09:00 Berlin: the first office hours at least 18 h ahead are Tuesday 09:00 local time.
    assert (first.weekday(), first.hour, first.minute) == (1, 9, 0)
    assert all(s.starts_at.tzinfo is not None for s in slots)


def test_generating_slots_twice_adds_nothing(session):
    assert service.ensure_slots(session, capacity(), ["dresden"], NOW) == 0


def test_intake_writes_person_consent_lead_history_and_notification(session):
    slot = first_free(session)
    lead = service.submit_intake(session, request(slot_id=slot.id), NOW, NOTICE)
    person = session.get(Person, lead.person_id)
    assert (person.name, person.phone, person.language) == ("Olena", "+4915123456789", "uk")
    consent = session.scalar(select(Consent).where(Consent.person_id == person.id))
    assert consent.text_version == service.CONSENT_VERSION and consent.withdrawn_at is None
    assert lead.priority == ["women", "no_qualification"] and lead.status == "new" and not lead.wants_callback
    assert [(c.subject, c.new_status) for c in lead.history] == [("lead", "new"), ("booking", "booked")]
    kinds = sorted(n.kind for n in session.scalars(select(Notification).where(Notification.lead_id == lead.id)))
    assert kinds == ["new_lead", "reminder"]
    reminder = session.scalar(select(Notification).where(Notification.kind == "reminder"))
    assert reminder.due_at == slot.starts_at - dt.timedelta(days=1)


def test_contact_details_of_another_channel_are_not_kept(session):
    lead = service.submit_intake(session, request(channel="chat", email="x@example.org"), NOW, NOTICE)
    person = session.get(Person, lead.person_id)
    assert person.phone is None and person.email is None and lead.wants_callback


def test_submitting_twice_gives_one_lead(session):
    req = request(slot_id=first_free(session).id)
    a = service.submit_intake(session, req, NOW, NOTICE)
    b = service.submit_intake(session, req, NOW, NOTICE)
    assert a.id == b.id
    assert count(session, Lead) == 1 and count(session, Booking) == 1 and count(session, Consent) == 1


def test_a_held_slot_cannot_be_booked_again_and_nothing_is_half_written(factory):
    with transaction(factory) as s:
        slot_id = first_free(s).id
        service.submit_intake(s, request(slot_id=slot_id), NOW, NOTICE)
    with pytest.raises(service.SlotTaken), transaction(factory) as s:
        service.submit_intake(s, request(slot_id=slot_id, name="Second"), NOW, NOTICE)
    with factory() as s:
        assert count(s, Lead) == 1 and count(s, Person) == 1 and count(s, Consent) == 1
        assert s.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "new_lead")) == 1


def test_the_database_itself_refuses_two_live_bookings_of_one_slot(session):
    lead = service.submit_intake(session, request(), NOW, NOTICE)
    other = service.submit_intake(session, request(), NOW, NOTICE)
    slot = first_free(session)
    session.add(Booking(slot_id=slot.id, lead_id=lead.id))
    session.flush()
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(Booking(slot_id=slot.id, lead_id=other.id))
        session.flush()


def test_booked_slots_are_not_offered_and_cancelling_frees_them(session):
    slot = first_free(session)
    req = request(slot_id=slot.id)
    service.submit_intake(session, req, NOW, NOTICE)
    assert slot.id not in [s.id for s in service.free_slots(session, ["dresden"], NOW, capacity())]
    service.cancel_booking(session, req.ref, NOW)
    assert slot.id in [s.id for s in service.free_slots(session, ["dresden"], NOW, capacity())]
    reminder = session.scalar(select(Notification).where(Notification.kind == "reminder"))
    assert reminder.cancelled_at is not None
    assert session.scalar(select(Notification).where(Notification.kind == "booking_cancelled")) is not None
    with pytest.raises(service.NoBooking):
        service.cancel_booking(session, req.ref, NOW)


def test_moving_a_booking(session):
    first, second = first_free(session), first_free(session, skip=1)
    req = request(slot_id=first.id)
    service.submit_intake(session, req, NOW, NOTICE)
    moved = service.move_booking(session, req.ref, second.id, NOW, NOTICE)
    assert service.live_booking(session, req.ref).id == moved.id and moved.slot_id == second.id
    reminders = session.scalars(select(Notification).where(Notification.kind == "reminder")).all()
    assert sorted(r.cancelled_at is None for r in reminders) == [False, True]


def test_lead_status_changes_are_audited(session):
    lead = service.submit_intake(session, request(), NOW, NOTICE)
    service.set_lead_status(session, lead.id, "assigned", "mentor:anna")
    service.set_lead_status(session, lead.id, "contacted", "mentor:anna", "called")
    rows = session.scalars(select(StatusChange).where(StatusChange.lead_id == lead.id).order_by(StatusChange.id)).all()
    assert [(r.old_status, r.new_status, r.actor) for r in rows] == [
        (None, "new", "user"),
        ("new", "assigned", "mentor:anna"),
        ("assigned", "contacted", "mentor:anna"),
    ]
    assert lead.assigned_to == "mentor:anna"
    with pytest.raises(ValueError):
        service.set_lead_status(session, lead.id, "lost", "x")


def test_what_is_stored_and_erasure(session):
    slot = first_free(session)
    req = request(slot_id=slot.id)
    lead = service.submit_intake(session, req, NOW, NOTICE)
    seen = privacy.stored_data(session, req.ref)
    assert (seen.name, seen.phone, seen.district, seen.appointment) == (
        "Olena",
        "+4915123456789",
        "14612",
        slot.starts_at,
    )
    assert privacy.erase_person(session, req.ref, NOW)
    assert privacy.stored_data(session, req.ref) is None
    assert session.scalar(select(Person).where(Person.ref == req.ref)) is None
    kept = session.get(Lead, lead.id)  # the anonymous statistic
    assert kept.person_id is None and kept.topic == "job_search" and kept.project_id == "dresden"
    consent = session.scalar(select(Consent))
    assert consent.person_id is None and consent.withdrawn_at is not None
    assert service.live_booking(session, req.ref) is None
    assert all(n.cancelled_at for n in session.scalars(select(Notification).where(Notification.sent_at.is_(None))))
    assert not privacy.erase_person(session, req.ref, NOW)


def test_retention_removes_people_who_never_booked(session):
    booked = request(slot_id=first_free(session).id)
    never = request()
    recent = request()
    service.submit_intake(session, booked, NOW - dt.timedelta(days=200), dt.timedelta(0))
    service.submit_intake(session, never, NOW, NOTICE)
    service.submit_intake(session, recent, NOW, NOTICE)
    for ref, age in ((booked.ref, 91), (never.ref, 91), (recent.ref, 89)):
        session.scalar(select(Person).where(Person.ref == ref)).created_at = NOW - dt.timedelta(days=age)
    session.flush()
    assert privacy.purge_expired(session, NOW, 90) == 1
    assert privacy.stored_data(session, never.ref) is None
    assert privacy.stored_data(session, booked.ref) is not None and privacy.stored_data(session, recent.ref) is not None


def test_retention_removes_people_whose_cases_are_closed(session):
    open_case = request(slot_id=first_free(session).id)
    closed_long_ago = request(slot_id=first_free(session, skip=1).id)
    closed_recently = request(slot_id=first_free(session, skip=2).id)
    leads = {}
    for req in (open_case, closed_long_ago, closed_recently):
        leads[req.ref] = service.submit_intake(session, req, NOW, NOTICE)
    for req, days in ((closed_long_ago, 31), (closed_recently, 29)):
        lead = leads[req.ref]
        service.set_lead_status(session, lead.id, "closed", "mentor:anna")
        lead.updated_at = NOW - dt.timedelta(days=days)
    session.flush()
    assert privacy.purge_expired(session, NOW, 90, closed_days=30) == 1
    assert privacy.stored_data(session, closed_long_ago.ref) is None
    assert privacy.stored_data(session, closed_recently.ref) is not None
    assert privacy.stored_data(session, open_case.ref) is not None
    assert session.get(Lead, leads[closed_long_ago.ref].id).status == "closed"  # the statistic stays
