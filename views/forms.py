"""The base of every form: Flask-WTF's, with WTForms' own messages read once per language."""

from functools import lru_cache

from babel import support
from flask import request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto  # the "read the request" default of a form's formdata
from werkzeug.datastructures import MultiDict
from wtforms import FileField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError

from domain.identity import national_id_problem, normalize_digits


@lru_cache(maxsize=8)
def _wtforms_messages(lang):
    return support.Translations.load(messages_path(), [lang], domain="wtforms")


class Form(FlaskForm):
    """The base of the portal's forms: each field gets only the kind of value it takes, and the
    built-in messages («This field is required.») speak the page language.

    Flask-WTF reads WTForms' catalog from disk on every request; it is the
    same file each time, so it is read once per language.
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _wtforms_messages(str(get_locale() or "ar"))

        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:
                return formdata
            if not form.is_submitted() or not (request.form or request.files):
                return None  # nothing sent, or JSON: not a submission of this form
            fields = {field.name: field for field in form}
            values = MultiDict()
            for name in dict.fromkeys([*request.form, *request.files]):
                field = fields.get(name)
                if isinstance(field, FileField):
                    values.setlist(name, request.files.getlist(name))
                elif name in request.form:
                    values.setlist(name, request.form.getlist(name))
                else:
                    values.add(name, "")  # a file where text is expected: nothing typed
            return values


ID_PROBLEMS = {
    "empty": _l("Enter your national ID or iqama number."),
    "format": _l("The ID or iqama number must be 10 digits."),
    "prefix": _l("The ID must start with 1 (citizen) or 2 (resident)."),
    "checksum": _l("This ID or iqama number is not valid. Check the digits."),
}


def valid_national_id(form, field):
    problem = national_id_problem(field.data)
    if problem:
        raise ValidationError(str(ID_PROBLEMS[problem]))


def national_id_field():
    """«رقم الهوية الوطنية أو الإقامة»: Arabic-Indic digits accepted, the check digit checked."""
    return StringField(_l("National ID or iqama number"), filters=[normalize_digits], validators=[valid_national_id])
