"""Stored script: markup typed into a TEI string never runs in a reader's browser.

A copy of the edition gets the two payloads of issue #24 in every kind of string that
reaches a page: a document's title and an author's name (page metadata, JSON-LD, the
parallel page's navigation, the citation page), register entries (persons, places,
organisations, bibliography) and a synopsis group's description. The built site is
opened in Chromium, one page of every kind: no dialog may open, no page may be blank.
A division's ``@n`` with markup is refused by ``edition validate`` (it would be a
canonical reference: :mod:`edition.filenames`), so it is tried through ``edition render``,
which renders any TEI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import REPO, copy_edition, run_edition

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


class _Site:
    """A folder served over HTTP on loopback, quietly."""

    def __init__(self, folder: Path) -> None:
        import http.server
        import threading
        from functools import partial

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder.resolve())))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> _Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _visit(browser, url: str, dialogs: list[str]) -> str | None:
    """Open ``url``, answering any dialog (and noting it); the page's text, None if it is blank."""
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(f"{url}: {d.message}"), d.dismiss()))
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(150)
    # Not blank: the page's footer (after all of the head's and the body's content) is shown.
    footer = page.locator("footer.edition-footer, div.footer")
    shown = footer.count() and footer.first.is_visible()
    text = page.inner_text("body") if shown else None
    page.close()
    return text


def test_no_dialog_on_any_kind_of_page(browser, hostile_site: Path):
    dialogs: list[str] = []
    blank: list[str] = []
    with _Site(hostile_site) as site:
        for rel in [*PAGES, _synopsis_group(hostile_site)]:
            assert (hostile_site / rel).exists(), rel
            text = _visit(browser, site.base + rel, dialogs)
            if text is None:
                blank.append(rel)
            elif rel in ("tei/bakulin.html", "parallel/bakulin.html", "registers/persons/bukharin.html"):
                assert "alert(1)" in text, f"{rel}: the payload is not shown as text"
    assert not dialogs, dialogs
    assert not blank, f"pages left blank: {blank}"


def test_render_shows_payloads_in_n_as_text(browser, tmp_path: Path):
    """``edition render`` takes any TEI: the payloads in ``@n`` (of divisions, the root and page
    breaks), in the title and a name run no script there either."""
    text = (REPO / "tei" / "bakulin.xml").read_text(encoding="utf-8")
    for _, old, new in EDITS[:2]:
        text = text.replace(old, new, 1)
    text = text.replace('n="bakulin"', f'n="{ESCAPED}"', 1)
    text = re.sub(r'(type="abstractSection") n="(\d)"', rf'\1 n="\2{ESCAPED}"', text)
    source = tmp_path / "payloads.xml"
    source.write_text(text, encoding="utf-8")
    proc = run_edition("render", str(source), "--out", str(tmp_path / "out"), timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    out = tmp_path / "out"
    pages = [p.relative_to(out).as_posix() for p in out.rglob("*.html")]
    assert "docs/payloads.html" in pages
    dialogs: list[str] = []
    with _Site(out) as site:
        blank = [rel for rel in pages if _visit(browser, site.base + rel, dialogs) is None]
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
