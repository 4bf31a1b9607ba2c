"""A local stand-in for the Telegram Bot API, over real HTTP on 127.0.0.1, for end-to-end tests.

It keeps a queue of updates for getUpdates (long polling), records every method the bot calls, and
answers like the Bot API does. Tests push user messages and button presses and wait for the bot's
messages. It serves /bot<token>/<method> only; nothing leaves this machine.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT = {"id": 4242, "is_bot": True, "first_name": "AMM", "username": "amm_standin_bot"}


class BotApiStandIn:
    def __init__(self, token: str) -> None:
        self.token = token
        self.updates: queue.Queue[dict[str, Any]] = queue.Queue()
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._update_id = 0
        self._message_id = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> BotApiStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what a test does ---------------------------------------------------------------------------

    def _next_update_id(self) -> int:
        with self._lock:
            self._update_id += 1
            return self._update_id

    def user_says(self, user: dict[str, Any], **message: Any) -> None:
        uid = self._next_update_id()
        self.updates.put(
            {
                "update_id": uid,
                "message": {
                    "message_id": 10_000 + uid,
                    "date": int(time.time()),
                    "chat": {"id": user["id"], "type": "private"},
                    "from": user,
                    **message,
                },
            }
        )

    def command(self, user: dict[str, Any], text: str) -> None:
        entity = {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
        self.user_says(user, text=text, entities=[entity])

    def press(self, user: dict[str, Any], sent: dict[str, Any], title: str) -> None:
        keyboard = sent["reply_markup"]["inline_keyboard"]
        data = next(b["callback_data"] for row in keyboard for b in row if b["text"] == title)
        uid = self._next_update_id()
        self.updates.put(
            {
                "update_id": uid,
                "callback_query": {
                    "id": str(uid),
                    "chat_instance": "standin",
                    "from": user,
                    "data": data,
                    "message": {
                        "message_id": sent["message_id"],
                        "date": 0,
                        "chat": {"id": user["id"], "type": "private"},
                        "text": sent["text"],
                    },
                },
            }
        )

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        with self._lock:
            return [p for m, p in self.calls if m == "sendMessage" and int(p["chat_id"]) == chat_id]

    def wait_for(self, chat_id: int, count: int, timeout: float = 60.0) -> list[dict[str, Any]]:
        """The bot's messages to `chat_id` once there are at least `count` of them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sent = self.messages(chat_id)
            if len(sent) >= count:
                time.sleep(0.3)  # let the rest of this reply arrive
                return self.messages(chat_id)
            time.sleep(0.05)
        raise TimeoutError(f"the bot sent {len(self.messages(chat_id))} message(s) to {chat_id}, expected {count}")

    # --- the HTTP side ------------------------------------------------------------------------------

    def _answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method == "getUpdates":
            timeout = float(params.get("timeout") or 0)
            try:
                first = self.updates.get(timeout=max(timeout, 0.1))
            except queue.Empty:
                return []
            batch = [first]
            while not self.updates.empty():
                batch.append(self.updates.get_nowait())
            return batch
        if method == "sendMessage":
            with self._lock:
                self._message_id += 1
                params["message_id"] = self._message_id
            return {
                "message_id": params["message_id"],
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        if method in {
            "deleteWebhook",
            "setMyCommands",
            "answerCallbackQuery",
            "editMessageReplyMarkup",
            "editMessageText",
            "sendChatAction",
        }:
            return True
        raise KeyError(method)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server interface
                prefix = f"/bot{standin.token}/"
                if not self.path.startswith(prefix):
                    self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = self.path[len(prefix) :]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = _parse(body, self.headers.get("Content-Type", ""))
                try:
                    result = standin._answer(method, params)
                except KeyError:
                    self._reply(400, {"ok": False, "error_code": 400, "description": f"unknown method {method}"})
                    return
                if method != "getUpdates":
                    with standin._lock:
                        standin.calls.append((method, params))
                self._reply(200, {"ok": True, "result": result})

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        return Handler


def _parse(body: str, content_type: str) -> dict[str, Any]:
    if not body:
        return {}
    if "json" in content_type:
        return json.loads(body)
    params: dict[str, Any] = {}
    for key, values in parse_qs(body).items():
        value: Any = values[0]
        if value[:1] in "{[":
            value = json.loads(value)
        params[key] = value
    return params
