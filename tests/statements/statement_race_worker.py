"""A process that imports a statement when released by the barrier (for the race tests)."""


def import_in_process(url: str, path: str, barrier, queue) -> None:
    from shared import db, setup
    from shared.statements.importer import import_statement

    setup.connect(url)
    try:
        barrier.wait(30)
        report = import_statement(path)
        queue.put(("ok", [r.action for r in report.rows]))
    except Exception as error:  # noqa: BLE001 — reported to the test, which fails on it
        queue.put(("error", f"{type(error).__name__}: {error}"))
    finally:
        db.close()
