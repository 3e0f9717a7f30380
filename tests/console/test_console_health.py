"""The console warns when a payment source has gone quiet while bookings are pending."""

import re
from datetime import timedelta

from console.health_watch import HealthChecked, HealthNotices
from shared import intake
from shared.booking import hold_tickets
from shared.db import utcnow
from tests.helpers.console import RecordingApp, run, started, until


def test_a_silent_forwarder_raises_a_warning_and_a_toast(sqlite_draw, sqlite_url):
    intake.enable_sms_hook(now=utcnow() - timedelta(minutes=15, seconds=5))
    hold_tickets("Asha", "9876543210", [1])
    # 15 min, or a minute or two more on a slow machine: the count is live.
    words = re.compile(r"SMS forwarder silent for 1[5-7] min \(nothing since it was turned on\) — check the phone")

    async def scenario():
        app = RecordingApp(sqlite_url, health_seconds=0.2)
        async with app.run_test(size=(120, 36)) as pilot:
            await started(pilot)
            await until(pilot, lambda: words.search(app.toast_text()), timeout=60, what="the warning toast")
            assert words.search(app.dashboard.query_one("#outcome").text)
            assert [t for t in app.toasts if words.search(t[1])][0][2] == "warning"

    run(scenario, timeout=120)


def test_warnings_repeat_only_after_a_while_and_recovery_is_told():
    notices = HealthNotices(repeat_seconds=300)
    quiet = HealthChecked((("sms", "SMS forwarder", "SMS forwarder silent for 11 min — check the phone"),))
    assert notices.due(quiet, 0.0) == (["SMS forwarder silent for 11 min — check the phone"], [])
    assert notices.due(quiet, 100.0) == ([], [])
    assert notices.due(quiet, 301.0)[0] != []
    back = HealthChecked((("sms", "SMS forwarder", None),))
    assert notices.due(back, 302.0) == ([], ["SMS forwarder"])
    assert notices.due(back, 303.0) == ([], [])
