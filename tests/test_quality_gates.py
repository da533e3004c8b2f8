"""Quality gates on the built site: valid HTML (Nu Html Checker), accessibility (axe-core), links.

The checkers come from npm (``tools/package.json``, installed by ``tools/test-deps.sh``):
``vnu-jar`` runs with the machine's Java, ``axe-core`` is injected into each page in
Debian's Chromium. A missing tool is a failure, not a skip: ``make test`` installs them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html

from conftest import ARTIFACTS, REPO

TOOLS = REPO / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"


def _require(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path} is missing: run 'make test-deps' (tools/test-deps.sh installs the npm tools)")
    return path


# --- Nu Html Checker --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def vnu_messages(built_site: Path) -> list[dict]:
    """The checker's errors over every page of the site (one run of the JVM)."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: run 'make test-deps'")
    proc = subprocess.run(
        [java, "-jar", str(_require(VNU)), "--errors-only", "--skip-non-html", "--format", "json",
         str(built_site.resolve())],
        capture_output=True, text=True, timeout=900,
    )
    # vnu writes its JSON report to stderr; exit status 1 means "errors found".
    report = json.loads(proc.stderr or proc.stdout)
    return [m for m in report["messages"] if m.get("type") == "error" or m.get("subType") == "fatal"]


def test_every_page_is_valid_html(vnu_messages: list[dict], built_site: Path):
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 10
    if vnu_messages:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "vnu-errors.json").write_text(json.dumps(vnu_messages, indent=1), encoding="utf-8")
    kinds = Counter(m["message"][:120] for m in vnu_messages)
    assert not vnu_messages, f"{len(vnu_messages)} HTML errors in {len({m['url'] for m in vnu_messages})} pages: {kinds.most_common(8)}"


# --- axe-core ---------------------------------------------------------------------------------

def _axe_pages(site: Path) -> list[str]:
    """The landing page, a document with its apparatus, the citation page, registers, synopsis, two readings."""
    pages = ["index.html", "tei/dikova.html", "cite/dikova.html"]
    pages += sorted(p.relative_to(site).as_posix() for p in (site / "registers").glob("*.html"))
    pages += sorted(p.relative_to(site).as_posix() for p in (site / "synopsis").glob("*.html"))
    pages += ["parallel/dikova.html"]
    return pages


def test_no_serious_accessibility_violations(browser, site_server: str, built_site: Path):
    _require(AXE)
    pages = _axe_pages(built_site)
    assert (built_site / "tei" / "dikova.html").exists()
    found: dict[str, list[str]] = {}
    # The pages' own Content-Security-Policy forbids injected scripts: axe needs it bypassed.
    context = browser.new_context(bypass_csp=True)
    try:
        for rel in pages:
            page = context.new_page()
            page.goto(site_server + rel)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("""async () => (await axe.run()).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}) x${v.nodes.length}: ${v.nodes[0].target.join(' ')}`)""")
            if violations:
                found[rel] = violations
            page.close()
    finally:
        context.close()
    assert len(pages) >= 3
    assert not found, found


# --- Links ------------------------------------------------------------------------------------

def _local_target(page: Path, link: str, site: Path) -> tuple[Path, str] | None:
    """The file and fragment a relative link of ``page`` points at; None for external links."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("//"):
        return None
    target = page if not parts.path else (page.parent / unquote(parts.path))
    if parts.path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


def test_no_broken_internal_link_or_fragment(built_site: Path):
    """Every relative href/src of every page leads to a file, and every #fragment to an id in it."""
    site = built_site.resolve()
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            tree = html.parse(str(path)).getroot()
            ids[path] = {e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")} | \
                {e.get("name") for e in tree.iter("a") if e.get("name")}
        return ids[path]

    broken: list[str] = []
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        tree = html.parse(str(page)).getroot()
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("href", "src"):
                link = el.get(attr)
                if not link or link.startswith(("mailto:", "javascript:", "data:")):
                    continue
                resolved = _local_target(page, link, site)
                if resolved is None:
                    continue
                target, fragment = resolved
                where = f"{page.relative_to(site)}: {attr}={link!r}"
                if not target.resolve().is_relative_to(site):
                    broken.append(f"{where} leaves the site")
                elif not target.exists():
                    broken.append(f"{where}: no such file")
                elif fragment and target.suffix == ".html" and fragment not in ids_of(target):
                    broken.append(f"{where}: no id {fragment!r}")
    assert len(pages) > 10
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:10]}"


# --- External TEI: what the stylesheets do not handle yet -------------------------------------

CORPORA = REPO.parent / "shared" / "corpora"


def test_render_lists_unhandled_elements_of_foreign_tei(tmp_path: Path):
    """``edition render`` on the other projects' TEI ends with the list of unhandled elements."""
    from conftest import run_edition

    files = sorted(CORPORA.glob("*.xml"))
    if not files:
        pytest.skip("no corpora present")
    proc = run_edition("render", *map(str, files), "--out", str(tmp_path / "out"), timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    summary = [line for line in proc.stderr.splitlines() if line.startswith("unhandled elements:")]
    assert len(summary) == 1
    # Every element reported in a warning is counted in the summary, with the same total.
    warned = Counter(re.findall(r"\[unhandled\] <([^>\s]+)>", proc.stderr))
    listed = {name: int(n) for name, n in re.findall(r"([\w:.-]+) \((\d+)\)", summary[0])}
    assert listed == dict(warned)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "corpora-unhandled.txt").write_text(summary[0] + "\n", encoding="utf-8")
