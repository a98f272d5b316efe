"""Who the caller is: the account a session or token stands for, as a client shows it."""

# No `from __future__ import annotations`: django-ninja reads the route signatures at runtime.

from django.http import HttpRequest
from ninja import Field, Router, Schema

from duban.accounts.models import User
from duban.api.auth import caller

router = Router(tags=["账户"])


class MeOut(Schema):
    id: int
    username: str
    name: str = Field(description="姓名（未填时为用户名）")
    role: str
    role_label: str
    unit_id: int | None
    unit_name: str | None = Field(None, alias="unit.name")

    @staticmethod
    def resolve_name(obj: User) -> str:
        return obj.get_full_name() or obj.username

    @staticmethod
    def resolve_role_label(obj: User) -> str:
        return obj.get_role_display()


@router.get("/me", response=MeOut, summary="当前用户", description="会话或令牌所代表的账户、角色和单位。")
def me(request: HttpRequest) -> User:
    return caller(request)
