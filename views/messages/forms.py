"""The forms of «الرسائل والطلبات»: a new request, replies, status changes."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import HiddenField, MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import html_params

from domain.requests import label
from views.forms import Form


def clean_text(value):
    """Typed text without surrounding spaces or NUL characters (which PostgreSQL refuses)."""
    return value.replace("\x00", "").strip() if value else value


class ServiceSelect:
    """A <select> whose options come from the partial htmx swaps in on a sector change."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        options = render_template("partials/messages/service_options.html", groups=field.groups, selected=field.data)
        return Markup("<select %s>%s</select>") % (Markup(html_params(name=field.name, **kwargs)), Markup(options))


class ServiceField(SelectField):
    """«الخدمة»: its options are the chosen sector's services, grouped by section (``groups``)."""

    widget = ServiceSelect()
    groups = ()

    def pre_validate(self, form):
        """Checked by the view against the chosen sector."""


class RequestForm(Form):
    sector = SelectField(_l("Sector"), validate_choice=False)
    service = ServiceField(_l("Service"), validate_choice=False)
    subject = StringField(
        _l("Subject"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the subject.")),
            Length(max=100, message=_l("The subject must be 100 characters or fewer.")),
        ],
    )
    body = TextAreaField(
        _l("Message"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter your message.")),
            Length(max=1000, message=_l("The message must be 1000 characters or fewer.")),
        ],
    )
    attachments = MultipleFileField(_l("Attachments (optional)"))
    submission_token = HiddenField()


class ReplyForm(Form):
    body = TextAreaField(
        _l("Your reply"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter your reply.")),
            Length(max=1000, message=_l("The reply must be 1000 characters or fewer.")),
        ],
    )


VISIT_BRANCH_HINT = _l("When asking for a branch visit: the booking link sent to the beneficiary opens at this branch.")


class StaffReplyForm(ReplyForm):
    reply_status = SelectField(_l("Status after the reply"), validate_choice=False)
    reply_branch = SelectField(_l("Branch to visit"), validate_choice=False)
    version = HiddenField()


class StatusForm(Form):
    status = SelectField(_l("New status"), validate_choice=False)
    visit_branch = SelectField(_l("Branch to visit"), validate_choice=False)
    note = TextAreaField(
        _l("Note to the beneficiary (optional)"),
        filters=[clean_text],
        validators=[Length(max=1000, message=_l("The note must be 1000 characters or fewer."))],
    )
    version = HiddenField()


class NoteForm(Form):
    internal_note = TextAreaField(
        _l("Internal note (staff only)"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the note.")),
            Length(max=500, message=_l("The note must be 500 characters or fewer.")),
        ],
    )


class TakeForm(Form):
    version = HiddenField()


def status_choices(statuses):
    """(value, words) pairs for a status <select>."""
    return [(status, str(label(status))) for status in statuses]
