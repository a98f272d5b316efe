"""duban.office is pure Python: importing and using it never loads Django (ruff's banned-api keeps
Django imports out of its source; this checks what it pulls in at run time)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import duban.office.docx, duban.office.plan_xlsx, duban.office.text, duban.office.xlsx
from duban.extract.model import Plan, Task
duban.office.plan_xlsx.plan_to_xlsx(Plan(source="x.txt", tasks=(Task(id="1", path=(), text="t"),)))
duban.office.docx.document_bytes(duban.office.docx.official_document())
print(sorted(m for m in sys.modules if m == "django" or m.startswith("django.")))
"""


def test_it_never_loads_django() -> None:
    env = {"PATH": "/usr/bin:/bin"}  # no DJANGO_SETTINGS_MODULE, as the CLI runs
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


def test_it_leaves_openpyxl_unloaded_until_a_workbook_is_written() -> None:
    """The extractor's CLI imports the Excel writer for --format xlsx; openpyxl is slow to import."""
    script = "import sys, duban.cli, duban.office.xlsx; print('openpyxl' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
