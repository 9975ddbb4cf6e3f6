"""Settings shared by every environment.

Environment-specific modules (``dev``, ``test``, ``production``) import everything from here and
override what differs. Values that vary between deployments are read from the environment; see
the table in README.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable as a list of non-empty, stripped items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Application definition

INSTALLED_APPS = [
    "home",
    "legal",
    "shop",
    "core",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",  # Content-Security-Policy ("Security" below)
    "axes",  # log-in throttling
    "django_permissions_policy",
    "outbox",  # every outgoing e-mail ("Background work")
    "django_tasks",
    "django_tasks_db",
    "consent_log",  # the public transparency log
]

# The whole chain, in order, in one place (docs/architecture.md, "How a request flows"); the
# settings each middleware reads are in the sections below. Other settings modules only
# filter this list (bench/benchsite), never rebuild it.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Bodies over MAX_REQUEST_BODY_SIZE get a 413 before anything reads them.
    "home.security.RequestBodyLimitMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "home.security.CSPMiddleware",
    # WhiteNoise serves collected static files straight from the WSGI app, before any other
    # middleware touches the request (the security headers above apply to them too).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors get the public legal pages from the cache before anything else runs.
    "legal.cache.LegalPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "home.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A staff session ends after STAFF_SESSION_IDLE_SECONDS idle; it needs the user.
    "home.staff.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "legal.middleware.PublicationErrorMiddleware",
    "legal.middleware.RecordProtectionMiddleware",
    # Customers who have not accepted a materially changed privacy policy are sent to accept
    # it (after authentication and messages, which it needs).
    "shop.middleware.ConsentMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jetu_cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "shop.context_processors.shop",  # the header's cart count
            ],
        },
    },
]

WSGI_APPLICATION = "jetu_cms.wsgi.application"


# Database
#
# DATABASE_URL selects the database (PostgreSQL in production). Without it, an SQLite file in
# the project folder. SQLite is tuned for a few concurrent writers: WAL lets readers run while
# one connection writes, and IMMEDIATE transactions take the write lock at BEGIN, so two
# writers queue on busy_timeout instead of failing with "database is locked" when a read lock
# would have to be upgraded half-way through a transaction.

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections buy nothing for a local file and keep WAL checkpoints from running.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Customers and staff are one user model that logs in by e-mail (clause 2.2.3 of the policy
# makes the e-mail the customer's identifier).
AUTH_USER_MODEL = "shop.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "shop:login"


# Internationalisation
#
# Russian is the source language of every text; Kazakh is a full translation kept in sync
# through wagtail-localize (content) and gettext catalogues (interface strings).

LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", "Русский"),
    ("kk", "Қазақша"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django ships no Kazakh formats ("Жел. 1, 2026, 12:01 Т.Қ."); ours are in jetu_cms/formats/.
FORMAT_MODULE_PATH = ["jetu_cms.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

# A version of a legal document comes into force only with a text in each of these languages.
LEGAL_REQUIRED_LANGUAGES = ["ru", "kk"]

WAGTAIL_I18N_ENABLED = True
# Named in the admin's own language (one language per screen); the public language switcher
# keeps the autonyms of LANGUAGES.
WAGTAIL_CONTENT_LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh"))]
# Editors work in Russian; Wagtail ships no Kazakh admin translation.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ru", "Русский")]
WAGTAIL_LOCALIZE_DEFAULT_TRANSLATION_MODE = "synced"
# An incomplete translation must never go live with Russian text filling the gaps: a legal
# text is either fully translated or not published in that language.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False


# Static files and media

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Wagtail's page editor posts one field per StreamField input; a long legal text has many.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# Caching: in-process for one development or test process; production shares Redis or the
# database between its workers (see production.py and core/checks.py).

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "jetu-cms",
    }
}


# E-mail

DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Jetu <noreply@jetu.kz>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# The public address of the site, for links in e-mails.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")

# Wagtail

WAGTAIL_SITE_NAME = "Jetu"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx"]
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# The dashboard does not ask wagtail.org for new releases: staff browsers talk only to the
# site, and upgrades arrive through requirements.txt.
WAGTAIL_ENABLE_UPDATE_CHECK = False


# Logging: warnings and errors to stderr, without request bodies (no customer data in logs).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"database_unavailable": {"()": "core.logging.DatabaseUnavailableFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["database_unavailable"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "jetu": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


# Shop
#
# TRUSTED_PROXIES: addresses or networks of our own reverse proxies; only requests from them
# have their X-Forwarded-For believed when the consent ledger records a customer's IP address.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
# A form posted without a valid CSRF token gets a translated page explaining what to do.
CSRF_FAILURE_VIEW = "shop.views.csrf_failure"


# Security
#
# Content-Security-Policy (django-csp): the public site uses no inline script or style, so
# everything must come from our own origin. Wagtail's admin relies on inline scripts and
# styles and is excluded; it is reached only by staff.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Log-in throttling (django-axes) for customers and the admin alike: after 5 failures for one
# e-mail from one address, that pair waits 15 minutes (more limits in "Security hardening"
# below). The address is the one the consent ledger records (X-Forwarded-For believed only
# from TRUSTED_PROXIES).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "shop.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "shop/locked_out.html"
AXES_VERBOSE = False

# Legal's approval publishes the page without Legal holding a publish permission.
WAGTAIL_FINISH_WORKFLOW_ACTION = "legal.workflows.publish_approved"


# Security hardening
#
# Every browser feature the site never uses is switched off for it and anything it embeds
# (only features Chromium knows: an unknown one is an error in the console).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "geolocation", "gyroscope", "hid", "idle-detection", "local-fonts",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

# The admin is excluded from the enforced policy above; home.security.CSPMiddleware applies
# this report-only one exactly there, and /csp-report/ logs what it would have blocked: the
# list of what stands between the admin and an enforced policy.
CONTENT_SECURITY_POLICY_REPORT_ONLY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        # Wagtail's scripts set inline styles all over the editor; reports about those would
        # drown the ones that matter, about scripts.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        # The page editor's preview panel frames admin pages.
        "frame-ancestors": ["'self'"],
        "report-uri": ["/csp-report/"],
    },
}

# Log-in throttling has three limits per 15 minutes, each counted on its own:
# - one e-mail from one address: 5 failures (guessing one password);
# - one address, any e-mails: 20 (trying many accounts); high enough for a shop's customers
#   behind one mobile-operator or office NAT mistyping now and then;
# - one e-mail, any addresses: 20 (a botnet guessing one account). A limit on the e-mail alone
#   lets anyone lock a customer out by typing wrong passwords for their address; here one
#   address can add at most 5 failures to it (failures while locked out are not counted), so
#   locking a customer out takes at least four addresses, lasts 15 minutes, and resetting the
#   password (which only the mailbox's owner can do) lifts it at once.
# A successful log-in clears only the first counter: an attacker's own account must not reset
# the count of the address they attack from.
LOGIN_LOCKOUT_LIMITS = [(["username", "ip_address"], 5), ("ip_address", 20), ("username", 20)]
AXES_LOCKOUT_PARAMETERS = [parameters for parameters, _limit in LOGIN_LOCKOUT_LIMITS]
AXES_HANDLER = "shop.throttling.LockoutLimitsHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

# Password reset requests (customers' and staff's) per hour: per e-mail address and per
# client address, counted in the cache.
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_LIMIT_PER_IP = 10
PASSWORD_RESET_THROTTLE_SECONDS = 60 * 60
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day

# A new log-in e-mail address is confirmed by a signed link sent to it, valid for a day.
EMAIL_CHANGE_LINK_MAX_AGE = 60 * 60 * 24

# The admin: only staff log in (customers are refused with a message), reset mails go to staff
# only, log-out is POST-only, and a staff session ends after 2 idle hours (customers keep
# SESSION_COOKIE_AGE).
WAGTAILADMIN_USER_LOGIN_FORM = "home.staff.StaffLoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "home.staff.StaffPasswordResetForm"  # noqa: S105
STAFF_SESSION_IDLE_SECONDS = 2 * 60 * 60
# Gravatar would receive a hash of every staff e-mail; nothing goes to third parties.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Request sizes. nginx (deploy/nginx.conf) passes bodies up to client_max_body_size 20m; the
# application refuses larger ones itself (413, home.security) so it is as safe when reached
# without nginx: Django limits form fields but streams uploaded files to disk whatever size.
MAX_REQUEST_BODY_SIZE = 20 * 1024 * 1024
# Files 1 MiB below that, leaving room for the upload form's other fields: a file too large
# gets Wagtail's own message instead of nginx's bare 413.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MAX_REQUEST_BODY_SIZE - 1024 * 1024
WAGTAILDOCS_MAX_UPLOAD_SIZE = WAGTAILIMAGES_MAX_UPLOAD_SIZE
# Non-file form data held in memory per request: Django's default, stated on purpose. The
# page editor's post of the whole policy fits many times over; raising it to the body limit
# would only let every request hold 20 MB of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
# Uploads up to this size stay in memory, larger ones go to a temporary file (not a limit).
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)

# Background work (docs/background-work.md). Tasks are rows in the project's own database,
# taken by any number of `manage.py db_worker` processes on any number of machines; Wagtail's
# own tasks (reference index, front-cache purges) go through the same backend. Every e-mail
# leaves through the outbox, which those workers send.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Consent transparency log (consent_log/, docs/consent-log.md): the operator's Ed25519 key that
# signs tree heads, as a PEM value or a path. Without either, production refuses to start;
# development and tests generate CONSENT_LOG_DEV_KEY_FILE (git-ignored) on first use.
CONSENT_LOG_SIGNING_KEY = os.environ.get("CONSENT_LOG_SIGNING_KEY", "")
CONSENT_LOG_SIGNING_KEY_FILE = os.environ.get("CONSENT_LOG_SIGNING_KEY_FILE", "")
CONSENT_LOG_DEV_KEY_FILE = None
# Consent receipts (consent_log/receipts.py) name the customer by an HMAC of their number, keyed
# with this secret (default: SECRET_KEY). Set it once and keep it: the id in receipts built
# later changes with it (receipts already handed out still verify).
CONSENT_RECEIPT_SUBJECT_SECRET = os.environ.get("CONSENT_RECEIPT_SUBJECT_SECRET", "")
