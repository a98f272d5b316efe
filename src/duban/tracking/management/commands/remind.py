"""`duban manage remind`: run the due reminders once (for cron or a systemd timer), or, with
--every SECONDS, again and again in this one process (what `duban serve` can start beside the web
workers: no broker, no extra server).

Running it twice, or from two machines at once, sends nothing twice: one run holds a lock that
every server sees (duban.dblock), each reminder has a unique key, and each delivery is claimed by
one process before it is sent.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from duban.dblock import held
from duban.tracking.reminders import run_due_reminders


class Command(BaseCommand):
    help = "发送到期的提醒（报送、逾期、督办升级、每日汇总），每条只发一次"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="每隔这么多秒运行一次（不退出）；默认只运行一次",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        if every < 0:
            raise CommandError("--every 应为正整数秒数")
        while True:
            self.run_once()
            if not every:
                return
            time.sleep(every)

    def run_once(self) -> None:
        # One run at a time across every server sharing the database: the others skip theirs.
        with held("duban-remind") as mine:
            if not mine:
                self.stdout.write("另一进程（或另一台服务器）正在发送提醒，本次跳过")
                return
            run = run_due_reminders()
        d = run.deliveries
        self.stdout.write(
            f"督办升级 {run.escalated} 件，新提醒 {run.created} 条；"
            f"外部渠道发送成功 {d.sent}，待重试 {d.retrying}，失败 {d.failed}"
        )
