"""Sinergi settings, read from the environment.

One machine by default (SQLite under ``SINERGI_DATA_DIR``); PostgreSQL when ``DATABASE_URL`` is set.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SINERGI_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("SINERGI_DEBUG", False)
SECRET_KEY = os.environ.get("SINERGI_SECRET_KEY", "")
if not SECRET_KEY:
    # Only the demo and tests run without a configured key; `sinergi serve` refuses to (see cli).
    SECRET_KEY = "insecure-demo-key-change-me-" + "x" * 32
ALLOWED_HOSTS = [h for h in os.environ.get("SINERGI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SINERGI_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "js_lib_htmx",
    "sinergi.core",
    "sinergi.regions",
    "sinergi.agencies",
    "sinergi.access",
    "sinergi.audit",
    "sinergi.people",
    "sinergi.intake",
    "sinergi.cases",
    "sinergi.transfer",
    "sinergi.demo",
    "sinergi.api",
    "sinergi.analytics",
    "sinergi.referrals",
    "sinergi.notifications",
    "sinergi.exchange",
    "sinergi.linkage",
    "sinergi.recruitment",
    "sinergi.public",
    "django_tasks_db",
    "sinergi.web",
]

MIDDLEWARE = [
    "sinergi.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so public static files (served above) stay cacheable and everything else is not stored.
    "sinergi.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The idle timeout: the session saved again at most once a minute, not on every page.
    "sinergi.core.middleware.SessionRefreshMiddleware",
    # The instance's language (or the visitor's chosen one), never the browser's Accept-Language.
    "sinergi.core.middleware.InstanceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user reads the language saved on their account.
    "sinergi.core.middleware.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A signed-in user whom two-factor authentication applies to goes nowhere else until they gave a code.
    "sinergi.web.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "sinergi.access.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (django-axes): 5 failures for one username, or 20 from one address (over any usernames), lock
# it for 15 minutes (and are audited). The address allows more: a field office's staff share one address behind
# NAT. Wrong two-factor codes count as failures too. The address is the client's, behind trusted proxies only.
AXES_FAILURE_LIMIT = int(os.environ.get("SINERGI_LOGIN_FAILURE_LIMIT", 5))
SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SINERGI_LOGIN_ADDRESS_FAILURE_LIMIT", 20))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("SINERGI_LOGIN_LOCK_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "sinergi.access.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "sinergi.core.net.client_address"
SILENCED_SYSTEM_CHECKS = [
    # Covering indexes (INCLUDE columns) are a PostgreSQL speed-up; SQLite builds the same index without them.
    "models.W040",
]
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
LOGIN_URL = "web:login"
# Two-factor authentication (TOTP with single-use recovery codes, django-otp) for every role that sees personal
# data: everywhere when SINERGI_MFA_REQUIRED (the default; `sinergi demo` and the tests turn it off), else for the
# agencies whose flag a system administrator set. Someone who enrolled of their own accord is always asked.
SINERGI_MFA_REQUIRED = env_bool("SINERGI_MFA_REQUIRED", True)
OTP_TOTP_ISSUER = os.environ.get("SINERGI_INSTANCE_NAME") or "Sinergi"
# API tokens expire: a working day by default.
SINERGI_API_TOKEN_HOURS = float(os.environ.get("SINERGI_API_TOKEN_HOURS", 9))
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

ROOT_URLCONF = "sinergi.config.urls"
WSGI_APPLICATION = "sinergi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "sinergi.web.context.web",
            ],
        },
    },
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'sinergi.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if "DATABASE_URL" not in os.environ:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parallel query workers for the app's own statements: none by default. Its statements are short (a page of
    # a list, one case); starting workers for them took longer than the scan they shared (a case-list page: 16 ms
    # to the first row with 2 workers, 7 ms of work each) and takes cores from the other requests under load.
    # A deployment with many cores and heavy reports may allow some (SINERGI_PG_PARALLEL_WORKERS).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={int(os.environ.get('SINERGI_PG_PARALLEL_WORKERS', 0))}")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Indonesian by default; a partner's instance (the Cambodian demo) may start in English. Both stay available.
LANGUAGE_CODE = os.environ.get("SINERGI_LANGUAGE_CODE", "id")
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("SINERGI_STATIC_ROOT", DATA_DIR / "static"))
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start when it is missing
except OSError:
    pass
MEDIA_ROOT = Path(os.environ.get("SINERGI_MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Attachments: what a case file may hold.
SINERGI_ATTACHMENT_MAX_BYTES = int(os.environ.get("SINERGI_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
SINERGI_IMPORT_MAX_BYTES = int(os.environ.get("SINERGI_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
SINERGI_IMPORT_STALLED_MINUTES = int(os.environ.get("SINERGI_IMPORT_STALLED_MINUTES", 120))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_AGE = int(os.environ.get("SINERGI_SESSION_SECONDS", 30 * 60))
# The idle timeout: the session is saved again (its expiry moved) at most once a minute, not on every request
# (``core.middleware.SessionRefreshMiddleware``).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS proxy (a real deployment: gunicorn speaks plain HTTP), every request is HTTPS: plain HTTP is
# redirected, browsers are told to use HTTPS only (HSTS), and cookies are sent over HTTPS only.
_BEHIND_TLS = env_bool("SINERGI_BEHIND_TLS_PROXY", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SINERGI_SECURE_COOKIES", _BEHIND_TLS)
if _BEHIND_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SINERGI_HSTS_SECONDS", 365 * 24 * 60 * 60))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SINERGI_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SINERGI_HSTS_PRELOAD", True)
# Reverse proxies whose X-Forwarded-For is believed (CIDRs, comma-separated): the client's address for rate limits
# and sign-in lockout is the right-most one not in this list. Empty: the header is ignored.
SINERGI_TRUSTED_PROXIES = [c.strip() for c in os.environ.get("SINERGI_TRUSTED_PROXIES", "").split(",") if c.strip()]
for _cidr in SINERGI_TRUSTED_PROXIES:
    ipaddress.ip_network(_cidr, strict=False)  # a typo fails at start, not silently at the first request

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sinergi.api.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "sinergi.api.pagination.DefaultPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "sinergi.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "10/minute"},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Sinergi API",
    "DESCRIPTION": "Counter-trafficking case coordination. Every read and write of personal data is audited.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Federation: this instance's code (e.g. "id" for Indonesia, "kh" for Cambodia) and how peers reach it.
SINERGI_INSTANCE = os.environ.get("SINERGI_INSTANCE", "id")
SINERGI_BASE_URL = os.environ.get("SINERGI_BASE_URL", "http://127.0.0.1:8000")
SINERGI_INSTANCE_NAME = os.environ.get("SINERGI_INSTANCE_NAME", "")
CSRF_FAILURE_VIEW = "sinergi.web.views.errors.csrf_failure"
# Where people open the pages (links in e-mails and text messages); the federation URL unless set apart (a
# deployment whose peers reach it on an internal address).
SINERGI_SITE_URL = (os.environ.get("SINERGI_SITE_URL") or SINERGI_BASE_URL).rstrip("/")
# Browsers keep cookies per host, not per port: two instances on one machine (the demo's Indonesian and Cambodian
# ones) would overwrite each other's session and CSRF cookies. Instances other than the default name theirs.
if SINERGI_INSTANCE != "id":
    SESSION_COOKIE_NAME = f"sessionid_{SINERGI_INSTANCE}"
    CSRF_COOKIE_NAME = f"csrftoken_{SINERGI_INSTANCE}"
    LANGUAGE_COOKIE_NAME = f"django_language_{SINERGI_INSTANCE}"
# Peers must be reached over HTTPS, except on loopback (two demo instances on one machine).
SINERGI_EXCHANGE_ALLOW_HTTP_LOOPBACK = env_bool("SINERGI_EXCHANGE_ALLOW_HTTP_LOOPBACK", True)
SINERGI_EXCHANGE_CONCURRENCY = int(os.environ.get("SINERGI_EXCHANGE_CONCURRENCY", 4))

# The public door: who receives anonymous reports when no provincial agency matches, and rough exchange rates
# (to US dollars) for comparing promised pay. Both are data to keep current, not code.
SINERGI_PUBLIC_REPORT_AGENCY = os.environ.get("SINERGI_PUBLIC_REPORT_AGENCY", "")
# Hours to decide on a report in the inbox, per channel ("hotline:12,public_form:24"); unset channels keep the
# defaults of ``intake.triage.TRIAGE_HOURS``.
SINERGI_REPORT_TRIAGE_HOURS = {
    k.strip(): int(v) for k, _, v in (item.partition(":") for item in
                                       os.environ.get("SINERGI_REPORT_TRIAGE_HOURS", "").split(","))
    if k.strip() and v.strip().isdigit()
}
SINERGI_FX_TO_USD = {"USD": 1, "IDR": 0.000061, "MYR": 0.22, "TWD": 0.031, "HKD": 0.128, "SGD": 0.75, "SAR": 0.266,
                     "KRW": 0.00072, "JPY": 0.0066, "THB": 0.029}

# Background tasks: Django's tasks framework. One machine: the database-backed worker (`sinergi worker`,
# started by `sinergi demo`); larger deployments point SINERGI_TASK_BACKEND at another backend.
TASKS = {"default": {"BACKEND": os.environ.get("SINERGI_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
SINERGI_NOTIFICATION_DELIVERY = [c for c in os.environ.get("SINERGI_NOTIFICATION_DELIVERY", "email").split(",") if c]
SINERGI_NOTIFICATION_CHANNELS: dict[str, str] = {}

# Mail: SMTP when SINERGI_EMAIL_HOST is set (STARTTLS on port 587 unless told otherwise), else the console.
_SMTP_HOST = os.environ.get("SINERGI_EMAIL_HOST", "")
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
MAILERS = {
    "default": {"BACKEND": os.environ.get("SINERGI_EMAIL_BACKEND") or (
        _SMTP if _SMTP_HOST else "django.core.mail.backends.console.EmailBackend")},
}
if MAILERS["default"]["BACKEND"] == _SMTP:
    MAILERS["default"]["OPTIONS"] = {
        "host": _SMTP_HOST or "localhost",
        "port": int(os.environ.get("SINERGI_EMAIL_PORT", 0)) or None,
        "username": os.environ.get("SINERGI_EMAIL_USER", ""),
        "password": os.environ.get("SINERGI_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("SINERGI_EMAIL_USE_TLS", not env_bool("SINERGI_EMAIL_USE_SSL", False)),
        "use_ssl": env_bool("SINERGI_EMAIL_USE_SSL", False),
        "timeout": 20,
    }
if os.environ.get("SINERGI_EMAIL_FROM"):
    DEFAULT_FROM_EMAIL = SERVER_EMAIL = os.environ["SINERGI_EMAIL_FROM"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SINERGI_LOG_LEVEL", "WARNING").upper()},
}

# Keys for data at rest (``sinergi.core.keys``): field encryption, lookup digests, the audit chain and its
# checkpoints, this instance's private exchange keys. Never in the database. The demo and the tests (no
# SINERGI_SECRET_KEY) create missing key files under SINERGI_DATA_DIR/keys; a deployment creates them once
# (`sinergi keys init`) or passes them in the environment, and `sinergi serve` refuses to start without them.
SINERGI_KEY_DIR = Path(os.environ.get("SINERGI_KEY_DIR", DATA_DIR / "keys")).resolve()
SINERGI_KEYS_AUTOCREATE = env_bool("SINERGI_KEYS_AUTOCREATE", not os.environ.get("SINERGI_SECRET_KEY"))
# Signed audit checkpoints (seq, head hash, time) are written here, outside the database: copy them to another
# machine or write-once storage (README). The worker writes one when the chain has grown and this long passed.
SINERGI_AUDIT_CHECKPOINT_DIR = Path(os.environ.get("SINERGI_AUDIT_CHECKPOINT_DIR",
                                                   DATA_DIR / "audit-checkpoints")).resolve()
SINERGI_AUDIT_CHECKPOINT_SECONDS = int(os.environ.get("SINERGI_AUDIT_CHECKPOINT_SECONDS", 3600))
# Exchange freshness: a message sealed longer ago than this (or further in the future than the tolerance) is
# refused; replays inside the window meet the inbox's record of message ids.
SINERGI_EXCHANGE_MAX_AGE_SECONDS = int(os.environ.get("SINERGI_EXCHANGE_MAX_AGE_SECONDS", 15 * 60))
SINERGI_EXCHANGE_CLOCK_SKEW_SECONDS = int(os.environ.get("SINERGI_EXCHANGE_CLOCK_SKEW_SECONDS", 120))
# Refused messages from senders we cannot identify: at most this many log rows per source address (IPv6: per
# /64) and in all per window; the rest are only counted.
SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE = int(os.environ.get("SINERGI_EXCHANGE_REJECT_LOG_PER_SOURCE", 20))
SINERGI_EXCHANGE_REJECT_LOG_TOTAL = int(os.environ.get("SINERGI_EXCHANGE_REJECT_LOG_TOTAL", 200))
SINERGI_EXCHANGE_REJECT_LOG_WINDOW_SECONDS = int(os.environ.get("SINERGI_EXCHANGE_REJECT_LOG_WINDOW_SECONDS", 600))
# Background linkage of persons (``linkage.background``): how often at most, where its intake index lives, and
# below how many persons it does not run (too little to train a model on).
SINERGI_LINKAGE_REFRESH_SECONDS = int(os.environ.get("SINERGI_LINKAGE_REFRESH_SECONDS", 3600))
SINERGI_LINKAGE_INDEX = Path(os.environ.get("SINERGI_LINKAGE_INDEX", DATA_DIR / "linkage" / "persons.duckdb"))
SINERGI_LINKAGE_MIN_PERSONS = int(os.environ.get("SINERGI_LINKAGE_MIN_PERSONS", 50))
# Keys agreed with partner instances for asking whether they hold a person without sending names
# (``linkage.clk``): "peer:secret,peer2:secret2", each secret at least 16 characters, the same on both sides.
SINERGI_CLK_KEYS = dict(part.split(":", 1) for part in os.environ.get("SINERGI_CLK_KEYS", "").split(",")
                        if ":" in part)
