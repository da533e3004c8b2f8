"""Hostile input through the renderer and the build; markup that must never execute; the CSP.

``test_hostile.py`` proves that ``edition validate`` refuses hostile files; here the
same files go through ``edition render`` and ``edition build``, and TEI full of
would-be scripts is rendered and the HTML inspected.
"""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import REPO, built_copy, run_edition, site_files
from edition.sphinxext.security import POLICY, add_policy, is_safe_uri, json_script, without_policy
from test_hostile import CASES, TEI_OPEN


@pytest.fixture
def listener():
    """A TCP port on loopback that counts connections: proof that nothing went to the network."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    hits: list[int] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(2)
    server.close()


def _net_cases(port: int) -> dict[str, bytes]:
    """Hostile files that would reach the listener if anything were resolved."""
    url = f"http://127.0.0.1:{port}"
    return {
        "xxe-net": (f'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY x SYSTEM "{url}/x">]>{TEI_OPEN}'
                    "<text><body><p>&x;</p></body></text></TEI>").encode(),
        "dtd-net": f'<?xml version="1.0"?><!DOCTYPE TEI SYSTEM "{url}/tei.dtd">{TEI_OPEN}</TEI>'.encode(),
        "param-entity-net": (f'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY % p SYSTEM "{url}/p"> %p;]>'
                             f"{TEI_OPEN}</TEI>").encode(),
    }


@pytest.mark.parametrize("case", CASES)
def test_render_refuses_hostile_file(tmp_path: Path, case: str):
    data, rule = CASES[case]
    bad = tmp_path / f"{case}.xml"
    bad.write_bytes(data)
    out = tmp_path / "out"
    proc = run_edition("render", str(bad), "--out", str(out), timeout=120)
    text = proc.stdout + proc.stderr
    assert proc.returncode == 1, text[-2000:]
    assert "Traceback" not in text
    expected = "[not-tei]" if rule == "[rng]" else rule
    assert f"{case}.xml:" in text and expected in text, text[-2000:]
    assert "root:" not in text
    assert not list(out.rglob("*.html")), "nothing is rendered from a refused file"


def test_render_and_validate_never_touch_the_network(tmp_path: Path, listener):
    port, hits = listener
    for case, data in _net_cases(port).items():
        bad = tmp_path / f"{case}.xml"
        bad.write_bytes(data)
        proc = run_edition("render", str(bad), "--out", str(tmp_path / f"out-{case}"), timeout=120)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
        assert f"{case}.xml:" in proc.stderr
    assert hits == [], "a hostile file made the pipeline open a connection"


def test_render_refuses_huge_text_node_without_hanging(tmp_path: Path):
    bad = tmp_path / "huge.xml"
    with bad.open("wb") as handle:
        handle.write(TEI_OPEN.encode() + b"<text><body><p>")
        for _ in range(200):
            handle.write(b"a" * (1 << 20))
        handle.write(b"</p></body></text></TEI>")
    proc = run_edition("render", str(bad), "--out", str(tmp_path / "out"), timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "huge.xml:" in proc.stderr


def _nested(depth: int) -> str:
    return (TEI_OPEN + "<text><body>" + "<div>" * depth + "<p>bottom</p>" + "</div>" * depth
            + "</body></text></TEI>")


def test_render_copes_with_nesting_up_to_saxons_limit(tmp_path: Path):
    """90 nested divs (94 levels) render; 150 (under lxml's limit, over Saxon's 100) are refused clearly."""
    (tmp_path / "deep.xml").write_text(_nested(90), encoding="utf-8")
    (tmp_path / "deeper.xml").write_text(_nested(150), encoding="utf-8")
    proc = run_edition("render", str(tmp_path / "deep.xml"), "--out", str(tmp_path / "out"), timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "bottom" in (tmp_path / "out" / "docs" / "deep.html").read_text(encoding="utf-8")
    proc = run_edition("render", str(tmp_path / "deeper.xml"), "--out", str(tmp_path / "out2"), timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert "deeper.xml: ERROR: the stylesheets cannot read this file" in proc.stderr
    assert "[edition.xml-limit]" in proc.stderr


def test_build_refuses_hostile_document_and_keeps_published_site(tmp_path: Path):
    root, published, before = built_copy(tmp_path / "edition")
    (root / "tei" / "slides.xml").write_bytes(CASES["xxe-file"][0])
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert "slides.xml:" in proc.stderr and "[xml-entity]" in proc.stderr
    assert "root:" not in proc.stderr
    assert site_files(published) == before


# --- XInclude and the stylesheets: nothing outside the edition is read -----------------------

XINCLUDE = (TEI_OPEN.replace("<TEI ", '<TEI xmlns:xi="http://www.w3.org/2001/XInclude" ')
            + "<text><body><p>before <xi:include href='/etc/passwd' parse='text'/>"
            "<xi:include href='file:///etc/hostname' parse='text'/> after</p>"
            "<xi:include href='/etc/passwd'/></body></text></TEI>")


def test_xinclude_is_resolved_neither_by_lxml_nor_by_saxon(tmp_path: Path):
    from edition.transform import Transformer
    from edition.xmlsafe import parse_file

    path = tmp_path / "xi.xml"
    path.write_text(XINCLUDE, encoding="utf-8")
    tree = parse_file(path)
    assert "root:" not in etree.tostring(tree, encoding="unicode")
    result = Transformer().transform(tree)
    assert "root:" not in result.xml and Path("/etc/hostname").read_text().strip() not in result.xml
    assert "before" in result.xml and "after" in result.xml
    assert [m.code for m in result.messages] == ["unhandled"] * 3


def test_xinclude_through_render(tmp_path: Path):
    path = tmp_path / "xi.xml"
    path.write_text(XINCLUDE, encoding="utf-8")
    proc = run_edition("render", str(path), "--out", str(tmp_path / "out"), timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = (tmp_path / "out" / "docs" / "xi.html").read_text(encoding="utf-8")
    assert "root:" not in page and "/bin/" not in page
    assert "unhandled elements: xi:include (3)" in proc.stderr


def _stylesheet_closure(start: Path) -> set[Path]:
    seen: set[Path] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for href in etree.parse(str(path)).xpath(
                "//xsl:include/@href | //xsl:import/@href",
                namespaces={"xsl": "http://www.w3.org/1999/XSL/Transform"}):
            todo.append((path.parent / href).resolve())
    return seen


def test_rendering_stylesheets_read_no_documents():
    """The renderer's XSLT loads nothing at run time: no doc(), unparsed-text() … at all."""
    modules = _stylesheet_closure(REPO / "xslt" / "edition.xsl")
    assert len(modules) > 5
    loaders = re.compile(r"\b(doc|document|doc-available|unparsed-text(-lines|-available)?|collection|"
                         r"uri-collection|json-doc|load-xquery-module|transform)\s*\(")
    found = {p.name: loaders.findall(p.read_text(encoding="utf-8")) for p in modules}
    assert not {k: v for k, v in found.items() if v}


