"""The README's pictures: duban's main pages photographed from the demo data.

    .venv/bin/python docs/screenshots.py            # writes docs/*.png
    .venv/bin/python docs/screenshots.py --out DIR

What it does, all on this machine: loads what `duban demo` loads into a fresh SQLite database in a
temporary folder, serves it on a free port of 127.0.0.1 (Django's threaded development server,
static files through WhiteNoise as in production), logs in as the demo's `manager` and
photographs with Debian's Chromium driven by Playwright (/usr/bin/chromium; no browser is
downloaded): the plan list, a plan, the period overview, the ranking, a task with its indicator
chart and the import preview at 1366 px, the period overview at 390 px (a phone). Each PNG is
reduced to a 256-colour palette (Pillow) so that it stays within a few hundred KB.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
# A document that is not among the demo's plans, for the import preview (a real one: its source
# is listed in tests/extract/realdocs/SOURCES-a.md).
IMPORTED = ROOT / "tests" / "extract" / "realdocs" / "a_shanghai_shijian_ranqi_zhengzhi_2023.md"
PASSWORD = "screenshots-demo-1"
MAX_HEIGHT = 2200  # px: a long page is cut here (the top of it is what a reader sees first)


def setup(data_dir: Path) -> dict[str, str]:
    """The demo's data in `data_dir`; returns the pages to photograph by name."""
    os.environ["DUBAN_DATA_DIR"] = str(data_dir)
    os.environ["DUBAN_DEMO"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "duban.web.settings"
    import django

    django.setup()
    from duban.accounts.models import User
    from duban.assessment.models import Assessment
    from duban.tracking.models import IndicatorValue, ReportingPeriod
    from duban.web.demo import prepare

    prepare(io.StringIO())
    manager = User.objects.get(username="manager")
    manager.set_password(PASSWORD)
    manager.save()
    # The latest assessment, and the latest period of the plan it assesses.
    ranking = Assessment.objects.order_by("-as_of").first()
    assert ranking is not None, "the demo has no assessment"
    period = ReportingPeriod.objects.filter(plan=ranking.scheme.plan_id).order_by("-end").first()
    assert period is not None, "the demo's assessed plan has no reporting period"
    value = IndicatorValue.objects.order_by("report__task__plan_id", "report__task__order").first()
    assert value is not None, "the demo has no indicator values"
    return {
        "plans": "/plans/",
        "plan": f"/plans/{period.plan_id}/",
        "period": f"/tracking/periods/{period.pk}/",
        "ranking": f"/assessment/{ranking.pk}/",
        "task": f"/tracking/tasks/{value.report.task_id}/",
    }


def start_server() -> str:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # the base names it `format`
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def shrink(png: bytes, path: Path) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    return path.stat().st_size


def photograph(base: str, pages: dict[str, str], out: Path, tmp: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(base_url=base, locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill("manager")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)

        def shot(name: str, width: int = 1366) -> None:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_function("[...document.querySelectorAll('.chart')].every(el => el.dataset.drawn)")
            page.wait_for_timeout(800)  # ECharts animates its first drawing
            height = min(MAX_HEIGHT, int(page.evaluate("document.documentElement.scrollHeight")))
            png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
            size = shrink(png, out / f"{name}.png")
            print(f"{out / (name + '.png')}: {width} × {height} px, {size // 1024} KB")

        for name, path in pages.items():
            page.set_viewport_size({"width": 1366, "height": 900})
            page.goto(path)
            shot(name)
        page.goto(pages["period"])
        shot("period-phone", 390)

        # The import preview of a document that is not among the demo's plans.
        page.set_viewport_size({"width": 1366, "height": 900})
        upload = tmp / "城镇燃气安全专项整治实施方案.txt"
        upload.write_bytes(IMPORTED.read_bytes())
        page.goto("/plans/import/")
        page.locator('input[type="file"]').set_input_files(str(upload))
        page.get_by_role("button", name="上传并预览").click()
        page.get_by_role("heading", name=re.compile("导入预览")).first.wait_for()
        shot("import-preview")
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go (default docs/)")
    parser.add_argument(
        "--data",
        type=Path,
        help="a data folder to keep the demo database in between runs (default: a temporary one)",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="duban-screenshots-") as tmp:
        pages = setup(args.data.resolve() if args.data else Path(tmp) / "data")
        base = start_server()
        # Playwright's sync API runs an event loop in this thread; the ORM work is done above.
        photograph(base, pages, args.out, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
