"""The web's signing secret lives in the database: a form opened on one web process (or before a
restart) is accepted by another; LUCKYDRAW_SECRET replaces it; HSTS only over HTTPS."""

from webtest import TestApp

from buyerweb.app import create_app
from shared import db as shared_db
from shared.web_secret import rotate_web_secret, web_secret
from tests.helpers.web import NO_LIMITS, csrf_of, make_web

PEER = {"REMOTE_ADDR": "203.0.113.7"}


def second_instance(db_url, first: TestApp, **overrides) -> TestApp:
    """Another app on the same database (another worker, machine or a restart) with the buyer's
    browser cookies."""
    other = TestApp(create_app(db_url, migrate=False, **{**NO_LIMITS, **overrides}), extra_environ=PEER)
    other.cookiejar = first.cookiejar
    return other


def test_a_form_from_one_instance_is_accepted_by_another(db_url, tmp_path):
    first, _ = make_web(db_url, tmp_path)
    token = csrf_of(first.get("/"))
    other = second_instance(db_url, first)
    page = other.post("/start", {"csrf": token, "name": "Asha Devi", "mobile": "98765 43210"}, status=303)
    # The buyer's signed cookie, set by the second instance, is read by the first.
    assert page.headers["Location"].endswith("/pick")
    assert first.get("/pick").status_int == 200
    shared_db.close()


def test_the_secret_is_made_once_and_kept(db_url, tmp_path):
    make_web(db_url, tmp_path, draw=False)
    one = web_secret()
    create_app(db_url, migrate=False)
    assert web_secret() == one and len(one) == 64
    rotate_web_secret()
    assert web_secret() != one
    shared_db.close()


def test_a_rotated_secret_refuses_old_forms(db_url, tmp_path):
    first, _ = make_web(db_url, tmp_path)
    token = csrf_of(first.get("/"))
    rotate_web_secret()
    other = second_instance(db_url, first)
    other.post("/start", {"csrf": token, "name": "Asha Devi", "mobile": "98765 43210"}, status=403)
    shared_db.close()


def test_luckydraw_secret_takes_the_place_of_the_stored_one(db_url, tmp_path, monkeypatch):
    first, _ = make_web(db_url, tmp_path)
    token = csrf_of(first.get("/"))
    monkeypatch.setenv("LUCKYDRAW_SECRET", "set-by-the-organiser")
    other = second_instance(db_url, first)
    other.post("/start", {"csrf": token, "name": "Asha Devi", "mobile": "98765 43210"}, status=403)
    again = second_instance(db_url, first)  # same environment secret: same signatures
    token = csrf_of(again.get("/"))
    other.post("/start", {"csrf": token, "name": "Asha Devi", "mobile": "98765 43210"}, status=303)
    shared_db.close()


def test_hsts_only_when_the_buyer_came_over_https(db_url, tmp_path):
    app, _ = make_web(db_url, tmp_path, trusted_proxies="127.0.0.1")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    secure = app.get("/", headers={"X-Forwarded-Proto": "https"}, extra_environ=proxy)
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert (
        "Strict-Transport-Security"
        not in app.get("/", headers={"X-Forwarded-Proto": "http"}, extra_environ=proxy).headers
    )
    # A client that is not the proxy cannot ask for it (nor for Secure cookies).
    direct = app.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in direct.headers
    shared_db.close()
