"""Bench rows for hostile input (issue #24): work that must grow no faster than the file.

Each row is measured at two sizes, so that the table shows how the time grows:

* the context of every mention in one paragraph (:func:`edition.sphinxext.domain.collect`
  on a doctree of N person mentions): the register's resolution, linear;
* ``edition validate`` of the abstract with N attributes on one paragraph: linear;
* ``edition validate`` of the abstract whose ``citeStructure/@use`` searches the whole
  document for each unit (``count(//node()[count(//node()) > 0])``): refused at once;
* ``edition render`` of a file of N sibling ``<lb/>``: up to 200,000 nodes rendered (time
  and peak memory), beyond refused at once (``[xml-limit]``).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIME_RE = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def _run(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit status) of ``cmd``, whatever its status."""
    wrapped = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else cmd
    t0 = time.perf_counter()
    proc = subprocess.run(wrapped, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    match = TIME_RE.search(proc.stderr)
    return elapsed, (int(match.group(1)) / 1024 if match else float("nan")), proc.returncode


def mention_context_seconds(n: int) -> float:
    """``collect`` of a document whose one paragraph names the same person ``n`` times."""
    from docutils import nodes
    from docutils.utils import new_document

    from edition.sphinxext.domain import collect

    document = new_document("bench")
    para = nodes.paragraph(ids=["p1"])
    for i in range(n):
        para += nodes.Text(f" word{i} ")
        para += nodes.inline("Pareto", "Pareto", register="person", key="pareto")
    document += para
    t0 = time.perf_counter()
    found = collect(document)
    elapsed = time.perf_counter() - t0
    assert len(found["mentions"]) == n
    return elapsed


def _abstract(work: Path, name: str, change) -> Path:
    path = work / name
    path.write_text(change((REPO / "tei" / "bakulin.xml").read_text(encoding="utf-8")), encoding="utf-8")
    return path


def hostile_rows(work: Path) -> list[tuple[str, str]]:
    edition = [sys.executable, "-m", "edition.cli"]
    rows = []
    small, big = (mention_context_seconds(n) for n in (10_000, 100_000))
    rows.append(("register: context of 10k / 100k mentions in one paragraph s", f"{small:.2f} / {big:.2f}"))
    times = []
    for n in (64_000, 200_000):
        attrs = "\n".join(f'   a{i}="x"' for i in range(n))
        path = _abstract(work, f"attrs{n}.xml", lambda t, a=attrs: t.replace('<p xml:id="bakulin-p0001"',
                                                                            f'<p xml:id="bakulin-p0001"\n{a}', 1))
        times.append(_run([*edition, "validate", str(path)], REPO)[0])
    rows.append(("validate: 64k / 200k attributes on one element s", f"{times[0]:.1f} / {times[1]:.1f}"))
    path = _abstract(work, "cubic.xml", lambda t: t.replace('use="@n"', 'use="count(//node()[count(//node()) &gt; 0])"', 1))
    seconds, _, status = _run([*edition, "validate", str(path)], REPO)
    rows.append(("validate: citeStructure @use over //node() s", f"{seconds:.1f} (refused: status {status})"))
    cells = []
    for n in (150_000, 1_000_000):
        path = _abstract(work, f"lb{n}.xml", lambda t, n=n: t.replace('<p xml:id="bakulin-p0001">',
                                                                        '<p xml:id="bakulin-p0001">' + "<lb/>\n" * n, 1))
        seconds, rss, status = _run([*edition, "render", str(path), "--out", str(work / f"out-{n}")], REPO)
        cells.append(f"{seconds:.1f} s, {rss:.0f} MB" + (" (refused)" if status else ""))
    rows.append(("render: 150k / 1M sibling lb", " / ".join(cells)))
    return rows


def main() -> int:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="edition-bench-hostile-") as tmp:
        rows = hostile_rows(Path(tmp))
    print("| hostile input | figures |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
