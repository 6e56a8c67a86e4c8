"""Error pages in the page language."""

from flask import g, render_template, request
from flask_wtf.csrf import CSRFError
from peewee import InterfaceError, OperationalError

from domain.errors import Conflict, Refused

ERROR_CODES = (400, 403, 404, 405, 413, 414, 429, 431, 500)

DATABASE_RETRY_AFTER_SECONDS = 30
OPEN311_PREFIX = "/open311/"


def register_error_handlers(app):
    def handle(error):
        code = getattr(error, "code", 500) or 500
        if request.path.startswith(OPEN311_PREFIX):
            # An address under the interface that no route matched (a control character in it,
            # say) is still answered by the interface: its error list, never a page.
            from views.open311 import http_error

            return http_error(error)
        return render_template("errors/error.html", code=code), code

    for code in ERROR_CODES:
        app.register_error_handler(code, handle)

    @app.errorhandler(Refused)
    @app.errorhandler(Conflict)
    def refused(error):
        """What a view did not catch itself: the reason, on the error page, 422 or 409."""
        return render_template("errors/error.html", code=error.status, message=error.message), error.status

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_away(error):
        """The database does not answer (down, restarting, locked): a short page, and a hint to come back."""
        app.logger.warning("database unavailable: %s", error)
        g.user = getattr(g, "user", None)
        page = render_template("errors/error.html", code=503)
        return page, 503, {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return render_template("errors/error.html", code=400, csrf=True), 400
