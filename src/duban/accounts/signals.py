"""What happens to accounts: logins, failed logins, lockouts and logouts, and every change to an
account wherever it is made — the platform, `duban manage createsuperuser` / `changepassword`, a
script. Accounts are changed outside any actions module, so model signals are where all of these
pass; this module tells of each through its own signals and knows nothing of who listens:

- `account_event` for the audit trail (duban.audit.accounts writes the rows: the audit sits above
  accounts, and accounts imports nothing of it);
- `password_changed` for the apps that hold credentials of their own (API tokens): they revoke
  them there, without this app knowing them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from duban.accounts.actors import SYSTEM, Actor
from duban.accounts.lockout import client_ip
from duban.accounts.models import User

password_changed = Signal()  # sender=User, user=the account, acting_user=who (SYSTEM: a command)
# sender=User; actor (an Actor), action, summary, before and after (dicts or None), and either
# user (the account) or username (a login name that is no account's).
account_event = Signal()

# The fields of an account whose change is audited (last_login changes at every login: that is
# the login's own event).
_TRACKED = ("username", "role", "unit_id", "is_active", "is_superuser", "is_staff", "display_name", "email")


def _where(request: HttpRequest | None) -> str:
    return (client_ip(request) or "未知地址") if request is not None else "命令行"


def _event(
    actor: Actor,
    action: str,
    user: User,
    summary: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    account_event.send(
        sender=User, actor=actor, action=action, user=user, summary=summary, before=before, after=after
    )


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    _event(user, "login", user, f"登录（{_where(request)}）")


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        _event(user, "logout", user, f"退出（{_where(request)}）")


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    _login_event("login_failed", str(credentials.get("username") or ""), f"登录失败（{_where(request)}）")


def _login_event(action: str, username: str, summary: str) -> None:
    """An event about a login name, which may be no account's (a guess is audited too)."""
    user = User.objects.filter(username=username).first() if username else None
    if user is not None:
        _event(SYSTEM, action, user, summary)  # no one is signed in: no user acts
        return
    account_event.send(
        sender=User,
        actor=SYSTEM,
        action=action,
        username=username,
        summary=f"{summary}：用户名“{username[:40]}”不存在",
        before=None,
        after=None,
    )


def _locked_out(
    sender: Any, request: HttpRequest | None, username: str | None, ip_address: str | None, **kw: Any
) -> None:
    _login_event("lockout", username or "", f"连续登录失败，已暂停登录（{ip_address or '未知地址'}）")


@receiver(pre_save, sender=User)
def _remember_before(sender: Any, instance: User, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # a restore loading a backup: the rows are as they were, not a change
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    old = User.objects.filter(pk=instance.pk).values(*_TRACKED).first() if instance.pk else None
    instance._audit_before = old  # type: ignore[attr-defined]
    # set_password() keeps the raw password until save(): a new password is being saved.
    instance._audit_new_password = getattr(instance, "_password", None) is not None  # type: ignore[attr-defined]


@receiver(post_save, sender=User)
def _audit_change(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    before = getattr(instance, "_audit_before", None)
    new_password = getattr(instance, "_audit_new_password", False)
    actor = _actor(instance)
    if created:
        after = {f: _plain(getattr(instance, f)) for f in _TRACKED}
        _event(actor, "create_user", instance, f"创建账户 {instance.username}", after=after)
        return
    if before is None:
        return
    changed = {f for f in _TRACKED if _plain(before[f]) != _plain(getattr(instance, f))}
    if changed:
        _event(
            actor,
            "change_user",
            instance,
            f"修改账户 {instance.username}：{'、'.join(sorted(changed))}",
            before={f: _plain(before[f]) for f in sorted(changed)},
            after={f: _plain(getattr(instance, f)) for f in sorted(changed)},
        )
    if new_password:
        _event(actor, "change_password", instance, f"修改账户 {instance.username} 的密码")
        password_changed.send(sender=User, user=instance, acting_user=actor)


def _actor(instance: User) -> Actor:
    """Who changes the account: the user a page names (audit_actor), else the system (a command
    such as `duban manage changepassword`, a script)."""
    actor = getattr(instance, "audit_actor", None)
    return actor if isinstance(actor, User) else SYSTEM


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (bool, int, str)) else str(value)


def connect_lockouts() -> None:
    """django-axes' signal, connected once its app is loaded."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="duban.accounts.lockout")