# --- Markup that would execute in a browser ---------------------------------------------------

EVIL = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>Evil &lt;script&gt;alert(0)&lt;/script&gt;</title></titleStmt>
  <publicationStmt><p>x</p></publicationStmt><sourceDesc><p>x</p></sourceDesc></fileDesc></teiHeader>
  <text><body>
    <p>Text with &lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(2)&gt; in it.</p>
    <p><ref target="javascript:alert(3)">js link</ref> <ref target="  JaVaScRiPt:alert(4)">js2</ref>
       <ref target="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</ref>
       <ref target="vbscript:msgbox(5)">vb link</ref> <ptr target="javascript:alert(6)"/>
       <ref target="https://example.org/ok">good link</ref> <ref target="mailto:a@example.org">mail</ref></p>
    <p><persName ref="javascript:alert(7)">Name js</persName>
       <hi rend="onclick=alert(8)" style="background:url(javascript:alert(9))">styled</hi>
       <hi rend="x&quot; onmouseover=&quot;alert(10)">quoted</hi>
       <seg style="color:red;position:fixed;top:0">seg</seg>
       <hi rend="&lt;/span&gt;&lt;script&gt;alert(11)&lt;/script&gt;">broken out</hi></p>
    <p><graphic url="javascript:alert(12)"/><figure facs="javascript:alert(13)"><graphic url="data:image/png;base64,AAAA"/></figure></p>
    <p><script xmlns="http://www.w3.org/1999/xhtml">alert(14)</script>
       <a xmlns="http://www.w3.org/1999/xhtml" href="javascript:alert(15)" onclick="alert(16)">html a</a></p>
  </body></text>
