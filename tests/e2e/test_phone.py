"""A cheap 360 px phone: the lists are cards, nothing to reach by scrolling sideways."""

import re

import pytest
from playwright.sync_api import expect

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


BOOKING_DATE_STEP = (
    "/appointments/book?sector=passports&service=passport_issue&region=riyadh&branch=passports_riyadh_north"
)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_day_is_chosen_in_the_calendar_with_the_keyboard(browser_page, width):
    page = browser_sign_in(browser_page, "citizen")
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(BOOKING_DATE_STEP)
    group = page.get_by_role("group", name="التاريخ")
    radios = group.get_by_role("radio")
    free = page.locator("table.calendar input[name=date]:not([disabled])")
    first, second = free.nth(0).get_attribute("value"), free.nth(1).get_attribute("value")
    # The branch select is the last control before the calendar: Tab enters the group at its first free day.
    page.get_by_label("الفرع", exact=True).focus()
    page.keyboard.press("Tab")
    expect(free.nth(0)).to_be_focused()
    page.keyboard.press("Space")
    expect(free.nth(0)).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#date-{second}")).to_be_checked()
    assert radios.count() >= 30
    # A screen reader hears the whole day from the label.
    name = page.locator(f"#date-{second}").evaluate("e => e.labels[0].innerText")
    assert "هـ" in name and "مقعد" in name and first != second
    # Every day cell sits inside the screen.
    for box in page.locator("table.calendar td").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().right)"
    ):
        assert box <= width
    if not page.javascript:
        page.get_by_role("button", name="التالي").click()
    expect(page.locator("#time-group legend")).to_have_text("الوقت")
    expect(page.locator(f"#date-{second}")).to_be_checked()


def test_after_an_htmx_swap_the_counter_counts_and_the_title_tells_the_error(populated, browser_page):
    page = browser_sign_in(browser_page, "citizen")
    page.goto(f"/messages/{populated['request']}")
    assert not page.title().startswith("خطأ: ")
    page.get_by_role("button", name="إرسال الرد").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile("^خطأ: "))
    text = "وهل أحتاج إلى صورة شخصية؟"
    page.get_by_label("ردك").fill(text)
    if page.javascript:
        # The form was swapped in by htmx: its counter still follows the typing.
        expect(page.locator("#body-count")).to_contain_text(f"متبقٍ {1000 - len(text)} حرفًا")
    page.get_by_role("button", name="إرسال الرد").click()
    expect(page.locator(".timeline")).to_contain_text(text)
    expect(page).not_to_have_title(re.compile("^خطأ: "))
    if page.javascript:
        page.get_by_label("ردك").fill("نعم")
        expect(page.locator("#body-count")).to_contain_text("متبقٍ 997 حرفًا")


@pytest.mark.parametrize("width", [360, 1280])
def test_cancelling_asks_first_and_the_next_step_is_the_primary_button(populated, browser_page, width):
    page = browser_sign_in(browser_page, "citizen")
    page.set_viewport_size({"width": width, "height": 800})
    number = populated["appointment"]
    page.goto(f"/appointments/{number}")
    primary = page.locator("main .actions .button:not(.button--secondary)")
    expect(primary).to_have_count(1)
    expect(primary).to_have_text("طباعة الموعد")
    expect(page.get_by_role("link", name="إلغاء", exact=True)).to_have_class(re.compile("button--secondary"))
    page.get_by_role("link", name="إلغاء", exact=True).click()
    expect(page.locator("h1")).to_have_text("هل تريد إلغاء هذا الموعد؟")
    page.get_by_role("link", name="لا، أبقِه").click()
    expect(page.locator("h1")).to_have_text("تم حجز موعدك")
    page.goto(f"/messages/{populated['request']}")
    expect(page.get_by_role("link", name="سحب الطلب")).to_have_class(re.compile("button--secondary"))
    # Its visit is booked: the page shows the visit in place of «حجز موعد».
    expect(page.get_by_role("link", name="حجز موعد")).to_have_count(0)
    expect(page.locator("#visit-heading")).to_be_visible()
