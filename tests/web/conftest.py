"""Fixtures of the buyer-web tests."""

import pytest

from shared import db as shared_db
from tests.helpers.web import make_web


@pytest.fixture
def web(db_url, tmp_path):
    """(TestApp, draw) on a fresh database with a 100-ticket draw (₹10 a ticket), limits off."""
    test_app, draw = make_web(db_url, tmp_path)
    yield test_app, draw
    shared_db.close()
