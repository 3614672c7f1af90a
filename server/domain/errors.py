"""One exception type for every refusal a service makes.

Services raise `ServiceError(status, code, message_th, detail)`; the API turns it into the JSON error
of design.md (`{"error","message","detail"}`) and web pages can show `message` to the clerk. Keeping the
HTTP status on the error means a service decides the meaning of a refusal once (409 chain order, 423
deadline, ...) and neither the API nor the pages can disagree about it.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal: `code` is stable English for programs, `message` is Thai for people."""

    def __init__(self, status: int, code: str, message: str, detail: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "detail": self.detail}


def bad_request(code: str, message: str, detail: Any = None) -> ServiceError:
    return ServiceError(400, code, message, detail)


def forbidden(code: str, message: str, detail: Any = None) -> ServiceError:
    return ServiceError(403, code, message, detail)


def not_found(code: str, message: str, detail: Any = None) -> ServiceError:
    return ServiceError(404, code, message, detail)


def conflict(code: str, message: str, detail: Any = None) -> ServiceError:
    return ServiceError(409, code, message, detail)


def locked(code: str, message: str, detail: Any = None) -> ServiceError:
    return ServiceError(423, code, message, detail)
