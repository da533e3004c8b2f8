"""Without JavaScript every page reads and navigates; with a keyboard alone the links are reachable.

Scripts only enhance: with JavaScript switched off in Chromium, every word of a
page's main text is shown, the apparatus is visible and the navigation works. A
reader who only uses Tab reaches the apparatus and the citation controls.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

from conftest import ARTIFACTS

WORD = re.compile(r"\w+")
#: Parts that are hidden on purpose until hover or focus; their content is on the page they link to.
ON_DEMAND = ("register-info", "cite-popover")


def _pages(site: Path) -> list[str]:
    pages = ["index.html"]
    for folder in ("tei", "registers", "front"):
        pages += sorted(p.relative_to(site).as_posix() for p in (site / folder).glob("*.html"))
    pages += ["cite/dikova.html"]
    return [p for p in pages if (site / p).exists()]


def _expected_words(path: Path) -> set[str]:
    """The words of a page's main text in its HTML, minus what is shown only on demand."""
    main = html.parse(str(path)).getroot().xpath("//div[@role='main']")[0]
    for el in main.xpath(".//script | .//style | .//template"):
        el.drop_tree()
    for cls in ON_DEMAND:
        for el in main.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]"):
            el.drop_tree()
    return {w for text in main.xpath(".//text()") for w in WORD.findall(text)}


@pytest.fixture(scope="module")
def nojs(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context
    context.close()


def test_every_page_reads_without_javascript(nojs, site_server: str, built_site: Path):
    site = built_site.resolve()
    pages = _pages(site)
    assert len(pages) >= 8
    problems: dict[str, str] = {}
    for rel in pages:
        page = nojs.new_page()
        page.goto(site_server + rel)
        shown = set(WORD.findall(page.locator("div[role=main]").inner_text()))
        missing = sorted(_expected_words(site / rel) - shown)
        if missing:
            problems[rel] = f"{len(missing)} words not shown, e.g. {missing[:8]}"
        if page.locator(".apparatus").count() and not page.locator(".apparatus").first.is_visible():
            problems[rel] = "the apparatus is hidden"
        nav = page.locator(".sphinxsidebar a[href]")
        if not nav.count() or not nav.first.is_visible():
            problems[rel] = "no visible navigation"
        page.close()
    assert not problems, problems


def test_navigation_works_without_javascript(nojs, site_server: str):
    """From the landing page a reader reaches a document and its apparatus by following links."""
    page = nojs.new_page()
    page.goto(site_server + "index.html")
    page.locator("div[role=main] a[href*='tei/dikova.html']").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("tei/dikova.html")
    ref = page.locator("a.footnote-reference").first
    target = ref.get_attribute("href")
    ref.click()
    assert page.url.endswith(target)
    assert page.locator(target.replace(".", r"\.")).is_visible()
    page.close()


def _tab_until(page, selector: str, limit: int) -> tuple[bool, int]:
    """Press Tab until the focused element matches ``selector``; return (reached, presses)."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => { const a = document.activeElement; return !!a && a.matches(s); }", selector):
            return True, presses
    return False, limit


@pytest.mark.parametrize("rel,selector", [
    ("tei/dikova.html", ".apparatus a[href]"),      # a link in the apparatus
    ("tei/dikova.html", "a.footnote-reference"),     # the callout that leads there
    ("tei/dikova.html", "a.cite-link"),              # the citation control of a paragraph
    ("cite/dikova.html", "a[href$='.bib']"),         # the citation page's downloads
])
def test_keyboard_reaches(browser, site_server: str, rel: str, selector: str):
    page = browser.new_page()
    page.goto(site_server + rel)
    reached, presses = _tab_until(page, selector, 150)
    if not reached:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"keyboard-{rel.replace('/', '-')}.png"))
    assert reached, f"{selector} not reached on {rel} after {presses} presses of Tab"
    focused = page.locator(":focus")
    assert focused.is_visible(), "the focused element must be visible"
    page.close()
