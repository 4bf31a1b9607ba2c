"""The intake: consent, contact details, what the user needs, a slot, and the lead for the mentors.

`intake_form` asks for the district first (reused when known; not personal data), then consent. Without
consent nothing personal is stored and the user gets the project's contact. Every question offers a
way out (`/deny`). The submission happens when a slot (or a call-back) is chosen: lead, booking and
mentor notification in one transaction; a taken slot or a database outage is explained and the
form keeps its state so the user can choose again or retry.
"""

from __future__ import annotations

import logging
import unicodedata
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz, process
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import language_of
from actions.referral import GAVE_UP, answered_since_user_spoke, validate_place
from cases import runtime, service
from cases.validation import clean_email, clean_name, clean_phone
from knowledge import i18n, projects
from knowledge.capacity import capacity
from knowledge.places import gazetteer

log = logging.getLogger(__name__)
MAX_TRIES = 3
CALLBACK = "callback"
HANDLED = [SlotSet("intake_abort", "handled")]  # action_intake_start answered: the form ends at once
PERSONAL_SLOTS = (
    "intake_consent",
    "intake_name",
    "intake_channel",
    "intake_phone",
    "intake_email",
    "intake_topic",
    "intake_gender",
    "intake_qualification",
    "intake_residence",
    "intake_confirm",
    "intake_slot",
)
SUMMARY_TOPICS = {
    "programme_info", "eligibility", "find_project", "job_search", "recognition", "work_permit",
    "language_course", "childcare", "vocational_training", "accompany_authority", "urgent_help",
    "request_human", "employer_hire", "employer_legal", "employer_vacancy",
}  # fmt: skip
# Which slots a "change ..." button empties, so that the form asks them again.
EDITS = {
    "edit_name": ("intake_name",),
    "edit_contact": ("intake_channel", "intake_phone", "intake_email"),
    "edit_district": ("district", "place_label"),
    "edit_topic": ("intake_topic",),
    "edit_optional": ("intake_gender", "intake_qualification", "intake_residence"),
}


