"""Terminal chat: talks to the assistant exactly as Telegram users will, through the relay.

    python -m bot.console [--lang uk]

Type a message; type a button's number to press it; `/location LAT,LON` shares a location;
`/contact NUMBER` shares a phone number like Telegram's contact button; `/lang CODE` sets the client
language (like Telegram's language_code); `/quit` ends.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys

from bot.prefs import PrefsStore
from bot.rasa_client import RasaClient
from bot.relay import Incoming, Relay, Reply
from bot.settings import Settings

LOCATION = re.compile(r"^/location\s+(-?\d+(?:\.\d+)?)\s*[, ]\s*(-?\d+(?:\.\d+)?)$")


def show(replies: list[Reply]) -> list[str]:
    payloads: list[str] = []
    for reply in replies:
        print(f"\n🤖 {reply.text}")
        for button in reply.buttons:
            payloads.append(button.payload)
            print(f"   [{len(payloads)}] {button.title}")
        if reply.request_location:
            print(f"   ({reply.request_location}: /location 51.05,13.74)")
        if reply.request_contact:
            print(f"   ({reply.request_contact}: /contact +49 151 23456789)")
    return payloads


async def chat(relay: Relay, client_language: str | None, lines) -> None:  # noqa: ANN001
    user = f"console-{os.getpid()}"
    payloads: list[str] = []
    print("Arbeitsmarktmentoren Sachsen: chat (type /quit to end)")
    for line in lines:
        line = line.rstrip("\n")
        if line.strip() == "/quit":
            break
        if m := LOCATION.match(line.strip()):
            msg = Incoming(
                "console", user, location=(float(m.group(1)), float(m.group(2))), client_language=client_language
            )
        elif line.startswith("/contact "):
            msg = Incoming("console", user, contact_phone=line.split(maxsplit=1)[1], client_language=client_language)
        elif line.startswith("/lang "):
            client_language = line.split(maxsplit=1)[1].strip()
            continue
        elif line.strip().isdigit() and 0 < int(line.strip()) <= len(payloads):
            msg = Incoming("console", user, payload=payloads[int(line.strip()) - 1], client_language=client_language)
        else:
            msg = Incoming("console", user, text=line, client_language=client_language)
        payloads = show(await relay.handle(msg))
        print("\n> ", end="", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", help="client language, as a messenger would report it (e.g. uk)")
    args = parser.parse_args()
    settings = Settings.from_env()
    relay = Relay(
        settings, RasaClient(settings.rasa_url, settings.rasa_timeout), PrefsStore(settings.state_dir / "bot.sqlite3")
    )
    print("> ", end="", flush=True)
    try:
        asyncio.run(chat(relay, args.lang, sys.stdin))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
