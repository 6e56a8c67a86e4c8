"""The two ways the domain says no, shared by every service.

A view catches them where it re-renders its form with the message; anything
it does not catch becomes the error page, 422 for ``Refused`` and 409 for
``Conflict`` (``views.errors``).
"""


class Refused(Exception):
    """The rules refuse the action. ``message`` says why, in the person's language;
    ``code`` names the rule for views that answer differently per rule."""

    status = 422

    def __init__(self, message, code=None):
        super().__init__(code or str(message))
        self.message = message
        self.code = code


class Conflict(Exception):
    """Someone else changed the record first; ``current`` is how it stands now."""

    status = 409

    def __init__(self, current=None, message=None):
        super().__init__("conflict")
        self.current = current
        self.message = message
