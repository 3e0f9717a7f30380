"""Workers hand results back as typed messages: one dataclass per kind of result, and a refusal
that names the result it would have been (no label strings to branch on)."""

import dataclasses

import pytest

from console import messages
from console.messages import CoreDone, PaymentsChecked, Refused, SettingsSaved, call_core
from shared.errors import Conflict


def test_call_core_posts_the_typed_result_or_a_refusal_naming_it():
    posted = []
    assert call_core(posted.append, PaymentsChecked, lambda: ["r1"]) == ["r1"]
    assert posted == [PaymentsChecked(["r1"])]

    def refuse():
        raise Conflict("The price cannot change once bookings exist.")

    posted.clear()
    assert call_core(posted.append, SettingsSaved, refuse) is None
    assert posted == [Refused(SettingsSaved, "The price cannot change once bookings exist.")]

    posted.clear()
    with pytest.raises(ZeroDivisionError):  # not the core's refusal: raised for the worker's handler
        call_core(posted.append, SettingsSaved, lambda: 1 / 0)
    assert posted == []


def test_every_result_message_carries_exactly_one_typed_field():
    results = [
        cls
        for cls in vars(messages).values()
        if isinstance(cls, type) and issubclass(cls, CoreDone) and cls is not CoreDone
    ]
    assert len(results) >= 15
    for cls in results:
        fields = dataclasses.fields(cls)
        assert len(fields) == 1, cls
    assert not hasattr(messages, "DbDone") and not hasattr(messages, "DbRefused")
