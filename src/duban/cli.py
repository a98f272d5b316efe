"""The `duban` command: extract and lint decomposition documents, and show a demo.

Subcommands are listed once, in `SUBCOMMANDS`; each is a name, a help line, a function that
adds its arguments and a function that runs it and returns the exit status:
0 all well, 1 `lint` found errors in a document, 2 bad input (a file that is missing or
cannot be read, an unwritable output, a usage error).  Bad input never ends in a traceback:
every message is one line on stderr that names the file.  (Set DUBAN_TRACEBACK=1 to let an
unexpected exception from the engine through with its traceback, when debugging it.)

The files they read and write (inputs found in folders, stdout, one file, a folder of outputs)
are cli_files.py's; the platform's commands are platform_cli.py's.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from duban import __version__, platform_cli
from duban.cli_files import Input, Sink, collect_inputs, sink_for
from duban.extract import ExtractError, Plan, export, extract
from duban.extract.explain import explain
from duban.office.plan_xlsx import plan_to_xlsx

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_LINT_ERRORS, EXIT_BAD_INPUT = 0, 1, 2

Render = Callable[[Plan], str | bytes]
FORMATS: dict[str, tuple[str, Render]] = {
    "json": (".json", export.to_json),
    "csv": (".csv", export.to_csv),
    "xlsx": (".xlsx", plan_to_xlsx),
    "md": (".md", export.to_markdown),
}


# ---------------------------------------------------------------------------------------------
# Reporting and the per-file loop


@dataclass
class Reporter:
    """Collects failures so that one bad file never stops the others."""

    failures: int = 0
    # While a progress bar is live, messages go through its console so they print above it.
    console: Console | None = None

    def fail(self, message: str) -> None:
        self.failures += 1
        if self.console is not None:
            self.console.print(f"duban: {message}", markup=False, highlight=False, soft_wrap=True)
        else:
            print(f"duban: {message}", file=sys.stderr, flush=True)

    def extract(self, item: Input) -> Plan | None:
        try:
            return extract(item.path, filename=item.path.name)
        except ExtractError as e:
            place = f"{item.shown}:{e.where}" if e.where else item.shown
            self.fail(f"{place}: {e.message}")
        except Exception as e:  # a bug in the engine: still one line, naming the file
            if os.environ.get("DUBAN_TRACEBACK"):
                raise
            self.fail(f"{item.shown}: 内部错误（{type(e).__name__}: {e}）")
        return None


def each_plan(
    items: Sequence[Input], report: Reporter, *, verb: str, progress: bool
) -> Iterator[tuple[Input, Plan]]:
    """Extract each input in turn, under a progress bar on stderr when asked and on a TTY."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        # stdout carries the result: never let the live display capture it
        redirect_stdout=False,
        redirect_stderr=False,
        disable=not (progress and console.is_terminal),
    )
    with bar:
        report.console = None if bar.disable else console
        task = bar.add_task(verb, total=len(items))
        for item in items:
            bar.update(task, description=f"{verb} {_short(item.shown)}")
            plan = report.extract(item)
            if plan is not None:
                yield item, plan
            bar.advance(task)
        failed = f"（{report.failures} 个失败）" if report.failures else ""
        bar.update(task, description=f"{verb}完成{failed}")
    report.console = None


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else "…" + name[-(limit - 1) :]


# ---------------------------------------------------------------------------------------------
# duban extract


def _format(value: str) -> str:
    if value.lower() not in FORMATS:
        raise argparse.ArgumentTypeError(f"未知格式: {value}（可选: {'、'.join(FORMATS)}）")
    return value.lower()


def configure_extract(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="文档文件或目录（目录下的文档逐一提取）")
    p.add_argument("--format", type=_format, help="输出格式: json（默认）、csv、xlsx、md")
    p.add_argument("-o", "--output", metavar="OUT", help="输出文件；多个输入时为输出目录")
    p.add_argument(
        "--explain",
        action="store_true",
        help="逐项说明每个任务来自文档何处、按哪条规则识别（把握不大的排在前面）",
    )


def run_extract(args: argparse.Namespace) -> int:
    report = Reporter()
    many = len(args.files) > 1 or any(Path(f).is_dir() for f in args.files)
    fmt = args.format or _format_from_name(args.output, many)
    suffix, render = (".txt", explain) if args.explain else FORMATS[fmt]
    if args.output is None and fmt == "xlsx" and (many or sys.stdout.isatty()):
        report.fail("xlsx 是二进制文件，请用 -o 指定输出文件（多个输入时为目录），或把输出重定向到文件")
        return EXIT_BAD_INPUT
    if args.output is None and fmt == "csv" and many:
        report.fail("多个输入导出 csv 时请用 -o 指定输出目录")
        return EXIT_BAD_INPUT
    items = collect_inputs(args.files, report)
    try:
        sink: Sink = sink_for(args.output, many, fmt, suffix, items)
        with sink:
            for item, plan in each_plan(items, report, verb="提取", progress=many):
                try:
                    sink.put(item, render(plan))
                except OSError as e:
                    report.fail(f"无法写入 {sink.where(item)}: {e.strerror or e}")
    except OSError as e:
        report.fail(f"无法写入 {args.output or '标准输出'}: {e.strerror or e}")
    return EXIT_BAD_INPUT if report.failures else EXIT_OK


def _format_from_name(output: str | None, many: bool) -> str:
    # "-o 清单.xlsx" says the format by itself; a folder of outputs does not.
    if output and not many:
        for name, (suffix, _) in FORMATS.items():
            if output.lower().endswith(suffix):
                return name
    return "json"


# ---------------------------------------------------------------------------------------------
# duban lint


