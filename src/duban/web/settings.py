"""Django settings. The demo needs none of these variables; production sets them (see README).

DUBAN_DATA_DIR   where the SQLite database and uploaded files live (default ./data)
DATABASE_URL     postgres://… to use PostgreSQL
DUBAN_SECRET_KEY required when DUBAN_DEBUG is off and DUBAN_DEMO is off
DUBAN_DEBUG, DUBAN_ALLOWED_HOSTS, DUBAN_MAX_UPLOAD_MB, DUBAN_SECURE (HTTPS-only cookies and HSTS)
"""

from __future__ import annotations

from pathlib import Path

from duban.web.env import database as _database
from duban.web.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = Path(env_str("DUBAN_DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # SQLite cannot create its folder itself
DEMO = env_bool("DUBAN_DEMO", False)
DEBUG = env_bool("DUBAN_DEBUG", False)
# The demo runs with no configuration: it gets a key of its own, written once in the data folder.
SECRET_KEY = env_str("DUBAN_SECRET_KEY", "") or ""
if not SECRET_KEY:
    if not (DEBUG or DEMO):
        from duban.web.env import ConfigError

        raise ConfigError("DUBAN_SECRET_KEY is required in production (or run `duban demo`)")
    from duban.web.secret import demo_secret_key

    SECRET_KEY = demo_secret_key(DATA_DIR)

ALLOWED_HOSTS = env_list("DUBAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
SECURE = env_bool("DUBAN_SECURE", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "duban.accounts",
    "duban.audit",
    "duban.notifications",
    "duban.units",
    "duban.plans",
    "duban.exports",
    "duban.tracking",
    "duban.assessment",
    "duban.tokens",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["duban.accounts.backends.UnitModelBackend"]
SESSION_ENGINE = "duban.accounts.sessions"
ROOT_URLCONF = "duban.web.urls"
WSGI_APPLICATION = "duban.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "duban.accounts.context.nav",
                "duban.notifications.context.unread",
            ]
        },
    }
]

DATABASES = {"default": _database(env_str("DATABASE_URL", "") or None, DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "files"

# Uploads: documents and evidence are limited in size; the type is checked by the import itself.
MAX_UPLOAD_BYTES = env_int("DUBAN_MAX_UPLOAD_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DUBAN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DUBAN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DUBAN_LOG_LEVEL", "WARNING")},
}

# Email for reminders (SMTP). Without DUBAN_EMAIL_HOST mail is written to the console (the demo,
# a first install). DUBAN_EMAIL_TLS (default on) uses STARTTLS, or implicit TLS on port 465, which
# many Chinese mail services use; the port defaults to 587 with TLS and 25 without.
EMAIL_HOST = env_str("DUBAN_EMAIL_HOST", "") or ""
_EMAIL_TLS = env_bool("DUBAN_EMAIL_TLS", True)
EMAIL_PORT = env_int("DUBAN_EMAIL_PORT", 587 if _EMAIL_TLS else 25)
EMAIL_HOST_USER = env_str("DUBAN_EMAIL_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("DUBAN_EMAIL_PASSWORD", "") or ""
EMAIL_USE_SSL = _EMAIL_TLS and EMAIL_PORT == 465
EMAIL_USE_TLS = _EMAIL_TLS and not EMAIL_USE_SSL
EMAIL_TIMEOUT = 20  # a mail server that hangs must not hold up the reminder run
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DUBAN_EMAIL_FROM", "") or (
    EMAIL_HOST_USER if "@" in EMAIL_HOST_USER else "duban@localhost"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
