"""Settings for the test suite: the real settings with a throwaway data folder and key.

DATABASE_URL still selects PostgreSQL, so CI runs the same suite on both databases.
"""

import os
import tempfile

os.environ.setdefault("DUBAN_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DUBAN_DATA_DIR", tempfile.mkdtemp(prefix="duban-test-"))

from duban.web.settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast: tests make many users
