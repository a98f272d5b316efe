"""The `duban` command line, run end to end with the real extraction engine.

Every test writes small decomposition documents with `write`/`plan_text` and lets the real
`duban.extract.extract` read them.  Only the engine-bug test replaces the engine, with one that
raises, to reach the CLI's own error path for an unexpected exception.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from duban import __version__, cli, cli_files
from duban.extract.model import Plan

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
DEMO_FILES = (
    "000_55d7ae63096c07d6.txt",
    "001_5e24878716344230.txt",
    "002_2a0e88625b689e63.txt",
    "004_8589ef9e036e82d9.txt",
)

BODY = (
    "一、基层治理\n"
    "1、完善网格化管理。（责任单位：区委政法委、区民政局）\n"
    "2、建立矛盾纠纷排查机制。（责任单位：区司法局）\n"
)
NO_UNIT = "3、开展宣传。\n"  # a task without a unit among tasks with units: an error
LEAD_ALSO_PARTNER = "1、甲任务\n内容。\n牵头单位：区公安局\n参与单位：区公安局、区民政局\n"  # a warning


def plan_text(title: str, body: str = BODY) -> str:
    """A small decomposition document titled `title`, with tasks "1" and "2" by default."""
    return f"{title}\n{body}"


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see no terminal unless they ask for one."""
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


# ---------------------------------------------------------------------------------------------
# Version and usage


def test_it_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"duban {__version__}\n"


def test_it_prints_the_version_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "duban", "--version"], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"duban {__version__}")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "COMMAND"),
        (["extract", "a.txt", "--format", "xml"], "未知格式: xml"),
        (["nosuchcommand"], "参数错误"),
        (["extract"], "参数错误"),
    ],
)
def test_it_exits_2_on_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exit_:
        status = cli.main(argv)
        raise SystemExit(status)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_it_lists_every_subcommand_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert all(sub.name in out for sub in cli.SUBCOMMANDS)


# ---------------------------------------------------------------------------------------------
# duban extract: JSON to stdout


def test_it_prints_one_plan_as_json_for_one_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = write(tmp_path, "方案.txt", plan_text("XX区平安建设任务分解方案"))
    status, out, err = run(capsys, "extract", doc)
    assert (status, err) == (0, "")
    plan = json.loads(out)
    assert (plan["schema"], plan["title"], plan["source"]) == (
        "duban.plan/1",
        "XX区平安建设任务分解方案",
        "方案.txt",
    )
    assert [(t["id"], t["units"]) for t in plan["tasks"]] == [
        ("1", ["区委政法委", "区民政局"]),
        ("2", ["区司法局"]),
    ]


def test_it_prints_a_json_list_for_several_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    b = write(tmp_path, "b.txt", plan_text("乙区任务分解方案"))
    status, out, _ = run(capsys, "extract", a, b)
    assert status == 0
    assert [p["title"] for p in json.loads(out)] == ["甲区任务分解方案", "乙区任务分解方案"]


def test_it_reads_a_folder_recursively_in_sorted_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path, "b.txt", plan_text("乙区任务分解方案"))
    write(tmp_path, "sub/a.txt", plan_text("丙区任务分解方案"))
    write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    write(tmp_path, "notes.bin", plan_text("不是文档"))
    write(tmp_path, ".git/x.txt", plan_text("隐藏"))
    write(tmp_path, "~$a.txt", plan_text("锁文件"))
    status, out, _ = run(capsys, "extract", tmp_path)
    assert status == 0
    assert [p["title"] for p in json.loads(out)] == [
        "甲区任务分解方案",
        "乙区任务分解方案",
        "丙区任务分解方案",
    ]


def test_it_prints_a_list_even_for_a_folder_of_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    status, out, _ = run(capsys, "extract", tmp_path)
    assert (status, [p["title"] for p in json.loads(out)]) == (0, ["甲区任务分解方案"])


