"""The stages a build reports from inside Sphinx: XSLT, registers, search (edition.stagetimes)."""

from __future__ import annotations

import multiprocessing
import re
import types
from pathlib import Path

from conftest import copy_edition, run_edition

from edition import stagetimes


def _record_in_child(directory: str, stage: str, times: int) -> None:
    for _ in range(times):
        stagetimes.record(directory, stage, 0.25)


def test_seconds_from_every_process_are_summed_per_stage(tmp_path: Path):
    stagetimes.begin(tmp_path)
    stagetimes.record(tmp_path, "left over", 9.0)
    stagetimes.begin(tmp_path)  # a new build: what an earlier one logged is gone
    stagetimes.record(tmp_path, "xslt", 1.5)
    context = multiprocessing.get_context("fork")
    children = [context.Process(target=_record_in_child, args=(str(tmp_path), stage, 40))
                for stage in ("xslt", "registers", "xslt")]
    for child in children:
        child.start()
    for child in children:
        child.join()
        assert child.exitcode == 0
    with (tmp_path / stagetimes.LOG).open("a", encoding="utf-8") as log:
        log.write("registers\t0.")  # cut short by a full disk, say: left out, not fatal
    assert stagetimes.totals(tmp_path) == {"xslt": 1.5 + 2 * 40 * 0.25, "registers": 40 * 0.25}


def test_a_stage_decorator_times_its_function_for_the_build_of_its_first_argument(tmp_path: Path):
    @stagetimes.stage("registers")
    def work(owner: object, value: int) -> int:
        return value * 2

    assert work(types.SimpleNamespace(doctreedir=str(tmp_path)), 21) == 42
    assert not (tmp_path / stagetimes.LOG).exists()  # no build began a log (sphinx-build by hand)
    stagetimes.begin(tmp_path)
    assert work(types.SimpleNamespace(doctreedir=str(tmp_path)), 21) == 42
    assert work(types.SimpleNamespace(), 1) == 2  # nothing to report to: nothing logged
    totals = stagetimes.totals(tmp_path)
    assert list(totals) == ["registers"] and 0 <= totals["registers"] < 1
    assert stagetimes.totals(tmp_path / "missing") == {}


STAGES = re.compile(r"edition: html done \((.*)\)")


def _stages(stderr: str) -> dict[str, float]:
    found = STAGES.search(stderr)
    assert found, stderr[-2000:]
    return {name: float(value) for name, value in re.findall(r"([\w-]+) ([\d.]+)s", found.group(1))}


def test_a_build_reports_the_xslt_registers_and_search_it_ran(tmp_path: Path):
    root = copy_edition(tmp_path / "edition")
    proc = run_edition("build", "-q", "-j", "2", root=root)
    assert proc.returncode == 0, proc.stderr[-4000:]
    clean = _stages(proc.stderr)
    # Every document in both readings, the register pages and entry pages, the whole index.
    assert clean["xslt"] > 0.3 and clean["registers"] > 0.1 and clean["search"] > 0.1, clean
    # Built again from the store: no document is transformed, the index is left as it is.
    proc = run_edition("build", "-q", "-j", "2", "--force", root=root)
    assert proc.returncode == 0, proc.stderr[-4000:]
    forced = _stages(proc.stderr)
    assert forced["xslt"] == 0.0 and forced["search"] == 0.0, forced
    assert set(forced) >= {"validate", "sphinx-read", "sphinx-write", "xslt", "registers", "search", "publish"}
