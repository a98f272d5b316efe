"""Targets and completion dates measured on the gold task texts, independently of segmentation.

For every gold task of ../shared/corpus/gold/*.json and ../shared/corpus/extra/gold/*.json
(tasks marked `targets_unscored` left out), `find_targets` reads the task's text as the engine
would see it (the title, where the gold has one, then the text) with the plan's year (from the
gold's title, date or document number, in that order, as assemble does), and the set of
(cmp, value, unit, change) is compared with the gold's, micro-averaged as
../shared/tools/score_extraction.py counts it; `by` is the share of matched gold targets with a
year whose year is right.  Every gold `deadline_text` goes through `parse_deadline` and its date
is compared with the gold `deadline` (None included).

usage: python benchmarks/targets_on_gold.py [--quiet] [--speed] [GOLD_DIR ...]
  --quiet   figures only, no misses
  --speed   also the speed of `find_targets` alone over the gold texts (MB of UTF-8 per second)
  GOLD_DIR  other folders of gold files to measure as well (tests/extract/realdocs/gold)
"""

from __future__ import annotations

import argparse
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duban.extract.targets import find_targets, parse_deadline

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / ".." / "shared" / "corpus"

Key = tuple[str, float | None, str | None, str | None]


def _num(v: Any) -> float | None:
    try:
        return round(float(v), 6)
    except (TypeError, ValueError):
        return None


def _key(t: dict[str, Any]) -> Key:
    return (t.get("cmp") or "", _num(t.get("value")), t.get("unit") or None, t.get("change") or None)


def plan_year(doc: dict[str, Any]) -> int | None:
    for source in (doc.get("title"), doc.get("date"), doc.get("doc_number")):
        m = re.search(r"((?:19|20)\d{2})", source or "")
        if m:
            return int(m.group(1))
    return None


def task_text(task: dict[str, Any]) -> str:
    """The title (a lead phrase the engine often keeps in the text) followed by the text."""
    title, text = task.get("title") or "", task.get("text") or ""
    return text if not title or text.startswith(title) else f"{title}。{text}"


@dataclass
class Figures:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    by_ok: int = 0
    by_n: int = 0
    dl_ok: int = 0
    dl_n: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        for name in ("tp", "fp", "fn", "by_ok", "by_n", "dl_ok", "dl_n"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self, name: str) -> str:
        f1 = 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else float(not (self.fp or self.fn))
        by = self.by_ok / self.by_n if self.by_n else 1.0
        dl = self.dl_ok / self.dl_n if self.dl_n else 1.0
        return (
            f"{name}: targets_f1={f1:.3f} (tp {self.tp} fp {self.fp} fn {self.fn}) "
            f"by={by:.3f} ({self.by_ok}/{self.by_n}) deadline={dl:.3f} ({self.dl_ok}/{self.dl_n})"
        )


def score(doc: dict[str, Any]) -> Figures:
    out = Figures()
    year = plan_year(doc)
    for task in doc["tasks"]:
        tid = task["id"]
        if task.get("deadline_text"):
            got, _ = parse_deadline(task["deadline_text"], plan_year=year)
            out.dl_n += 1
            if got == task.get("deadline"):
                out.dl_ok += 1
            else:
                out.misses.append(
                    f"task {tid}: deadline {task['deadline_text']!r} → {got} != {task.get('deadline')}"
                )
        if task.get("targets_unscored"):
            continue
        found = [t.to_dict() for t in find_targets(task_text(task), plan_year=year)]
        gold = {_key(t) for t in task.get("targets", [])}
        pred = {_key(t) for t in found}
        out.tp += len(gold & pred)
        out.fp += len(pred - gold)
        out.fn += len(gold - pred)
        out.misses += [f"task {tid}: target missed {k}" for k in sorted(gold - pred, key=str)]
        out.misses += [f"task {tid}: target spurious {k}" for k in sorted(pred - gold, key=str)]
        for g in task.get("targets", []):
            cands = [t for t in found if _key(t) == _key(g)]
            if not g.get("by") or not cands:
                continue
            out.by_n += 1
            if any(str(t.get("by") or "")[:4] == str(g["by"])[:4] for t in cands):
                out.by_ok += 1
            else:
                out.misses.append(f"task {tid}: by of {_key(g)} {[t.get('by') for t in cands]} != {g['by']}")
    return out


def speed(docs: list[dict[str, Any]], goal_mb: float = 5.0) -> str:
    """`find_targets` alone over every gold text, repeated until `goal_mb` MB went through."""
    texts = [(task_text(t), plan_year(d)) for d in docs for t in d["tasks"]]
    size = sum(len(text.encode("utf-8")) for text, _ in texts)
    for text, year in texts:  # warm up
        find_targets(text, plan_year=year)
    done, seconds = 0, 0.0
    while done < goal_mb * 1e6:
        start = time.perf_counter()
        for text, year in texts:
            find_targets(text, plan_year=year)
        seconds += time.perf_counter() - start
        done += size
    return f"find_targets: {done / 1e6:.1f} MB in {seconds:.2f} s, {done / 1e6 / seconds:.1f} MB/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quiet", action="store_true", help="figures only")
    parser.add_argument("--speed", action="store_true", help="also time find_targets alone")
    parser.add_argument("dirs", nargs="*", type=Path, help="other folders of gold files")
    args = parser.parse_args()
    folders = [CORPUS / "gold", CORPUS / "extra" / "gold", *args.dirs]
    files = [f for folder in folders for f in sorted(folder.glob("*.json"))]
    if not files:
        raise SystemExit(f"no gold files under {CORPUS}")
    total = Figures()
    docs = [json.loads(path.read_text(encoding="utf-8")) for path in files]
    for path, doc in zip(files, docs, strict=True):
        figures = score(doc)
        print(figures.line(path.stem[:40]))
        if not args.quiet:
            for m in figures.misses:
                print("   ", m)
        total.add(figures)
    print(total.line("ALL"))
    if args.speed:
        print(speed(docs))


if __name__ == "__main__":
    main()
