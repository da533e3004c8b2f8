"""The garbage collector paused for a unit of work (:mod:`edition.collector`).

``one_by_one`` freezes what its process holds, so it is tried in a process of its own,
as the writer and worker processes use it.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO
from edition import collector


def test_paused_restores_the_collector_as_it_was():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause does not end the outer one
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()


def test_paused_holds_through_an_error():
    try:
        with collector.paused():
            raise ValueError("the page failed")
    except ValueError:
        pass
    assert gc.isenabled()


PROCESS = textwrap.dedent("""
    import gc, json, sys, weakref
    from edition.collector import one_by_one

    class Node:  # a doctree's node: it knows its parent and its children
        def __init__(self, parent=None):
            self.parent, self.children = parent, []
            if parent is not None:
                parent.children.append(self)

    inherited = [Node() for _ in range(1000)]  # the environment the worker inherits
    runs = []
    gc.callbacks.append(lambda phase, info: runs.append(info["generation"]) if phase == "start" else None)
    report, previous = [], None
    for item in one_by_one(range(3)):
        report.append({
            "previous_freed": previous is None or previous() is None,
            "collections_before": len(runs),
        })
        root = Node()
        for _ in range(20000):  # far more new objects than the collector's threshold
            Node(root)
        report[-1]["collections_during"] = len(runs) - report[-1]["collections_before"]
        previous = weakref.ref(root)
        del root
    report.append({"previous_freed": previous() is None, "enabled_after": gc.isenabled(),
                   "frozen": gc.get_freeze_count() >= 1000})
    print(json.dumps(report))
""")


def test_one_by_one_collects_after_each_item_never_during_it():
    out = subprocess.run([sys.executable, "-c", PROCESS], cwd=REPO, capture_output=True, text=True, check=True)
    report = json.loads(out.stdout)
    items, end = report[:-1], report[-1]
    assert len(items) == 3
    assert all(item["collections_during"] == 0 for item in items)  # 20,000 cycles, no collection
    assert all(item["previous_freed"] for item in items)  # the last item's cycles were freed before the next
    assert end["previous_freed"] and end["enabled_after"] and end["frozen"]
    # One collection after each item that ended inside the loop.
    assert [item["collections_before"] for item in items] == [0, 1, 2]


def test_without_a_pause_the_collector_runs_during_such_an_item():
    """The test above can fail: the same item, unpaused, makes the collector run."""
    script = PROCESS.replace("for item in one_by_one(range(3)):", "for item in range(3):")
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    items = json.loads(out.stdout)[:-1]
    assert all(item["collections_during"] > 0 for item in items)


def test_freeze_collects_first_and_thaw_gives_everything_back():
    script = textwrap.dedent("""
        import gc, json, weakref
        from edition import collector

        class Node:
            def __init__(self):
                self.me = self  # a cycle: only the collector frees it

        kept = [Node() for _ in range(1000)]
        garbage = Node()
        dead = weakref.ref(garbage)
        del garbage
        collector.freeze()
        frozen = gc.get_freeze_count()
        print(json.dumps({"garbage_freed": dead() is None, "frozen": frozen >= 1000}))
        collector.thaw()
        print(json.dumps({"frozen_after_thaw": gc.get_freeze_count()}))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    first, second = (json.loads(line) for line in out.stdout.splitlines())
    assert first == {"garbage_freed": True, "frozen": True}
    assert second == {"frozen_after_thaw": 0}



EXITING = textwrap.dedent("""
    import gc, sys
    from edition import collector

    class Node:  # garbage the interpreter's last collection would free
        def __del__(self):
            sys.stdout.write("freed at exit\\n")

    gc.disable()
    node = Node()
    node.me = node
    del node
    if sys.argv[1] == "keep":
        collector.keep()
""")


def test_keep_spares_the_last_collection():
    def run(mode: str) -> str:
        proc = subprocess.run([sys.executable, "-c", EXITING, mode], cwd=REPO, capture_output=True, text=True, check=True)
        return proc.stdout

    assert run("plain") == "freed at exit\n"  # the interpreter collects everything as it exits
    assert run("keep") == ""  # ... but nothing kept when the command ends


def test_the_edition_command_keeps_what_it_holds_before_it_exits(monkeypatch):
    from edition import cli

    calls = []
    monkeypatch.setattr(cli, "main", lambda: 3)
    monkeypatch.setattr(collector, "keep", lambda: calls.append("keep"))
    with pytest.raises(SystemExit) as exit_:
        cli.run()
    assert exit_.value.code == 3
    assert calls == ["keep"]
