"""Pages read as a person reads them, and a test client that keeps its CSRF token."""

from bs4 import BeautifulSoup
from flask.testing import FlaskClient


class Page:
    """A response read as a person reads it."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        self.soup = BeautifulSoup(self.html, "html.parser")

    @property
    def text(self):
        return " ".join(self.soup.get_text(" ").split())

    def select(self, css):
        return self.soup.select(css)

    def one(self, css):
        found = self.soup.select(css)
        assert len(found) == 1, f"expected one {css!r}, found {len(found)}"
        return found[0]

    def form_values(self, css="form"):
        """The values a browser would send for the form, before the person edits it."""
        form = self.soup.select(css)[0] if isinstance(css, str) else css
        values = {}
        for field in form.select("input[name], textarea[name], select[name]"):
            name = field["name"]
            if field.name == "select":
                chosen = field.select_one("option[selected]") or field.select_one("option")
                values[name] = chosen.get("value", chosen.text) if chosen else ""
            elif field.name == "textarea":
                values[name] = field.text
            elif field.get("type") in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    values[name] = field.get("value", "on")
            elif field.get("type") not in ("submit", "button"):
                values[name] = field.get("value", "")
        return values


class PortalClient(FlaskClient):
    """A test client that keeps its CSRF token and returns Pages."""

    csrf_token = None

    def page(self, url, htmx=False, **kwargs):
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        page = Page(self.get(url, headers=headers, **kwargs))
        token = page.soup.select_one('input[name="csrf_token"]')
        if token:
            self.csrf_token = token["value"]
        return page

    def submit(self, url, data=None, htmx=False, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if self.csrf_token is None:
                self.page("/", follow_redirects=True)
            data["csrf_token"] = self.csrf_token
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        return Page(self.post(url, data=data, headers=headers, **kwargs))


def assert_well_formed(page):
    """Cheap checks every page must pass: lang/dir, one h1, unique ids, labelled controls."""
    html = page.soup.find("html")
    assert html is not None and html.get("lang") in ("ar", "en")
    assert html.get("dir") == ("rtl" if html["lang"] == "ar" else "ltr")
    assert len(page.select("h1")) == 1, "a page has exactly one h1"
    ids = [tag["id"] for tag in page.select("[id]")]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for control in page.select("input, select, textarea"):
        if control.get("type") in ("hidden", "submit", "button"):
            continue
        labelled = control.get("aria-label") or (
            control.get("id") and page.soup.select_one(f'label[for="{control["id"]}"]')
        )
        assert labelled, f"unlabelled control: {control}"
    assert not page.select("script:not([src])"), "no inline script"
