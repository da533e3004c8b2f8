"""The write phase with ``-j``: the work is in the writer and worker processes, not the main one.

* the documents are dealt into tasks of about the same weight (:func:`writing.tasks`);
* every document is resolved (and written) in a writer process, none in the main
  process, and every entry page is rendered in a worker process;
* every page leaves its writer with its Content-Security-Policy (the rendered template
  is policed), so no pass over the finished site is needed.

That the parallel build publishes the bytes a serial build publishes is checked in
``test_incremental.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO, copy_edition
from edition.sphinxext import writing
from edition.sphinxext.security import POLICY, PolicedTemplates, police


def test_tasks_deal_every_document_once_by_weight():
    weights = {"dikova": 500, **{f"doc{n:02}": n for n in range(1, 41)}}
    runs = writing.tasks(weights, weights.__getitem__, 2)
    assert sorted(name for run in runs for name in run) == sorted(weights)
    assert all(run == sorted(run) for run in runs) and all(runs)
    assert len(runs) <= 2 * writing.TASKS_PER_PROCESS
    totals = [sum(weights[n] for n in run) for run in runs]
    assert totals == sorted(totals, reverse=True)  # the heaviest task starts first
    assert runs[0] == ["dikova"]  # heavier than any fair share: alone
    # The others are dealt so that no two tasks differ by more than the heaviest of them.
    light = totals[1:]
    assert len(light) == 2 * writing.TASKS_PER_PROCESS - 1 and max(light) - min(light) <= 40


def test_rendered_pages_come_out_policed():
    class Bridge:
        environment = "jinja"

        def render(self, template: str, context: dict) -> str:
            return f"<html><head><meta charset=utf-8></head><body><script>{context['code']}</script></body></html>"

    templates = PolicedTemplates(Bridge())
    page = templates.render("page.html", {"code": "var a = 1;"})
    # The policy is the edition's fixed one (#24): its own script files only, no hash of an inline
    # script, so a script that got into a page never runs.
    assert page == police(page) and f'content="{POLICY}"' in page and "'sha256-" not in page
    assert templates.environment == "jinja"  # the rest is the bridge's own


_TRACED = """
import os, sys
from pathlib import Path
import gc
from sphinx.environment import BuildEnvironment
from edition.sphinxext import entrypages

main = os.getpid()
log = Path(sys.argv[2])

def record(what):
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"{what} {'main' if os.getpid() == main else 'worker'}\\n")

resolve = BuildEnvironment.get_and_resolve_doctree
def traced_resolve(self, docname, *args, **kwargs):
    record(f"resolve:{docname}")
    record(f"collector:{'paused' if not gc.isenabled() else 'running'},{'frozen' if gc.get_freeze_count() else 'none'}")
    return resolve(self, docname, *args, **kwargs)
BuildEnvironment.get_and_resolve_doctree = traced_resolve

render = entrypages.render_entry
def traced_render(app, listed, pagename, *args, **kwargs):
    record(f"entry:{pagename}")
    return render(app, listed, pagename, *args, **kwargs)
entrypages.render_entry = traced_render

from edition import transform
from edition.sphinxext import workers
run = transform.Transformer.transform
def traced_transform(self, tree, *args, reading="edited", **kwargs):
    record(f"xslt:{reading}")
    return run(self, tree, *args, reading=reading, **kwargs)
transform.Transformer.transform = traced_transform

finish = workers.finish
def traced_finish(app, name):
    finish(app, name)
    record(f"finished:{name}")
workers.finish = traced_finish

from sphinx.builders import Builder
read = Builder.read
def traced_read(self):
    record(f"reading:{'frozen' if gc.get_freeze_count() else 'none'}")
    return read(self)
Builder.read = traced_read

from edition.build import build
result = build("html", root=Path(sys.argv[1]), jobs=2, quiet=True)
assert result.ok, result.messages
record(f"after-build:{gc.get_freeze_count()}")
"""


def test_documents_and_entry_pages_are_made_outside_the_main_process(tmp_path: Path):
    """Run in a fresh interpreter: the build forks, and the tracing must not leak into other tests."""
    root = copy_edition(tmp_path / "edition")
    log = tmp_path / "trace.txt"
    proc = subprocess.run([sys.executable, "-c", _TRACED, str(root), str(log)], cwd=REPO, capture_output=True,
                          text=True, timeout=600, env=dict(os.environ, EDITION_ROOT=str(root)))
    assert proc.returncode == 0, proc.stderr[-4000:]
    lines = log.read_text(encoding="utf-8").splitlines()
    resolved = [line for line in lines if line.startswith("resolve:")]
    entries = [line for line in lines if line.startswith("entry:")]
    assert {"resolve:tei/dikova worker", "resolve:index worker"} <= set(resolved)
    assert not [line for line in resolved if line.endswith(" main")], resolved
    assert len(entries) > 10 and all(line.endswith(" worker") for line in entries), entries
    # The writers work with the collector paused, what they inherited frozen (edition.collector);
    # the build leaves nothing frozen in the process that ran it.
    states = {line for line in lines if line.startswith("collector:")}
    assert states == {"collector:paused,frozen worker"}, states
    assert "after-build:0 main" in lines
    # What the main process holds when it starts reading (the loaded environment) is frozen.
    assert "reading:frozen main" in lines
    # The diplomatic reading of every document is made while Sphinx reads them, in a process
    # of its own, and finished before writing starts: the pages of two readings find it stored.
    diplomatic = [i for i, line in enumerate(lines) if line.startswith("xslt:diplomatic")]
    assert len(diplomatic) >= 5 and {lines[i] for i in diplomatic} == {"xslt:diplomatic worker"}, lines
    assert max(diplomatic) < lines.index("finished:readings main")
    # Every page of the site has its policy, though nothing went over the site afterwards.
    site = root / "_build" / "html"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 500
    assert all('http-equiv="Content-Security-Policy"' in p.read_text(encoding="utf-8") for p in pages)
