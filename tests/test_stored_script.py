"""Stored script: markup typed into a TEI string never runs in a reader's browser.

A copy of the edition gets the two payloads of issue #24 in every kind of string that
reaches a page: a document's title and an author's name (page metadata, JSON-LD, the
parallel page's navigation, the citation page), a division's ``@n`` (canonical
references), register entries (persons, places, organisations, bibliography) and a
synopsis group's description. The built site is opened in Chromium, one page of every
kind: no dialog may open, no page may be blank.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import copy_edition, run_edition

#: Closes a script element and opens one; the other leaves a script element in the
#: "double-escaped" state, which swallows the rest of the page.
BREAKOUT = "</script><script>alert(1)</script>"
COMMENT = "<!--<script>"
PAYLOAD = f"{BREAKOUT}{COMMENT}"
ESCAPED = PAYLOAD.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

#: (file, text as it is in the TEI, the same with the payload put in)
EDITS = [
    ("tei/bakulin.xml", "Bakulin and Chemodanov, Entering 1937 (abstract)", f"Bakulin {ESCAPED} (abstract)"),
    ("tei/bakulin.xml", "<surname>Bakulin</surname>", f"<surname>Bakulin{ESCAPED}</surname>"),
    ("tei/bakulin.xml", 'type="abstractSection" n="2"', 'type="abstractSection" n="2&lt;!--&lt;script&gt;"'),
    ("tei/persons.xml", '<persName type="display">Vilfredo Pareto</persName>',
     f'<persName type="display">Vilfredo Pareto {ESCAPED}</persName>'),
    ("tei/persons.xml", '<persName type="display">Nikolai Bukharin</persName>',
     f'<persName type="display">Nikolai Bukharin {ESCAPED}</persName>'),
    ("tei/persons.xml", "<occupation>Bolshevik theoretician, editor of Pravda,",
     f"<occupation>Bolshevik theoretician {ESCAPED}, editor of Pravda,"),
    ("tei/orgs.xml", "<desc>Regional archive in Kirov</desc>", f"<desc>Regional archive {ESCAPED}</desc>"),
    ("tei/places.xml", '<placeName type="display">Leningrad</placeName>',
     f'<placeName type="display">Leningrad {ESCAPED}</placeName>'),
    ("tei/bibliography.xml", '<title level="m">The Road to Terror</title>',
     f'<title level="m">The Road to Terror {ESCAPED}</title>'),
    ("tei/synopsis.xml", "<desc>Kirov and Stalin: friends or rivals?</desc>",
     f"<desc>Kirov and Stalin {ESCAPED}</desc>"),
]


def hostile_copy(dest: Path) -> Path:
    """A copy of the edition with the payloads in every kind of string a page shows."""
    root = copy_edition(dest)
    for rel, old, new in EDITS:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{rel} no longer holds {old!r}: update the test"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = hostile_copy(tmp_path_factory.mktemp("stored-script"))
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Traceback" not in proc.stderr
    return root / "_build" / "html"


#: One page of every kind, each of which shows at least one payload.
PAGES = [
    "tei/bakulin.html", "parallel/bakulin.html", "cite/bakulin.html", "cite/index.html",
    "registers/persons.html", "registers/persons/bukharin.html", "registers/places.html",
    "registers/orgs.html", "registers/bibliography.html", "registers/chronology.html",
    "synopsis/index.html", "index.html", "search.html", "genindex.html", "tei/dikova.html",
]


def _synopsis_group(site: Path) -> str:
    for path in sorted((site / "synopsis").glob("*.html")):
        if "Kirov and Stalin" in path.read_text(encoding="utf-8"):
            return path.relative_to(site).as_posix()
    raise AssertionError("no synopsis page shows the group")


def test_payload_is_text_in_every_page(hostile_site: Path):
    """No published page holds the payload as markup; the pages that show it show it as text."""
    shown = 0
    for path in sorted(hostile_site.rglob("*.html")):
        page = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page, path
        assert COMMENT not in page, path
        tree = lxml_html.fromstring(page)
        for script in tree.iter("script"):
            assert "alert" not in (script.text or "") or script.get("type") in ("application/ld+json", "application/json"), path
        if "alert(1)" in tree.text_content():
            shown += 1
    assert shown >= 10, "the payloads should be shown, as text, on many pages"


def test_no_dialog_on_any_kind_of_page(browser, hostile_site: Path):
    import http.server
    import threading
    from functools import partial

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = partial(Quiet, directory=str(hostile_site.resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    dialogs: list[str] = []
    blank: list[str] = []
    try:
        for rel in [*PAGES, _synopsis_group(hostile_site)]:
            assert (hostile_site / rel).exists(), rel
            page = browser.new_page()
            page.on("dialog", lambda d, rel=rel: (dialogs.append(f"{rel}: {d.message}"), d.dismiss()))
            page.goto(base + rel)
            page.wait_for_load_state("load")
            page.wait_for_timeout(150)
            # Not blank: the page's footer (after all of the head's and the body's content) is shown.
            footer = page.locator("footer.edition-footer")
            if not footer.count() or not footer.first.is_visible():
                blank.append(rel)
            text = page.inner_text("body")
            if rel in ("tei/bakulin.html", "parallel/bakulin.html", "registers/persons/bukharin.html"):
                assert "alert(1)" in text, f"{rel}: the payload is not shown as text"
            page.close()
    finally:
        server.shutdown()
        server.server_close()
    assert not dialogs, dialogs
    assert not blank, f"pages left blank: {blank}"


def test_policy_is_the_editions_own(hostile_site: Path):
    """Every page carries the same policy, with no hash: nothing inline is ever allowed to run."""
    policies = set()
    for path in hostile_site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
        assert len(found) == 1, path
        policies.add(found[0])
    assert len(policies) == 1, policies
    (policy,) = policies
    assert "script-src 'self';" in policy and "sha256" not in policy and "unsafe-inline" not in policy