def configure_lint(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE", help="文档文件或目录")


def run_lint(args: argparse.Namespace) -> int:
    """One line per defect: FILE:TASK: 严重|提示 CODE 说明 (FILE: … when no task is concerned)."""
    report = Reporter()
    items = collect_inputs(args.files, report)
    many = len(args.files) > 1 or any(Path(f).is_dir() for f in args.files)
    counts: Counter[str] = Counter()
    lines: list[str] = []
    for item, plan in each_plan(items, report, verb="检查", progress=many):
        for p in export.plan_and_parts(plan):
            for w in p.warnings:
                counts[w.severity] += 1
                where = f"{item.shown}:{w.task}" if w.task else item.shown
                label = export.SEVERITY_LABELS.get(w.severity, w.severity)
                lines.append(f"{where}: {label} {w.code} {w.message}")
    if lines:
        print("\n".join(lines))
    summary = f"检查了 {len(items)} 个文件：严重 {counts['error']} 条，提示 {counts['warning']} 条"
    print(summary, file=sys.stderr)
    if report.failures:
        return EXIT_BAD_INPUT
    return EXIT_LINT_ERRORS if counts["error"] else EXIT_OK


# ---------------------------------------------------------------------------------------------
# duban sample: extraction of the shipped documents, no platform


def configure_demo(p: argparse.ArgumentParser) -> None:
    del p  # no options yet


def demo_documents() -> list[tuple[str, bytes]]:
    folder = resources.files("duban") / "demo_data"
    docs = [(f.name, f.read_bytes()) for f in folder.iterdir() if f.name.endswith(".txt")]
    return sorted(docs)


def run_demo(args: argparse.Namespace) -> int:
    del args
    report = Reporter()
    docs = demo_documents()
    print(f"duban 演示：提取随包附带的 {len(docs)} 份分解方案\n")
    first: Plan | None = None
    for i, (name, data) in enumerate(docs, start=1):
        try:
            plan = extract(data, filename=name)
        except ExtractError as e:
            report.fail(f"{name}: {e.message}")
            continue
        except Exception as e:  # the engine is young: report, and show the others
            report.fail(f"{name}: 内部错误（{type(e).__name__}: {e}）")
            continue
        if first is None:
            first = plan
        print(f"{i}. {export.plan_title(plan)}")
        print(f"   文件 {name}：{_task_count(plan)} 项任务，涉及 {len(_units(plan))} 个单位\n")
    if first is not None:
        print(f"以下是《{export.plan_title(first)}》的责任分解表：\n")
        print(export.to_markdown(first))
    return EXIT_BAD_INPUT if report.failures else EXIT_OK


def _task_count(plan: Plan) -> int:
    return sum(len(p.tasks) for p in export.plan_and_parts(plan))


def _units(plan: Plan) -> set[str]:
    return {u for p in export.plan_and_parts(plan) for t in p.tasks for u in t.units}


# ---------------------------------------------------------------------------------------------
# The parser


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


# Every subcommand, in the order `duban --help` lists them. Add `serve` and others here.
SUBCOMMANDS = (
    Subcommand("extract", "从分解方案中提取任务，输出 json/csv/xlsx/md", configure_extract, run_extract),
    Subcommand("lint", "检查文档本身的问题（每条一行）", configure_lint, run_lint),
    Subcommand("sample", "提取随包附带的示例文档并显示责任分解表", configure_demo, run_demo),
    Subcommand(
        "demo",
        "启动演示平台（SQLite，载入演示方案和账户）",
        platform_cli.configure_demo,
        platform_cli.run_demo,
    ),
    Subcommand(
        "serve",
        "运行已安装的平台（gunicorn；DATABASE_URL 选择 PostgreSQL）",
        platform_cli.configure_serve,
        platform_cli.run_serve,
    ),
    Subcommand(
        "remind",
        "发送到期的提醒一次（督办升级、报送提醒、逾期、每日汇总；供 cron 或 systemd 定时器）",
        platform_cli.configure_remind,
        platform_cli.run_remind,
    ),
    Subcommand(
        "manage",
        "Django 管理命令（如 createsuperuser、changepassword）",
        platform_cli.configure_manage,
        platform_cli.run_manage,
    ),
    Subcommand(
        "backup",
        "备份全部数据和上传的文件到一个 .tar.gz",
        platform_cli.configure_backup,
        platform_cli.run_backup,
    ),
    Subcommand(
        "restore",
        "从备份恢复到空数据库（先执行迁移）",
        platform_cli.configure_restore,
        platform_cli.run_restore,
    ),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"duban: 参数错误: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="duban", description="督办：把分解方案变成可跟踪、可考核的任务。", add_help=False)
    _add_help(parser)
    parser.add_argument("--version", action="version", version=f"duban {__version__}", help="显示版本号")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for sub in SUBCOMMANDS:
        p = commands.add_parser(sub.name, help=sub.help, description=sub.help, add_help=False)
        _add_help(p)
        sub.configure(p)
        p.set_defaults(run=sub.run)
    return parser


def _add_help(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-h", "--help", action="help", help="显示本帮助")


def main(argv: list[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        status: int = args.run(args)
    except BrokenPipeError:
        # `duban extract … | head`: the reader left; stop quietly, as other tools do
        _silence_stdout()
        return EXIT_BAD_INPUT
    return status


def _utf8_streams() -> None:
    # A clerk's shell may run in a non-UTF-8 locale; Chinese output must still come out.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if isinstance(stream, io.TextIOWrapper) and encoding != "utf8":
            with contextlib.suppress(io.UnsupportedOperation, ValueError):
                stream.reconfigure(encoding="utf-8")


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
