"""``edition serve``: the preview rebuilds after a save and the open page reloads by
itself; while the TEI is invalid every page shows the validation errors, and after
the fix the page again (in the real browser, under the pages' CSP); it stops cleanly.

The server runs as the editor runs it (``edition serve --port 0``, a new process)
on a copy of the edition, so the repository is never touched. Every wait is on a
condition, with a timeout long enough for a full build on a busy machine.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ARTIFACTS, copy_edition

from edition.serve import SourceFilter, error_page

GOOD_WORDS = "The article examines the legal framework"
EDITED_WORDS = "The article studies the legal framework"
BUILD_TIMEOUT = 300  # seconds: a full build on a shared machine
RELOAD_TAG = '<script src="/__edition/reload.js"></script>'


class Preview:
    """A running ``edition serve`` process and its address."""

    def __init__(self, root: Path) -> None:
        self.root = root
        env = dict(os.environ, EDITION_ROOT=str(root), PYTHONUNBUFFERED="1")
        # A log file rather than a pipe: nobody has to keep reading it for the server to go on.
        self.log = root / "serve.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "edition.cli", "serve", "--port", "0"],
                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
            )
        deadline = time.monotonic() + BUILD_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            match = re.search(r"serving (http://127\.0\.0\.1:(\d+)/)", self.output)
            if match:
                self.url, self.port = match[1], int(match[2])
                return
            time.sleep(0.3)
        self.stop()
        raise AssertionError("edition serve did not start:\n" + self.output[-4000:])

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def fetch(self, path: str) -> tuple[int, dict[str, str], str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8")

    def get(self, path: str) -> tuple[int, str]:
        code, _headers, body = self.fetch(path)
        return code, body

    def status(self) -> dict:
        return json.loads(self.get("__edition/status")[1])

    def wait_for_generation(self, generation: int) -> dict:
        deadline = time.monotonic() + BUILD_TIMEOUT
        while time.monotonic() < deadline:
            status = self.status()
            if status["generation"] >= generation:
                return status
            time.sleep(0.3)
        raise AssertionError(f"no build {generation} within {BUILD_TIMEOUT} s:\n" + self.output[-4000:])

    def stop(self) -> int:
        """Ctrl-C, as an editor stops it; the process must end by itself."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("edition serve did not stop on SIGINT") from None
        return self.process.returncode


@pytest.fixture(scope="module")
def preview(tmp_path_factory) -> Iterator[Preview]:
    server = Preview(copy_edition(tmp_path_factory.mktemp("preview")))
    try:
        yield server
    finally:
        server.stop()


def _save(path: Path, old: str, new: str, *, atomic: bool = False) -> None:
    """Save an edit in place, or (``atomic``) as many editors do: a new file renamed over the old one."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    target = path.with_name(path.name + ".tmp") if atomic else path
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    if atomic:
        os.replace(target, path)


def _open_watching(browser, url: str):
    """A browser page at ``url`` whose reload client is connected, and the CSP complaints it logs."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    complaints: list[str] = []
    page.on("console", lambda m: complaints.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: complaints.append(str(e)))
    with page.expect_websocket(timeout=30_000) as socket_info:
        page.goto(url)
    assert socket_info.value.url.endswith("/__edition/reload")
    return page, complaints


def _wait_for_text(page, text: str) -> None:
    page.wait_for_function(
        "text => document.body && document.body.innerText.includes(text)", arg=text, timeout=BUILD_TIMEOUT * 1000,
    )


def test_first_build_is_served_on_loopback(preview: Preview) -> None:
    status = preview.status()
    assert status == {"generation": 1, "ok": True, "messages": status["messages"]}, status
    code, headers, page = preview.fetch("tei/bakulin.html")
    assert code == 200 and GOOD_WORDS in page
    assert headers["cache-control"] == "no-store"
    # The reload client is a same-origin script, never inline code the page's CSP would block.
    assert page.count(RELOAD_TAG) == 1
    code, headers, script = preview.fetch("__edition/reload.js")
    assert code == 200 and headers["content-type"].startswith("text/javascript") and "/__edition/reload" in script


