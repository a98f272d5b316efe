"""Layout families: each recognizes its own spans of a document and yields task drafts there.

Running text that no family claims is read by the outline (`outline.py`); see `base.py` for the
protocol and how overlaps are resolved.
"""

from __future__ import annotations

from duban.extract.layouts.base import Family
from duban.extract.layouts.cells import FlatTables
from duban.extract.layouts.checklist import Checklists
from duban.extract.layouts.table import RealTables
from duban.extract.layouts.text_tables import SpacedRows, TabRows

FAMILIES: tuple[Family, ...] = (RealTables(), TabRows(), SpacedRows(), FlatTables(), Checklists())
