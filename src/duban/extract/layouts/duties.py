"""Duty statements: the body a sentence gives a duty to.

Rules, regulations and responsibility lists say who does what without a clause: "市财政局负责
预算…", "区发展改革委应当将…", "各区人民政府是本区…的责任主体", "X会同Y制定…", or in the
passive "公墓区的绿化由民政部门和乡（镇）人民政府负责".  A shared head is spread over a list:
"发展改革、教育、公安等部门应当…" names 发展改革部门, 教育部门, 公安部门.
Only government bodies count: the duties of firms, associations and operators a regulation
lists are not tasks of the plan.
"""

from __future__ import annotations

import re

from duban.extract.units import directory, leading_name, opens_like_a_name, split_units

# Verbs that may follow a duty's subject; the allocating ones say whose work a field is.
_VERBS = (
    r"应当|应|负责|主管|分管|承担|履行|统筹|牵头|会同|按照|依法|依照|根据|是|要|组织|指导|审核|审批|配合|协同|协助|做好|"
    r"加强|将|对|在|部署|制定|编制|建立|开展|推进|督促|监督|落实|保障|实施|完善|提供"
)
_VERB = re.compile(_VERBS)
_ALLOCATING = re.compile(r"^.{0,14}?(?:负责|主管|分管|承担|履行|统筹|牵头|职责|责任主体)")
# "…的绿化，由水行政主管部门和乡（镇）人民政府负责": the verb that ends the clause (主管 stands
# inside names, so it is none of them).
_PASSIVE = re.compile(r"由(?P<subj>[^，,。；;：:由]{2,40})(?:负责|承担|实施)(?!解释)")
_WITH = "会同"
_AND = re.compile(r"(?:和|及|与|或者|或|以及)")
_SHARED_HEAD = re.compile(
    r"^(?P<items>.+?)等(?:其他)?(?:有关|相关)?(?P<head>主管部门|行政主管部门|部门|机构)$"
)
# The duties of these are not the plan's tasks: firms, associations, operators, residents.
_NOT_GOVERNMENT = re.compile(
    r"(?:协会|商会|企业|公司|经营者|管理人|个人|业主|单位|居民|村民|媒体|人员|行业)$"
)


def is_government(name: str) -> bool:
    """Whether a body's name can be a government body's: not a firm's, an operator's or a kind of
    unit ("重点单位", "物业服务企业")."""
    return _NOT_GOVERNMENT.search(name) is None


def subjects(sentence: str, *, allocating: bool = False) -> list[str]:
    """The government bodies a duty sentence names as its subject ([] when none).

    With `allocating`, only a sentence that gives a body a field of work counts ("X负责…",
    "X主管…", "X是…的责任主体", "…由X负责"), not one that tells it to act ("X根据本办法制定…").
    Later clauses of the sentence may add bodies of their own in the allocating form
    ("市林业主管部门主管…，各县林业主管部门主管…").
    """
    names: list[str] = []
    for k, clause in enumerate(re.split(r"[，,；;]", sentence)):
        found, rest = _subject(clause)
        if not found and k == 0:
            # No verb the list knows right after the name ("发展改革部门整体部署…"): the name it opens with.
            name = leading_name(clause)
            if name is not None and opens_like_a_name(name):
                found, rest = _bodies(name), clause[len(name) :]
        if found and ((k == 0 and not allocating) or _ALLOCATING.match(rest)):
            names += [n for n in found if n not in names]
        elif k == 0:
            break  # only a sentence that opens with a body names it
    if not names:
        # "…由X负责；…，由Y负责": every passive clause names its body.
        for p in _PASSIVE.finditer(sentence):
            names += [n for n in _bodies(p.group("subj")) if n not in names]
    if names and _WITH in sentence:
        # "X会同Y制定…": Y acts with X.
        with_ = _leading_bodies(sentence.split(_WITH, 1)[1])
        names += [n for n in with_ if n not in names]
    return names


def _subject(clause: str) -> tuple[list[str], str]:
    """The bodies a clause opens with, before its verb, and the clause from the verb on."""
    for m in _VERB.finditer(clause, 0, 200):
        if m.start() < 2:
            continue
        found = _bodies(clause[: m.start()])
        if found:
            return found, clause[m.start() :]
    return [], clause


def _leading_bodies(text: str) -> list[str]:
    """The bodies a text opens with ("区公安分局开展…" → 区公安分局)."""
    name = leading_name(text)
    return _bodies(name) if name else []


def _bodies(subject: str) -> list[str]:
    subject = subject.strip()
    shared = _SHARED_HEAD.match(subject)
    if shared is not None:
        items = split_units(shared.group("items"))
        if len(items) >= 2 and not any(directory().looks_like_unit(i) for i in items[:-1]):
            return [i + shared.group("head") for i in items]
    # "民政部门和乡（镇）人民政府": bodies joined by a conjunction; but "住房和城乡建设部门" is
    # one name, so the parts must each be bodies.
    parts = _AND.split(subject)
    if len(parts) > 1:
        joined: list[str] = []
        for part in parts:
            found = _all_bodies(split_units(part))
            if found is None:
                break
            joined.extend(found)
        else:
            return joined
    return _all_bodies(split_units(subject)) or []


def _all_bodies(names: list[str]) -> list[str] | None:
    """The government bodies among `names`; None when one of them is no body's name."""
    d = directory()
    out = []
    for name in names:
        if name in d.not_units or _NOT_GOVERNMENT.search(name):
            continue
        if not d.looks_like_unit(name):
            return None
        out.append(name)
    return out
