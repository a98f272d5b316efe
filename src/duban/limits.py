"""How long a text a user may type, per kind of field, and the one refusal when it is longer.

A narrative saved as 15 MB grew the database by 95 MB through its audit copies; every text
field now has a limit, chosen per field by what it holds (a name is a line, a narrative a few
pages of a report). The forms (`text_field`), the actions (`too_long`, for the bulk entry and
any other caller that skips a form) and the API schemas use these numbers, so a page, a
spreadsheet row and an API call are refused alike, with a Chinese message naming the field and
its limit. Free-text model fields carry the same max_length (a TextField's is not a database
constraint: the limit holds where the text comes in, and no table is rewritten for it).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms

NAME = 200  # a name, a title, a short label
COMMENT = 2000  # a reason, a review comment, an appeal, an incident's note
ORDER = 5000  # a supervision order's text
NARRATIVE = 20000  # a report's narrative, a reply to an order, a task's requirement text
RULES = 5000  # a scheme's typed rule lists (grade bands, criteria, deduction steps)


def too_long_message(label: str, limit: int, length: int) -> str:
    return f"“{label}”最多 {limit} 个字符，现有 {length} 个"


def too_long(label: str, value: str, limit: int) -> str:
    """The refusal of `value` for the field `label`, or "" when it fits."""
    return too_long_message(label, limit, len(value)) if len(value) > limit else ""


def text_field(label: str, limit: int, *, name: str = "", **kwargs: Any) -> forms.CharField:
    """A form's text field of at most `limit` characters, refused with the field's name (`name`,
    when the label carries a hint: "原因（滞后、暂缓时必填）" is refused as "原因")."""
    field = forms.CharField(label=label, max_length=limit, **kwargs)
    name = name or re.sub(r"（[^（）]*）$", "", label)
    field.error_messages["max_length"] = f"“{name}”最多 {limit} 个字符，现有 %(show_value)d 个"
    return field
