"""`make run`: the web server and the worker together, until Ctrl-C or SIGTERM stops both.

Each runs in a process group of its own, so a signal reaches it once, from
here: SIGINT first (huey finishes the tasks in hand, flask stops serving),
then SIGKILL for whatever is still running after ``GRACE_SECONDS``. When one
of them dies, the other is stopped too and the exit status says so.
"""

import os
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10


def commands(host, port, worker_threads):
    python = sys.executable
    return {
        "worker": [python, "-m", "huey.bin.huey_consumer", "worker.huey", "--workers", worker_threads, "-k", "thread"],
        "web": [python, "-m", "flask", "--app", "app:create_app", "run", "--host", host, "--port", port],
    }


def stop(children):
    """SIGINT every child's group, wait for them, then SIGKILL what is left."""
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGINT)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def main():
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "5000")
    threads = os.environ.get("WORKER_THREADS", "2")
    stopping = []
    signal.signal(signal.SIGINT, lambda *_: stopping.append("SIGINT"))
    signal.signal(signal.SIGTERM, lambda *_: stopping.append("SIGTERM"))
    children = {
        name: subprocess.Popen(command, start_new_session=True)
        for name, command in commands(host, port, threads).items()
    }
    print(f"web at http://{host}:{port}/ and the worker started; Ctrl-C stops both", flush=True)
    died = None
    while not stopping and died is None:
        died = next((name for name, child in children.items() if child.poll() is not None), None)
        time.sleep(0.2)
    stop(children)
    if died:
        print(f"the {died} stopped (exit {children[died].returncode}), so the other was stopped too", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