</TEI>
"""


@pytest.fixture(scope="module")
def evil_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    tmp = tmp_path_factory.mktemp("evil")
    src = tmp / "evil.xml"
    src.write_text(EVIL, encoding="utf-8")
    proc = run_edition("render", str(src), "--out", str(tmp / "out"), timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return (tmp / "out" / "docs" / "evil.html").read_text(encoding="utf-8"), proc.stderr


def test_no_script_from_content(evil_page):
    page, _ = evil_page
    tree = lxml_html.fromstring(page)
    scripts = [s.text or "" for s in tree.iter("script")]
    assert not any("alert" in s for s in scripts)
    # The texts are there, as text.
    body = tree.xpath("//div[@role='main']")[0].text_content()
    assert "<script>alert(1)</script>" in body and "alert(14)" in body and "html a" in body


def test_no_dangerous_urls_or_handlers(evil_page):
    page, _ = evil_page
    tree = lxml_html.fromstring(page)
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name, value)
            if name in ("href", "src", "action", "formaction", "data", "poster"):
                assert is_safe_uri(value), (el.tag, name, value)
    assert tree.xpath("//a[@href='https://example.org/ok']") and tree.xpath("//a[starts-with(@href, 'mailto:')]")
    main = tree.xpath("//div[@role='main']")[0]
    assert not main.xpath(".//*[@style]"), "no style attribute from content"
    # Link texts survive as inert text.
    text = main.text_content()
    for words in ("js link", "js2", "data link", "vb link", "Name js", "styled", "quoted", "seg", "broken out"):
        assert words in text


def test_dropped_links_are_reported(evil_page):
    _, stderr = evil_page
    assert len(re.findall(r"evil\.xml:\d+: WARNING: \[unsafe-link\]", stderr)) == 5, stderr
    assert "unhandled elements: a (1), script (1)" in stderr


def test_doctree_guard_drops_unsafe_links_that_bypass_the_xslt():
    """Defence in depth: a reference with a javascript: URI never reaches the HTML writer."""
    from docutils import nodes
    from docutils.utils import new_document

    from edition.sphinxext import security

    class Env:
        docname = "docs/x"

        @staticmethod
        def doc2path(name):
            return Path(f"/src/{name}.xml")

    class App:
        env = Env()

    doc = new_document("x.xml")
    para = nodes.paragraph()
    para += nodes.reference("", "bad", refuri="java\nscript:alert(1)")
    para += nodes.reference("", "good", refuri="https://example.org/")
    para += nodes.raw("", "<script>alert(2)</script>", format="html")
    doc += para
    security.neutralise_doctree(App(), doc)
    assert [r["refuri"] for r in doc.findall(nodes.reference)] == ["https://example.org/"]
    assert not list(doc.findall(nodes.raw))
    assert "bad" in doc.astext()


@pytest.mark.parametrize("uri,safe", [
    ("#x", True), ("persons.html#kirov", True), ("https://a.org/", True), ("HTTP://a.org", True),
    ("mailto:x@y.z", True), ("javascript:alert(1)", False), (" JavaScript:alert(1)", False),
    ("java\tscript:x", False), ("\x01javascript:x", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("file:///etc/passwd", False),
])
def test_is_safe_uri(uri: str, safe: bool):
    assert is_safe_uri(uri) is safe


# --- Content-Security-Policy -----------------------------------------------------------------

def test_policy_is_fixed_whatever_the_page_holds():
    """The policy does not depend on the page: an inline script in it is never allowed."""
    page = ('<html><head><meta charset="utf-8" /><script>var a = 1;</script>'
            '<script src="x.js"></script><script type="application/ld+json">{"a": 1}</script></head>'
            '<body><div style="display: none"></div></body></html>')
    once = add_policy(page)
    assert f'content="{POLICY}"' in once
    assert "sha256" not in POLICY and "unsafe-inline" not in POLICY and "unsafe-hashes" not in POLICY
    assert "script-src 'self';" in POLICY and "style-src 'self';" in POLICY
    assert "object-src 'none'" in POLICY and "base-uri 'none'" in POLICY
    assert add_policy(once) == once  # idempotent: an incremental build recomputes, never stacks
    assert once.index("Content-Security-Policy") < once.index("<script>")


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "<!--<script>", "a & b ' \u2028 </SCRIPT >"])
def test_json_data_block_cannot_be_left(text: str):
    """Whatever its strings, a JSON block is one script element holding the same data."""
    import json

    block = json_script({"name": text, text: [text]}, kind="application/ld+json", ensure_ascii=False)
    inner = block[block.index(">") + 1: block.rindex("</script>")]
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == {"name": text, text: [text]}
    tree = lxml_html.fromstring(f"<html><head>{block}</head><body><p>after</p></body></html>")
    assert len(tree.xpath("//script")) == 1 and tree.xpath("//p/text()") == ["after"]


def test_an_older_policy_goes_with_the_whitespace_before_it():
    meta = '<meta http-equiv="Content-Security-Policy" content="default-src *" />'
    assert without_policy(f"<head>\n    {meta}\n  <title>") == "<head>\n  <title>"
    assert without_policy(f"a\u00a0 {meta}{meta.upper()}b") == "ab"  # every one, in any case
    assert without_policy("<head><title>no policy</title>") == "<head><title>no policy</title>"
    page = f"<html><head>{meta}<meta charset=\"utf-8\" /></head><body>text</body></html>"
    policed = add_policy(page)
    assert policed.count("Content-Security-Policy") == 1 and "default-src *" not in policed


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_has_the_policy_and_no_inline_code(built_site: Path):
    pages = _pages(built_site)
    assert len(pages) > 10
    for path in pages:
        page = path.read_text(encoding="utf-8")
        metas = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', page)
        assert metas == [POLICY], path
        tree = lxml_html.fromstring(page)
        inline = [s for s in tree.iter("script") if not s.get("src")
                  and s.get("type") not in ("application/ld+json", "application/json")]
        assert not inline, f"{path}: an inline script would be blocked by the policy"
        assert not tree.xpath("//style | //*[@style]"), f"{path}: inline style would be blocked by the policy"


def _check_page_under_policy(browser, url: str) -> list[str]:
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script("""document.addEventListener('securitypolicyviolation',
        e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));""")
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)
    searchbox = page.locator("#searchbox")
    if searchbox.count():  # edition-searchbox.js shows it: proof that the edition's own script ran
        assert searchbox.is_visible(), f"{url}: the edition's own script was blocked"
    page.close()
    return problems


def test_site_works_under_its_policy(browser, site_server, built_site: Path):
    urls = ["index.html", "tei/dikova.html", "cite/dikova.html", "search.html", "genindex.html"]
    urls += [p.relative_to(built_site).as_posix() for p in (built_site / "front").glob("*.html")][:2]
    problems = {}
    for rel in urls:
        if (built_site / rel).exists():
            found = _check_page_under_policy(browser, site_server + rel)
            if found:
                problems[rel] = found
    assert not problems


def test_policy_blocks_a_smuggled_script(browser, site_server, built_site: Path, tmp_path: Path):
    """The policy really is in force: a script that is not the edition's own does not run."""
    page = browser.new_page()
    page.goto(site_server + "tei/dikova.html")
    ran = page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__smuggled = true'; document.body.appendChild(s); return !!window.__smuggled; }""")
    page.close()
    assert ran is False