def test_it_shows_progress_for_a_folder_on_a_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich then treats stderr as a terminal
    write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    write(tmp_path, "b.txt", plan_text("乙区任务分解方案"))
    status, out, err = run(capsys, "extract", tmp_path)
    assert status == 0
    assert len(json.loads(out)) == 2
    assert "提取完成" in err and "2/2" in err


def test_it_shows_no_progress_bar_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    write(tmp_path, "b.txt", plan_text("乙区任务分解方案"))
    status, _, err = run(capsys, "extract", tmp_path)
    assert (status, err) == (0, "")


def test_it_shows_progress_on_a_real_terminal(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    write(tmp_path, "b.txt", plan_text("乙区任务分解方案"))
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR")}
    env["TERM"] = "xterm"
    with subprocess.Popen(
        [sys.executable, "-m", "duban", "extract", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    ) as child:
        os.close(follower)
        out, _ = child.communicate(timeout=120)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed and drained
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert child.returncode == 0
    assert [p["title"] for p in json.loads(out)] == ["甲区任务分解方案", "乙区任务分解方案"]
    assert b"2/2" in shown and "提取".encode() in shown


# ---------------------------------------------------------------------------------------------
# duban extract: errors


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (["missing.txt"], "duban: 文件不存在: {tmp}/missing.txt"),
        (["empty"], "duban: 目录中没有可读取的文档: {tmp}/empty"),
        (["bad.txt"], "duban: {tmp}/bad.txt: empty file"),
        (["good.txt", "bad.txt"], "duban: {tmp}/bad.txt: empty file"),
        (["missing.txt", "good.txt"], "duban: 文件不存在: {tmp}/missing.txt"),
    ],
)
def test_it_names_the_file_in_a_one_line_error_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, files: list[str], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path, "bad.txt", "")  # the real engine cannot read an empty file
    write(tmp_path, "good.txt", plan_text("好区任务分解方案"))
    status, _, err = run(capsys, "extract", *(tmp_path / f for f in files))
    assert status == 2
    assert err.splitlines() == [message.format(tmp=tmp_path)]
    assert "Traceback" not in err


def test_it_names_a_corrupt_docx_and_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = tmp_path / "x.docx"
    doc.write_bytes(bytes(range(256)) * 4)  # not a zip package
    status, out, err = run(capsys, "extract", doc)
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith(f"duban: {doc}: ")
    assert "Traceback" not in err


def test_it_still_extracts_the_other_files_after_a_bad_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write(tmp_path, "a_bad.txt", "")
    good = write(tmp_path, "b_good.txt", plan_text("好区任务分解方案"))
    status, out, err = run(capsys, "extract", bad, good)
    assert status == 2
    assert [p["title"] for p in json.loads(out)] == ["好区任务分解方案"]
    assert "a_bad.txt" in err


def test_it_reports_an_engine_bug_in_one_line_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The one deliberate replacement: an engine that raises something other than ExtractError,
    # to test the CLI's own path for unexpected exceptions.
    def engine_with_a_bug(source: object, *, filename: str | None = None) -> Plan:
        raise KeyError("units")

    monkeypatch.setattr(cli, "extract", engine_with_a_bug)
    doc = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    status, _, err = run(capsys, "extract", doc)
    assert status == 2
    assert err == f"duban: {doc}: 内部错误（KeyError: 'units'）\n"


def test_it_reports_an_unwritable_output_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    blocker = write(tmp_path, "file", "")
    status, _, err = run(capsys, "extract", doc, "-o", blocker / "out.json")
    assert status == 2
    assert err.startswith(f"duban: 无法写入 {blocker / 'out.json'}")


# ---------------------------------------------------------------------------------------------
# duban extract: formats and -o


