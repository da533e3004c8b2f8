"""``edition serve``: a preview server that rebuilds when a TEI file changes.

The server watches the edition's sources, rebuilds incrementally after a save
and tells browsers to reload. When a save breaks validity, every page answers
with the validation errors instead of the last good page, so an editor never
mistakes a stale page for the result of their edit. It listens on loopback only.
"""

from __future__ import annotations

import html
import http.server
import json
import threading
import time
from functools import partial
from pathlib import Path

from edition.build import build
from edition.documents import ROOT

WATCHED = ("tei", "xslt", "front", "registers", "index.rst", "conf.py", "_static", "_templates")

RELOAD_JS = b"""// Reload the page when the preview server has a new build (enhancement only).
(function () {
  var seen = null;
  function poll() {
    fetch('/__edition/status', {cache: 'no-store'}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.generation !== seen) { location.reload(); }
      seen = s.generation;
    }).catch(function () {}).finally(function () { setTimeout(poll, 700); });
  }
  poll();
})();
"""


class PreviewState:
    """The outcome of the latest build, shared between watcher and server."""

    def __init__(self) -> None:
        self.generation = 0
        self.ok = True
        self.messages: list[str] = []
        self.lock = threading.Lock()

    def record(self, ok: bool, messages: list[str]) -> None:
        with self.lock:
            self.generation += 1
            self.ok = ok
            self.messages = messages


def snapshot(root: Path) -> dict[str, float]:
    """Modification times of every watched file."""
    times: dict[str, float] = {}
    for name in WATCHED:
        path = root / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else []
        for f in files:
            if "drafts" not in f.parts:
                times[str(f)] = f.stat().st_mtime
    return times


def error_page(messages: list[str]) -> bytes:
    """The page served while the TEI is invalid: the errors, escaped, and the reload script."""
    items = "\n".join(f"<li><code>{html.escape(m)}</code></li>" for m in messages)
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed – Kirov Edition preview</title>"
        "<script src=\"/__edition/reload.js\"></script></head><body>"
        "<h1 id=\"edition-build-failed\">The edition does not build</h1>"
        "<p>Your last save made the TEI invalid. Fix these problems and save again; this page reloads by itself.</p>"
        f"<ul id=\"edition-errors\">{items}</ul></body></html>"
    ).encode("utf-8")


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the published site, the status endpoint and, after a failed build, the errors."""

    state: PreviewState

    def __init__(self, *args, state: PreviewState, **kwargs) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        pass

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/__edition/status":
            with self.state.lock:
                body = json.dumps({"generation": self.state.generation, "ok": self.state.ok, "messages": self.state.messages})
            return self._send(body.encode(), "application/json")
        if path == "/__edition/reload.js":
            return self._send(RELOAD_JS, "text/javascript")
        with self.state.lock:
            ok, messages = self.state.ok, list(self.state.messages)
        if not ok and (path.endswith("/") or path.endswith(".html")):
            return self._send(error_page(messages), "text/html; charset=utf-8", 500)
        if path.endswith("/") or path.endswith(".html"):
            local = Path(self.translate_path(path))
            if local.is_dir():
                local = local / "index.html"
            if local.is_file():
                page = local.read_bytes().replace(b"</head>", b'<script src="/__edition/reload.js"></script></head>', 1)
                return self._send(page, "text/html; charset=utf-8")
        return super().do_GET()


def rebuild(state: PreviewState, root: Path = ROOT) -> bool:
    """Build once and record the outcome."""
    result = build("html", root=root, quiet=True)
    state.record(result.ok, result.messages)
    print(("rebuilt" if result.ok else "build failed: " + "; ".join(result.messages[:3])), flush=True)
    return result.ok


def watch(state: PreviewState, root: Path, interval: float, stop: threading.Event) -> None:
    """Poll the sources and rebuild after a change (polling needs no extra dependency)."""
    last = snapshot(root)
    while not stop.wait(interval):
        now = snapshot(root)
        if now != last:
            time.sleep(0.2)  # let an editor's save finish
            last = snapshot(root)
            rebuild(state, root)


def serve(port: int = 8000, *, root: Path = ROOT, interval: float = 0.5) -> None:
    """Build, serve ``_build/html`` on localhost and rebuild on changes until interrupted."""
    state = PreviewState()
    rebuild(state, root)
    site = root / "_build" / "html"
    site.parent.mkdir(parents=True, exist_ok=True)
    handler = partial(PreviewHandler, state=state, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(state, root, interval, stop), daemon=True)
    watcher.start()
    print(f"edition: serving http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    finally:
        stop.set()
        server.server_close()
