"""The national address form: WTForms fields checked by domain.delivery.address."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import ValidationError

from domain.delivery import address
from views.inputs import Form


def _checked_by(name):
    """A WTForms validator that cleans the value and raises the address check's message."""

    def validator(form, field):
        value, problem = address.check_field(name, field.data, form.city_codes())
        field.data = value
        if problem is not None:
            raise ValidationError(str(problem))

    return validator


class AddressForm(Form):
    short_address = StringField(_l("Short address"), validators=[_checked_by("short_address")])
    building_number = StringField(_l("Building number"), validators=[_checked_by("building_number")])
    street = StringField(_l("Street name"), validators=[_checked_by("street")])
    district = StringField(_l("District"), validators=[_checked_by("district")])
    city = SelectField(_l("City"), validators=[_checked_by("city")], validate_choice=False)
    postal_code = StringField(_l("Postal code"), validators=[_checked_by("postal_code")])
    additional_number = StringField(_l("Additional number"), validators=[_checked_by("additional_number")])
    mobile = StringField(_l("Mobile number for the courier"), validators=[_checked_by("mobile")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.city.choices = [("", _l("Choose the city"))] + [(city.code, city.name) for city in address.cities()]
        self._city_codes = {code for code, _ in self.city.choices if code}

    def city_codes(self):
        """Return the codes of the cities offered."""
        return self._city_codes

    def cleaned(self):
        """Return the checked address as a mapping of field name to value."""
        return {name: self[name].data for name in address.FIELDS}

    def fill_from(self, record):
        """Fill the fields from an address kept before (a saved address or a delivery)."""
        for name in address.FIELDS:
            self[name].data = record.city.code if name == "city" else getattr(record, name)

    def validate_one(self, name):
        """Check a single field (htmx, when it loses focus); True when valid."""
        field = self[name]
        field.errors = []
        field.process_errors = []
        try:
            for validator in field.validators:
                validator(self, field)
        except ValidationError as error:
            field.errors = [str(error)]
        return not field.errors


class RequestForm(AddressForm):
    save_address = BooleanField(_l("Save this address to my profile to use it again"))
    submission_token = HiddenField()
