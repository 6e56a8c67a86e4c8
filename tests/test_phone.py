"""Pages for a cheap phone: the system's UI font, lists that turn into cards."""

from pathlib import Path

import pytest

from tests.helpers.pages import assert_well_formed

STATIC = Path(__file__).resolve().parent.parent / "static" / "css"


def test_pages_use_the_system_ui_font_and_pdfs_keep_amiri():
    site = (STATIC / "site.css").read_text(encoding="utf-8")
    assert 'font-family: "Noto Sans Arabic", "Segoe UI", Tahoma, system-ui, sans-serif;' in site
    assert "@font-face" not in site and "url(" not in site.split("font-family")[1].split(";")[0]
    assert "Amiri" not in site
    assert 'font-family: "Amiri"' in (STATIC / "pdf.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["/messages", "/appointments", "/delivery"])
def test_each_list_row_names_its_facts_for_the_card_view(populated, citizen, url):
    page = citizen.page(url)
    assert_well_formed(page)
    rows = page.select("table.table--cards tbody tr")
    assert rows
    for row in rows:
        assert len(row.select(".card-key")) == 1
        for cell in row.select("td[data-label]"):
            assert cell["data-label"].strip()
