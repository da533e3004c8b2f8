"""The static site is self-contained: nothing loaded from another host, every link relative and resolving.

A library must be able to keep the site as files: opened from disk
(``file://…/_build/html/index.html``, through the ``_build/html`` symlink) or
served from any sub-path. So every resource a page loads is a relative URL, no
link starts at the server root, and every internal link reaches an existing
file and, with a ``#fragment``, an existing id in it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from conftest import ARTIFACTS

#: Attributes through which a page *loads* something (not links a reader may follow).
RESOURCE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("script", "src"), ("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"),
    ("iframe", "src"), ("video", "src"), ("video", "poster"), ("audio", "src"), ("track", "src"),
    ("embed", "src"), ("object", "data"), ("input", "src"), ("image", "href"), ("use", "href"),
)
#: <link rel=…> values that load a resource; others (canonical, alternate, license) only name one.
LOADING_RELS = frozenset({"stylesheet", "icon", "shortcut", "preload", "prefetch", "modulepreload",
                          "manifest", "apple-touch-icon", "mask-icon", "dns-prefetch", "preconnect"})
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


def is_remote(url: str) -> bool:
    """A URL that names another host (or the root of this one) rather than a relative file."""
    parts = urlsplit(url.strip())
    return bool(parts.scheme and parts.scheme not in ("data",)) or url.strip().startswith("/")


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.is_file())


@cache
def ids_of(path: Path) -> frozenset[str]:
    """Every id (and a name) in an HTML file: the fragments a link may name."""
    tree = lxml_html.parse(str(path))
    return frozenset(tree.xpath("//@id | //a/@name"))


def page_links(path: Path) -> list[tuple[str, str]]:
    """(kind, url) of everything a page loads or links: kind is 'load', 'link' or 'refresh'."""
    tree = lxml_html.parse(str(path))
    found: list[tuple[str, str]] = []
    for tag, attribute in RESOURCE_ATTRIBUTES:
        for value in tree.xpath(f"//*[local-name()='{tag}']/@{attribute}"):
            urls = [v.strip().split()[0] for v in value.split(",") if v.strip()] if attribute == "srcset" else [value]
            found += [("load", url) for url in urls]
    for link in tree.xpath("//link[@href]"):
        rels = set((link.get("rel") or "").lower().split())
        found.append(("load" if rels & LOADING_RELS else "link", link.get("href")))
    for style in tree.xpath("//style/text() | //@style"):
        found += [("load", a or b) for a, b in CSS_URL.findall(style)]
    for anchor in tree.xpath("//a[@href] | //area[@href]"):
        found.append(("link", anchor.get("href")))
    for meta in tree.xpath("//meta[translate(@http-equiv,'REFSH','refsh')='refresh']/@content"):
        match = re.search(r"url\s*=\s*(.+)$", meta, re.I)
        if match:
            found.append(("refresh", match.group(1).strip().strip("'\"")))
    return found


def check_page(site: Path, page: Path) -> list[str]:
    """What is wrong with one page's resources and links (empty when nothing is)."""
    problems = []
    rel = page.relative_to(site)
    for kind, url in page_links(page):
        if url.startswith(("mailto:", "tel:", "data:")):
            continue
        if is_remote(url):
            # A link to another site may be followed; nothing may be loaded from one, and
            # nothing may start at the server root (it breaks sub-paths and file://).
            if kind != "link" or url.startswith("/"):
                problems.append(f"{rel}: {kind} {url!r} is not relative")
            continue
        parts = urlsplit(url)
        target = page if not parts.path else (page.parent / unquote(parts.path))
        if not target.exists():
            problems.append(f"{rel}: {kind} {url!r}: no such file {target.relative_to(site) if target.is_relative_to(site) else target}")
            continue
        if target.is_dir():
            target = target / "index.html"
        if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target.resolve()):
            problems.append(f"{rel}: {kind} {url!r}: no id {parts.fragment!r} in {target.name}")
    return problems


def test_every_page_self_contained_and_every_link_resolves(built_site: Path) -> None:
    site = built_site.resolve()
    pages = html_files(site)
    assert len(pages) > 20, pages
    problems = [p for page in pages for p in check_page(site, page)]
    assert not problems, f"{len(problems)} problems, e.g.:\n" + "\n".join(problems[:40])


def test_stylesheets_load_nothing_from_elsewhere(built_site: Path) -> None:
    site = built_site.resolve()
    sheets = sorted(site.rglob("*.css"))
    assert sheets
    remote = [f"{css.relative_to(site)}: {a or b}" for css in sheets
              for a, b in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace"))
              if is_remote(a or b)]
    assert not remote, remote


def test_checker_catches_what_it_must(tmp_path: Path) -> None:
    """The checker is not blind: a remote script, a root-relative link, a dead fragment are found."""
    (tmp_path / "a.html").write_text(
        '<html><head><script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="/static/x.css"></head>'
        '<body><a href="b.html#nowhere">b</a><a href="c.html">c</a><a href="https://example.org/">ok</a>'
        '<p id="here"><a href="#here">self</a></p></body></html>', encoding="utf-8")
    (tmp_path / "b.html").write_text('<html><body><p id="there">b</p></body></html>', encoding="utf-8")
    problems = check_page(tmp_path, tmp_path / "a.html")
    assert len(problems) == 4, problems
    assert any("cdn.example.org" in p for p in problems)
    assert any("/static/x.css" in p for p in problems)
    assert any("nowhere" in p for p in problems)
    assert any("c.html" in p for p in problems)


def _open_and_check(browser, url: str, shot: str) -> None:
    """Open ``url``: its text is shown, the edition's CSS is applied, and no request failed."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    try:
        page.goto(url, wait_until="load")
        assert "Kirov" in page.inner_text("body")
        # edition.css: the apparatus has a rule at its left; the footer names the licence.
        border = page.eval_on_selector("div.apparatus", "e => getComputedStyle(e).borderLeftStyle")
        assert border == "solid", f"edition.css not applied at {url}"
        assert "CC BY 4.0" in page.inner_text("footer.edition-footer")
        assert not failed, failed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / shot))
    finally:
        page.close()


def test_site_reads_from_the_file_system(built_site: Path, browser) -> None:
    # Through the _build/html symbolic link, as a reader would open it.
    assert built_site.is_symlink()
    _open_and_check(browser, (built_site / "tei" / "dikova.html").as_uri(), "selfcontained-file-url.png")


def test_site_reads_from_a_sub_path(built_site: Path, browser, tmp_path: Path) -> None:
    import http.server
    import threading
    from functools import partial

    (tmp_path / "some" / "path").mkdir(parents=True)
    (tmp_path / "some" / "path" / "edition").symlink_to(built_site.resolve())
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/some/path/edition/"
        _open_and_check(browser, base + "tei/dikova.html", "selfcontained-sub-path.png")
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("url", ["https://cdn.example.org/a.js", "//cdn.example.org/a.js", "/a.js"])
def test_remote_urls_are_recognised(url: str) -> None:
    assert is_remote(url)
    assert not is_remote("../_static/a.js")