def _norm(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def menu_choices(menu: str) -> dict[str, str]:
    """value -> label key of a choice menu in knowledge/replies.yml (the way-out button left aside)."""
    import json

    choices = {}
    for b in i18n.replies()["menus"][menu]:
        if b["payload"].startswith("/inform"):
            choices[json.loads(b["payload"][len("/inform") :])["choice"]] = b["label"]
    return choices


def chosen(tracker: Tracker, menu: str, also: Iterable[str] = ()) -> str | None:
    """The option the user picked: a pressed button, its number, or its label typed (typos allowed).
    `also`: further button values accepted (e.g. the "change ..." buttons under a summary)."""
    choices = menu_choices(menu)
    entity = next(tracker.get_latest_entity_values("choice"), None)
    if entity in choices or entity in also:
        return entity
    typed = (tracker.latest_message.get("text") or "").strip()
    if not typed or typed.startswith("/"):
        return None
    if typed.isdigit() and 1 <= int(typed) <= len(choices):
        return list(choices)[int(typed) - 1]
    lang = language_of(tracker)
    labels = {}
    for value, key in choices.items():
        for code in dict.fromkeys((lang, "en", "de")):
            labels[f"{code}:{value}"] = _norm(i18n.catalog(code)[key])
    best = process.extractOne(_norm(typed), labels, scorer=fuzz.WRatio, score_cutoff=88)
    return best[2].split(":", 1)[1] if best else None


def _district_projects(district: str | None) -> list[projects.Project]:
    if district not in gazetteer().districts:
        return []
    return projects.directory().for_district(district)


def option_label(lang: str, menu: str, value: str | None) -> str:
    """The label of a stored choice in the user's language ("not given" when skipped)."""
    if not value or value == "skip":
        return i18n.text(lang, "intake.not_given")
    key = menu_choices(menu).get(value)
    return i18n.text(lang, key) if key else value


def contact_text(lang: str, channel: str | None, phone: str | None, email: str | None) -> str:
    if channel == "phone" and phone:
        return i18n.text(lang, "intake.contact_phone", phone=phone)
    if channel == "email" and email:
        return i18n.text(lang, "intake.contact_email", email=email)
    return i18n.text(lang, "intake.contact_chat")


def summary(lang: str, slots: dict[str, Any]) -> str:
    district = slots.get("district")
    return i18n.text(
        lang,
        "intake.summary",
        name=slots.get("intake_name") or "",
        contact=contact_text(lang, slots.get("intake_channel"), slots.get("intake_phone"), slots.get("intake_email")),
        district=gazetteer().districts[district].name if district in gazetteer().districts else "",
        topic=option_label(lang, "intake_topic", slots.get("intake_topic")),
        gender=option_label(lang, "intake_gender", slots.get("intake_gender")),
        qualification=option_label(lang, "intake_qualification", slots.get("intake_qualification")),
        residence=option_label(lang, "intake_residence", slots.get("intake_residence")),
    )


def _slot_buttons(lang: str, slots: list[Any], several: bool, payload: str) -> list[dict[str, str]]:
    tz = capacity().timezone
    buttons = []
    for s in slots:
        title = i18n.when(lang, s.starts_at, tz, short=True)
        if several:
            title += f" · {projects.directory().name_of(s.project_id)}"
        buttons.append({"title": title, "payload": payload.format(id=s.id)})
    return buttons


async def offer_slots(
    dispatcher: CollectingDispatcher, lang: str, district: str, payload: str, extra: list[dict[str, str]] | None = None
) -> bool:
    """Send the next free slots of the district's project(s) as buttons; False when the database failed."""
    ps = _district_projects(district)
    try:
        free = await runtime.run(service.free_slots, [p.id for p in ps], service.now_utc(), capacity())
    except SQLAlchemyError as exc:
        log.warning("free slots unavailable: %s", type(exc).__name__)
        dispatcher.utter_message(text=i18n.text(lang, "intake.db_error"))
        return False
    buttons = _slot_buttons(lang, free, len(ps) > 1, payload) + (extra or [])
    text = i18n.text(lang, "intake.ask_slot", project=" / ".join(p.name for p in ps))
    dispatcher.utter_message(text=text, buttons=buttons)
    return True


def _intake_slot_extra(lang: str) -> list[dict[str, str]]:
    return [
        {"title": i18n.text(lang, "option.callback"), "payload": f'/inform{{"choice": "{CALLBACK}"}}'},
        {"title": i18n.text(lang, "option.cancel"), "payload": "/deny"},
    ]


class ActionIntakeStart(Action):
    """ "Book an appointment" / "my appointment": show, move or cancel a live booking, else start the form."""

    def name(self) -> str:
        return "action_intake_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker)
        ref = tracker.sender_id
        choice = next(tracker.get_latest_entity_values("choice"), None) or ""
        try:
            booking = await runtime.run(service.live_booking, ref)
            if booking is None:
                if choice:  # a button of a booking that is gone (cancelled, erased, pressed twice)
                    dispatcher.utter_message(text=i18n.text(lang, "booking.none"))
                    return HANDLED
                return []
            when, project = self._describe(lang, booking)
            if choice == "keep":
                dispatcher.utter_message(text=i18n.text(lang, "booking.kept"))
            elif choice == "cancel":
                await runtime.run(service.cancel_booking, ref, service.now_utc())
                dispatcher.utter_message(text=i18n.text(lang, "booking.cancelled", when=when))
            elif choice == "move":
                lead_district = await runtime.run(service.lead_district, booking.lead_id)
                keep = [{"title": i18n.text(lang, "option.keep"), "payload": '/book_intake{"choice": "keep"}'}]
                await offer_slots(dispatcher, lang, lead_district, '/book_intake{{"choice": "move:{id}"}}', keep)
            elif choice.startswith("move:") and choice[5:].isdigit():
                try:
                    moved = await runtime.run(
                        service.move_booking, ref, int(choice[5:]), service.now_utc(), capacity().min_notice
                    )
                except service.SlotTaken:
                    dispatcher.utter_message(
                        text=i18n.text(lang, "intake.slot_taken"), buttons=i18n.buttons(lang, "booking")
                    )
                    return HANDLED
                when, project = self._describe(lang, moved)
                dispatcher.utter_message(text=i18n.text(lang, "booking.moved", when=when, project=project))
            else:
                dispatcher.utter_message(
                    text=i18n.text(lang, "booking.current", when=when, project=project),
                    buttons=i18n.buttons(lang, "booking"),
                )
        except SQLAlchemyError as exc:
            log.warning("booking lookup failed: %s", type(exc).__name__)
            dispatcher.utter_message(text=i18n.text(lang, "intake.db_error"))
        return HANDLED

    @staticmethod
    def _describe(lang: str, booking: Any) -> tuple[str, str]:
        when = i18n.when(lang, booking.slot.starts_at, capacity().timezone)
        return when, projects.directory().name_of(booking.slot.project_id)


class ValidateIntakeForm(FormValidationAction):
    def name(self) -> str:
        return "validate_intake_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        # An unexpected failure must not put the user's answers into an error log (rasa-sdk logs the
        # whole request) nor leave them without a reply: log its kind, apologise, keep the state.
        try:
            return await super().run(dispatcher, tracker, domain)
        except Exception as exc:  # noqa: BLE001
            log.error("%s failed: %s", self.name(), type(exc).__name__)
            dispatcher.utter_message(text=i18n.text(language_of(tracker), "error.unavailable"))
            return []

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("intake_abort"):
            return []
        wanted = {"phone": "intake_phone", "email": "intake_email"}.get(tracker.get_slot("intake_channel") or "")
        return [s for s in domain_slots if s not in ("intake_phone", "intake_email") or s == wanted]

    def _retry(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, key: str, menu: str | None = None
    ) -> dict[str, Any]:
        """Explain and ask again; after MAX_TRIES the booking stops (nothing stored)."""
        tries = int(tracker.get_slot("intake_tries") or 0) + 1
        if tries >= MAX_TRIES:
            return {slot: None, "intake_abort": "too_many_tries", "intake_tries": 0}
        lang = language_of(tracker)
        dispatcher.utter_message(text=i18n.text(lang, key), buttons=i18n.buttons(lang, menu or "intake_text"))
        return {slot: None, "intake_tries": tries}

    async def validate_district(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") not in (None, "district"):
            # A name like "Anna" or "Zwenkau" can look like a place to the entity tagger: while another
            # question is open, the district already given stays as it is.
            return {"district": _last_valid_district(tracker)}
        result = await validate_place(value, dispatcher, tracker)
        if result.get("district") == GAVE_UP:
            return {"district": None, "intake_abort": "place"}
        return result

    async def validate_intake_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if chosen(tracker, "intake_consent") == "agree" or _intent(tracker) == "affirm":
            return {"intake_consent": service.CONSENT_VERSION, "intake_key": uuid.uuid4().hex, "intake_tries": 0}
        return self._retry(dispatcher, tracker, "intake_consent", "intake.consent_unclear", "intake_consent")

    async def validate_intake_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = clean_name(str(value or "")) if not str(value or "").startswith("/") else None
        if name is None:
            return self._retry(dispatcher, tracker, "intake_name", "intake.name_invalid")
        return {"intake_name": name, "intake_tries": 0}

    async def _validate_choice(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker, menu: str | None = None
    ) -> dict[str, Any]:
        if _stop_pressed(tracker):
            return {slot: None, "intake_abort": "stopped"}
        value = chosen(tracker, menu or slot)
        if value is None:
            return self._retry(dispatcher, tracker, slot, "intake.choose_button", menu or slot)
        return {slot: value, "intake_tries": 0}

    channel_menu = "intake_channel"
    edits = EDITS
    change_menu = "intake_change"

    async def validate_intake_channel(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        result = await self._validate_choice("intake_channel", dispatcher, tracker, self.channel_menu)
        if result.get("intake_channel"):  # a new channel: the old number or address is not kept
            result.update(intake_phone=None, intake_email=None)
        return result

    async def validate_intake_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        contact = (tracker.latest_message.get("metadata") or {}).get("contact_phone")
        phone = clean_phone(str(contact or value or ""))
        if phone is None:
            return self._retry(dispatcher, tracker, "intake_phone", "intake.phone_invalid")
        return {"intake_phone": phone, "intake_tries": 0}

    async def validate_intake_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = clean_email(str(value or ""))
        if email is None:
            return self._retry(dispatcher, tracker, "intake_email", "intake.email_invalid")
        return {"intake_email": email, "intake_tries": 0}

    async def validate_intake_topic(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate_choice("intake_topic", dispatcher, tracker)

    async def validate_intake_gender(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate_choice("intake_gender", dispatcher, tracker)

    async def validate_intake_qualification(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        yes_no = {"affirm": "yes", "deny": "no"}.get(_intent(tracker))
        if yes_no and not _stop_pressed(tracker) and chosen(tracker, "intake_qualification") is None:
            return {"intake_qualification": yes_no, "intake_tries": 0}
        return await self._validate_choice("intake_qualification", dispatcher, tracker)

    async def validate_intake_residence(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return await self._validate_choice("intake_residence", dispatcher, tracker)

    async def validate_intake_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        lang = language_of(tracker)
        if _stop_pressed(tracker):
            return {"intake_confirm": None, "intake_abort": "stopped"}
        value = chosen(tracker, "intake_confirm", self.edits) or {"affirm": "confirm", "deny": "change"}.get(
            _intent(tracker)
        )
        if value == "confirm":
            return await self.confirmed(dispatcher, tracker)
        if value == "change":
            dispatcher.utter_message(
                text=i18n.text(lang, "intake.which_change"), buttons=i18n.buttons(lang, self.change_menu)
            )
            return {"intake_confirm": None}
        if value in self.edits:
            return {slot: None for slot in ("intake_confirm", *self.edits[value])}
        return self._retry(dispatcher, tracker, "intake_confirm", "intake.choose_button", "intake_confirm")

    async def confirmed(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """The summary was confirmed: the intake goes on to the slot; the employer form submits here."""
        return {"intake_confirm": "yes", "intake_tries": 0}

    async def validate_intake_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        lang = language_of(tracker)
        choice = next(tracker.get_latest_entity_values("choice"), None) or ""
        if choice != CALLBACK and not (choice.startswith("slot:") and choice[5:].isdigit()):
            typed = _norm(tracker.latest_message.get("text") or "")
            if typed and fuzz.WRatio(typed, _norm(i18n.text(lang, "option.callback"))) >= 88:
                choice = CALLBACK
            else:
                return self._retry(dispatcher, tracker, "intake_slot", "intake.choose_button", "intake_text")
        return await self._submit(choice, dispatcher, tracker)

    async def _submit(self, choice: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        lang = language_of(tracker)
        slots = tracker.slots
        district = slots["district"]
        slot_id = None if choice == CALLBACK else int(choice[5:])
        ps = _district_projects(district)
        project_id = ps[0].id
        if slot_id is not None:
            project_id = await runtime.run(service.slot_project, slot_id) or project_id
        request = service.IntakeRequest(
            submission_key=slots.get("intake_key") or uuid.uuid4().hex,
            ref=tracker.sender_id,
            language=lang,
            district=district,
            project_id=project_id,
            topic=slots["intake_topic"],
            name=slots["intake_name"],
            channel=slots["intake_channel"],
            phone=slots.get("intake_phone"),
            email=slots.get("intake_email"),
            consent_version=slots["intake_consent"],
            gender=_given(slots.get("intake_gender")),
            qualification=_given(slots.get("intake_qualification")),
            residence=_given(slots.get("intake_residence")),
            slot_id=slot_id,
            summary=conversation_summary(tracker),
        )
        retry = [{"title": i18n.text(lang, "option.retry"), "payload": f'/inform{{"choice": "{choice}"}}'}]
        try:
            lead = await runtime.run(service.submit_intake, request, service.now_utc(), capacity().min_notice)
        except service.SlotTaken:
            dispatcher.utter_message(text=i18n.text(lang, "intake.slot_taken"))
            await offer_slots(dispatcher, lang, district, '/inform{{"choice": "slot:{id}"}}', _intake_slot_extra(lang))
            return {"intake_slot": None}
        except SQLAlchemyError as exc:  # the database is down: keep every answer, offer to try again
            log.warning("intake not saved: %s", type(exc).__name__)
            dispatcher.utter_message(text=i18n.text(lang, "intake.db_error"), buttons=retry)
            return {"intake_slot": None}
        project = projects.directory().name_of(lead.project_id)
        if slot_id is None:
            dispatcher.utter_message(
                text=i18n.text(
                    lang,
                    "intake.callback",
                    project=project,
                    contact=contact_text(lang, request.channel, request.phone, request.email),
                )
            )
        else:
            booking = await runtime.run(service.live_booking, tracker.sender_id)
            when = i18n.when(lang, booking.slot.starts_at, capacity().timezone)
            dispatcher.utter_message(text=i18n.text(lang, "intake.booked", project=project, when=when))
            # bot/ keeps this chat's address for the reminder (deleted with "delete my data")
            dispatcher.utter_message(json_message={"remember_address": True})
        log.info("intake saved: lead %s for %s", lead.id, lead.project_id)
        return {"intake_slot": choice, "intake_lead": str(lead.id)}


def _last_valid_district(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "district":
            if event.get("value") in gazetteer().districts:
                return event["value"]
    return None


def conversation_summary(tracker: Tracker) -> tuple[str, ...]:
    """The topics the user asked about in this conversation, in order, for the mentors: which
    questions came up, never what was written."""
    topics: list[str] = []
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if intent in SUMMARY_TOPICS and intent not in topics:
            topics.append(intent)
    return tuple(topics)


def _last_form(tracker: Tracker) -> str | None:
    """The form that was active last (the stop rule deactivates it before ActionIntakeStop runs)."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name"):
            return event["name"]
    return None


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _stop_pressed(tracker: Tracker) -> bool:
    """The Stop button (`/deny`) on a yes/no step, where a typed "no" is an answer, not a way out."""
    return (tracker.latest_message.get("text") or "").strip() == "/deny"


def _given(value: str | None) -> str | None:
    return None if value in (None, "skip") else value


class _AskIntake(Action, ABC):
    """Ask for one intake slot, unless a validator already answered the latest message."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    form: str | None = None  # set for a question asked differently in one form (action_ask_<form>_<slot>)

    def name(self) -> str:
        return f"action_ask_{self.form}_{self.slot}" if self.form else f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if not answered_since_user_spoke(tracker):
            await self.ask(dispatcher, tracker, language_of(tracker))
        return []

    key = ""  # the question's catalog text
    menu: str | None = None  # its buttons; default: the slot's own menu, else just "Stop"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        menu = self.menu or (self.slot if self.slot in i18n.replies()["menus"] else "intake_text")
        dispatcher.utter_message(text=i18n.text(lang, self.key), buttons=i18n.buttons(lang, menu))


class ActionAskIntakeConsent(_AskIntake):
    slot = "intake_consent"
    key = "intake.consent"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        text = i18n.text(lang, self.key, retention_days=runtime.retention_days(), version=service.CONSENT_VERSION)
        dispatcher.utter_message(text=text, buttons=i18n.buttons(lang, "intake_consent"))


class ActionAskIntakeName(_AskIntake):
    slot = "intake_name"
    key = "intake.ask_name"


class ActionAskIntakeChannel(_AskIntake):
    slot = "intake_channel"
    key = "intake.ask_channel"


class ActionAskIntakePhone(_AskIntake):
    slot = "intake_phone"
    key = "intake.ask_phone"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        dispatcher.utter_message(
            text=i18n.text(lang, self.key),
            buttons=i18n.buttons(lang, "intake_text"),
            json_message={"request_contact": i18n.text(lang, "button.share_contact")},
        )


class ActionAskIntakeEmail(_AskIntake):
    slot = "intake_email"
    key = "intake.ask_email"


class ActionAskIntakeTopic(_AskIntake):
    slot = "intake_topic"
    key = "intake.ask_topic"


class ActionAskIntakeGender(_AskIntake):
    slot = "intake_gender"
    key = "intake.ask_gender"


class ActionAskIntakeQualification(_AskIntake):
    slot = "intake_qualification"
    key = "intake.ask_qualification"


class ActionAskIntakeResidence(_AskIntake):
    slot = "intake_residence"
    key = "intake.ask_residence"


class ActionAskIntakeConfirm(_AskIntake):
    slot = "intake_confirm"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        dispatcher.utter_message(text=summary(lang, tracker.slots), buttons=i18n.buttons(lang, "intake_confirm"))


class ActionAskIntakeSlot(_AskIntake):
    slot = "intake_slot"

    async def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
        district = tracker.get_slot("district")
        await offer_slots(dispatcher, lang, district, '/inform{{"choice": "slot:{id}"}}', _intake_slot_extra(lang))


class ActionIntakeDone(Action):
    """After the form: clear the answers from the conversation state; explain an early end."""

    def name(self) -> str:
        return "action_intake_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker)
        abort = tracker.get_slot("intake_abort")
        if abort == "stopped":
            dispatcher.utter_message(text=i18n.text(lang, "intake.cancelled"), buttons=i18n.buttons(lang, "main"))
        elif abort in ("too_many_tries", "place"):
            dispatcher.utter_message(text=i18n.text(lang, "intake.too_many_tries"), buttons=i18n.buttons(lang, "main"))
        return _reset()


class ActionIntakeStop(Action):
    """The user left the intake (`/deny`, "stop"). Before consent: no data, but the project's contact."""

    def name(self) -> str:
        return "action_intake_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = language_of(tracker)
        district = tracker.get_slot("district")
        if not tracker.get_slot("intake_consent") and district in gazetteer().districts:
            employer = _last_form(tracker) == "employer_form"
            dispatcher.utter_message(text=i18n.text(lang, "employer.no_consent" if employer else "intake.no_consent"))
            card = projects.project_card(lang, district, matched=tracker.get_slot("place_label"), intake=True)
            dispatcher.utter_message(text=card)
        else:
            dispatcher.utter_message(text=i18n.text(lang, "intake.cancelled"), buttons=i18n.buttons(lang, "main"))
        return _reset()


def _reset() -> list[dict[str, Any]]:
    from actions.employer import EMPLOYER_SLOTS

    slots = (*PERSONAL_SLOTS, *EMPLOYER_SLOTS, "intake_key", "intake_abort", "intake_lead")
    return [SlotSet(s, None) for s in slots] + [SlotSet("intake_tries", 0)]
