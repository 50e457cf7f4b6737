"""ASGI entry point, kept for parity with wsgi; production serves through gunicorn (WSGI)."""

import os
from collections.abc import Awaitable, Callable
from typing import Any

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

Message = dict[str, Any]


class RequestBodyLimit:
    """Refuses (413) a request body over FILE_UPLOAD_MAX_MEMORY_SIZE before Django's ASGI handler buffers it.

    That handler holds the body in a SpooledTemporaryFile that rolls over to disk above
    FILE_UPLOAD_MAX_MEMORY_SIZE: an upload would be on disk in plaintext (docs/encryption.md).
    Ending the body as a disconnect at the limit keeps the buffer in memory; the 413 follows.
    """

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Message, receive: Callable[[], Awaitable[Message]], send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = {"received": 0, "too_large": False}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
                    state["too_large"] = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, limited_receive, send)
        if state["too_large"]:
            headers = [(b"content-type", b"text/plain; charset=utf-8")]
            await send({"type": "http.response.start", "status": 413, "headers": headers})
            await send({"type": "http.response.body", "body": b"The request is too large."})


application = RequestBodyLimit(get_asgi_application())