def read_output(path: Path, fmt: str) -> str:
    """The title of the plan in an output file, whatever its format."""
    if fmt == "json":
        return str(json.loads(path.read_text(encoding="utf-8"))["title"])
    if fmt == "xlsx":
        return str(load_workbook(path).worksheets[0]["A1"].value)
    text = path.read_text(encoding="utf-8")
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        return "csv:" + rows[1][6]  # a CSV has no title row: its first task's text
    return text.splitlines()[0].removeprefix("# ")


EXPECTED = {
    "json": "甲区任务分解方案",
    "csv": "csv:完善网格化管理。",
    "xlsx": "甲区任务分解方案",
    "md": "甲区任务分解方案",
}


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "md"])
def test_it_writes_the_format_asked_for_to_the_output_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    doc = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    out_file = tmp_path / "out" / f"result.{fmt}"
    status, out, err = run(capsys, "extract", doc, "--format", fmt, "-o", out_file)
    assert (status, out, err) == (0, "", "")
    assert read_output(out_file, fmt) == EXPECTED[fmt]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "md"])
def test_it_takes_the_format_from_the_output_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    doc = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    status, _, _ = run(capsys, "extract", doc, "-o", tmp_path / f"清单.{fmt}")
    assert status == 0
    assert read_output(tmp_path / f"清单.{fmt}", fmt) == EXPECTED[fmt]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "md"])
def test_it_writes_one_file_per_input_into_the_output_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    src = tmp_path / "src"
    write(src, "a.txt", plan_text("甲区任务分解方案"))
    write(src, "sub/b.txt", plan_text("乙区任务分解方案"))
    status, out, _ = run(capsys, "extract", src, "--format", fmt, "-o", tmp_path / "out")
    assert (status, out) == (0, "")
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*"))
    assert written == [f"a.{fmt}", f"sub/b.{fmt}"]
    if fmt != "csv":
        assert read_output(tmp_path / "out" / f"sub/b.{fmt}", fmt) == "乙区任务分解方案"


def test_it_names_one_output_after_its_input_in_an_existing_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = write(tmp_path, "方案.txt", plan_text("甲区任务分解方案"))
    (tmp_path / "out").mkdir()
    status, _, _ = run(capsys, "extract", doc, "-o", tmp_path / "out")
    assert status == 0
    assert read_output(tmp_path / "out" / "方案.json", "json") == "甲区任务分解方案"


@pytest.mark.parametrize(
    ("names", "outputs"),
    [
        (["x/a.txt", "x/b.txt"], ["a.json", "b.json"]),
        (["x/a.txt", "x/a.md"], ["a.md.json", "a.txt.json"]),
        (["x/a.txt", "y/a.txt"], ["a.json", "a-2.json"]),
    ],
)
def test_it_gives_every_input_its_own_output_name(
    tmp_path: Path, names: list[str], outputs: list[str]
) -> None:
    items = [cli.Input(Path(n), n, Path(Path(n).stem), Path(Path(n).name)) for n in names]
    paths = cli_files.output_paths(items, tmp_path, ".json")
    assert sorted(p.name for p in paths.values()) == sorted(outputs)


