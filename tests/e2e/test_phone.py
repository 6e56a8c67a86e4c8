"""A cheap 360 px phone: the lists are cards, nothing to reach by scrolling sideways."""

import pytest

from tests.helpers.browser import browser_sign_in

LISTS = {
    "citizen": ["/messages", "/appointments", "/delivery"],
    "officer": ["/officer/deliveries"],
}
CONTROLS = "main a, main button, main input, main select, main textarea"

# Each visible control's box, and the widest box a list row has.
MEASURE = """(selector) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!box.width || !box.height || style.visibility === "hidden") continue;
    if (el.closest(".visually-hidden")) continue;
    out.push({what: el.outerHTML.slice(0, 80), left: box.left + scrollX, right: box.right + scrollX});
  }
  return out;
}"""


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("role", sorted(LISTS))
def test_no_control_of_a_list_is_outside_the_viewport(populated, chromium, live_server, javascript, role, width):
    context = chromium.new_context(
        base_url=live_server, viewport={"width": width, "height": 740}, java_script_enabled=javascript
    )
    page = context.new_page()
    try:
        browser_sign_in(page, role)
        for url in LISTS[role]:
            page.goto(url)
            controls = page.evaluate(MEASURE, CONTROLS)
            assert len(controls) > 3, url
            outside = [c["what"] for c in controls if c["left"] < -0.5 or c["right"] > width + 0.5]
            assert outside == [], f"{url} at {width} px"
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # No table scrolls inside its frame either.
            scrolled = page.evaluate(
                "[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1).length"
            )
            assert scrolled == 0, f"{url} at {width} px has a table wider than the screen"
    finally:
        context.close()


def test_a_row_is_a_card_with_its_number_as_heading_on_a_phone(populated, chromium, live_server):
    context = chromium.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        browser_sign_in(page, "citizen")
        page.goto("/appointments")
        row = page.locator("main tbody tr").first
        key = row.locator(".card-key")
        assert populated["appointment"] in key.inner_text()
        # The heading is bigger than the facts, the header row is not shown, minor facts are left out.
        assert float(key.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) > 18
        assert page.locator("main thead").first.bounding_box()["height"] <= 1
        # The actions are full-width buttons, one under another.
        buttons = row.locator(".card-actions .button, .card-actions button")
        boxes = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
        assert len(boxes) >= 3
        row_box = row.bounding_box()
        for box in boxes:
            assert box["width"] > row_box["width"] * 0.8 and box["height"] >= 40
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]
        page.goto("/messages")
        assert page.locator("main tbody tr .card-minor").first.is_hidden()
        assert populated["request"] in page.locator("main tbody tr .card-key").first.inner_text()
        # At a desk's width the same page is a table again.
        page.set_viewport_size({"width": 1280, "height": 800})
        assert page.locator("main thead").first.bounding_box()["height"] > 20
        assert page.locator("main tbody tr .card-minor").first.is_visible()
    finally:
        context.close()
