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
