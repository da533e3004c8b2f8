"""The apparatus beside its paragraph, measured in Debian's Chromium.

At 1400 px the apparatus of a paragraph stands to the right of it and overlaps it
vertically; at 600 px it stands below it. The dissertation page is photographed at
both widths into ``_build/test-artifacts/``. The page must work without JavaScript.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "_build" / "test-artifacts"

#: Boxes of each block that has an apparatus: the first text block and the apparatus.
MEASURE = """
() => Array.from(document.querySelectorAll('div.unit > div.apparatus, li > div.apparatus'))
  .map(app => {
    const owner = app.parentElement;
    const text = Array.from(owner.children).find(c => !c.classList.contains('apparatus'));
    const a = app.getBoundingClientRect(), t = text.getBoundingClientRect();
    return {id: (owner.id || text.id || ''), app: {left: a.left, top: a.top, bottom: a.bottom, right: a.right},
            text: {left: t.left, top: t.top, bottom: t.bottom, right: t.right}};
  })
"""


def measure(browser, url: str, width: int, *, javascript: bool = True) -> list[dict]:
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(url)
        return page.evaluate(MEASURE)
    finally:
        context.close()


@pytest.mark.parametrize("key", ["dikova", "slides"])
def test_apparatus_beside_the_paragraph_on_wide_screens(browser, site_server: str, key: str) -> None:
    boxes = measure(browser, f"{site_server}tei/{key}.html", 1400)
    assert len(boxes) >= 10
    for box in boxes:
        app, text = box["app"], box["text"]
        assert app["left"] > text["right"], f"{box['id']}: apparatus not to the right"
        assert app["top"] < text["bottom"] and text["top"] < app["bottom"], f"{box['id']}: no vertical overlap"


@pytest.mark.parametrize("key", ["dikova", "slides"])
def test_apparatus_below_the_paragraph_on_narrow_screens(browser, site_server: str, key: str) -> None:
    boxes = measure(browser, f"{site_server}tei/{key}.html", 600)
    assert len(boxes) >= 10
    for box in boxes:
        assert box["app"]["top"] >= box["text"]["bottom"] - 0.5, f"{box['id']}: apparatus not below"


def test_screenshots_of_the_dissertation(browser, site_server: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 600):
        context = browser.new_context(viewport={"width": width, "height": 1000})
        page = context.new_page()
        # The first paragraph of chapter 1 has an emendation and footnotes.
        page.goto(f"{site_server}tei/dikova.html#dikova-p0007")
        path = ARTIFACTS / f"apparatus-dikova-{width}.png"
        page.screenshot(path=str(path))
        context.close()
        assert path.stat().st_size > 10_000


def test_page_works_without_javascript(browser, site_server: str) -> None:
    # Layout is CSS only: the same at 1400 px without scripts.
    boxes = measure(browser, f"{site_server}tei/slides.html", 1400, javascript=False)
    assert boxes and all(b["app"]["left"] > b["text"]["right"] for b in boxes)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_server}tei/slides.html")
    # Mark → apparatus entry → back to the mark; mark → list row → back: plain links.
    page.click("a#slides-p0019-em1-ref")
    assert page.url.endswith("#slides-p0019-em1-app")
    assert page.locator("#slides-p0019-em1-app").is_visible()
    page.click("#slides-p0019-em1-app a.em-backref")
    assert page.url.endswith("#slides-p0019-em1")
    page.click("a#slides-p0019-em1")
    assert page.url.endswith("#slides-p0019-em1-list")
    assert page.locator("tr#slides-p0019-em1-list").is_visible()
    page.goto(f"{site_server}parallel/slides.html")
    assert page.locator("div.reading.diplomatic").first.is_visible()
    context.close()


def test_script_highlights_the_paired_entry(browser, site_server: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{site_server}tei/slides.html")
    page.hover("a#slides-p0019-em1-ref")
    assert "paired" in (page.get_attribute("#slides-p0019-em1-app", "class") or "")
    context.close()


def test_parallel_columns_side_by_side(browser, site_server: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{site_server}parallel/dikova.html")
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('div.parallel-row')).slice(0, 30).map(r => {
        const d = r.querySelector('div.reading.diplomatic').getBoundingClientRect();
        const e = r.querySelector('div.reading.edited').getBoundingClientRect();
        return {d: [d.left, d.right, d.top], e: [e.left, e.right, e.top]}; })""")
    context.close()
    assert boxes
    for box in boxes:
        assert box["e"][0] >= box["d"][1] and abs(box["e"][2] - box["d"][2]) < 2
