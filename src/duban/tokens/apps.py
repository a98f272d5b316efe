from django.apps import AppConfig


class TokensConfig(AppConfig):
    name = "duban.tokens"
    label = "tokens"
    verbose_name = "API 令牌"
