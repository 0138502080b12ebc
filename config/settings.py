"""Settings for Yishihui, read from the environment (see the README table)."""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(env("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Under pytest the suite runs with production settings less HTTPS and the secret.
TESTING = "pytest" in sys.modules or env.bool("YISHIHUI_TESTING", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
            "random string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# `make run PORT=8100` exports PORT: links in messages follow it unless SITE_URL is set.
SITE_URL = env(
    "SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",
    "csp",
    "core",
    "residents",
    "notifications",
    "topics",
    "council",
    "voting",
    "outcomes",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "residents.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns its lockout flag into the login page's message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "core.context_processors.csrf",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "residents.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL points elsewhere.
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'yishihui.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if TESTING and REDIS_URL and env("PYTEST_XDIST_WORKER", default=""):
    # Each pytest-xdist process gets its own Redis database (gw0 → 1, gw1 → 2 ...),
    # so one process's worker never takes another's tasks.
    _worker_number = int(env("PYTEST_XDIST_WORKER").removeprefix("gw") or 0)
    REDIS_URL = f"{REDIS_URL.rsplit('/', 1)[0]}/{_worker_number + 1}"
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.KeptClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="yishihui"),
        }
    }
    # Sessions read from Redis, written through to the database: one query less
    # on every page, and no one is logged out when Redis restarts.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # The quick start's web server and Celery worker are two processes: a kept page
    # a task changes (a round closed at its deadline) must be forgotten in both,
    # so they share a cache on disk rather than each keeping one in memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(env.path("CACHE_DIR", default=VAR_DIR / "cache")),
        }
    }

AUTH_USER_MODEL = "residents.User"
if TESTING:
    # A password hash costs seconds on a busy two-core machine; tests need none of it.
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "residents.backends.MobileOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair waits AXES_COOLOFF_MINUTES (no permanent
# lockout). On the site login and the admin login alike. Off under pytest so tests
# that call client.login() (no request) keep working; the axes tests turn it on.
AXES_ENABLED = env.bool("AXES_ENABLED", default=not TESTING)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The wait runs from the last wrong password before the lockout, as the message says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "residents.backends.login_name_for_throttling"
AXES_CLIENT_IP_CALLABLE = "residents.backends.client_ip_address"
AXES_LOCKOUT_CALLABLE = "residents.views.login_paused"
# Proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# One-time codes staff hand over work once, until this many hours after they are made.
ONE_TIME_CODE_HOURS = env.int("ONE_TIME_CODE_HOURS", default=72)
# Codes sent by text message to prove a person holds a phone (a new mobile number,
# a new community for a login): valid this long, and this many wrong tries.
SMS_CODE_MINUTES = env.int("SMS_CODE_MINUTES", default=15)
SMS_CODE_MAX_ATTEMPTS = env.int("SMS_CODE_MAX_ATTEMPTS", default=5)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if TESTING:
    STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
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
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="议事会 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, kombu's filesystem transport otherwise.
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Longer than any ETA used (NOTIFICATIONS_MAX_ETA_SECONDS), or Redis would hand
    # a waiting ETA task to a second worker. Messages of a killed worker come back
    # after this; the notifications sweep re-queues their deliveries long before.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int(
            "CELERY_VISIBILITY_TIMEOUT", default=60 * 60 * 24 * 3
        )
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for sub in ("out", "processed", "control"):
        (CELERY_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "out"),
        "data_folder_out": str(CELERY_DIR / "out"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "control_folder": str(CELERY_DIR / "control"),
        "store_processed": False,
    }
if TESTING and not REDIS_URL:
    CELERY_BROKER_URL = "memory://"
