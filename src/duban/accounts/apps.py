from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "duban.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        from duban.accounts import signals

        signals.connect_lockouts()
