"""The one error type of the extraction library."""

from __future__ import annotations


class ExtractError(Exception):
    """A document could not be read or understood.

    `filename` names the file and `where` the place in it (a line, a cell such as "Sheet1!B7",
    a page) when one is known; `str()` gives the one-line message the CLI prints.
    """

    def __init__(self, message: str, *, filename: str | None = None, where: str | None = None) -> None:
        self.message = message
        self.filename = filename
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        place = ":".join(p for p in (self.filename, self.where) if p)
        return f"{place}: {self.message}" if place else self.message


class LimitError(ExtractError):
    """A document refused for what reading it would cost (a zip bomb, XML nested too deep, a page
    that draws too much, too much text), before the cost is paid.

    `limit` names the limit ("unpacked_mb", "xml_depth", "page_content_mb", "page_objects",
    "cells", "characters"), `allowed` is its value and `found` what the file has (when known), so
    that a caller can word the refusal in its own language; `where` is the page or sheet.
    """

    def __init__(
        self,
        message: str,
        *,
        filename: str | None,
        limit: str,
        allowed: int,
        found: int | None = None,
        where: str | None = None,
    ) -> None:
        self.limit = limit
        self.allowed = allowed
        self.found = found
        super().__init__(message, filename=filename, where=where)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled whole: the sandbox's child raises it, the parent re-raises it (the default
        # pickling of an exception would call __init__ with the formatted message only).
        return (
            _limit_error,
            (self.message, self.filename, self.limit, self.allowed, self.found, self.where),
        )


def _limit_error(
    message: str, filename: str | None, limit: str, allowed: int, found: int | None, where: str | None
) -> LimitError:
    return LimitError(message, filename=filename, limit=limit, allowed=allowed, found=found, where=where)
