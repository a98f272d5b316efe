"""Pure tests of duban.office (no database). plan_to_xlsx is tested beside the other plan exports,
with their sample plans, in tests/extract/test_export.py."""
