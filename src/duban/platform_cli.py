"""`duban demo`, `duban serve`, `duban manage`: the web platform's commands (see cli.SUBCOMMANDS)."""

from __future__ import annotations

import argparse
import os
import sys


def _django(demo: bool) -> None:
    if demo:
        os.environ.setdefault("DUBAN_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duban.web.settings")
    import django

    django.setup()


def configure_demo(p: argparse.ArgumentParser) -> None:
    # DUBAN_PORT as well as --port (`make demo PORT=8080` passes --port): read when the demo runs,
    # so a wrong value fails that command, not every other one.
    p.add_argument("--port", type=int, default=None, help="端口（默认取环境变量 DUBAN_PORT，未设置则 8000）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--no-serve", action="store_true", help="只准备数据库和演示数据，不启动服务")
    p.add_argument(
        "--reset-passwords",
        action="store_true",
        help="演示数据已存在时，为全部演示账户重设密码并显示（密码只在首次创建时显示）",
    )


def demo_port(given: int | None) -> int:
    """--port, else DUBAN_PORT, else 8000."""
    from duban.web.env import env_int

    return given if given is not None else env_int("DUBAN_PORT", 8000)


def run_demo(args: argparse.Namespace) -> int:
    _django(demo=True)
    from django.conf import settings

    from duban.web.env import ConfigError

    try:
        port = demo_port(args.port)
    except ConfigError as exc:
        print(f"duban demo: {exc}", file=sys.stderr)
        return 2

    from duban.web.demo import prepare

    print(f"数据目录：{settings.DATA_DIR}")
    prepare(sys.stdout, reset_passwords=args.reset_passwords)
    if args.no_serve:
        return 0
    print(f"请在浏览器中打开 http://{args.host}:{port}/ （Ctrl+C 停止）")
    from duban.web.serve import serve

    return serve(host=args.host, port=port, workers=2)


def default_workers() -> int:
    """gunicorn's advice, 2 × cores + 1: a worker waits on the database about half its time, so
    one per core leaves the cores idle (measured with benchmarks/report_load.py)."""
    return 2 * (os.cpu_count() or 1) + 1


def configure_serve(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    p.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    p.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help=f"工作进程数（默认 CPU 核数×2+1，本机 {default_workers()}）",
    )
    p.add_argument(
        "--remind-every",
        type=int,
        default=300,
        metavar="SECONDS",
        help="另起一个进程，每隔这么多秒发送到期的提醒（默认 300；0 表示不发送，改用 cron 运行 duban remind）",
    )


def run_serve(args: argparse.Namespace) -> int:
    if args.remind_every < 0:
        print("duban serve: --remind-every 应为非负整数秒数", file=sys.stderr)
        return 2
    _django(demo=False)
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # What killed requests left behind (files no row names, temporary uploads), older than an hour.
    call_command("sweep_files", verbosity=0)
    from duban.web.serve import serve

    return serve(host=args.host, port=args.port, workers=args.workers, remind_every=args.remind_every)


def configure_remind(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--every",
        type=int,
        default=0,
        metavar="SECONDS",
        help="每隔这么多秒运行一次，不退出（供 systemd 服务使用）；默认运行一次后退出（供 cron 或 systemd 定时器使用）",
    )


def run_remind(args: argparse.Namespace) -> int:
    """The due reminders, once: escalations, reminders, digests, then the pending deliveries.
    Each is sent once however often this runs (and beside `duban serve`'s own reminder process)."""
    if args.every < 0:
        print("duban remind: --every 应为非负整数秒数", file=sys.stderr)
        return 2
    _django(demo=os.environ.get("DUBAN_SECRET_KEY") is None)
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("remind", every=args.every, stdout=sys.stdout)
    except DatabaseError as exc:
        print(
            f"duban remind: 数据库不可用或尚未初始化（{exc}）；请检查 DATABASE_URL，"
            "或先运行 duban serve / duban manage migrate",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 0
    return 0


def configure_manage(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER, help="Django 管理命令及其参数")


def run_manage(args: argparse.Namespace) -> int:
    _django(demo=os.environ.get("DUBAN_SECRET_KEY") is None)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["duban manage", *args.rest])
    return 0


def configure_backup(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="备份文件（.tar.gz）：数据库全部数据和上传的文件")


def run_backup(args: argparse.Namespace) -> int:
    _django(demo=os.environ.get("DUBAN_SECRET_KEY") is None)
    from duban.web.backup import BackupError, backup

    try:
        summary = backup(args.file)
    except BackupError as exc:
        print(f"duban backup: {exc}", file=sys.stderr)
        return 2
    print(f"已备份到 {summary.path}：{summary.line()}")
    return 0


def configure_restore(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="`duban backup` 写出的备份文件")
    p.add_argument("--force", action="store_true", help="数据库已有数据时也恢复：先删除现有数据（不可撤销）")


def run_restore(args: argparse.Namespace) -> int:
    _django(demo=os.environ.get("DUBAN_SECRET_KEY") is None)
    from duban.web.backup import BackupError, restore

    try:
        summary = restore(args.file, force=args.force)
    except BackupError as exc:
        print(f"duban restore: {exc}", file=sys.stderr)
        return 2
    if summary.replaced:
        print(f"已删除原有数据（{sum(summary.replaced.values())} 行）。")
    print(f"已从 {summary.path} 恢复：{summary.line()}")
    return 0
