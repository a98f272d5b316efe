"""Values as a clerk writes them, the same on every page and in every file.

- `number_text`: 18, 2.5, 0.95 (never 18.00, 1.8E+1 or -0), for floats and Decimals alike;
- `target_text`: a quantitative target, "调处成功率≥95%（2015年）", "命案发案率下降≥40%";
- `date_text`: 2025年3月1日, as official documents date themselves.

The first two are defined with the plan format in duban.extract.export, whose CSV and Markdown
print them and which may not import this package (it sits below it); every app takes them from
here.
"""

from __future__ import annotations

import datetime as dt

from duban.extract.export import number_text, target_text

__all__ = ["date_text", "number_text", "target_text"]


def date_text(d: dt.date) -> str:
    """2025-03-01 → "2025年3月1日" (no leading zeros, as 公文 write dates)."""
    return f"{d.year}年{d.month}月{d.day}日"
