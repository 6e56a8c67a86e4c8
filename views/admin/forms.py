"""The forms of «الإدارة»."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from domain.identity import normalize_digits
from views.forms import Form, national_id_field
from views.messages.forms import clean_text


class ScopeForm(Form):
    role = SelectField(_l("Role"), validators=[DataRequired(_l("Choose a role."))])
    sector = SelectField(_l("Sector (agents)"), validate_choice=False)
    branch = SelectField(_l("Branch (desks)"), validate_choice=False)
    version = HiddenField()


class StaffForm(ScopeForm):
    national_id = national_id_field()
    name_ar = StringField(
        _l("Name in Arabic"),
        filters=[clean_text],
        validators=[DataRequired(_l("Enter the name in Arabic.")), Length(max=200)],
    )
    name_en = StringField(
        _l("Name in English"),
        filters=[clean_text],
        validators=[DataRequired(_l("Enter the name in English.")), Length(max=200)],
    )
    phone = StringField(
        _l("Mobile number"),
        filters=[normalize_digits],
        validators=[Regexp(r"^05\d{8}$", message=_l("Enter a Saudi mobile number of 10 digits starting with 05."))],
    )
    email = EmailField(
        _l("E-mail (optional)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an e-mail address like name@example.sa.")),
        ],
    )


class ApiKeyForm(Form):
    name = StringField(
        _l("Name of the key"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter the key's name.")),
            Length(max=100, message=_l("The name must be 100 characters or fewer.")),
        ],
    )
    owner = StringField(
        _l("Owner (the system or body that uses it)"),
        filters=[clean_text],
        validators=[
            DataRequired(_l("Enter who the key is for.")),
            Length(max=200, message=_l("The owner must be 200 characters or fewer.")),
        ],
    )
    sectors = SelectMultipleField(
        _l("Sectors it may send requests to"),
        validate_choice=False,
        validators=[DataRequired(_l("Choose at least one sector the key may send requests to."))],
    )
