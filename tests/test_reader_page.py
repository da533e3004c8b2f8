"""The reader's page in Debian's Chromium: the measure, the apparatus beside the text, calm names.

Characters per line are counted in the browser: every character of a paragraph's own
text is placed by its rendered box, and the characters of each line are counted (the
last, short line of the paragraph is left out). Screenshots go to ``_build/test-artifacts/``.
"""

from __future__ import annotations

import pytest

from conftest import ARTIFACTS

#: A dissertation paragraph of 198 words with 14 name links, two notes and a date.
PARAGRAPH = "dikova-p0098"

#: Characters on each full line of a paragraph, and the boxes of the paragraph and its apparatus.
LINES = """
(id) => {
  const p = document.getElementById(id);
  const lines = [];
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (let i = 0; i < n.length; i++) {
      range.setStart(n, i); range.setEnd(n, i + 1);
      const r = range.getClientRects()[0];
      if (!r || r.width === 0) continue;  // hidden (the name cards) or collapsed white space
      const middle = r.top + r.height / 2;
      let line = lines.find(l => Math.abs(l.middle - middle) < r.height / 3);
      if (!line) { line = {middle, count: 0}; lines.push(line); }
      line.count += 1;
    }
  }
  lines.sort((a, b) => a.middle - b.middle);
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const app = p.parentElement.querySelector(':scope > div.apparatus');
  return {counts: lines.map(l => l.count), text: box(p), apparatus: app && box(app)};
}
"""


def measure(browser, url: str, width: int, paragraph: str = PARAGRAPH) -> dict:
    context = browser.new_context(viewport={"width": width, "height": 1000})
    try:
        page = context.new_page()
        page.goto(url)
        return page.evaluate(LINES, paragraph)
    finally:
        context.close()


@pytest.mark.parametrize("width", [1400, 1000])
def test_a_dissertation_paragraph_has_a_books_measure(browser, site_server: str, width: int) -> None:
    found = measure(browser, f"{site_server}tei/dikova.html", width)
    full = found["counts"][:-1]
    assert len(full) >= 10, found["counts"]
    mean = sum(full) / len(full)
    assert 60 <= mean <= 75, f"{mean:.1f} characters a line at {width} px: {found['counts']}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"reader-measure-{width}.txt").write_text(
        f"{PARAGRAPH} at {width} px: {mean:.1f} characters a line (lines {found['counts']})\n", encoding="utf-8")


@pytest.mark.parametrize("width", [1400, 1000])
def test_the_apparatus_stands_beside_its_paragraph(browser, site_server: str, width: int) -> None:
    found = measure(browser, f"{site_server}tei/dikova.html", width)
    text, app = found["text"], found["apparatus"]
    assert app is not None
    assert app["left"] >= text["right"], f"at {width} px the apparatus is not beside the text"
    assert app["right"] <= width, f"at {width} px the apparatus runs off the screen"
    assert abs(app["top"] - text["top"]) < 2, "the apparatus does not start level with its paragraph"


def test_on_a_phone_the_apparatus_is_below(browser, site_server: str) -> None:
    found = measure(browser, f"{site_server}tei/dikova.html", 390)
    assert found["apparatus"]["top"] >= found["text"]["bottom"] - 0.5
    assert found["text"]["right"] <= 390


def test_names_are_calm_but_still_links(browser, site_server: str) -> None:
    """No underline (nor the theme's dotted border) on a name by default; focus shows it and its card."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{site_server}tei/dikova.html")
        name = page.locator(f"#{PARAGRAPH} a.persname").first
        style = name.evaluate("""a => { const s = getComputedStyle(a), p = getComputedStyle(a.parentElement);
            return {line: s.textDecorationLine, border: s.borderBottomStyle + ' ' + s.borderBottomWidth,
                    color: s.color, text: p.color}; }""")
        assert style["line"] == "none", style
        assert style["border"].startswith("none") or style["border"].endswith(" 0px"), style
        assert style["color"] == style["text"], "a name has the colour of the text around it"
        card = name.locator(".register-info")
        assert not card.is_visible()
        name.focus()
        assert card.is_visible(), "the register card shows on keyboard focus"
        assert name.evaluate("a => getComputedStyle(a).outlineStyle") != "none"
    finally:
        context.close()


def test_the_sidebar_does_not_narrow_the_text(browser, site_server: str) -> None:
    """At 1400 px the sidebar stands left of the text, and the text still has its full measure."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{site_server}tei/dikova.html")
        side = page.locator("div.sphinxsidebar").bounding_box()
        text = page.locator(f"#{PARAGRAPH}").bounding_box()
        assert side["x"] + side["width"] <= text["x"]
        assert text["width"] >= 36 * 17 - 1  # the measure: 36em of 17 px
    finally:
        context.close()
