"""The mentors' side on Telegram: outbox notifications to each project's chat with an "Ich übernehme"
button, reminders to users who booked, and the button that assigns a lead to the mentor who pressed it.

Chats are configured, not data: AMM_MENTOR_CHATS="dresden=-1001234,leipzig=-1005678" and
AMM_MENTOR_CHAT_DEFAULT for the coordination office. A project without a chat (and no default)
gets its notification recorded locally, as without Telegram.
"""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError

from bot.prefs import PrefsStore
from bot.settings import Settings
from cases import runtime, service
from cases.outbox import LocalChannel, Message
from cases.render import render, staff_texts

log = logging.getLogger(__name__)
TAKE = "take:"


def mentor_chat(settings: Settings, project_id: str | None) -> str | None:
    return settings.mentor_chats.get(project_id or "") or settings.mentor_chat_default


class TelegramChannel:
    """Delivers outbox messages through the bot; raising leaves them in the outbox for a retry."""

    def __init__(self, bot: Bot, settings: Settings, prefs: PrefsStore) -> None:
        self.bot, self.settings, self.prefs = bot, settings, prefs
        self.local = LocalChannel()

    async def deliver(self, message: Message) -> None:
        if message.audience == "user":
            address = self.prefs.address(message.user_ref or "")
            if address is None or address[0] != "telegram":
                await self.local.deliver(message)  # booked in the terminal chat, or no chat to write to
                return
            await self.bot.send_message(int(address[1]), render(message))
            return
        chat = mentor_chat(self.settings, message.project_id)
        if chat is None:
            await self.local.deliver(message)
            return
        markup = None
        if message.kind == "new_lead" and message.lead_id:
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(staff_texts()["take"], callback_data=f"{TAKE}{message.lead_id}")]]
            )
        await self.bot.send_message(int(chat), render(message), reply_markup=markup)


async def take_lead(query: CallbackQuery, settings: Settings) -> None:
    """Assign the lead to the mentor who pressed first; everyone in the chat sees who took it."""
    data = query.data or ""
    lead_id = int(data[len(TAKE) :]) if data[len(TAKE) :].isdigit() else None
    chat_id = str(query.message.chat.id) if query.message else ""
    mentor = query.from_user
    texts = staff_texts()
    try:
        project = await runtime.run(service.lead_project, lead_id) if lead_id else None
        if project is None or chat_id != mentor_chat(settings, project):
            await query.answer(texts["take_invalid"])
            log.info("take button rejected (lead %s, chat not the project's)", lead_id)
            return
        taken = await runtime.run(service.assign_lead, lead_id, f"telegram:{mentor.id}", "Telegram: Ich übernehme")
    except Exception as exc:  # noqa: BLE001 - the database may be down: the mentor can press again
        log.warning("take failed: %s", type(exc).__name__)
        await query.answer(texts["take_failed"])
        return
    name = mentor.first_name or mentor.username or str(mentor.id)
    if not taken:
        await query.answer(texts["take_already"])
        return
    await query.answer(texts["take_done"])
    try:
        await query.edit_message_text(f"{query.message.text}\n\n✅ {texts['taken_by'].format(name=name)}")
    except TelegramError as exc:
        log.warning("could not mark the notice as taken: %s", type(exc).__name__)