# ETA tasks further away than this are left to the periodic sweeps (see
# core.scheduling.enqueue_at); it must stay well below the visibility timeout.
CELERY_ETA_HORIZON_SECONDS = env.int("CELERY_ETA_HORIZON_SECONDS", default=60 * 60 * 24)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fixup closes the worker's database connection after every task
# unless told to reuse it: reconnecting per task costs more than the task itself.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DIR / "beat-schedule")
# One static beat schedule. Each app adds its entries below its own marker.
CELERY_BEAT_SCHEDULE: dict = {
    # -- notifications --
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_deliveries",
        "schedule": 60.0,
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=18, minute=0),  # Asia/Shanghai, before quiet hours
    },
    # -- residents --
    "residents-refresh-stale-community-stats": {
        "task": "residents.tasks.refresh_stale_community_stats",
        "schedule": 600.0,
    },
    # -- topics --
    "topics-sweep-collection-windows": {
        "task": "topics.tasks.sweep_collection_windows",
        "schedule": 60,
    },
    # -- council --
    "council-meeting-reminders": {
        "task": "council.tasks.sweep_meeting_reminders",
        "schedule": 300.0,
    },
    # -- voting --
    "voting-sweep-rounds": {
        "task": "voting.tasks.sweep_rounds",
        "schedule": 60.0,
    },
    # -- outcomes --
    "outcomes-sweep-action-items": {
        "task": "outcomes.tasks.sweep_action_items",
        "schedule": 600.0,  # reminders at 09:00; the sweep rests in quiet hours
    },
    "outcomes-sweep-minutes-pdfs": {
        "task": "outcomes.tasks.sweep_minutes_pdfs",
        "schedule": 300.0,
    },
    # -- reports --
    "reports-snapshots": {
        "task": "reports.tasks.make_snapshots",
        "schedule": crontab(hour=2, minute=30),  # Asia/Shanghai, a quiet hour
    },
    "reports-expire-exports": {
        "task": "reports.tasks.expire_exports",
        "schedule": 3600.0,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The filesystem transport has no host; kombu warns about it on every connect.
        "kombu.connection": {"level": "ERROR"},
        # WeasyPrint logs every step of every minutes PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Content-Security-Policy (django-csp): scripts and styles come from this site only.
# An inline <script> needs nonce="{{ CSP_NONCE }}"; inline handlers (onclick=...),
# <style> elements and style attributes are refused: pages use static/js/app.js and
# CSS classes instead.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        # Bootstrap draws its small icons (menu, select arrow) as data: SVG.
        "img-src": [csp.SELF, "data:"],
        "object-src": [csp.NONE],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# Production hardening, on whenever DEBUG is off.
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# -- notifications settings --
SMS_BACKEND = env("SMS_BACKEND", default="notifications.sms.LoggingSmsBackend")
SMS_ALIYUN_ENDPOINT = env(
    "SMS_ALIYUN_ENDPOINT", default="https://dysmsapi.aliyuncs.com/"
)
SMS_ALIYUN_ACCESS_KEY_ID = env("SMS_ALIYUN_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env("SMS_ALIYUN_ACCESS_KEY_SECRET", default="")
SMS_SIGN_NAME = env("SMS_SIGN_NAME", default="议事会")
# Template code per notification kind, "default" for the rest:
# SMS_TEMPLATES="default=SMS_100,digest=SMS_101,meeting_reminder=SMS_102"
SMS_TEMPLATES = env.dict("SMS_TEMPLATES", default={})
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10.0)
if SMS_BACKEND.endswith("AliyunSmsBackend") and not (
    SMS_ALIYUN_ACCESS_KEY_ID and SMS_ALIYUN_ACCESS_KEY_SECRET and SMS_TEMPLATES
):
    raise ImproperlyConfigured(
        "SMS_BACKEND is the Aliyun backend: set SMS_ALIYUN_ACCESS_KEY_ID, "
        "SMS_ALIYUN_ACCESS_KEY_SECRET and SMS_TEMPLATES."
    )
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=8)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float(
    "NOTIFICATIONS_RETRY_BASE_SECONDS", default=30
)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float(
    "NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600
)
NOTIFICATIONS_QUIET_HOURS = (21, 8)  # local hours: no text messages from 21:00 to 08:00
NOTIFICATIONS_STUCK_AFTER_SECONDS = env.int(
    "NOTIFICATIONS_STUCK_AFTER_SECONDS", default=600
)
# The longest ETA a delivery task is queued with (quiet hours: at most 11 h; a
# retry: NOTIFICATIONS_RETRY_MAX_SECONDS); the broker's visibility timeout is longer.
NOTIFICATIONS_MAX_ETA_SECONDS = 24 * 60 * 60
NOTIFICATIONS_TASK_BATCH_SIZE = env.int("NOTIFICATIONS_TASK_BATCH_SIZE", default=20)
# The sweep stands aside while more messages than this wait in the broker.
NOTIFICATIONS_SWEEP_MAX_BACKLOG = env.int(
    "NOTIFICATIONS_SWEEP_MAX_BACKLOG", default=1000
)
# -- topics settings --
# -- council settings --
# -- voting settings --
# "database": ballots and closes are judged by the database's clock (PostgreSQL's
# clock_timestamp()), so every web server and worker agrees; "python": this process's.
VOTING_CLOCK = env("VOTING_CLOCK", default="database")
if VOTING_CLOCK not in ("database", "python"):
    raise ImproperlyConfigured('VOTING_CLOCK must be "database" or "python".')
# How long a vote stays open at least; drills and the worker tests shorten it.
VOTING_MIN_OPEN_SECONDS = env.int("VOTING_MIN_OPEN_SECONDS", default=60)
# Text-message voting links expire when the vote closes, and after this at most.
VOTING_LINK_MAX_AGE_DAYS = env.int("VOTING_LINK_MAX_AGE_DAYS", default=31)

PAGE_SIZE = 25

# The check-in screen in the room fetches a fresh QR this often (the code itself
# changes every CHECK_IN_CODE_PERIOD); the browser test shortens it.
CHECK_IN_QR_REFRESH_SECONDS = env.int("CHECK_IN_QR_REFRESH_SECONDS", default=20)
