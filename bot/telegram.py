"""The Telegram front end (python-telegram-bot): every update becomes an `Incoming` for the relay,
every `Reply` becomes Telegram messages.

    python -m bot.telegram          (./amm run does this when AMM_TELEGRAM_TOKEN is set)

Long polling by default; webhook mode when AMM_TELEGRAM_WEBHOOK_URL is set (bot/webhook.py checks
Telegram's secret-token header on every request). AMM_TELEGRAM_API_URL points at a self-hosted Bot
API server or a local stand-in. Texts are sent as plain text (no parse mode), so nothing a user or a
catalog writes is ever read as Markdown or HTML, in any script.

Buttons: Rasa's buttons become an inline keyboard whose callback data is an index into the
payloads remembered for that message; a press sends the payload, removes the keyboard and forgets
the payloads, so a replayed or forged press is answered with "this button is no longer valid".
Mentors' chats get new leads from the outbox with an "Ich übernehme" button (`take:<lead>`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable
from typing import Any

from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
    User,
)
from telegram.constants import ChatType, MessageLimit
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.mentors import TAKE, take_lead
from bot.relay import Incoming, Relay, Reply
from bot.settings import Settings
from knowledge.places import gazetteer

log = logging.getLogger(__name__)
PLATFORM = "telegram"
KEYBOARDS = "keyboards"  # chat_data key: message id -> payloads of its buttons
COMMANDS = {"help": "/help", "privacy": "/privacy", "delete": "/delete_my_data"}
DEEP_LINKS = {"employer": "/employer_hire", "book": "/book_intake", "help": "/help"}
GROUP_NOTICE_EVERY = 600.0  # seconds between two notices in the same group


class RateLimit:
    """At most `limit` messages per user in `window` seconds; the first one over gets a notice."""

    def __init__(self, limit: int, window: float, clock=time.monotonic) -> None:  # noqa: ANN001
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._noticed: dict[str, float] = {}

    def check(self, key: str) -> str:
        """ "ok", "notice" (over the limit: tell the user once) or "drop"."""
        now = self.clock()
        seen = self._seen[key]
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) < self.limit:
            seen.append(now)
            return "ok"
        if key not in self._noticed or now - self._noticed[key] > self.window:
            self._noticed[key] = now
            return "notice"
        return "drop"


class PerUserOrder(BaseUpdateProcessor):
    """Many users at once, each user's updates strictly in order (one lock per chat)."""

    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update.effective_chat.id if isinstance(update, Update) and update.effective_chat else 0
        async with self._locks[key]:
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Chunks of at most `limit` characters, cut at line breaks, else spaces, else anywhere."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


