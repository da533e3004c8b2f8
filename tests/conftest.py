"""Shared fixtures: the real edition, a disposable copy of it, and the TEI schema."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
TEI_ALL = SHARED / "schema" / "tei_all.rng"
CORPORA = SHARED / "corpora"

#: What a copy of the edition needs to build (the Python package is installed).
EDITION_PARTS = ("conf.py", "index.rst", "front", "registers", "synopsis", "parallel", "tei", "xslt", "_static", "_templates")


def copy_edition(dest: Path) -> Path:
    """Copy the parts of the edition that a build reads into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in EDITION_PARTS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("drafts", "__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest


def run_edition(*args: str, root: Path | None = None, timeout: float = 600,
                env_vars: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``edition`` command (as a new process) on ``root``, with ``env_vars`` added to its environment."""
    env = dict(os.environ, **(env_vars or {}))
    if root is not None:
        env["EDITION_ROOT"] = str(root)
    return subprocess.run(
        [sys.executable, "-m", "edition.cli", *args],
        cwd=root or REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def site_files(site: Path) -> dict[Path, bytes]:
    """Every file of a built site (relative path → bytes): to show that a build left it as it was."""
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def built_copy(dest: Path) -> tuple[Path, Path, dict[Path, bytes]]:
    """A copy of the edition in ``dest``, built: its root, its published site and the site's files."""
    root = copy_edition(dest)
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = root / "_build" / "html"
    return root, site, site_files(site)


@pytest.fixture(scope="session")
def tei_all():
    """The official TEI P5 schema (slow to load: once per session)."""
    if not TEI_ALL.exists():
        pytest.skip("../shared/schema/tei_all.rng is absent")
    from lxml import etree

    return etree.RelaxNG(etree.parse(str(TEI_ALL)))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real edition built once for the session (HTML), in a copy."""
    root = copy_edition(tmp_path_factory.mktemp("edition"))
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return root / "_build" / "html"


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser downloads are never used)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run 'make test' (tools/test-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site_server(built_site: Path):
    """The built site served over HTTP on loopback; yields its base URL."""
    import http.server
    import threading
    from functools import partial

    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site.resolve()))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


ARTIFACTS = REPO / "_build" / "test-artifacts"


@pytest.fixture(scope="session")
def library_build(built_site: Path) -> Path:
    """The session's copy with the EPUB and the PDF built too (``edition build epub pdf``) → its ``_build``.

    Slow (XeLaTeX, EPUBCheck): built once for every test of the outputs.
    """
    root = built_site.parent.parent
    proc = run_edition("build", "-q", "epub", "pdf", root=root, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return root / "_build"


@pytest.fixture(scope="session")
def epub(library_build: Path) -> Path:
    """The session's EPUB (see ``library_build``)."""
    (path,) = sorted((library_build / "epub").glob("*.epub"))
    return path


@pytest.fixture(scope="session")
def pdf(library_build: Path) -> Path:
    """The session's PDF (see ``library_build``)."""
    (path,) = sorted((library_build / "latex").glob("*.pdf"))
    return path


@pytest.fixture(scope="session")
def pdf_text(pdf: Path) -> str:
    """The PDF's text as ``pdftotext -layout`` extracts it."""
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=300).stdout
