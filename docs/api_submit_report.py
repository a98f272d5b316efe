"""Submit a unit's progress report with its evidence through the duban API: what a unit's OA
system (or a 政务钉钉 / WeCom micro-app's server) runs at the end of a reporting period.

Python 3.9+, standard library only. The token is made on the platform's 「API 令牌」 page by the
unit's reporter account; the report is the unit's own (its role on the task decides whether it
is the lead's report or a partner's contribution).

    DUBAN_URL=https://duban.example.gov.cn DUBAN_TOKEN=duban_… \\
        python api_submit_report.py TASK_ID PERIOD_ID 台账.docx [more files …]
"""

from __future__ import annotations

import json
import mimetypes
import os
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path


def call(method: str, path: str, *, fields: dict[str, str] | None = None, files: list[Path] = ()) -> dict:
    """One API call; a multipart body when fields or files are given. Errors come back as JSON
    {"detail": "…"} in Chinese, and are raised with it."""
    body, headers = None, {"Authorization": f"Bearer {os.environ['DUBAN_TOKEN']}"}
    if fields is not None or files:
        body, content_type = multipart(fields or {}, files)
        headers["Content-Type"] = content_type
    request = urllib.request.Request(os.environ["DUBAN_URL"].rstrip("/") + path, body, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{error.code}：{json.load(error).get('detail')}") from None


def multipart(fields: dict[str, str], files: list[Path]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for path in files:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="evidence"; '
            f"filename*=UTF-8''{urllib.request.quote(path.name)}\r\nContent-Type: {kind}\r\n\r\n"
        )
        parts.append(head.encode() + path.read_bytes() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main(task_id: int, period_id: int, files: list[Path]) -> None:
    me = call("GET", "/api/me")
    task = call("GET", f"/api/tasks/{task_id}")
    fields = {
        "progress": "in_progress",
        "percent": "60",
        "narrative": f"{me['unit_name']}：已按方案推进“{task['title']}”，详见附件台账。",
        "submit": "true",
    }
    # The current figure of each quantitative target of the task, from the OA's own records
    # (here read from the environment, e.g. DUBAN_VALUE_12=96.5 for target 12).
    for target in task["targets"]:
        value = os.environ.get(f"DUBAN_VALUE_{target['id']}")
        if value is not None:
            fields[f"value_{target['id']}"] = value
    saved = call("POST", f"/api/tasks/{task_id}/periods/{period_id}/report", fields=fields, files=files)
    report = saved["report"]
    if saved["submitted"]:
        print(f"已报送：报告 {report['id']}，第 {report['version']} 版，附件 {len(report['evidence'])} 个")
    else:
        print(f"草稿已保存（报告 {report['id']}），未能报送：{saved['refusal']}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), [Path(p) for p in sys.argv[3:]])
