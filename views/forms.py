"""The base of every form: Flask-WTF's, with WTForms' own messages read once per language."""

from functools import lru_cache

from babel import support
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=8)
def _wtforms_messages(lang):
    return support.Translations.load(messages_path(), [lang], domain="wtforms")


class Form(FlaskForm):
    """A FlaskForm whose built-in messages («This field is required.») speak the page language.

    Flask-WTF reads WTForms' catalog from disk on every request; it is the
    same file each time.
    """

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _wtforms_messages(str(get_locale() or "ar"))
