"""Werkplaats settings: one module, driven by environment variables.

Every variable has a safe default for local development; production sets at least
``DEBUG=false``, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` (see README, "Configuration").
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is convenient for development; the environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
# Under pytest: fast password hashing and tasks run at once (see conftest.py).
TESTING = env.bool("WERKPLAATS_TESTING", default="pytest" in sys.modules)

_DEV_SECRET_KEY = "django-insecure-werkplaats-development-key-do-not-use-in-production"  # noqa: S105 (development only; refused when DEBUG is false)
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is false.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "werkplaats.accounts",
    "werkplaats.organisations",
    "werkplaats.audit",
    "werkplaats.qualifications",
    "werkplaats.recognitions",
    "werkplaats.trajectories",
    "werkplaats.certificates",
    "werkplaats.partnerships",
    "werkplaats.agreements",
    "werkplaats.goals",
    "werkplaats.steering",
    "werkplaats.successes",
    "werkplaats.reflections",
    "werkplaats.scans",
    "werkplaats.stakeholders",
    "werkplaats.forum",
    "werkplaats.meetings",
    "werkplaats.intervision",
    "werkplaats.learning",
    "werkplaats.matching",
    "werkplaats.insights",
    "werkplaats.api",
    "werkplaats.imports",
    "werkplaats.privacy",
    "werkplaats.notifications",
    "werkplaats.core",
    "werkplaats.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "werkplaats.accounts.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "werkplaats.accounts.middleware.UserLanguageMiddleware",
    "werkplaats.organisations.middleware.ActiveOrganisationMiddleware",
    "werkplaats.audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "werkplaats.accounts.middleware.RequireTOTPMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "werkplaats.core.context_processors.menu",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "werkplaats.organisations.context_processors.organisations",
                "werkplaats.notifications.context_processors.notifications",
                "werkplaats.certificates.context_processors.certificates",
                "werkplaats.insights.context_processors.insights",
                "werkplaats.partnerships.context_processors.partnerships",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL is set (PostgreSQL in production and CI).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Every request is one transaction: an error anywhere leaves nothing half-written.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock instead of failing at once when the worker writes at the same time.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
    # Covering indexes (Index(include=...)) let PostgreSQL answer the dashboard and the counts from
    # the index alone; SQLite uses the same indexes without the extra columns, as intended.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Prepared statements: with the parameters bound by the server, psycopg prepares a statement
    # the second time a connection runs it, and PostgreSQL no longer parses and plans it on every
    # request. A page's queries repeat with other values, and planning their joins cost more than
    # running them (the trajectory page: 12.6 ms of PostgreSQL's CPU per request, 4.5 ms prepared).
    # Behind a pooler in transaction mode (PgBouncer before 1.21) set DATABASE_PREPARED_STATEMENTS=false.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://werkplaats"),
    # Rendered trajectory pages (werkplaats/trajectories/pagecache.py): in each process's memory
    # only, as they hold personal data; checked against the database's page stamps on every use.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "werkplaats-pages",
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
}
# How long a rendered trajectory page is kept at most (seconds); 0 renders every request afresh.
WERKPLAATS_PAGE_CACHE_SECONDS = env.int("WERKPLAATS_PAGE_CACHE_SECONDS", default=600)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

# django-allauth: e-mail + password, invitation only, optional TOTP.
ACCOUNT_ADAPTER = "werkplaats.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {
    # Per IP and per account: a handful of wrong passwords, then a pause.
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Behind the reverse proxy of docs/deployment.md every request comes from the proxy's address, and
# the per-address limits above would count all visitors together. Set this to the number of
# proxies that append to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for: 1) to count per client.
# Our own rate limits and the audit log read it too (werkplaats/core/net.py).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
MFA_ADAPTER = "werkplaats.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Werkplaats"
# People with these roles in any organisation, and platform staff, must use an authenticator app
# (TOTP): without one, every page sends them to set it up. Enforced in production; off with DEBUG,
# so the demo accounts of `make run` log in with their password alone (and off under pytest,
# where the tests that need it switch it on).
WERKPLAATS_MFA_REQUIRED_ROLES = env.list("WERKPLAATS_MFA_REQUIRED_ROLES", default=["admin", "coordinator"])
WERKPLAATS_MFA_ENFORCED = env.bool("WERKPLAATS_MFA_ENFORCED", default=not DEBUG and not TESTING)

# Sessions expire after a working day of inactivity and when the browser closes. The expiry
# moves on with activity through SlidingSessionMiddleware (at most one session write a minute).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "werkplaats_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: console in development, any backend through EMAIL_URL (smtp://, smtp+tls://, ...).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Werkplaats <noreply@werkplaats.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's tasks API with the database backend (`make worker`).
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default="django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

# Security headers. The CSP allows no inline script or style; templates use nonces where needed.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # PDF rendering reports every step and every font subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Werkplaats' own settings.
# The deployment's own accessibility statement (toegankelijkheidsverklaring); empty: the platform's own.
WERKPLAATS_ACCESSIBILITY_STATEMENT_URL = env.str("WERKPLAATS_ACCESSIBILITY_STATEMENT_URL", default="")
# Where to report vulnerabilities in this deployment (security.txt); empty: the project's address.
WERKPLAATS_SECURITY_CONTACT = env.str("WERKPLAATS_SECURITY_CONTACT", default="")
WERKPLAATS_INVITATION_DAYS = env.int("WERKPLAATS_INVITATION_DAYS", default=14)
# Absolute address of this deployment, for links in e-mails.
WERKPLAATS_BASE_URL = env.str("WERKPLAATS_BASE_URL", default="http://127.0.0.1:8000")
# Where recognitions (erkenningen) are looked up; a live SBB client can replace the local register.
WERKPLAATS_RECOGNITION_REGISTRY = env.str(
    "WERKPLAATS_RECOGNITION_REGISTRY", default="werkplaats.recognitions.registry.LocalRegister"
)
# Files waiting for the task worker (uploads to import); never served. With workers on other
# machines this must be a shared volume.
WERKPLAATS_PRIVATE_DIR = env.path("WERKPLAATS_PRIVATE_DIR", default=BASE_DIR / "var")
WERKPLAATS_CATALOGUE_MAX_UPLOAD_BYTES = env.int("WERKPLAATS_CATALOGUE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# The public verification page of certificates: requests per client address and window in
# seconds, and the time every answer takes at least (found or not, so timing reveals nothing).
WERKPLAATS_VERIFY_RATE = env.str("WERKPLAATS_VERIFY_RATE", default="30/60")
WERKPLAATS_VERIFY_MIN_SECONDS = env.float("WERKPLAATS_VERIFY_MIN_SECONDS", default=0.25)
# Learners' personal data is pseudonymised this many days after their last trajectory ended (AVG).
WERKPLAATS_LEARNER_RETENTION_DAYS = env.int("WERKPLAATS_LEARNER_RETENTION_DAYS", default=730)
# Bulk imports: files larger than this (bytes) are checked and imported by the task worker.
WERKPLAATS_IMPORT_INLINE_BYTES = env.int("WERKPLAATS_IMPORT_INLINE_BYTES", default=200_000)
# Uploaded import files (personal data) are removed this many days after the upload (AVG).
WERKPLAATS_IMPORT_RETENTION_DAYS = env.int("WERKPLAATS_IMPORT_RETENTION_DAYS", default=30)
# Calls per API token per number of seconds (the REST API at /api/v1/).
WERKPLAATS_API_RATE = env.str("WERKPLAATS_API_RATE", default="1200/60")
