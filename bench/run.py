"""The edition's benchmark: prints figures, asserts nothing.

    python bench/run.py [--scales 1,10,100] [--runs 3]

For each scale (the real edition replicated N times by ``bench/scale.py``) it
measures, as the median of ``--runs`` runs, with the peak RSS of the process:

* ``edition validate`` of the whole edition;
* a clean ``edition build`` (HTML), with the per-stage times the build reports;
* a no-op rebuild;
* a rebuild after one paragraph of one document changed;
* the floor: parsing all TEI with lxml and serialising it again;
* the Sphinx floor: Sphinx building the same number of plain pages holding the
  same text, which is what Sphinx itself costs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import scale  # noqa: E402

TIME_RE = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
STAGE_RE = re.compile(r"edition: html done \((.*)\)")


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Run ``cmd``; return (seconds, peak RSS in MB, stderr)."""
    wrapped = ["/usr/bin/time", "-v", *cmd] if Path("/usr/bin/time").exists() else cmd
    t0 = time.perf_counter()
    proc = subprocess.run(wrapped, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    match = TIME_RE.search(proc.stderr)
    return elapsed, (int(match.group(1)) / 1024 if match else float("nan")), proc.stderr


def median_of(runs: int, action) -> tuple[float, float, str]:
    results = [action() for _ in range(runs)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2])


def floor_parse(tei_dir: Path) -> float:
    """lxml parse + serialise of every TEI file: the lower bound of any transformation."""
    t0 = time.perf_counter()
    for path in sorted(tei_dir.glob("*.xml")):
        etree.tostring(etree.parse(str(path)))
    return time.perf_counter() - t0


def sphinx_floor(tei_dir: Path, work: Path, env: dict[str, str]) -> float:
    """Sphinx building as many plain pages with the same text as the edition."""
    src = work / "floor-src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    (src / "conf.py").write_text("project = 'floor'\nhtml_theme = 'alabaster'\n", encoding="utf-8")
    names = []
    for path in sorted(tei_dir.glob("*.xml")):
        body = etree.parse(str(path)).getroot()
        paras = [" ".join(p.itertext()).split() for p in body.iter("{http://www.tei-c.org/ns/1.0}p")]
        text = "\n\n".join(" ".join(words) for words in paras if words)
        names.append(path.stem)
        (src / f"{path.stem}.rst").write_text(f"{path.stem}\n{'=' * len(path.stem)}\n\n{text}\n", encoding="utf-8")
    (src / "index.rst").write_text("Floor\n=====\n\n.. toctree::\n\n   " + "\n   ".join(names) + "\n", encoding="utf-8")
    out = work / "floor-out"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(out)], check=True, env=env)
    return time.perf_counter() - t0


def change_one_paragraph(tei_dir: Path, n: int) -> None:
    """Append a word to the first paragraph of the dissertation (a real edit)."""
    path = tei_dir / "dikova.xml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(<p xml:id=\"dikova-p0001\"[^>]*>)", rf"\1[bench edit {n}] ", text, count=1), encoding="utf-8")


def bench_scale(factor: int, runs: int, work: Path) -> dict[str, str]:
    root = work / f"edition-{factor}x"
    scale(factor, root)
    tei_dir = root / "tei"
    env = dict(os.environ, EDITION_ROOT=str(root))
    edition = [sys.executable, "-m", "edition.cli"]
    size = sum(p.stat().st_size for p in tei_dir.glob("*.xml"))
    docs = len(list(tei_dir.glob("*.xml")))
    row: dict[str, str] = {"scale": f"{factor}x", "docs": str(docs), "TEI MB": f"{size / 1e6:.1f}"}

    v, v_rss, _ = median_of(runs, lambda: timed([*edition, "validate"], env, root))
    row["validate s"] = f"{v:.2f}"

    def clean():
        shutil.rmtree(root / "_build", ignore_errors=True)
        return timed([*edition, "build", "-q", "-j", "2"], env, root)

    c, c_rss, err = median_of(runs, clean)
    row["clean s"] = f"{c:.1f}"
    row["clean RSS MB"] = f"{c_rss:.0f}"
    stages = STAGE_RE.search(err)
    row["stages"] = stages.group(1) if stages else "?"
    noop, _, _ = median_of(runs, lambda: timed([*edition, "build", "-q"], env, root))
    row["no-op s"] = f"{noop:.1f}"
    counter = iter(range(10_000))

    def one_para():
        change_one_paragraph(tei_dir, next(counter))
        return timed([*edition, "build", "-q"], env, root)

    para, _, _ = median_of(runs, one_para)
    row["1-para s"] = f"{para:.1f} ({100 * para / c:.0f}% of clean)"
    fl = statistics.median(floor_parse(tei_dir) for _ in range(runs))
    row["lxml floor s"] = f"{fl:.2f} (clean = {c / fl:.0f}x)"
    sf = statistics.median(sphinx_floor(tei_dir, work / f"floor-{factor}", env) for _ in range(runs))
    row["sphinx floor s"] = f"{sf:.1f} (clean = {c / sf:.1f}x)"
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as tmp:
        for factor in (int(s) for s in args.scales.split(",")):
            print(f"bench: {factor}x …", file=sys.stderr, flush=True)
            rows.append(bench_scale(factor, args.runs, Path(tmp)))
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(row[k] for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
