"""A small browser for the benchmark and the proxy tests: keep-alive, cookies, CSRF tokens, no redirects followed."""

import http.client
import re
import urllib.parse
from html.parser import HTMLParser

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class FormFields(HTMLParser):
    """The named inputs of the form whose action is ``action`` (hidden and filled ones), as a browser sends them."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.values = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action", "").split("?")[0] == self.action
        elif tag == "input" and self.inside and attrs.get("name") and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.values[attrs["name"]] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> dict:
    parser = FormFields(action)
    parser.feed(html)
    return parser.values


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)


class Browser:
    """One person's browser against one base URL: a kept connection and the cookies it was given."""

    def __init__(self, base_url: str, timeout: float = 60):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.cookies: dict[str, str] = {}
        self.connection = None

    def request(self, method, path, data=None, headers=None) -> Response:
        headers = dict(headers or {})
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                raw = self.connection.getresponse()
                content = raw.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for cookie in raw.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=thu, 01 jan 1970" in cookie.lower() or value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        received = {}
        for name, value in raw.getheaders():  # a repeated header is one list (RFC 9110, 5.3)
            name = name.lower()
            received[name] = f"{received[name]}, {value}" if name in received else value
        return Response(raw.status, received, content)

    def get(self, path, headers=None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path, data, headers=None) -> Response:
        return self.request("POST", path, data=data, headers=headers)

    def csrf_token(self, path) -> str:
        page = self.get(path)
        match = CSRF.search(page.text)
        if not match:
            raise AssertionError(f"no CSRF token on {path} ({page.status})")
        return match.group(1) or match.group(2)

    def sign_in(self, national_id: str, password: str, read_code) -> "Browser":
        """Sign in through the pages; ``read_code(national_id)`` returns the SMS code just sent."""
        token = self.csrf_token("/login")
        answer = self.post("/login", {"csrf_token": token, "national_id": national_id, "password": password})
        if answer.status != 303:
            raise AssertionError(f"sign-in of {national_id}: {answer.status}")
        token = self.csrf_token("/login/code")
        answer = self.post("/login/code", {"csrf_token": token, "code": read_code(national_id)})
        if answer.status != 303:
            raise AssertionError(f"one-time code of {national_id}: {answer.status}")
        return self

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None
