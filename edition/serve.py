"""``edition serve``: a preview server that rebuilds when a source changes.

The server builds the edition, serves the published site on loopback only
(127.0.0.1), rebuilds after every save and tells open pages to reload. When a
save breaks validity, every page answers with the validation errors instead of
the last good page, so an editor never mistakes a stale page for the result of
an edit; the fix brings the page back, again without a manual reload.

What comes from sphinx-autobuild (the Sphinx project's own preview server) and
what is ours:

* **Watching and reloading: sphinx-autobuild.** Its ``RebuildServer`` watches
  the sources with watchfiles (inotify; the changes of one save are grouped),
  runs the build callback in a fresh process after each change, and then sends
  ``refresh`` on its websocket to every open page. Its
  ``JavascriptInjectorMiddleware`` adds the reload client to every HTML
  response. uvicorn and Starlette (which sphinx-autobuild brings) serve the site.
  These classes are sphinx-autobuild's internals rather than a documented API,
  so the version is pinned in ``pyproject.toml`` and the tests prove the
  behaviour we rely on.
* **The build: ours.** The callback is :func:`edition.build.build`, the same
  pipeline as ``edition build`` (validation, Sphinx, search index, atomic
  publication), not sphinx-autobuild's bare ``sphinx-build``: a preview must not
  show what ``edition build`` would refuse. The build process records its
  outcome in ``_build/preview.json``; the server reads it for each page and
  answers with the error page while the last build failed. Every build, the
  first one included, runs in a child process, so the server itself never loads
  Saxon (a process with a running Saxon must not fork) and each build starts
  from clean Sphinx and Saxon state; Sphinx's pickled environment in
  ``_build/.staging`` keeps the rebuild incremental.
* **The reload client: ours, four lines.** sphinx-autobuild injects an inline
  script, which the pages' Content-Security-Policy (``script-src 'self'`` plus
  hashes, :mod:`edition.sphinxext.security`) rightly blocks. The middleware
  injects ``<script src="/__edition/reload.js">`` instead, a same-origin script
  that opens the websocket (``connect-src 'self'`` admits a same-origin ``ws:``).
  Without JavaScript the preview still works; the page is reloaded by hand.
* **What is watched: ours.** The edition's root, recursively, as sphinx-autobuild
  watches a Sphinx project: a watch on a single file such as ``conf.py`` is lost
  at the first save that replaces the file (most editors write a new file and
  rename it). :class:`SourceFilter` keeps only changes under :data:`WATCHED`, so
  the output (``_build``), drafts and editors' temporary files (watchfiles' own
  list, plus a few more) never start a build.

Known limits: a save made during the first build is seen at the next save; a
Ctrl-C sent to the server alone (not from its terminal, which interrupts the
build too) lets a running build finish before the server stops; a page opened
after a build that no page saw reloads once.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import multiprocessing
import os
import signal
import socket
import sys
import traceback
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
from sphinx_autobuild.server import RebuildServer
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from watchfiles import Change, DefaultFilter

from edition.documents import ROOT

#: The sources of the site, relative to the edition's root: a change under any of them rebuilds.
WATCHED = ("tei", "xslt", "front", "registers", "synopsis", "parallel", "index.rst", "conf.py", "_static", "_templates")

#: Where a build process records its outcome for the server (outside the published site).
STATUS_FILE = Path("_build") / "preview.json"

RELOAD_PATH = "/__edition/reload"
RELOAD_SCRIPT_PATH = "/__edition/reload.js"
STATUS_PATH = "/__edition/status"

RELOAD_JS = """\
// Reload this page when the preview server has rebuilt the edition (an enhancement only).
(function () {
  if (!window.WebSocket) { return; }
  var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '%s');
  socket.onmessage = function () { location.reload(); };
}());
""" % RELOAD_PATH

NO_STORE = {"Cache-Control": "no-store"}


class SourceFilter:
    """Which changed paths are ignored: everything but the sources in :data:`WATCHED`.

    Ignored too: drafts (``tei/drafts``), the files editors write beside the one
    they save (watchfiles' list: Vim swap files, Emacs locks, ``~`` backups,
    JetBrains temporaries; plus Emacs auto-saves, Vim's ``4913`` probe and
    GNOME's ``.goutputstream-*``). Called with an absolute path; True means ignore.
    """

    ENTITY_PATTERNS = (*DefaultFilter.ignore_entity_patterns, r"^#.*#$", r"^4913$", r"^\.goutputstream-", r"\.tmp$")
    DIRECTORIES = (*DefaultFilter.ignore_dirs, "drafts")

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.editors = DefaultFilter(ignore_dirs=self.DIRECTORIES, ignore_entity_patterns=self.ENTITY_PATTERNS)

    def __call__(self, path: str, /) -> bool:
        try:
            relative = Path(path).relative_to(self.root)
        except ValueError:
            return True
        if not relative.parts or relative.parts[0] not in WATCHED:
            return True
        return not self.editors(Change.modified, str(relative))


def read_status(root: Path) -> dict:
    """The outcome of the latest build: ``generation`` (builds so far), ``ok`` and ``messages``."""
    try:
        return json.loads((root / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"generation": 0, "ok": True, "messages": []}


def record_status(root: Path, ok: bool, messages: list[str]) -> None:
    """Record a build's outcome for the server, atomically (a page request never sees half of it)."""
    path = root / STATUS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    status = {"generation": read_status(root)["generation"] + 1, "ok": ok, "messages": messages}
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _sphinx_problems(log: str) -> list[str]:
    """The warnings and errors Sphinx wrote, to show on the error page."""
    return [line for line in log.splitlines() if "WARNING:" in line or "ERROR:" in line]


def rebuild(*, changed_paths: Sequence[Path] = (), root: Path = ROOT) -> None:
    """Build the site once with the edition's pipeline and record the outcome.

    Runs in a child process of the server (the change callback of sphinx-autobuild's
    ``RebuildServer``); it never raises, so one failed build does not stop the watching.
    """
    # A process forked from the server inherits uvicorn's signal handling: Ctrl-C must
    # interrupt this build as it does ``edition build``, and must not wake the server's loop.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.set_wakeup_fd(-1)
    from edition.build import build

    # Only what is there now: an editor's save can create and remove a temporary file in one go.
    changed = sorted({p.relative_to(root).as_posix() for p in changed_paths if p.is_relative_to(root) and p.exists()})
    if changed:
        print("edition: changed " + ", ".join(changed[:5]) + (" …" if len(changed) > 5 else ""), flush=True)
    log = io.StringIO()
    try:
        with contextlib.redirect_stderr(log):  # Sphinx writes its warnings to sys.stderr
            result = build("html", root=root, quiet=True)
        ok, messages = result.ok, result.messages
        if not ok:
            messages = [*_sphinx_problems(log.getvalue()), *messages]
    except KeyboardInterrupt:
        ok, messages = False, ["build interrupted; the published site is unchanged"]
    except Exception as exc:  # noqa: BLE001 - a crash is reported on the page like any failure
        traceback.print_exc(file=log)
        ok, messages = False, [f"build crashed: {type(exc).__name__}: {exc}"]
    finally:
        sys.stderr.write(log.getvalue())
    record_status(root, ok, messages)
    print("edition: rebuilt" if ok else "edition: build failed: " + "; ".join(messages[:3]), flush=True)


def error_page(messages: list[str]) -> str:
    """The page served while the last build failed: its messages, escaped (nothing in them is markup).

    A message is ``file:line:col: [rule] text``; an indented line after it is its advice.
    """
    problems: list[list[str]] = []
    for message in messages:
        if message[:1].isspace() and problems:
            problems[-1].append(message.strip())
        else:
            problems.append([message])
    items = "\n".join(
        f"<li><code>{html.escape(first)}</code>" + "".join(f"<br>{html.escape(advice)}" for advice in rest) + "</li>"
        for first, *rest in problems
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">"
        "<title>Build failed – Kirov Edition preview</title></head><body>\n"
        '<h1 id="edition-build-failed">The edition does not build</h1>\n'
        "<p>Your last save left the edition unbuildable. Fix these problems and save again; "
        "this page reloads by itself.</p>\n"
        f'<ul id="edition-errors">\n{items}\n</ul>\n</body></html>\n'
    )


class PreviewSite:
    """The published site (``_build/html``), or the error page while the last build failed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        # No cache: a page must never come back from before the last build.
        self.files = NoStoreFiles(directory=root / "_build" / "html", html=True, check_dir=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith(("/", ".html")):
            status = read_status(self.root)
            if not status["ok"]:
                response = HTMLResponse(error_page(status["messages"]), status_code=500, headers=NO_STORE)
                await response(scope, receive, send)
                return
        await self.files(scope, receive, send)


class NoStoreFiles(StaticFiles):
    """Starlette's static files, never cached by the browser."""

    def file_response(self, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003 - StaticFiles' signature
        response = super().file_response(*args, **kwargs)
        response.headers.update(NO_STORE)
        return response


class ReloadScriptInjector(JavascriptInjectorMiddleware):
    """sphinx-autobuild's injector, adding an external script: the pages' CSP blocks its inline one."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, ws_url="")
        self.script = f'<script src="{RELOAD_SCRIPT_PATH}"></script>'.encode()


def create_app(root: Path) -> Starlette:
    """The preview: site or error page, reload client, build status, and the watcher's websocket."""
    watcher = RebuildServer([root], SourceFilter(root), change_callback=partial(rebuild, root=root))

    def reload_js(_request: object) -> Response:
        return Response(RELOAD_JS, media_type="text/javascript", headers=NO_STORE)

    def status(_request: object) -> Response:
        return JSONResponse(read_status(root), headers=NO_STORE)

    return Starlette(
        routes=[
            Route(RELOAD_SCRIPT_PATH, reload_js),
            Route(STATUS_PATH, status),
            WebSocketRoute(RELOAD_PATH, watcher),
            Mount("/", app=PreviewSite(root)),
        ],
        middleware=[Middleware(ReloadScriptInjector)],
        lifespan=watcher.lifespan,
    )


def first_build(root: Path) -> None:
    """The initial build, in a child process like every later one (the server never loads Saxon)."""
    process = multiprocessing.Process(target=rebuild, kwargs={"root": root})
    process.start()
    try:
        process.join()
    except KeyboardInterrupt:
        # From a terminal the build had Ctrl-C too; otherwise pass it on, as ``edition build`` would get it.
        process.join(timeout=5)
        if process.is_alive():
            os.kill(process.pid, signal.SIGINT)
        process.join()
        raise


def serve(port: int = 8000, *, root: Path = ROOT) -> int:
    """Build, serve the site on 127.0.0.1:``port`` (0: any free port) and rebuild on changes until Ctrl-C."""
    import uvicorn

    root = root.resolve()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))  # loopback only: the preview is for this computer
    except OSError as exc:
        listener.close()
        print(f"edition: cannot serve on 127.0.0.1:{port}: {exc.strerror}; choose another --port (0: any free one)",
              file=sys.stderr)
        return 1
    with listener:
        (root / STATUS_FILE).unlink(missing_ok=True)  # a new preview starts counting builds again
        try:
            first_build(root)
        except KeyboardInterrupt:
            print("edition: preview stopped", flush=True)
            return 0
        listener.listen()
        print(f"edition: serving http://127.0.0.1:{listener.getsockname()[1]}/ (Ctrl-C to stop)", flush=True)
        config = uvicorn.Config(create_app(root), log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
        try:
            uvicorn.Server(config).run(sockets=[listener])
        except KeyboardInterrupt:  # uvicorn stops gracefully, then raises the Ctrl-C it caught
            pass
    print("edition: preview stopped", flush=True)
    return 0
