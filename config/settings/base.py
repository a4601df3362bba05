"""Settings shared by every environment; values that differ come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CORESPONSE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes" are true)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated environment variable."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "coresponse.common",
    "coresponse.audit",
    "coresponse.programs",
    "coresponse.accounts",
    "coresponse.people",
    "coresponse.encounters",
    "coresponse.directory",
    "coresponse.referrals",
    "coresponse.dispatch",
    "coresponse.imports",
    "coresponse.consents",
    "coresponse.reporting",
    "coresponse.network",
    "coresponse.training",
    "coresponse.outreach",
    "coresponse.api",
    "coresponse.demo",
    # Security (issue 3): second factor devices and the security app.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "coresponse.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "coresponse.security.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Security (issue 3): second factor, session limits, default deny, audit fail-closed.
    "django_otp.middleware.OTPMiddleware",
    "coresponse.accounts.middleware.SessionSecurityMiddleware",
    "coresponse.security.middleware.DefaultDenyMiddleware",
    "coresponse.security.middleware.AuditFailClosedMiddleware",
    "coresponse.security.middleware.RowLevelSecurityMiddleware",
    "coresponse.security.middleware.AuditBatchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coresponse.common.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "coresponse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coresponse.common.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "coresponse.common.renderers.WidgetRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'coresponse.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one clinician saves; IMMEDIATE transactions make the
    # write lock explicit so two simultaneous saves queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME", "")}
elif env_bool("DB_PREPARED_STATEMENTS", True):
    # PostgreSQL binds the parameters itself, and a statement a connection sends a second time
    # (every page's session, user, scope and audit queries; a page's own) is prepared, so it
    # is planned once per connection rather than on every request (ADR 0014, with figures).
    # It needs persistent connections (DB_CONN_MAX_AGE). Behind a connection pooler in
    # transaction mode that cannot keep prepared statements, set DB_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
# No LOGOUT_REDIRECT_URL: the "Logged out" page renders, and wipes the device's drafts.

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "coresponse" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Audit chain key: an HMAC key kept outside the database (see README "Security").
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["coresponse.security.api.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "coresponse.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CoResponse API",
    "DESCRIPTION": "Same permissions as the pages: every route is scoped to the acting user.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One name per choice set where several models have a `status`.
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "coresponse.referrals.models.Referral.Status",
        "FollowUpStatusEnum": "coresponse.referrals.models.FollowUp.Status",
        "EncounterStatusEnum": "coresponse.encounters.models.Encounter.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query": {"()": "coresponse.security.logging.QueryStringFilter"}},
    "formatters": {
        # Exception messages are withheld: they can quote record contents (README, Security).
        "plain": {
            "()": "coresponse.security.logging.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_query"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logging would print URLs and form errors that can carry names.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # SQL parameters are person-level data: never log queries.
        "django.db.backends": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # PDF rendering narrates every step at INFO and warns about screen-only CSS.
        "weasyprint": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "coresponse.security.reporting.RedactingExceptionReporterFilter"

# Outgoing mail (newsletter, confirmations, renewal reminders): SMTP set by the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "CoResponse <newsletter@localhost>")
# The address of the public site in links sent by mail from commands (pages use the request).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

CORESPONSE = {
    "ENCOUNTER_FUTURE_TOLERANCE_MINUTES": 5,
    "PAGE_SIZE": 25,
}

# Dashboards' charts redrawn in the background after encounter writes (README, "Outcomes:
# rollups and benchmark"): a scope once its writes were quiet this long, at most once a minute.
CHART_REDRAW_IN_BACKGROUND = env_bool("CHART_REDRAW_IN_BACKGROUND", True)
CHART_REDRAW_QUIET_SECONDS = float(os.environ.get("CHART_REDRAW_QUIET_SECONDS", "5"))
CHART_REDRAW_INTERVAL_SECONDS = float(os.environ.get("CHART_REDRAW_INTERVAL_SECONDS", "60"))

# Security (issue 3): see README "Security".
SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 60 * 60
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
BREAK_GLASS_MINUTES = 60
OTP_TOTP_ISSUER = "CoResponse"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# PostgreSQL row-level security (second wall): requests run as this role (README, Security).
CORESPONSE_RLS = env_bool("CORESPONSE_RLS", True)
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "coresponse_app")
