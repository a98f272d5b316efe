"""`duban demo`: a working platform with no configuration — SQLite in ./data, the four shipped
decomposition documents as plans, demo accounts with passwords printed once."""

from __future__ import annotations

import secrets
from importlib import resources
from typing import Any

from django.core.management import call_command
from django.db import transaction

DEMO_DOCUMENTS = (
    "000_55d7ae63096c07d6.txt",
    "001_5e24878716344230.txt",
    "002_2a0e88625b689e63.txt",
    "004_8589ef9e036e82d9.txt",
)
# (username, role, unit name or None, display name)
DEMO_ACCOUNTS = (
    ("admin", "admin", None, "系统管理员"),
    ("manager", "manager", None, "督查室"),
    ("gongan", "reporter", "市公安局", "市公安局填报员"),
    ("zongzhi", "reporter", "综治办", "综治办填报员"),
    ("leader", "leader", None, "分管领导"),
)


def prepare(stdout: Any) -> None:
    """Migrate, then load the demo plans and accounts into an empty database."""
    call_command("migrate", interactive=False, verbosity=0)
    from duban.accounts.models import User

    if User.objects.exists():
        stdout.write("演示数据已存在（账户密码只在首次创建时显示；可用 `duban manage changepassword 用户名` 重设）。\n")
        return
    with transaction.atomic():
        passwords = _seed(stdout)
    stdout.write("\n演示账户（密码只显示这一次）：\n")
    for (username, _role, unit, display), password in zip(DEMO_ACCOUNTS, passwords, strict=True):
        stdout.write(f"  {username:<8} {password}  {display}{'（' + unit + '）' if unit else ''}\n")
    stdout.write("\n")


def _seed(stdout: Any) -> list[str]:
    from duban.accounts.models import User
    from duban.plans.actions import do_confirm_import, do_update_plan, do_upload_document
    from duban.units.models import Unit

    admin = User.objects.create_superuser("admin", password=None, role="admin", display_name="系统管理员")
    passwords = []
    for username, role, _unit_name, display in DEMO_ACCOUNTS:
        user = admin if username == "admin" else User(username=username, role=role, display_name=display)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.save()
        passwords.append(password)
    manager = User.objects.get(username="manager")
    package = resources.files("duban").joinpath("demo_data")
    for name in DEMO_DOCUMENTS:
        data = package.joinpath(name).read_bytes()
        draft = do_upload_document(name, data, acting_user=manager)
        plan = do_confirm_import(draft, {}, acting_user=manager)
        do_update_plan(plan, shared_with_all=False, acting_user=manager)
        stdout.write(f"已导入演示方案：{plan.title}（{plan.tasks.count()} 项任务）\n")
    for username, _role, unit_name, _display in DEMO_ACCOUNTS:
        if unit_name:
            unit, _ = Unit.objects.get_or_create(name=unit_name)
            User.objects.filter(username=username).update(unit=unit)
    return passwords