def test_a_save_is_rebuilt_and_the_open_page_reloads(preview: Preview, browser) -> None:
    page, complaints = _open_watching(browser, preview.url + "tei/bakulin.html")
    try:
        assert GOOD_WORDS in page.inner_text("body")
        before = preview.status()["generation"]
        _save(preview.root / "tei" / "bakulin.xml", GOOD_WORDS, EDITED_WORDS)
        _wait_for_text(page, EDITED_WORDS)  # no page.reload(): the server told the page
        status = preview.wait_for_generation(before + 1)
        assert status["ok"], status["messages"]
        assert GOOD_WORDS not in page.inner_text("body")
        csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
        assert complaints == []
    finally:
        page.close()
    code, page_text = preview.get("tei/bakulin.html")
    assert code == 200 and EDITED_WORDS in page_text and GOOD_WORDS not in page_text


def test_browser_shows_the_errors_after_an_invalid_save_and_the_page_after_the_fix(preview: Preview, browser) -> None:
    tei = preview.root / "tei" / "bakulin.xml"
    page, complaints = _open_watching(browser, preview.url + "tei/bakulin.html")
    try:
        assert EDITED_WORDS in page.inner_text("body")
        # An invalid save: a duplicate id. The open page reloads by itself (no page.reload()).
        _save(tei, 'xml:id="bakulin-p0002"', 'xml:id="bakulin-p0001"')
        page.wait_for_selector("#edition-build-failed", timeout=BUILD_TIMEOUT * 1000)
        errors = page.inner_text("#edition-errors")
        assert re.search(r"tei/bakulin\.xml:\d+:\d+: \[xmlid-unique\] xml:id bakulin-p0001 already used in "
                         r"tei/bakulin\.xml:\d+", errors), errors
        assert EDITED_WORDS not in page.inner_text("body")  # not the last good page
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "serve-errors.png"))
        assert preview.status()["ok"] is False
        # Every page answers with the errors, with or without JavaScript.
        for path in ("", "index.html", "tei/dikova.html"):
            code, text = preview.get(path)
            assert code == 500 and "[xmlid-unique]" in text and RELOAD_TAG in text, path
        # The fix, saved as a new file renamed over the old one: the good page comes back, again by itself.
        _save(tei, 'xml:id="bakulin-p0001">The source base', 'xml:id="bakulin-p0002">The source base', atomic=True)
        _wait_for_text(page, EDITED_WORDS)
        assert page.query_selector("#edition-build-failed") is None
        page.screenshot(path=str(ARTIFACTS / "serve-fixed.png"))
        assert preview.status()["ok"] is True
        assert complaints == []  # neither page broke the CSP (reload script, websocket)
    finally:
        page.close()


def test_the_error_page_shows_messages_as_text_never_as_markup() -> None:
    page = error_page([
        'tei/x.xml:3:7: [rule] <script>alert("x")</script> & <b>bold</b>',
        "    advice with <i>markup</i>",
    ])
    assert "<script>alert" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<br>advice with &lt;i&gt;markup&lt;/i&gt;</li>" in page


@pytest.mark.parametrize(("path", "ignored"), [
    ("tei/bakulin.xml", False),
    ("tei/schema/edition.odd", False),
    ("xslt/names.xsl", False),
    ("front/editors.rst", False),
    ("conf.py", False),
    ("index.rst", False),
    ("_static/custom.css", False),
    ("_build/html/index.html", True),
    ("_build/preview.json", True),
    ("tei/drafts/bakulin.xml", True),
    ("tei/.bakulin.xml.swp", True),
    ("tei/bakulin.xml~", True),
    ("tei/.#bakulin.xml", True),
    ("tei/#bakulin.xml#", True),
    ("tei/4913", True),
    ("tests/test_serve.py", True),
    ("serve.log", True),
])
def test_only_the_sources_are_watched(tmp_path: Path, path: str, ignored: bool) -> None:
    assert SourceFilter(tmp_path)(str(tmp_path / path)) is ignored


def _processes_of(root: Path) -> list[str]:
    """The processes (still) running with this copy as their edition: the server and its builds."""
    marker = f"EDITION_ROOT={root}".encode() + b"\0"
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "environ").read_bytes() + b"\0":
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{proc.name}: {command}")
        except OSError:
            continue  # gone meanwhile, or not ours
    return found


def test_server_and_watcher_stop_cleanly(preview: Preview) -> None:
    assert _processes_of(preview.root), "the check below would see nothing"
    code = preview.stop()
    assert code in (0, 130), preview.output[-4000:]
    assert "preview stopped" in preview.output
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", preview.port), timeout=2).close()
    deadline = time.monotonic() + 30
    while _processes_of(preview.root) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _processes_of(preview.root) == []
