"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under ``/open311/v2/``.

Other systems list the services, send requests for a beneficiary with a key
issued in «الإدارة», and follow requests. Every answer, the errors included,
is JSON or XML as the address's extension asks (``services.json``,
``services.xml``); an error is the standard's list, ``[{"code": 404,
"description": "…"}]``, with the same HTTP status.

``services`` holds discovery and the service list, ``reports`` the requests,
``formats`` the writing and reading of both formats. The interface is exempt
from CSRF and ignores any session cookie: a request is anonymous, or speaks
for the key it carries.
"""

from flask import Blueprint, current_app, g, request
from flask_babel import _
from peewee import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, NotFound, default_exceptions

from domain import open311
from views import limits
from views.open311.formats import FORMATS, respond

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

LANGUAGES = ("ar", "en")

# A request, its location and its text fit in a few kilobytes; pictures go by URL.
MAX_BODY_BYTES = 64 * 1024

DATABASE_RETRY_AFTER_SECONDS = 30


class ApiError(Exception):
    """An answer of the standard's error list: HTTP ``code`` and what is wrong, in the asked language."""

    def __init__(self, code, description, headers=None):
        super().__init__(code)
        self.code = code
        self.description = str(description)
        self.headers = headers or {}


def fail(code, description, **headers):
    raise ApiError(code, description, headers)


def language():
    """The language of the answer: ``?locale=`` (ar, en, en_US…), else Accept-Language, else Arabic."""
    asked = request.args.get("locale", "")
    if asked:
        code = asked.replace("_", "-").split("-")[0].lower()
        return code if code in LANGUAGES else "ar"
    return request.accept_languages.best_match(LANGUAGES, default="ar")


def answer_format():
    """The format the address's extension asks for; JSON when it names none we write."""
    fmt = (request.view_args or {}).get("fmt") or request.path.rpartition(".")[2]
    return fmt if fmt in FORMATS else "json"


def checked_format(fmt):
    """The extension, when it is one of ours; otherwise the answer is a 400 error list (in JSON)."""
    if fmt not in FORMATS:
        fail(400, _("Unknown format. Use .json or .xml."))
    return fmt


def client_key():
    """The key a request carries (``api_key``, in the query or the body), checked; None without one.

    A key that is sent but unknown or revoked is refused (403) rather than taken as no key.
    """
    token = request.args.get("api_key")
    if token is None and request.method == "POST":
        token = g.get("open311_fields", {}).get("api_key")
    if token is None or token == "":
        return None
    key = open311.key_for(token)
    if key is None:
        fail(403, _("This API key is not valid, or it was revoked."))
    return key


def error_answer(code, description, headers=None):
    return respond(answer_format(), "errors", [{"code": code, "description": description}], code, headers)


HTTP_ERRORS = {
    400: lambda: _("The request could not be read."),
    404: lambda: _("There is nothing at this address."),
    405: lambda: _("This address does not take this method."),
    413: lambda: _("The request is too large."),
    414: lambda: _("The address is too long."),
    429: lambda: _("Too many requests. Try again later."),
}


@bp.before_request
def bound_and_pace():
    """Cut bodies at the interface's size, and count the client's requests (by address)."""
    request.max_content_length = MAX_BODY_BYTES
    request.max_form_memory_size = MAX_BODY_BYTES
    seconds = limits.wait_for("open311_client", account=f"address:{request.remote_addr}")
    if seconds:
        fail(429, limits.wait_message(seconds), **{"Retry-After": str(seconds)})


@bp.after_request
def caching(response):
    """An answer read with a key may hold what only that key sees: no cache keeps it. The language follows
    Accept-Language, so caches keep one copy per language."""
    if request.args.get("api_key") or request.method == "POST":
        response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    return response


@bp.errorhandler(ApiError)
def api_error(error):
    return error_answer(error.code, error.description, error.headers)


def http_error(error):
    code = error.code or 500
    words = HTTP_ERRORS.get(code)
    headers = {"Allow": error.response.headers["Allow"]} if code == 405 and error.response is not None else None
    return error_answer(code, words() if words else error.name, headers)


for _code in default_exceptions:
    bp.register_error_handler(_code, http_error)


@bp.errorhandler(Exception)
def unexpected(error):
    """Whatever else goes wrong is still the error list: 503 while the database is away, else 500."""
    if isinstance(error, HTTPException):
        return http_error(error)
    if isinstance(error, OperationalError | InterfaceError):
        current_app.logger.warning("database unavailable: %s", error)
        return error_answer(
            503,
            _("The service is unavailable for a moment. Try again shortly."),
            {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    current_app.logger.exception("the Open311 interface failed")
    return error_answer(500, _("Something went wrong on our side."))


ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/", defaults={"rest": ""}, methods=ANY_METHOD)
@bp.route("/<path:rest>", methods=ANY_METHOD)
def nothing_here(rest):
    """An address of the interface that names no resource (404), or a resource another method reads (405)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "open311.nothing_here":
            fail(405, HTTP_ERRORS[405]())
    raise NotFound()


from views.open311 import reports, services  # noqa: E402,F401  (they register their views on bp)
