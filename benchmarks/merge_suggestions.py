"""The page of suggested merges at province scale, as figures to read (not a pass/fail test).

A directory of 3,000 units (100 counties × 30 departments, as benchmarks/platform_scale.py makes)
with 100 of them printed a second way (an abbreviation, 分局 for 局, a filler word dropped), on a
fresh SQLite database in a temporary folder: how long duban.units.suggestions takes to read and
compare the whole directory (the page's work), how many of the planted pairs it proposes, and how
many other pairs (which a reader checks by eye in the output).

usage: python benchmarks/merge_suggestions.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time

# The second printing of a department: (the name in the directory, how a document also prints it).
VARIANTS = [
    ("市场监督管理局", "市场监管局"),
    ("发展和改革委员会", "发改委"),
    ("经济发展局", "经发局"),
    ("公安分局", "公安局"),
    ("工程建设管理局", "工程局"),
]
DEPARTMENTS = [
    "公安分局",
    "民政局",
    "司法局",
    "信访局",
    "财政局",
    "教育局",
    "卫生健康委员会",
    "住房和城乡建设局",
    "交通运输局",
    "应急管理局",
    "市场监督管理局",
    "人力资源和社会保障局",
    "生态环境局",
    "自然资源局",
    "农业农村局",
    "水利局",
    "文化和旅游局",
    "退役军人事务局",
    "城市管理局",
    "审计局",
    "统计局",
    "商务局",
    "科学技术局",
    "工业和信息化局",
    "发展和改革委员会",
    "经济发展局",
    "妇联",
    "总工会",
    "工程建设管理局",
    "人民法院",
]
REGIONS = [a + b for a in "东西南北中新江河山湖" for b in "城阳宁华安平林州浦台"]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    os.environ["DUBAN_DATA_DIR"] = tempfile.mkdtemp(prefix="duban-bench-")
    os.environ.setdefault("DUBAN_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "duban.web.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from duban.units.models import Unit
    from duban.units.suggestions import suggested_merges

    call_command("migrate", interactive=False, verbosity=0)
    Unit.objects.bulk_create([Unit(name=r + d) for r in REGIONS for d in DEPARTMENTS])
    planted = set()
    for i, region in enumerate(REGIONS):
        full, short = VARIANTS[i % len(VARIANTS)]
        Unit.objects.create(name=region + short)
        planted.add(frozenset((region + full, region + short)))
    total = Unit.objects.count()
    times = []
    found: list[frozenset[str]] = []
    for _ in range(args.runs):
        started = time.perf_counter()
        suggestions = suggested_merges()
        times.append(time.perf_counter() - started)
        found = [frozenset((s.keep.name, s.gone.name)) for s in suggestions]
    hits = planted & set(found)
    others = [sorted(f) for f in found if f not in planted]
    print(f"units: {total}; planted pairs: {len(planted)}")
    print(
        f"suggested_merges: median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms ({args.runs} runs)"
    )
    print(f"planted pairs proposed: {len(hits)} of {len(planted)}; other pairs proposed: {len(others)}")
    for pair in others[:20]:
        print("  other:", " / ".join(pair))
    return 0


if __name__ == "__main__":
    sys.exit(main())
