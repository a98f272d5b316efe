"""Harmless files of every evidence type, written by the libraries that write them in real life
(reportlab, Pillow, python-docx, openpyxl): what the checks must accept."""

from __future__ import annotations

import functools
import io


@functools.cache
def real_pdf(text: str = "ledger 2025") -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


@functools.cache
def real_picture(kind: str = "PNG", size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, kind)
    return out.getvalue()


@functools.cache
def real_docx(text: str = "一、加强基层治理。（区民政局牵头）") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@functools.cache
def real_xlsx() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["序号", "任务", "牵头单位"])
    ws.append([1, "完善网格化管理", "区民政局"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
