"""Settings of the server the browser tests drive: production-shaped, over plain HTTP.

The harness (e2e/server.py) runs this module in a separate process with
DEBUG=false and a throw-away database, so the pages are tested as they are
served in production (error pages, CSP and security headers, no debug
helpers). Only what plain HTTP on 127.0.0.1 and a test run need differs.
"""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# Plain HTTP on the loopback interface: cookies can't be Secure, nothing redirects to HTTPS.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"

# Static files straight from the apps' static/ directories through WhiteNoise
# (no collectstatic, no manifest): a reference to a missing file still shows
# up, as a 404 the browser tests report.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

# Background work runs at once; mail stays in memory.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
