"""Running attempts at once, each in its own thread with its own database connection."""

import threading

import models
from domain.errors import Refused


def race(app, attempts):
    """Run the attempts at once; return ("done", result) or ("refused", rule) per attempt.

    Anything else that is raised is an error and is returned as ("error", repr).
    """
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(index, attempt):
        with app.app_context(), models.db.connection_context():
            try:
                barrier.wait(timeout=30)
                results[index] = ("done", attempt())
            except Refused as refused:
                results[index] = ("refused", refused.code)
            except Exception as error:  # noqa: BLE001 - the caller counts every unexpected failure
                results[index] = ("error", repr(error))

    threads = [threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
