"""Has this document been imported already? A draft's copies among the current plans the user
manages: the same file (its SHA-256), or the same title and 文号. The import preview warns and
offers to import the document as a new version of that plan instead, or to cancel.

Only plans the user manages are compared: telling a manager that some other office's plan has
the same title would say that plan exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from duban.accounts.models import User
from duban.plans.access import managed_plans
from duban.plans.models import ImportDraft, Plan


@dataclass(frozen=True)
class Copy:
    plan: Plan
    same_file: bool

    @property
    def why(self) -> str:
        return "同一文件" if self.same_file else "标题和文号相同"


def copies_of(draft: ImportDraft, user: User) -> list[Copy]:
    """The current top-level plans the draft repeats (none when it already revises one of them)."""
    title = str(draft.plan_json.get("title") or "").strip()
    number = str(draft.plan_json.get("doc_number") or "").strip()
    same = Q(source__sha256=draft.source.sha256)
    if title:
        same |= Q(title=title, doc_number=number)
    plans = managed_plans(user).filter(same, parent__isnull=True).select_related("source")
    if draft.revises is not None:
        plans = plans.exclude(series=draft.revises.series)
    return [
        Copy(p, same_file=p.source is not None and p.source.sha256 == draft.source.sha256)
        for p in plans.order_by("-created_at", "-id")
    ]
