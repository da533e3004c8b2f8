"""``edition serve``: the preview rebuilds after a save, shows the validation errors
while the TEI is invalid (in the real browser, reloading by itself), and stops cleanly.

The server runs as the editor runs it (``edition serve --port 0``, a new process)
on a copy of the edition, so the repository is never touched.
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

GOOD_WORDS = "The article examines the legal framework"
EDITED_WORDS = "The article studies the legal framework"
BUILD_TIMEOUT = 180  # seconds: a full build on a shared machine


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

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def status(self) -> dict:
        return json.loads(self.get("__edition/status")[1])

    def wait_for_generation(self, generation: int) -> dict:
        deadline = time.monotonic() + BUILD_TIMEOUT
        while time.monotonic() < deadline:
            status = self.status()
            if status["generation"] >= generation:
                return status
            time.sleep(0.3)
        raise AssertionError(f"no build {generation} within {BUILD_TIMEOUT} s")

    def stop(self) -> int:
        """Ctrl-C, as an editor stops it; the process must end by itself."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
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


def _save(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_first_build_is_served_on_loopback(preview: Preview) -> None:
    status = preview.status()
    assert status == {"generation": 1, "ok": True, "messages": status["messages"]}, status
    code, page = preview.get("tei/bakulin.html")
    assert code == 200 and GOOD_WORDS in page
    assert '<script src="/__edition/reload.js"></script>' in page
    assert preview.get("__edition/reload.js")[0] == 200


def test_a_save_is_rebuilt_and_served(preview: Preview) -> None:
    before = preview.status()["generation"]
    _save(preview.root / "tei" / "bakulin.xml", GOOD_WORDS, EDITED_WORDS)
    status = preview.wait_for_generation(before + 1)
    assert status["ok"], status["messages"]
    code, page = preview.get("tei/bakulin.html")
    assert code == 200 and EDITED_WORDS in page and GOOD_WORDS not in page


def test_browser_shows_the_errors_after_an_invalid_save_and_the_page_after_the_fix(preview: Preview, browser) -> None:
    tei = preview.root / "tei" / "bakulin.xml"
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.goto(preview.url + "tei/bakulin.html")
        assert EDITED_WORDS in page.inner_text("body")
        page.wait_for_timeout(1500)  # the reload script has seen the current generation
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
        # The fix: the good page comes back, again without a manual reload.
        _save(tei, 'xml:id="bakulin-p0001">The source base', 'xml:id="bakulin-p0002">The source base')
        page.wait_for_function(
            "text => document.body && document.body.innerText.includes(text)", arg=EDITED_WORDS,
            timeout=BUILD_TIMEOUT * 1000,
        )
        assert page.query_selector("#edition-build-failed") is None
        page.screenshot(path=str(ARTIFACTS / "serve-fixed.png"))
        assert preview.status()["ok"] is True
    finally:
        page.close()


def test_server_and_watcher_stop_cleanly(preview: Preview) -> None:
    code = preview.stop()
    assert code in (0, 130), preview.output[-4000:]
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", preview.port), timeout=2).close()
