"""The edition's benchmark: prints figures, asserts nothing.

    python bench/run.py [--scales 1,10,100] [--runs 3] [--big-runs 1] [--all-rows] [--no-hostile]

``--big-runs`` is the number of runs at 100x and above (one by default: one 100x
clean build takes about 6.5 minutes on two cores, ``make bench`` about 14 in all).
The rows the issue does not ask for (the no-op through Sphinx, the abstract's
one-paragraph rebuild, the XSLT floor) are measured at 1x and 10x; at 100x and
above only with ``--all-rows`` (they add about two minutes there).

For each scale (the real edition replicated N times by ``bench/scale.py``) it
measures, as the median of ``--runs`` runs, with the peak RSS (the largest of the runs,
of the largest process: ``/usr/bin/time -v``) of the validation, the clean build, the
no-op and the one-paragraph rebuild:

* ``edition validate`` of the whole edition;
* a clean ``edition build`` (HTML), with the per-stage times the build reports: the
  wall-clock stages (validate, Sphinx read, Sphinx write, publish) and, inside them,
  the XSLT, the registers and the search index, each summed over the processes that
  ran it (:mod:`edition.stagetimes`);
* a no-op rebuild (no input changed: the build finds it and stops), and the same
  with ``--force``, which runs Sphinx anyway (what Sphinx's own incremental build costs);
* a rebuild after one paragraph of one document changed;
* the floor: parsing all TEI with lxml and serialising it again;
* the XSLT floor: the compiled stylesheet applied to every document in one process;
* the Sphinx floor, what Sphinx itself costs, in two forms: Sphinx building a plain
  page per document with the document's text (its ``searchindex.js`` is the size a
  Sphinx search would download for any query); and Sphinx building as many plain
  pages as the clean build published, holding the same text (the issue's "same number
  of plain pages"; at 1x its median of ``--runs``, at 10x one run, at 100x left out
  unless ``--all-rows``: 60,000 pages take Sphinx about seven minutes);
* the clean build's CPU time, user and system, and the cost of creating a file just
  before the clean builds: a clean build creates tens of thousands of files, and for
  minutes after many files were deleted creating one costs 10 to 40 times as much
  (:func:`set_aside`), so the bench deletes nothing until it ends.
* after the table, the hostile-input rows of ``bench/hostile.py`` (issue #24): work that
  must grow no faster than a hostile file (``--no-hostile`` leaves them out).
* the search index (``edition/searchindex.py``): its size and files, and the
  bytes a browser fetches for one query (the first page of ten results),
  measured in Chromium when it is installed, else by the same algorithm in Python.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import scale  # noqa: E402

from edition.searchentries import BUNDLE_DIR  # noqa: E402

CPU_RE = re.compile(r"User time \(seconds\): ([\d.]+)\s+System time \(seconds\): ([\d.]+)")
TIME_RE = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
STAGE_RE = re.compile(r"edition: html done \((.*)\)")
STAGE_ITEM = re.compile(r"([\w-]+) ([\d.]+)s")
CHROMIUM = Path("/usr/bin/chromium")
#: A word of the edition's running text, and one only in a footnote of the dissertation.
#: A name the registers expand (Kirov, Kostrikov, his tagged mentions), a rare word, a phrase, a variant.
QUERIES = ("Kirov", "Rikoshet", '"Leningrad opposition"', "Nikolayev")


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


def set_aside(path: Path) -> None:
    """Move ``path`` (if there is one) into the bench's trash, deleted when the bench ends.

    Deleting the output of a build before the next one slowed the next one down: for
    minutes after tens of thousands of files were deleted, creating a file took 0.4 to
    0.9 ms instead of 0.02 to 0.05 (``creation_ms``), all of it system time, with no disk
    traffic. Likely cause: ext4 does not reuse an inode freed in the last one to five
    minutes (``recently_deleted`` in the kernel's ``fs/ext4/ialloc.c``), and looks past
    each of them for a free one.
    """
    if path.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.rename(path, tempfile.mkdtemp(dir=TRASH))  # over the empty folder mkdtemp made


#: Where :func:`set_aside` puts what the bench no longer needs (in its temporary folder).
TRASH = Path(tempfile.gettempdir()) / "edition-bench-trash"


def creation_ms(work: Path, count: int = 2000) -> float:
    """Milliseconds to create one small file in a new folder of ``work``, now (the rest of
    writing a file costs about a tenth of it): 0.02 to 0.05 ms on this machine, 0.4 to 0.9
    for minutes after many files were deleted (:func:`set_aside`)."""
    folder = Path(tempfile.mkdtemp(dir=work, prefix="creation-"))
    t0 = time.perf_counter()
    for i in range(count):
        os.close(os.open(folder / f"f{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    elapsed = time.perf_counter() - t0
    set_aside(folder)
    return 1e3 * elapsed / count


def xslt_floor(root: Path) -> float:
    """The compiled stylesheet applied to every document, in a fresh process (compiling excluded)."""
    code = (
        "import sys, time\n"
        "from edition.documents import document_paths\n"
        "from edition.transform import transformer\n"
        "t = transformer()\n"
        "t0 = time.perf_counter()\n"
        "for p in document_paths(): t.transform(p)\n"
        "print(time.perf_counter() - t0)\n"
    )
    env = dict(os.environ, EDITION_ROOT=str(root))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def query_bytes(site: Path, query: str) -> tuple[int, int]:
    """(bytes of index data, files) Chromium fetches from ``searchindex/`` to show the first results of ``query``."""
    import http.server
    import threading
    from functools import partial

    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = partial(Quiet, directory=str(site.resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    sizes: dict[str, int] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())) if f"/{BUNDLE_DIR}/" in r.url and r.ok else None)
            page.goto(base + "search.html?q=" + quote(query))
            page.locator("a.edition-search-result").first.wait_for(timeout=120_000)
            page.wait_for_load_state("networkidle")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    # The document titles fill the filter's list, loaded beside the query; reported apart.
    query = {url: size for url, size in sizes.items() if not url.endswith("/documents.json")}
    return sum(query.values()), len(query)


def search_figures(site: Path) -> dict[str, str]:
    from edition.searchindex import IndexReader

    index = site / BUNDLE_DIR
    files = [p for p in index.rglob("*") if p.is_file()]
    row = {
        "search index": f"{sum(p.stat().st_size for p in files) / 1e6:.1f} MB in {len(files)} files",
        "  document list (once per page)": f"{(index / 'documents.json').stat().st_size / 1e3:.0f} kB",
    }
    for query in QUERIES:
        if CHROMIUM.exists():
            try:
                data, count = query_bytes(site, query)
                row[f"query '{query}'"] = f"{data / 1e3:.0f} kB in {count} files (Chromium)"
                continue
            except Exception as exc:  # noqa: BLE001 - fall back to the reader's algorithm
                print(f"bench: Chromium query failed ({exc}); using the Python reader", file=sys.stderr)
        reader = IndexReader(index)
        reader.search(query, limit=10)
        row[f"query '{query}'"] = f"{reader.bytes / 1e3:.0f} kB in {len(reader.fetched)} files (reader)"
    return row


def floor_texts(tei_dir: Path) -> list[tuple[str, list[str]]]:
    """The text of each document (not the registers) as it would be written plainly: its paragraphs."""
    registers = {"persons.xml", "places.xml", "orgs.xml", "bibliography.xml"}
    texts = []
    for path in sorted(p for p in tei_dir.glob("*.xml") if p.name not in registers):
        body = etree.parse(str(path)).getroot()
        paras = [" ".join(p.itertext()).split() for p in body.iter("{http://www.tei-c.org/ns/1.0}p")]
        texts.append((path.stem, [" ".join(words) for words in paras if words]))
    return texts


def sphinx_floor(tei_dir: Path, work: Path, env: dict[str, str], pages: int | None = None) -> float:
    """Sphinx building plain pages that hold the edition's text: one page per document, in a
    toctree (``pages`` None), or as many pages as ``pages``, each with an equal share of the
    paragraphs, outside any toctree (Sphinx's sidebar would list every page on every page)."""
    src = work / "floor-src"
    set_aside(src)
    src.mkdir(parents=True)
    (src / "conf.py").write_text("project = 'floor'\nhtml_theme = 'alabaster'\n", encoding="utf-8")
    texts = floor_texts(tei_dir)
    if pages is None:
        for name, paras in texts:
            (src / f"{name}.rst").write_text(f"{name}\n{'=' * len(name)}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
        listed = "\n\n.. toctree::\n\n   " + "\n   ".join(name for name, _ in texts)
    else:
        paras = [para for _, ps in texts for para in ps]
        for i in range(pages - 1):  # and the index
            share = paras[i * len(paras) // (pages - 1):(i + 1) * len(paras) // (pages - 1)]
            (src / f"p{i:06d}.rst").write_text(f":orphan:\n\nPage {i}\n{'=' * 20}\n\n" + "\n\n".join(share) + "\n",
                                               encoding="utf-8")
        listed = ""
    (src / "index.rst").write_text(f"Floor\n=====\n{listed}\n", encoding="utf-8")
    out = work / "floor-out"
    set_aside(out)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sphinx", "-q", "-j", "2", "-b", "html", str(src), str(out)], check=True, env=env)
    elapsed = time.perf_counter() - t0
    if pages is None:
        SPHINX_INDEX[tei_dir] = (out / "searchindex.js").stat().st_size
    return elapsed


#: Size of the Sphinx floor's searchindex.js per corpus (what Sphinx search would download per query).
SPHINX_INDEX: dict[Path, int] = {}


def change_one_paragraph(tei_dir: Path, n: int, key: str = "dikova") -> None:
    """Put a word at the start of the first paragraph of a document (a real edit): by default
    the dissertation (two thirds of the edition's text), or the short abstract ``bakulin``."""
    path = tei_dir / f"{key}.xml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(rf"(<p xml:id=\"{key}-p0001\"[^>]*>)", rf"\1[bench edit {n}] ", text, count=1), encoding="utf-8")


#: What a row the bench leaves out at this scale says instead (see ``--all-rows``).
LEFT_OUT = "not measured (--all-rows)"


def bench_scale(factor: int, runs: int, work: Path, extras: bool = True) -> dict[str, str]:
    """The figures of one scale; ``extras``: also the rows the issue does not ask for."""
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
    row["validate RSS MB"] = f"{v_rss:.0f}"

    def clean():
        set_aside(root / "_build")
        return timed([*edition, "build", "-q", "-j", "2"], env, root)

    creation = creation_ms(work)
    c, c_rss, err = median_of(runs, clean)
    row["clean s"] = f"{c:.1f}"
    cpu = CPU_RE.search(err)
    user, system = (float(cpu.group(1)), float(cpu.group(2))) if cpu else (math.nan, math.nan)
    row["clean CPU s (last run)"] = f"{user:.1f} user + {system:.1f} system"
    row["file creation ms (before the clean builds)"] = f"{creation:.2f}"
    pages = sum(1 for _ in (root / "_build" / "html").rglob("*.html"))
    row["clean RSS MB"] = f"{c_rss:.0f}"
    stages = STAGE_RE.search(err)
    for name, seconds in STAGE_ITEM.findall(stages.group(1) if stages else ""):
        if name not in {"sphinx", "total"}:
            # The stages inside Sphinx are summed over the processes that ran them.
            summed = " (summed over processes)" if name in {"xslt", "registers", "search"} else ""
            row[f"  stage {name} s{summed}"] = seconds
    row.update(search_figures(root / "_build" / "html"))
    noop, noop_rss, _ = median_of(runs, lambda: timed([*edition, "build", "-q", "-j", "2"], env, root))
    row["no-op s"] = f"{noop:.2f} (inputs unchanged: nothing to do)"
    row["no-op RSS MB"] = f"{noop_rss:.0f}"
    if extras:
        forced, _, _ = median_of(runs, lambda: timed([*edition, "build", "-q", "-j", "2", "--force"], env, root))
        row["no-op through Sphinx s"] = f"{forced:.1f} (--force)"
    else:
        row["no-op through Sphinx s"] = LEFT_OUT
    counter = iter(range(10_000))

    def one_para():
        change_one_paragraph(tei_dir, next(counter))
        return timed([*edition, "build", "-q", "-j", "2"], env, root)

    para, para_rss, _ = median_of(runs, one_para)
    row["1-para s"] = f"{para:.1f} ({100 * para / c:.0f}% of clean)"
    row["1-para RSS MB"] = f"{para_rss:.0f}"

    def one_short_para():
        change_one_paragraph(tei_dir, next(counter), "bakulin")
        return timed([*edition, "build", "-q", "-j", "2"], env, root)

    if extras:
        short, _, _ = median_of(runs, one_short_para)
        row["1-para (bakulin) s"] = f"{short:.1f} ({100 * short / c:.0f}% of clean)"
    else:
        row["1-para (bakulin) s"] = LEFT_OUT
    fl = statistics.median(floor_parse(tei_dir) for _ in range(runs))
    row["lxml floor s"] = f"{fl:.2f} (clean = {c / fl:.0f}x)"
    if extras:
        xf = statistics.median(xslt_floor(root) for _ in range(runs))
        row["XSLT floor s"] = f"{xf:.1f}"
    else:
        row["XSLT floor s"] = LEFT_OUT
    sf = statistics.median(sphinx_floor(tei_dir, work / f"floor-{factor}", env) for _ in range(runs))
    row["sphinx floor, a page per document s"] = f"{sf:.1f} (clean = {c / sf:.1f}x)"
    if extras:
        # The floor is "the same number of plain pages": as many as the site has.
        pf_runs = runs if factor < 10 else 1
        pf = statistics.median(sphinx_floor(tei_dir, work / f"floor-{factor}", env, pages) for _ in range(pf_runs))
        row["sphinx floor, as many pages as the site s"] = f"{pf:.1f} ({pages} pages; clean = {c / pf:.1f}x)"
    else:
        row["sphinx floor, as many pages as the site s"] = f"{LEFT_OUT} ({pages} pages)"
    row["sphinx searchindex.js"] = f"{SPHINX_INDEX[tei_dir] / 1e3:.0f} kB (whole, per query)"
    row["runs"] = str(runs)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1, help="runs at 100x and above")
    parser.add_argument("--no-hostile", action="store_true", help="leave out the hostile-input rows (bench/hostile.py)")
    parser.add_argument("--all-rows", action="store_true",
                        help="at 100x and above too, the rows the issue does not ask for")
    args = parser.parse_args()
    rows = []
    load_before = os.getloadavg()
    started = time.perf_counter()
    global TRASH
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as tmp:
        TRASH = Path(tmp) / "trash"
        for factor in (int(s) for s in args.scales.split(",")):
            print(f"bench: {factor}x …", file=sys.stderr, flush=True)
            try:
                big = factor >= 100
                rows.append(bench_scale(factor, args.big_runs if big else args.runs, Path(tmp),
                                        extras=args.all_rows or not big))
            except SystemExit as failed:  # a failed build: report it, keep the other scales
                print(failed, file=sys.stderr)
                rows.append({"scale": f"{factor}x", "docs": "build failed (see above)"})
    # One row per measure, one column per scale: the table stays readable.
    keys = list(dict.fromkeys(k for row in rows for k in row if k != "scale"))
    print("| measure | " + " | ".join(row["scale"] for row in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for key in keys:
        print(f"| {key.strip()} | " + " | ".join(row.get(key, "") for row in rows) + " |")
    if not args.no_hostile:
        from hostile import hostile_rows

        with tempfile.TemporaryDirectory(prefix="edition-bench-hostile-") as tmp:
            print("\n| hostile input (issue #24) | figures |\n|---|---|")
            for name, value in hostile_rows(Path(tmp)):
                print(f"| {name} | {value} |")
    load_after = os.getloadavg()
    print(f"\n{os.cpu_count()} cores; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after "
          f"(15 min: {load_after[2]:.1f}); bench took {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
