"""`duban manage sweep_files`: remove the uploaded files that no row refers to (a request killed
between writing a file and committing its row leaves one) and Django's temporary upload files
of killed requests, when older than an hour; `duban serve` runs it at start. Audited as a count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from duban.audit.files import sweep_files


class Command(BaseCommand):
    help = "清理无主文件：没有任何记录引用、且超过一定时间（默认 60 分钟）的上传文件和上传临时文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="只清理早于这么多分钟的文件（默认 60）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["older_than"]
        if minutes < 1:
            raise CommandError("--older-than 应为正整数分钟数")
        removed = sweep_files(older_than=dt.timedelta(minutes=minutes))
        if options["verbosity"] > 0:
            self.stdout.write(f"清理无主文件 {len(removed)} 个")
