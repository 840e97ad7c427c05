"""The PostgreSQL fixtures live in tests/conftest.py; they are re-exported here for the
test modules that import them by name from this module."""

from tests.conftest import pg_database, pg_server, pg_url  # noqa: F401
