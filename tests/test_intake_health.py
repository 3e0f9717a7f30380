"""The forwarder cannot fail silently: when each automatic source last delivered, and the warning
when one is quiet while buyers wait."""

import time
from datetime import timedelta

import pytest

from shared import intake
from shared.booking import hold_tickets
from shared.db import utcnow
from shared.errors import InvalidInput
from shared.intake_health import health_warnings, set_silence_minutes, silence_minutes, source_health
from tests.test_intake import CREDIT, post_sms, sms_body


def _deliver(secret, minutes_ago: int, utr: str, sign=True):
    when = utcnow() - timedelta(minutes=minutes_ago)
    stamp = str(int(time.time()) - minutes_ago * 60)
    return post_sms(secret, sms_body(CREDIT.format(amount="99.00", utr=utr)), stamp=stamp, now=when, sign=sign)


def test_no_warning_while_the_hooks_are_off(draw):
    hold_tickets("Asha", "9876543210", [1])
    health = source_health()
    assert [(h.source, h.enabled, h.warning) for h in health] == [("sms", False, None), ("razorpay", False, None)]


def test_a_forwarder_that_never_delivered_warns_after_the_set_time(draw):
    intake.enable_sms_hook(now=utcnow() - timedelta(minutes=15, seconds=5))
    assert health_warnings() == []  # nobody is waiting
    hold_tickets("Asha", "9876543210", [1])
    assert health_warnings() == ["SMS forwarder silent for 15 min (nothing since it was turned on) — check the phone"]


def test_silent_since_the_last_delivery(draw):
    secret = intake.enable_sms_hook(now=utcnow() - timedelta(hours=1))
    _deliver(secret, 14, "526830463424")
    hold_tickets("Asha", "9876543210", [1])
    sms = source_health()[0]
    assert sms.last_delivered_at is not None and sms.quiet_minutes == 14
    assert health_warnings() == ["SMS forwarder silent for 14 min — check the phone"]
    _deliver(secret, 2, "526830463425")
    assert health_warnings() == [] and source_health()[0].quiet_minutes == 2


def test_unsigned_posts_do_not_count_as_the_forwarder_alive(draw):
    intake.enable_sms_hook(now=utcnow() - timedelta(minutes=30))
    _deliver("not-the-secret", 1, "526830463426")
    hold_tickets("Asha", "9876543210", [1])
    assert source_health()[0].last_delivered_at is None
    assert len(health_warnings()) == 1


def test_razorpay_is_watched_too_and_the_time_is_a_setting(draw):
    intake.enable_razorpay_hook("whsec-0123456789abc", now=utcnow() - timedelta(minutes=7))
    hold_tickets("Asha", "9876543210", [1])
    assert silence_minutes() == 10 and health_warnings() == []
    assert set_silence_minutes("5") == 5
    assert health_warnings() == [
        "Razorpay silent for 7 min (nothing since it was turned on) — check the webhook in Razorpay's dashboard"
    ]
    for bad in ("0", "abc", "2000"):
        with pytest.raises(InvalidInput):
            set_silence_minutes(bad)
    assert silence_minutes() == 5


def test_cli_hooks_shows_the_last_delivery_and_the_warning(cli):
    from tests.helpers.db import CLI_NEW_DRAW

    cli(*CLI_NEW_DRAW)
    secret = intake.enable_sms_hook(now=utcnow() - timedelta(hours=1))
    hold_tickets("Asha", "9876543210", [1])
    _deliver(secret, 20, "526830463427")
    code, out, _ = cli("hooks")
    assert code == 0
    assert "sms: on since" in out and "; last delivery " in out
    assert "WARNING: SMS forwarder silent for 20 min — check the phone" in out
    code, out, _ = cli("hooks", "--silent-after", "30")
    assert code == 0 and "WARNING" not in out and "Silence warning after 30 min" in out
    code, _, err = cli("hooks", "--silent-after", "0")
    assert code == 2 and "1 to 1,440 minutes" in err
