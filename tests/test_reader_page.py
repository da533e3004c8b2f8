"""The reader's page in Debian's Chromium: the measure, the apparatus beside the text, calm names.

Characters per line are counted in the browser: every character of a paragraph's own
text is placed by its rendered box, and the characters of each line are counted (the
last, short line of the paragraph is left out). Screenshots go to ``_build/test-artifacts/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def opened(browser, **options) -> Iterator:
    """A page in a browser context of its own (its own localStorage), closed afterwards."""
    options.setdefault("viewport", {"width": 1400, "height": 1000})
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


def measure(browser, url: str, width: int, paragraph: str = PARAGRAPH) -> dict:
    with opened(browser, viewport={"width": width, "height": 1000}) as page:
        page.goto(url)
        return page.evaluate(LINES, paragraph)


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
    with opened(browser) as page:
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


def test_the_sidebar_does_not_narrow_the_text(browser, site_server: str) -> None:
    """At 1400 px the sidebar stands left of the text, and the text still has its full measure."""
    with opened(browser) as page:
        page.goto(f"{site_server}tei/dikova.html")
        side = page.locator("div.sphinxsidebar").bounding_box()
        text = page.locator(f"#{PARAGRAPH}").bounding_box()
        assert side["x"] + side["width"] <= text["x"]
        assert text["width"] >= 36 * 17 - 1  # the measure: 36em of 17 px


# --- The reading toolbar (reader.js) -------------------------------------------------------

OPTIONS_KEY = "kirov-edition:reading-options"
ALL_ON = '{"highlight": {"persons": true, "places": true, "orgs": true, "dates": true}, "hidden": {}}'


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the keyboard focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reached with Tab")


def test_highlighting_toggles_by_keyboard_and_persists(browser, site_server: str) -> None:
    with opened(browser) as page:
        page.goto(f"{site_server}tei/dikova.html")
        name = page.locator(f"#{PARAGRAPH} a.persname").first
        background = "a => getComputedStyle(a).backgroundColor"
        assert name.evaluate(background) == "rgba(0, 0, 0, 0)"
        tab_to(page, "#reader-highlight-persons")
        page.keyboard.press("Space")
        assert page.is_checked("#reader-highlight-persons")
        assert name.evaluate(background) != "rgba(0, 0, 0, 0)"
        assert page.locator("div.reader-toolbar [role=status]").text_content() == "Persons highlighted."
        # The checkbox is named by its label (the legend of the colour).
        assert page.get_by_role("checkbox", name="Persons").is_checked()
        page.reload()
        assert page.is_checked("#reader-highlight-persons")
        assert name.evaluate(background) != "rgba(0, 0, 0, 0)"
        # Across pages: another document is highlighted too.
        page.goto(f"{site_server}tei/article.html")
        assert "hl-persons" in page.evaluate("document.documentElement.className")
        tab_to(page, "#reader-highlight-persons")
        page.keyboard.press("Space")
        page.goto(f"{site_server}tei/dikova.html")
        assert name.evaluate(background) == "rgba(0, 0, 0, 0)"


def test_apparatus_layers_hide_by_keyboard_and_persist(browser, site_server: str) -> None:
    with opened(browser) as page:
        page.goto(f"{site_server}tei/dikova.html")
        note = page.locator("aside.footnote.fn").first
        callout = page.locator("a.fn-ref").first
        names = page.locator(f"#{PARAGRAPH} ~ div.apparatus p.names-entry")
        assert note.is_visible() and callout.is_visible() and names.is_visible()
        tab_to(page, "#reader-layer-footnotes")
        page.keyboard.press("Space")
        assert not note.is_visible() and not callout.is_visible()
        assert "hidden" in page.locator("div.reader-toolbar [role=status]").text_content()
        tab_to(page, "#reader-layer-names")
        page.keyboard.press("Space")
        assert not names.is_visible()
        # An apparatus with nothing left to show takes no room.
        assert not page.locator(f"#{PARAGRAPH} ~ div.apparatus").is_visible()
        page.reload()
        assert not note.is_visible() and not names.is_visible()
        assert not page.is_checked("#reader-layer-footnotes")
        page.check("#reader-layer-footnotes")
        page.check("#reader-layer-names")
        assert note.is_visible() and names.is_visible()


def test_without_scripts_no_toolbar_and_every_layer_shown(browser, site_server: str) -> None:
    with opened(browser, java_script_enabled=False) as page:
        page.goto(f"{site_server}tei/dikova.html")
        assert page.locator("div.reader-toolbar").count() == 0
        assert page.locator("aside.footnote.fn").first.is_visible()
        assert page.locator("p.names-entry").first.is_visible()


# --- Accessibility and screenshots ---------------------------------------------------------

AXE = ARTIFACTS.parents[1] / "tools" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.mark.parametrize("options", ["{}", ALL_ON], ids=["highlighting-off", "highlighting-on"])
def test_no_serious_accessibility_violations_with_highlighting(browser, site_server: str, options: str) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'make test-deps'")
    # The page's own Content-Security-Policy forbids injected scripts: axe needs it bypassed.
    with opened(browser, bypass_csp=True) as page:
        page.goto(f"{site_server}tei/dikova.html")
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [OPTIONS_KEY, options])
        page.reload()
        assert ("hl-persons" in page.evaluate("document.documentElement.className")) == (options == ALL_ON)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("""async () => (await axe.run()).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}) x${v.nodes.length}: ${v.nodes[0].target.join(' ')}`)""")
        assert not violations, violations


def test_screenshots_of_the_reader_page(browser, site_server: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 1000, 390):
        for state, options in (("off", "{}"), ("on", ALL_ON)):
            path = ARTIFACTS / f"reader-dikova-{width}-highlight-{state}.png"
            with opened(browser, viewport={"width": width, "height": 1000}) as page:
                page.goto(f"{site_server}tei/dikova.html")
                page.evaluate("([k, v]) => localStorage.setItem(k, v)", [OPTIONS_KEY, options])
                page.reload()
                page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000


# --- Tables: the apparatus under the table ----------------------------------------------

#: Table 1 of the dissertation; its header cell 1.10.1934 is an emendation of the source's 1.10.1034.
TABLE = "dikova-table2"
TABLE_MARK = "dikova-row38-em1"


def test_a_cells_apparatus_entry_stands_under_its_table() -> None:
    """In the XSLT's doctree: the mark in the cell, the entry in the apparatus right after the table."""
    from edition.documents import TEI_DIR
    from edition.transform import transformer
    from lxml import etree

    out = etree.fromstring(transformer().transform(TEI_DIR / "dikova.xml", reading="edited").xml.encode())
    (table,) = out.xpath(f"//table[@ids='{TABLE}']")
    assert table.xpath(f".//entry//reference[@ids='{TABLE_MARK}']"), "the mark stays in its cell"
    assert not table.xpath(".//container[contains(concat(' ', @classes, ' '), ' apparatus ')]"), \
        "no apparatus inside the table"
    after = table.getnext()
    assert after.tag == "container" and "apparatus" in after.get("classes").split()
    assert after.xpath(f"paragraph[@ids='{TABLE_MARK}-app']"), "the cell's emendation is under the table"
    assert after.xpath("footnote[@ids='dikova-fn203']"), "the caption's note too"


def test_table_1_in_the_browser(browser, site_server: str) -> None:
    with opened(browser) as page:
        page.goto(f"{site_server}tei/dikova.html")
        entry = page.locator(f"#{TABLE_MARK}-app")
        assert entry.evaluate("e => e.closest('table') === null")
        table = page.locator(f"#{TABLE}").bounding_box()
        box = entry.bounding_box()
        assert box["y"] >= table["y"] + table["height"], "the entry is under the table"
        # The header cell holds the date and its mark only: one line, not a stacked column.
        cell = page.locator(f"#{TABLE_MARK}").evaluate("a => { const r = a.closest('th').getBoundingClientRect(); return r.height; }")
        row = page.locator("#dikova-row39 td").first.evaluate("e => e.getBoundingClientRect().height")
        assert cell <= row * 1.5
        # Mark → entry → back, by their links.
        page.click(f"#{TABLE_MARK}-ref")
        assert page.url.endswith(f"#{TABLE_MARK}-app")
        page.click(f"#{TABLE_MARK}-app a.em-backref")
        assert page.url.endswith(f"#{TABLE_MARK}")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        # The table, its apparatus and its chart in one picture.
        page.set_viewport_size({"width": 1400, "height": 1200})
        page.locator(f"#{TABLE}").evaluate("t => t.scrollIntoView()")
        top = page.locator(f"#{TABLE}").bounding_box()
        chart = page.locator(f"#{TABLE}-chart").bounding_box()
        clip = {"x": 0, "y": max(top["y"] - 10, 0), "width": 1400,
                "height": min(chart["y"] + chart["height"] - top["y"] + 20, 1200)}
        page.screenshot(path=str(ARTIFACTS / "reader-table1-chart.png"), clip=clip)


# --- Lost notes: one line per paragraph -------------------------------------------------

def test_lost_notes_of_a_paragraph_are_one_line(browser, site_server: str) -> None:
    with opened(browser) as page:
        page.goto(f"{site_server}tei/dikova.html")
        app = page.locator(f"#{PARAGRAPH} ~ div.apparatus")
        assert app.locator("aside.footnote.missing").count() == 0
        line = app.locator("p.lost-notes")
        assert line.count() == 1
        assert line.text_content() == "notes 137–138: note text not preserved in the source"
        assert line.evaluate("p => p.getClientRects().length") == 1
        height = line.evaluate("p => p.getBoundingClientRect().height")
        assert height < 2 * float(line.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")) * 1.5, "one line"
        # Each callout keeps its link target, and the numbers link back.
        for number in ("137", "138"):
            page.click(f"#dikova-fn{number}-ref")
            assert page.url.endswith(f"#dikova-fn{number}")
            assert page.locator(f"#dikova-fn{number}").evaluate("e => e.closest('p.lost-notes') !== null")
        page.click("#dikova-fn138")
        assert page.url.endswith("#dikova-fn138-ref")
        # A run of four reads "29–32"; the notes between keep their ids (and numbers, for
        # screen readers and the search index) in the line.
        line = page.locator("#dikova-fn030").locator("xpath=ancestor::p[1]")
        assert line.text_content() == "notes 29, 30, 31–32: note text not preserved in the source"
        assert line.locator("span.lost-between").bounding_box()["width"] <= 1, "on the screen: 29–32"
        for between in ("030", "031"):
            page.goto(f"{site_server}tei/dikova.html#dikova-fn{between}")
            assert line.is_visible() and 0 <= line.bounding_box()["y"] < 1000, "the target line is scrolled to"
        total = page.locator("p.lost-notes").count()
        assert page.locator("aside.footnote.missing").count() == 0 and total < 309


# --- Print ------------------------------------------------------------------------------

def test_a_printed_document_page(browser, site_server: str) -> None:
    """Chromium's print: the text with its notes, no navigation or toolbar, headings kept with what follows."""
    with opened(browser, viewport={"width": 800, "height": 1100}) as page:
        page.goto(f"{site_server}tei/dikova.html")
        page.emulate_media(media="print")
        for chrome in ("div.sphinxsidebar", "div.reader-toolbar", "p.parallel-link", "a.cite-link"):
            assert not page.locator(chrome).first.is_visible(), f"{chrome} is printed"
        assert page.locator("#dikova-p0007").is_visible()
        assert page.locator("aside.footnote.fn").first.is_visible(), "the notes are printed"
        assert page.locator("a.fn-ref").first.is_visible()
        for selector in ("h2", "h3"):
            assert page.locator(selector).first.evaluate("h => getComputedStyle(h).breakAfter") == "avoid"
        # The apparatus stands below its paragraph, inside the printed width.
        text = page.locator("#dikova-p0007").bounding_box()
        app = page.locator("#dikova-p0007 ~ div.apparatus").bounding_box()
        assert app["y"] >= text["y"] + text["height"] - 0.5
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "reader-dikova-print.png"))
        page.pdf(path=str(ARTIFACTS / "reader-dikova-print.pdf"), format="A4")
        assert (ARTIFACTS / "reader-dikova-print.pdf").stat().st_size > 100_000
