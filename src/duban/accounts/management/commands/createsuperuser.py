"""Django's createsuperuser, without a way around the password rules: with --noinput the password
from DJANGO_SUPERUSER_PASSWORD is checked (Django does not), and at the prompt the offer to
"bypass password validation" is always declined."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser as django_command
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(django_command.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        if not options["interactive"] and "DJANGO_SUPERUSER_PASSWORD" in os.environ:
            username = options.get("username") or os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
            try:
                validate_password(
                    os.environ["DJANGO_SUPERUSER_PASSWORD"], get_user_model()(username=username)
                )
            except ValidationError as exc:
                raise CommandError("密码不符合要求：" + " ".join(exc.messages)) from exc
        with _no_bypass():
            super().handle(*args, **options)


@contextmanager
def _no_bypass() -> Iterator[None]:
    """Django asks with input() whether to keep a password the rules refuse: answer no, so the
    prompt asks for another password. (The module looks input up as a global: shadow it there.)"""
    django_command.input = lambda prompt="": "n"  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del django_command.input  # type: ignore[attr-defined]
