"""Developer and demo settings: embedded SQLite, debug pages on localhost only."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-only-insecure-key-change-me-0123456789abcdef"  # noqa: F405
AUDIT_HMAC_KEY = AUDIT_HMAC_KEY or "local-only-audit-key"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "mail"  # noqa: F405
