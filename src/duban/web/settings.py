"""Django settings. The demo needs none of these variables; production sets them (see README).

DUBAN_DATA_DIR   where the SQLite database and uploaded files live (default ./data)
DATABASE_URL     postgres://… to use PostgreSQL
DUBAN_SECRET_KEY required when DUBAN_DEBUG is off and DUBAN_DEMO is off
DUBAN_DEBUG, DUBAN_ALLOWED_HOSTS, DUBAN_MAX_UPLOAD_MB, DUBAN_SECURE (HTTPS-only cookies and HSTS)
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from duban.web.env import database as _database
from duban.web.env import env_bool, env_int, env_json, env_list, env_str

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
    # First: its createsuperuser takes the place of Django's (see its docstring).
    "duban.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "duban.audit",
    "duban.notifications",
    "duban.units",
    "duban.plans",
    "duban.exports",
    "duban.tracking",
    "duban.assessment",
    "duban.tokens",
    "duban.api",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: it sees the final answer to an /api/ path, a 404, 405 or 500 included.
    "duban.api.errors.JsonErrorsMiddleware",
    # Static files from the app itself, with cache headers: an intranet install has no CDN and
    # often no proxy; behind nginx the same files are served the same way by every server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After sessions and authentication: it knows the caller before any route runs.
    "duban.api.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # An empty 405 (a POST-only address opened by its link) becomes the site's Chinese page.
    "duban.web.errors.NotAllowedPage",
    # A query parameter a page cannot use: a 400 naming it (duban.params), never a 500.
    "duban.web.errors.BadParameterMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out login
]

AUTH_USER_MODEL = "accounts.User"
# Axes first: it refuses a login from a locked-out account or address before the password is
# checked (and counts the failures the backend after it reports).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "duban.accounts.backends.UnitModelBackend"]
SESSION_ENGINE = "duban.accounts.sessions"
ROOT_URLCONF = "duban.web.urls"
SERIALIZATION_MODULES = {"json": "duban.web.exact_json"}  # backups keep microseconds
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
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "duban.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "duban.accounts.passwords.NotTheUsernameValidator"},
]

# Brute force: after DUBAN_LOGIN_FAILURES wrong passwords an account, and separately an address,
# is locked for DUBAN_LOCKOUT_MINUTES (django-axes; its records live in the database, so every
# server behind a load balancer sees the same count). Logins, failures and lockouts are audited.
AXES_FAILURE_LIMIT = env_int("DUBAN_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DUBAN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "duban.accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "duban.accounts.lockout.client_ip"
AXES_VERBOSE = False
# Behind a reverse proxy (nginx), the client's address is the last one it adds to X-Forwarded-For.
BEHIND_PROXY = env_bool("DUBAN_BEHIND_PROXY", False)
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "zh-hans"
# Our corrections of Django's Chinese catalog (the label suffix "：" instead of ":").
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Served by WhiteNoise from the package itself: no collectstatic step to forget, nothing in the
# data folder (so no STATIC_ROOT).
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"
# Uploaded files: a folder every server shares (DUBAN_DATA_DIR on a shared mount) by default; any
# Django storage by its dotted path (e.g. django-storages' S3 backend for an object store), its
# options as JSON in DUBAN_FILE_STORAGE_OPTIONS.
STORAGES = {
    "default": {
        "BACKEND": env_str("DUBAN_FILE_STORAGE", "django.core.files.storage.FileSystemStorage") or "",
        "OPTIONS": env_json("DUBAN_FILE_STORAGE_OPTIONS", {}),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: documents and evidence are limited in size; the type is checked by the import itself.
MAX_UPLOAD_BYTES = env_int("DUBAN_MAX_UPLOAD_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Larger uploads are spooled to disk while the request runs: in the data folder (outside the
# backed-up files/), where `duban serve` and `duban manage sweep_files` remove what a killed
# request left, rather than in /tmp where nothing does.
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(exist_ok=True)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# A form posted without its token (a page left open past its session, say): the site's Chinese 403.
CSRF_FAILURE_VIEW = "duban.web.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Every script and style is a file of the package (no inline code, no CDN): a strict policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
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
