"""The worker of ./amm run: cases.worker with the delivery channel this deployment has.

With AMM_TELEGRAM_TOKEN: mentors' notices to their project chats and reminders to users who booked
in Telegram; without: every delivery is recorded locally (python -m cases outbox --show).
"""

from __future__ import annotations

import asyncio
import logging

from bot.settings import Settings
from cases.outbox import Channel, LocalChannel
from cases.worker import run_worker


def channel(settings: Settings) -> Channel:
    if not settings.telegram_token:
        return LocalChannel()
    from telegram import Bot

    from bot.mentors import TelegramChannel
    from bot.prefs import PrefsStore

    bot = Bot(settings.telegram_token, base_url=f"{settings.telegram_base_url}/bot")
    return TelegramChannel(bot, settings, PrefsStore(settings.state_dir / "bot.sqlite3"))


async def _run(settings: Settings) -> None:
    ch = channel(settings)
    bot = getattr(ch, "bot", None)
    if bot is None:
        await run_worker(ch)
        return
    async with bot:  # initialises the HTTP client; closes it when the worker stops
        await run_worker(ch)


def main() -> None:
    logging.basicConfig(level="INFO", format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines contain the bot token
    asyncio.run(_run(Settings.from_env()))


if __name__ == "__main__":
    main()
