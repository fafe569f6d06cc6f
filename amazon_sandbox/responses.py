"""Response builders in Amazon's shapes (SP-API error lists, LWA errors)."""
from __future__ import annotations

import json
import uuid

from werkzeug.wrappers import Response

JSON = "application/json"


def json_response(body, status: int = 200, headers: dict | None = None,
                  content_type: str = JSON) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {},
                    content_type=content_type)


def sp_error(status: int, code: str, message: str, details: str = "",
             headers: dict | None = None) -> Response:
    """``{"errors": [{"code", "message", "details"}]}`` as every SP-API operation sends."""
    return json_response({"errors": [{"code": code, "message": message, "details": details}]},
                         status, headers)


def lwa_error(status: int, error: str, description: str) -> Response:
    return json_response({"error": error, "error_description": description}, status,
                         {"Cache-Control": "no-store", "Pragma": "no-cache"},
                         content_type="application/json;charset=UTF-8")


def request_id() -> str:
    return str(uuid.uuid4())


class InvalidInput(Exception):
    """A parameter rule was broken: 400 ``InvalidInput`` with this message."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.message = message
        self.details = details
