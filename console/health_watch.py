"""The console's watch on the automatic payment sources: read in a worker thread every half
minute, a warning (on the main screen and as a toast) when a source has gone quiet while bookings
are pending, repeated every few minutes while it stays quiet, and a word when it delivers again."""

from dataclasses import dataclass

from textual.message import Message

from shared.intake_health import source_health

CHECK_SECONDS = 30.0
REPEAT_SECONDS = 300.0


@dataclass
class HealthChecked(Message, bubble=False):
    """(source, label, warning or None) of each automatic source that is on."""

    sources: tuple


def read_health() -> HealthChecked:
    return HealthChecked(tuple((h.source, h.label, h.warning) for h in source_health() if h.enabled))


class HealthNotices:
    """Which warnings to show now: a new one at once, an old one again after REPEAT_SECONDS."""

    def __init__(self, repeat_seconds: float = REPEAT_SECONDS):
        self.repeat = repeat_seconds
        self.told: dict[str, float] = {}

    def due(self, message: HealthChecked, now: float) -> tuple[list[str], list[str]]:
        """(warnings to show, labels of sources that delivered again)."""
        warnings, recovered = [], []
        for source, label, warning in message.sources:
            if warning is None:
                if self.told.pop(source, None) is not None:
                    recovered.append(label)
                continue
            last = self.told.get(source)
            if last is None or now - last >= self.repeat:
                self.told[source] = now
                warnings.append(warning)
        return warnings, recovered
