"""Background work: the one huey queue, and the app its consumer runs tasks in.

The web process only enqueues; ``huey_consumer worker.huey`` (``make worker``)
runs the tasks. The queue is SQLite (a file in the instance folder) unless
``REDIS_URL`` names a Redis server; tests run every task at once, in-process.

Tasks live beside the domain they serve and are declared with ``task`` and
``periodic_task`` below, which run them inside an app context with a database
connection: the request's when one is open (immediate mode), else that of the
consumer's app, made once per consumer process.
"""

import functools
import threading
from contextlib import contextmanager

from flask import current_app, has_app_context
from huey import Huey
from huey.storage import BaseStorage, RedisStorage, SqliteStorage

import models


class NotConfigured(BaseStorage):
    """The queue before ``init_app``: using it is a mistake worth a clear error."""

    def __getattribute__(self, name):
        if name in ("name", "__class__", "__init__"):
            return object.__getattribute__(self, name)
        raise RuntimeError("the queue is configured by create_app(); worker.init_app(app) was not called")


class Queue(Huey):
    """huey, configured from the app's config instead of at import time."""

    def configure(self, storage_class, immediate, **storage_kwargs):
        self.storage_class = storage_class
        self.storage_kwargs = storage_kwargs
        self._immediate = immediate
        self.storage = self.create_storage()

    def create_consumer(self, **options):
        """Make the consumer's app (which configures the queue and imports every task) before consuming."""
        consumer_app()
        return super().create_consumer(**options)


huey = Queue("tawasul", storage_class=NotConfigured, utc=True)

_consumer_app = None
_consumer_app_lock = threading.Lock()


def consumer_app():
    """The consumer process's app: ``create_app()`` once, from the environment."""
    global _consumer_app
    with _consumer_app_lock:
        if _consumer_app is None:
            from app import create_app  # the app imports the task modules, which import this one

            _consumer_app = create_app()
        return _consumer_app


def init_app(app):
    """Point the queue at Redis (``REDIS_URL``) or the SQLite file (``HUEY_FILE``); immediate in tests."""
    immediate = app.config["HUEY_IMMEDIATE"]
    if app.config["REDIS_URL"]:
        huey.configure(RedisStorage, immediate, url=app.config["REDIS_URL"])
    else:
        huey.configure(SqliteStorage, immediate, filename=app.config["HUEY_FILE"])
    app.extensions["huey"] = huey


def is_reachable() -> bool:
    """Whether the queue answers: Redis replies, or the SQLite file can be read."""
    try:
        huey.storage.queue_size()
    except Exception:
        return False
    return True


@contextmanager
def app_context():
    """An app context and a connection for a task: the current ones, else the consumer app's own."""
    if has_app_context():
        if models.db.is_closed():
            with models.db.connection_context():
                yield current_app
        else:
            yield current_app
        return
    app = consumer_app()
    with app.app_context(), models.db.connection_context():
        yield app


@contextmanager
def public_request_context():
    """A request context whose URLs are the public site's, for tasks that build links or render pages."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/"
    with current_app.test_request_context("/", base_url=base):
        yield


def _in_app(function):
    @functools.wraps(function)
    def run(*args, **kwargs):
        with app_context():
            return function(*args, **kwargs)

    return run


def task(**options):
    """Declare a task (huey's ``task`` options) that runs inside the app."""
    return lambda function: huey.task(**options)(_in_app(function))


def periodic_task(schedule, **options):
    """Declare a periodic task (a ``crontab``) that runs inside the app."""
    return lambda function: huey.periodic_task(schedule, **options)(_in_app(function))
