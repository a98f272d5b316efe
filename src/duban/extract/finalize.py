"""From drafts to tasks: ids, roles, targets, completion dates; then the document's defects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from duban.extract.draft import Draft
from duban.extract.lint import lint
from duban.extract.model import Deduction, Plan, Task
from duban.extract.normalize import squash
from duban.extract.roles import Resp
from duban.extract.segment import cn_to_int
from duban.extract.targets import find_targets, parse_deadline


def finalize(
    drafts: Sequence[Draft],
    *,
    source: str | None,
    title: str | None,
    doc_number: str | None,
    date: str | None,
    total_points: float | None,
    deductions: Sequence[Deduction],
    plan_year: int | None,
    first_is_lead: bool,
) -> Plan:
    ids = _ids(drafts)
    # Roles are listed only where the document says who leads (ANNOTATION.md).
    names_roles = first_is_lead or any(role == "lead" for d in drafts for role, _ in d.resp)
    tasks = []
    for d, task_id in zip(drafts, ids, strict=True):
        units = _union(d.resp)
        lead: list[str] | None = None
        partners: list[str] | None = None
        if names_roles:
            leads = list(dict.fromkeys(u for role, us in d.resp if role == "lead" for u in us))
            helpers = list(dict.fromkeys(u for role, us in d.resp if role == "partner" for u in us))
            if first_is_lead and not leads and units:
                leads, helpers = units[:1], units[1:]
            # A task that names neither lead nor partner has no roles, even where others do
            # (gold 01); one that names partners only has an empty lead (gold 004).
            if leads or helpers:
                lead, partners = leads, helpers
        deadline, deadline_text = (None, None)
        if d.deadline_text:
            deadline, deadline_text = parse_deadline(d.deadline_text, plan_year=plan_year)
        # A scraper sometimes starts a body with the previous line's full stop ("。强化…").
        text = squash(d.text).lstrip("。，,；;：:")
        tasks.append(
            Task(
                id=task_id,
                path=tuple(squash(p) for p in d.path),
                text=text,
                title=d.title,
                units=tuple(units),
                lead=None if lead is None else tuple(lead),
                partners=None if partners is None else tuple(partners),
                points=d.points,
                deadline=deadline,
                deadline_text=deadline_text,
                targets=tuple(find_targets(d.target_text or text, plan_year=plan_year)),
                where=d.where,
                rule=d.rule or None,
                confidence=d.confidence,
            )
        )
    plan = Plan(
        source=source,
        tasks=tuple(tasks),
        title=title,
        doc_number=doc_number,
        date=date,
        total_points=total_points,
        deductions=tuple(deductions),
    )
    return Plan(**{**plan.__dict__, "warnings": tuple(lint(plan, drafts))})


def _union(resp: Resp) -> list[str]:
    """The units of every clause, in printed order, each once — but a unit printed both as lead
    and as partner stays in both places (ANNOTATION.md: it deserves a warning, not a merge)."""
    out: list[str] = []
    roles: dict[str, set[str]] = {}
    for role, units in resp:
        for u in units:
            seen = roles.setdefault(u, set())
            if not seen or (role in ("lead", "partner") and seen & {"lead", "partner"} and role not in seen):
                out.append(u)
            seen.add(role)
    return out


def _ids(drafts: Sequence[Draft]) -> list[str]:
    """The printed numbers; where numbering restarts, prefixed by the enclosing item's number."""
    raw = [_plain(d.number) if d.number else "" for d in drafts]
    restarts = any(c > 1 for n, c in Counter(raw).items() if n)
    out = []
    for n, (d, number) in enumerate(zip(drafts, raw, strict=True), 1):
        if not number:
            out.append(str(n))
        elif restarts and d.parents:
            parent = _plain(d.parents[-1])
            joined = number.startswith("(") or parent.endswith(")") or not parent[-1:].isdigit()
            out.append(f"{parent}{number}" if joined else f"{parent}.{number}")
        else:
            out.append(number)
    # Still clashing: the whole chain of enclosing numbers ("3.1.2"), for every item of a list
    # where one clashes, so that a list's ids read alike (4.2.9, 4.2.10, not 4.2.9, 2.10).
    clash = Counter(out)
    lists = {tuple(d.parents) for d, i in zip(drafts, out, strict=True) if clash[i] > 1 and d.parents}
    out = [
        ".".join([*(_plain(p) for p in d.parents), _plain(d.number or "")])
        if tuple(d.parents) in lists
        else i
        for d, i in zip(drafts, out, strict=True)
    ]
    # Still clashing (two tables numbered alike): make them unique, keeping the printed part.
    seen: Counter[str] = Counter()
    unique = []
    for i in out:
        seen[i] += 1
        unique.append(i if seen[i] == 1 else f"{i}#{seen[i]}")
    return unique


def _plain(number: str) -> str:
    """ "三" → "3" so ids read "3.2" as ANNOTATION.md writes them."""
    try:
        return str(cn_to_int(number))
    except ValueError:
        return number
