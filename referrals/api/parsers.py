"""The API's JSON parser: a body nested too deeply is a 400 like any other unreadable JSON, never a 500."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

TOO_DEEP = "JSON parse error - the body is nested too deeply: send a referral as one JSON object of answers"


class ApiJSONParser(JSONParser):
    """REST framework's parser turns a ValueError into a 400, but Python's decoder raises RecursionError (not a
    ValueError) for thousands of nested brackets, which would otherwise escape as a 500."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
