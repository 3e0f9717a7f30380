"""Helpers for driving the console in tests: run a Pilot scenario, type text as key presses, wait
for the database workers, and keep every toast the app shows."""

import asyncio

from textual.worker import WorkerCancelled

from console.app import LuckyDrawApp

KEY_NAMES = {" ": "space"}


class RecordingApp(LuckyDrawApp):
    """The console, keeping (title, message, severity) of every toast for the test to read."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("refresh_seconds", 0.25)
        super().__init__(*args, **kwargs)
        self.toasts: list[tuple[str, str, str]] = []

    def notify(self, message, *, title="", severity="information", **kwargs) -> None:
        self.toasts.append((title, str(message), severity))
        super().notify(message, title=title, severity=severity, **kwargs)

    def toast_text(self) -> str:
        return "\n".join(f"{title}: {message}" for title, message, _ in self.toasts)


def run(scenario, timeout: float = 60) -> None:
    """Run an async Pilot scenario to the end (the suite has no async test plugin)."""
    asyncio.run(asyncio.wait_for(scenario(), timeout))


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])


async def settle(pilot, rounds: int = 3) -> None:
    """Let every worker finish and every message it posted be handled."""
    for _ in range(rounds):
        for worker in list(pilot.app.workers):
            try:
                await worker.wait()
            except WorkerCancelled:  # an exclusive worker replaced by the next of its group: done
                pass
        await pilot.pause()


async def until(pilot, condition, timeout: float = 5.0, what: str = "condition") -> None:
    """Wait (without blocking the app) until `condition()` is true, or fail after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def started(pilot) -> None:
    await pilot.app.wait_for_first_refresh()
    await settle(pilot)


def table_rows(table) -> list[list[str]]:
    """A DataTable's rows as plain strings, top to bottom."""
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
