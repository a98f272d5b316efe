"""Bulk entry: a unit fills a whole period's reports in one Excel workbook.

sheet     the template's layout (columns, target slots), which tasks a unit reports on, the error
template  bulk_template(unit, period, *, user) writes the workbook: one row per task the unit
          still has to report on in the period (its draft, if any, filled in), hidden columns
          naming the task, the draft's lock_version and the task's targets, drop-down and range
          validation on the input cells, and everything else locked
reading   an upload opened and recognised (format, unit, period, header), its cells read
rows      each filled row checked by a form (RowForm), without a database write
cells     how a cell is read (numbers, percentages, dates as people type them), a field per cell

The upload itself is an action: duban.tracking.actions.bulk_uploads.do_bulk_upload.
"""
