"""What comes in from the browser, cleaned and bounded once, before any view reads it.

- the request class: every query and form value (and name) loses NUL characters,
  which PostgreSQL refuses, and the bidi override and embedding controls
  (U+202A–U+202E, U+2066–U+2069), which can make a name or a number read
  backwards on a page; ``get(name, type=int)`` answers the default for a number
  beyond 64 bits.
- ``views.forms.Form``, the base of every form: a file part sent for a text field
  is an empty value, text sent for a file field is no file, and JSON is not a form.
- Uploaded files keep only their first bytes (``views.uploads``).
- The URL converters: ``<int:…>`` does not match beyond 2^63-1 (404), and a
  text variable with a NUL or a bidi control does not match either.
- Dates are read by ``domain.dates.parse_day``, only within what the Hijri calendar covers.
- ``MAX_URL_LENGTH``: a longer address gets the portal's own 414 page.
"""

import re

from flask import abort, current_app, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter

from domain.identity import normalize_digits
from views.uploads import UploadLimits

# NUL and the bidi embedding, override and isolate controls.
UNSAFE_CHARACTERS = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")

INT_MAX = 2**63 - 1
INT_MIN = -(2**63)
INT_PATTERN = re.compile(r"[+-]?\d{1,19}", re.ASCII)


def clean_text(value):
    """Text without NUL and bidi controls; anything else (a file) as it came."""
    return UNSAFE_CHARACTERS.sub("", value) if isinstance(value, str) else value


def bounded_int(value, default=None):
    """The integer ``value`` spells (Arabic-Indic digits too), or ``default`` when it is none or beyond 64 bits."""
    text = normalize_digits(value) if isinstance(value, str) else None
    if not text or not INT_PATTERN.fullmatch(text):
        return default
    number = int(text)
    return number if INT_MIN <= number <= INT_MAX else default


class CleanMultiDict(ImmutableMultiDict):
    """Query or form values with their names and texts cleaned; integers bounded."""

    def __init__(self, mapping=None):
        pairs = MultiDict(mapping).items(multi=True)
        super().__init__((clean_text(key), clean_text(value)) for key, value in pairs)

    def get(self, key, default=None, type=None):
        if type is int:
            return bounded_int(super().get(key), default)
        return super().get(key, default, type)


def clean_request_class(request_class):
    """The app's request class (htmx-flask's, say) with ``args``, ``form`` and ``files`` built as
    ``CleanMultiDict``, and each uploaded file cut at its limit."""
    return type("CleanRequest", (UploadLimits, request_class), {"parameter_storage_class": CleanMultiDict})


class BoundedIntConverter(IntegerConverter):
    """``<int:…>``: at most 19 digits and 2^63-1, so a bigger number is a 404, not a database error."""

    regex = r"\d{1,19}"

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """A text variable (``<name>``): a NUL or bidi control in it matches no page (404)."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", "[^/\x00\u202a-\u202e\u2066-\u2069]")


def refuse_long_url():
    """Answer 414 with the portal's page for an address longer than MAX_URL_LENGTH."""
    if len(request.full_path) > current_app.config["MAX_URL_LENGTH"]:
        abort(414)


def init_app(app):
    """Clean every request before the views: the request class, the converters, the URL length.

    Called after the extensions that set a request class of their own (htmx-flask).
    """
    app.request_class = clean_request_class(app.request_class)
    app.url_map.converters.update(int=BoundedIntConverter, default=TextConverter, string=TextConverter)
    app.before_request(refuse_long_url)
