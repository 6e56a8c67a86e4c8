"""Visit every page a person can reach by following links, as a given role."""

import re
from urllib.parse import urldefrag

from tests.helpers.pages import Page

SKIP_PREFIXES = ("/static/", "/logout")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")


def crawl(client, start="/", limit=60, also=()):
    """Follow same-site links from `start` (and the pages in `also`); return {url: Page}."""
    pages = {}
    queue = [start, *also]
    queued = set(queue)
    while queue and len(pages) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            target = response.headers["Location"]
            if target not in queued:
                queued.add(target)
                queue.append(target)
            continue
        if response.mimetype != "text/html":
            continue
        page = Page(response)
        pages[url] = page
        for link in page.select("a[href]"):
            href = urldefrag(link["href"])[0]
            if not href.startswith("/") or href.startswith("//") or href.startswith(SKIP_PREFIXES):
                continue
            if href not in queued:
                queued.add(href)
                queue.append(href)
    return pages


def foreign_words(page):
    """Words on a page that are not in the page's language.

    Left out, on purpose: elements that declare another language (the language
    switch), <bdi> and dir="ltr" (codes, numbers, e-mail addresses) and
    dir="auto" (text people typed, shown as they wrote it).
    """
    soup = Page(page.response).soup
    language = soup.find("html")["lang"]
    for tag in soup.select("script, style, title, bdi, code, [dir=ltr], [dir=auto]"):
        tag.decompose()
    for tag in soup.select("[lang]"):
        if tag.name != "html" and tag["lang"] != language:
            tag.decompose()
    text = soup.get_text(" ")
    if language == "ar":
        return LATIN_WORD.findall(text)
    return ARABIC_LETTER.findall(text)


def detail_pages(populated, role):
    """Pages a role reaches by typing or scanning rather than by a link from its home."""
    if populated and role == "desk":
        return [f"/desk/appointments/{populated['appointment']}"]
    return []
