"""duban.office: the office documents every part of duban hands out, and how it prints values.

- `text`: numbers, quantitative targets and dates as a clerk writes them (one form everywhere);
- `xlsx`: the one Excel writer (`SheetWriter`) and plain tables (`Table`) as workbooks;
- `plan_xlsx`: a duban.plan/1 plan as the responsibility-table workbook (the extractor's CLI and
  the platform's plan and unit exports);
- `docx`: Word helpers: typefaces, the East Asian font setter, paragraphs, tables, page numbers;
- `gongwen`: the page of an official document (GB/T 9704: A4, 版心, type, page numbers, 落款).

Pure Python like duban.extract: it never imports Django (ruff's banned-api enforces it), so the
CLI and any app can use it. It sits above duban.extract (it prints plans), below every app.
"""