class TelegramFrontEnd:
    def __init__(self, relay: Relay, settings: Settings) -> None:
        self.relay = relay
        self.settings = settings
        self.limits = RateLimit(settings.rate_messages, settings.rate_window)
        self._group_noticed: dict[int, float] = {}

    # --- building the application -----------------------------------------------------------------

    def build(self, request: BaseRequest | None = None, updater: bool = True) -> Application:
        builder = (
            ApplicationBuilder()
            .token(self.settings.telegram_token or "")
            .base_url(f"{self.settings.telegram_base_url}/bot")
            .base_file_url(f"{self.settings.telegram_base_url}/file/bot")
            .concurrent_updates(PerUserOrder())
            .post_init(self._post_init)
        )
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        if not updater:
            builder = builder.updater(None)
        app = builder.build()
        self.register(app)
        return app

    def register(self, app: Application) -> None:
        private = filters.ChatType.PRIVATE
        app.add_handler(CallbackQueryHandler(self.on_take, pattern=f"^{TAKE}"))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(filters.ChatType.GROUPS, self.on_group))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED, self.on_edited))
        app.add_handler(CommandHandler("start", self.on_start, filters=private))
        app.add_handler(CommandHandler("language", self.on_language, filters=private))
        for command in COMMANDS:
            app.add_handler(CommandHandler(command, self.on_command, filters=private))
        app.add_handler(MessageHandler(private & filters.LOCATION, self.on_location))
        app.add_handler(MessageHandler(private & filters.CONTACT, self.on_contact))
        app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(private, self.on_other))  # voice, photo, sticker, unknown command ...
        app.add_error_handler(self.on_error)

    async def _post_init(self, app: Application) -> None:
        with contextlib.suppress(TelegramError):
            await app.bot.set_my_commands(
                [BotCommand(c, d) for c, d in (("start", "Start"), ("help", "Help"), ("language", "Language"))]
                + [BotCommand("privacy", "Privacy"), BotCommand("delete", "Delete my data")]
            )

    # --- incoming ---------------------------------------------------------------------------------

    @staticmethod
    def _incoming(user: User, chat_id: int, **kw: Any) -> Incoming:
        return Incoming(PLATFORM, str(user.id), client_language=user.language_code, chat_id=str(chat_id), **kw)

    async def _relay(self, update: Update, context: ContextTypes.DEFAULT_TYPE, **kw: Any) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        msg = self._incoming(user, chat.id, **kw)
        verdict = self.limits.check(str(user.id))
        if verdict == "drop":
            log.info("rate limit: message of %s skipped", self.relay.user_ref(PLATFORM, str(user.id)))
            return
        if verdict == "notice":
            await self.send(context, chat.id, [self.relay.notice(msg, "error.flood")])
            return
        with contextlib.suppress(TelegramError):
            await context.bot.send_chat_action(chat.id, "typing")
        await self.send(context, chat.id, await self.relay.handle(msg))

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._relay(update, context, text=update.effective_message.text or "")

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        loc = update.effective_message.location
        await self._relay(update, context, location=(loc.latitude, loc.longitude))

    async def on_contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        contact = update.effective_message.contact
        if contact.user_id != update.effective_user.id:  # someone else's card: not the user's consent
            await self._notice(update, context, "error.unsupported", menu="main")
            return
        await self._relay(update, context, contact_phone=contact.phone_number)

    async def on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        arg = (context.args or [""])[0].strip().lower()
        payload = DEEP_LINKS.get(arg, "/greet")
        district = arg.removeprefix("d")
        if district in gazetteer().districts:  # /start d14612: a project's own link
            payload = f'/find_project{{"district": "{district}"}}'
        await self._relay(update, context, payload=payload)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        command = (update.effective_message.text or "").split()[0].lstrip("/").split("@")[0].lower()
        await self._relay(update, context, payload=COMMANDS[command])

    async def on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._relay(update, context, payload="/change_language")

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        payload = self._take_payload(context, query)
        with contextlib.suppress(TelegramError):
            await query.answer()
        if payload is None:
            log.info("unknown or used button pressed (%s)", type(query.data).__name__)
            if query.message is not None and update.effective_user is not None:
                await self._notice(update, context, "error.button_expired", menu="main")
            return
        with contextlib.suppress(TelegramError):
            await query.edit_message_reply_markup(None)
        await self._relay(update, context, payload=payload)

    @staticmethod
    def _take_payload(context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery) -> str | None:
        if query.message is None or context.chat_data is None or not (query.data or "").isdigit():
            return None
        payloads = context.chat_data.get(KEYBOARDS, {}).pop(query.message.message_id, None)
        index = int(query.data)
        return payloads[index] if payloads and index < len(payloads) else None

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Voice notes, photos, documents, stickers, unknown commands: say what the assistant can do."""
        if self.limits.check(str(update.effective_user.id)) == "ok":
            await self._notice(update, context, "error.unsupported", menu="main")

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat and update.effective_chat.type == ChatType.PRIVATE:
            await self._notice(update, context, "error.edited")

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The assistant works in private chats only (personal data); a group gets a pointer, rarely."""
        chat = update.effective_chat
        if str(chat.id) in {*self.settings.mentor_chats.values(), self.settings.mentor_chat_default}:
            return  # a mentors' chat: they talk among themselves
        now = time.monotonic()
        if now - self._group_noticed.get(chat.id, -GROUP_NOTICE_EVERY) < GROUP_NOTICE_EVERY:
            return
        self._group_noticed[chat.id] = now
        link = f"https://t.me/{context.bot.username}" if context.bot.username else ""
        await self._notice(update, context, "error.group", link=link)

    async def _notice(self, update: Update, context: ContextTypes.DEFAULT_TYPE, key: str, **kw: Any) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None:
            return
        await self.send(context, chat.id, [self.relay.notice(self._incoming(user, chat.id), key, **kw)])

    async def on_take(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A mentor pressed "Ich übernehme" under a new lead: assign it, show everyone who took it."""
        await take_lead(update.callback_query, self.settings)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update failed: %s", type(context.error).__name__)  # no message text, no user id

    # --- outgoing ---------------------------------------------------------------------------------

    async def send(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, replies: list[Reply]) -> None:
        for reply in replies:
            chunks = split_text(reply.text) or [""]
            for i, chunk in enumerate(chunks):
                last = i == len(chunks) - 1
                markup = self._inline(reply) if last and reply.buttons else None
                if not chunk and markup is None:
                    continue
                sent = await context.bot.send_message(chat_id, chunk or "…", reply_markup=markup)
                if markup is not None and context.chat_data is not None:
                    context.chat_data.setdefault(KEYBOARDS, {})[sent.message_id] = [b.payload for b in reply.buttons]
            request = reply.request_location or reply.request_contact
            if request:
                button = KeyboardButton(
                    request,
                    request_location=bool(reply.request_location),
                    request_contact=bool(reply.request_contact) and not reply.request_location,
                )
                keyboard = ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
                await context.bot.send_message(
                    chat_id, ("📍 " if reply.request_location else "📞 ") + request, reply_markup=keyboard
                )

    @staticmethod
    def _inline(reply: Reply) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [[InlineKeyboardButton(b.title[:64], callback_data=str(i))] for i, b in enumerate(reply.buttons)]
        )


def main() -> None:
    from bot.prefs import PrefsStore
    from bot.rasa_client import RasaClient

    logging.basicConfig(level="INFO", format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines contain the bot token
    settings = Settings.from_env()
    if not settings.telegram_token:
        raise SystemExit("AMM_TELEGRAM_TOKEN is not set; ./amm run starts the terminal chat without it")
    relay = Relay(
        settings, RasaClient(settings.rasa_url, settings.rasa_timeout), PrefsStore(settings.state_dir / "bot.sqlite3")
    )
    front = TelegramFrontEnd(relay, settings)
    if settings.webhook_url:
        from bot.webhook import serve

        serve(front, settings)
    else:
        front.build().run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