def test_it_prints_markdown_and_csv_for_one_file_to_stdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    _, md, _ = run(capsys, "extract", doc, "--format", "md")
    _, table, _ = run(capsys, "extract", doc, "--format", "csv")
    assert md.startswith("# 甲区任务分解方案\n")
    rows = list(csv.reader(io.StringIO(table.lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == ["1", "2"]
    assert rows[2][5] == "区司法局"


def test_it_concatenates_markdown_for_several_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    b = write(tmp_path, "b.txt", plan_text("乙区任务分解方案"))
    status, out, _ = run(capsys, "extract", a, b, "--format", "md")
    assert status == 0
    assert [line for line in out.splitlines() if line.startswith("# ")] == [
        "# 甲区任务分解方案",
        "# 乙区任务分解方案",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_asks_for_an_output_folder_for_several_xlsx_or_csv_outputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    a = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    b = write(tmp_path, "b.txt", plan_text("乙区任务分解方案"))
    status, out, err = run(capsys, "extract", a, b, "--format", fmt)
    assert (status, out) == (2, "")
    assert "-o" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_it_refuses_to_print_xlsx_to_a_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    monkeypatch.setattr(sys, "stdout", _Terminal())
    status = cli.main(["extract", str(doc), "--format", "xlsx"])
    assert status == 2
    assert "xlsx" in capsys.readouterr().err


def test_it_writes_xlsx_to_a_redirected_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = write(tmp_path, "a.txt", plan_text("甲区任务分解方案"))
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    assert cli.main(["extract", str(doc), "--format", "xlsx"]) == 0
    data = stdout.buffer.getvalue()  # type: ignore[attr-defined]
    assert load_workbook(io.BytesIO(data)).worksheets[0]["A1"].value == "甲区任务分解方案"


# ---------------------------------------------------------------------------------------------
# duban lint


@pytest.mark.parametrize(
    ("body", "status", "expected", "summary"),
    [
        (BODY, 0, [], "严重 0 条，提示 0 条"),
        (
            LEAD_ALSO_PARTNER,
            0,
            ["{doc}:1: 提示 lead-also-partner 区公安局 同时列为牵头单位和参与单位"],
            "严重 0 条，提示 1 条",
        ),
        (BODY + NO_UNIT, 1, ["{doc}:3: 严重 no-unit 任务 3 未写明责任单位"], "严重 1 条，提示 0 条"),
    ],
)
def test_it_lints_one_defect_per_line_and_exits_1_on_errors(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    body: str,
    status: int,
    expected: list[str],
    summary: str,
) -> None:
    doc = write(tmp_path, "a.txt", plan_text("XX区任务分解方案", body))
    got, out, err = run(capsys, "lint", doc)
    assert got == status
    assert out.splitlines() == [e.format(doc=doc) for e in expected]
    assert err.startswith("检查了 1 个文件")
    assert summary in err


def test_it_lints_the_other_files_after_a_bad_one_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = write(tmp_path, "bad.txt", "")
    good = write(tmp_path, "good.txt", plan_text("好区任务分解方案", BODY + NO_UNIT))
    status, out, err = run(capsys, "lint", bad, good)
    assert status == 2
    assert out == f"{good}:3: 严重 no-unit 任务 3 未写明责任单位\n"
    assert f"duban: {bad}: empty file" in err.splitlines()


def test_it_lints_a_missing_file_with_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "lint", tmp_path / "missing.docx")
    assert status == 2
    assert f"文件不存在: {tmp_path / 'missing.docx'}" in err


# ---------------------------------------------------------------------------------------------
# duban demo


def test_it_ships_copies_of_the_demo_documents() -> None:
    assert [name for name, _ in cli.demo_documents()] == list(DEMO_FILES)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repository")
@pytest.mark.parametrize("name", DEMO_FILES)
def test_it_ships_the_demo_documents_unchanged(name: str) -> None:
    shipped = dict(cli.demo_documents())
    assert shipped[name] == (CORPUS / name).read_bytes()


def test_it_summarizes_the_demo_plans_and_prints_the_first_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "sample")
    assert (status, err) == (0, "")
    assert "提取随包附带的 4 份分解方案" in out
    assert len(re.findall(r"：\d+ 项任务，涉及 \d+ 个单位", out)) == 4
    assert all(f"文件 {name}：" in out for name in DEMO_FILES)
    assert "| 序号 | 任务 |" in out


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repository")
def test_it_extracts_corpus_documents_to_plan_json(capsys: pytest.CaptureFixture[str]) -> None:
    docs = [CORPUS / name for name in DEMO_FILES[:2]]
    status, out, _ = run(capsys, "extract", *docs)
    assert status == 0
    plans = json.loads(out)
    assert [p["schema"] for p in plans] == ["duban.plan/1", "duban.plan/1"]
    assert all(p["tasks"] for p in plans)
