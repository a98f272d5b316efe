"""A password rule Django's validators leave out: the username inside the password, whatever is
added around it ("gongan1234" for the account gongan)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class NotTheUsernameValidator:
    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        from django.core.exceptions import ValidationError

        username = str(getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "密码不能包含用户名。"


class MinimumLengthValidator:
    """Django's, with its message in Chinese (Django's zh-hans catalogue leaves this one, a plural
    form, in English)."""

    def __init__(self, min_length: int = 10) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        from django.core.exceptions import ValidationError

        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
