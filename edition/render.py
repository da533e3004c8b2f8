"""Render arbitrary TEI files into a standalone site with the edition's stylesheets.

``render([Path('letter.xml')], Path('out'))`` makes a temporary Sphinx source
directory (a generated ``conf.py``, an index page and a copy of each file), builds
it to HTML in ``out`` without ``-W``, and prints every warning with the original
file's name and line. Unhandled elements are warnings, never crashes.
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from pathlib import Path

from sphinx.application import Sphinx

from edition.documents import ROOT
from edition.projectfiles import read_regular
from edition.xmlsafe import XMLInputError, parse_file, utf8_bytes

CONF = """\
import sys
sys.path.insert(0, {root!r})
project = "TEI rendered with the Kirov Edition's stylesheets"
extensions = ["edition.sphinxext"]
source_suffix = {{".rst": "restructuredtext", ".xml": "tei"}}
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_theme_options = {{"page_width": "1240px", "show_powered_by": False}}
html_show_sourcelink = False
html_copy_source = False
"""

#: Root elements a renderable file may have.
TEI_ROOTS = frozenset({"{http://www.tei-c.org/ns/1.0}TEI", "{http://www.tei-c.org/ns/1.0}teiCorpus"})


def _docname(path: Path, taken: set[str]) -> str:
    """A document name for ``path``: its stem made safe, unique within the site."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-") or "document"
    name, i = base, 2
    while name in taken:
        name, i = f"{base}-{i}", i + 1
    taken.add(name)
    return name


def render(files: list[Path], out: Path) -> int:
    """Render ``files`` into a site in ``out``; return 0 on success, 1 if the build failed.

    Warnings (unhandled elements, broken links, docutils problems) are printed to
    stderr as ``file:line: message`` with the original file names.
    """
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="edition-render-") as tmp:
        src = Path(tmp) / "src"
        (src / "docs").mkdir(parents=True)
        (src / "conf.py").write_text(CONF.format(root=str(ROOT)), encoding="utf-8")
        taken: set[str] = set()
        originals: dict[str, str] = {}
        entries = []
        refused = 0
        for path in files:
            path = Path(path)
            try:  # hostile or broken XML is refused here, with its position, before Sphinx sees it
                tree = parse_file(path)
                root = tree.getroot()
                # Sphinx reads a source as UTF-8 text: the copy is UTF-8 (UTF-16, Latin-1 … decoded
                # in the encoding the XML parser read), with the same text on the same lines.
                data = utf8_bytes(path, read_regular(path), tree)
            except XMLInputError as exc:
                print(str(exc), file=sys.stderr)
                refused += 1
                continue
            if root.tag not in TEI_ROOTS:
                print(f"{path}:{root.sourceline or 1}:1: [not-tei] the root element is {root.tag}, not a TEI or teiCorpus of the TEI namespace", file=sys.stderr)
                refused += 1
                continue
            name = _docname(path, taken)
            copy = src / "docs" / f"{name}.xml"
            copy.write_bytes(data)
            originals[str(copy)] = str(path)
            entries.append(f"   docs/{name}")
        if refused and not entries:
            print(f"edition render: nothing to render; {out} is unchanged", file=sys.stderr)
            return 1
        index = ["Rendered TEI", "============", "", ".. toctree::", "   :maxdepth: 1", "", *entries, ""]
        (src / "index.rst").write_text("\n".join(index), encoding="utf-8")

        warnings = io.StringIO()
        try:
            app = Sphinx(str(src), str(src), str(out), str(Path(tmp) / "doctrees"), "html",
                         status=None, warning=warnings, freshenv=True)
            app.build(force_all=True)
            status = 0 if app.statuscode == 0 and not refused else 1
        except Exception as exc:  # report, never a traceback: the caller gets a status
            print(f"edition render: the build failed: {exc}", file=sys.stderr)
            status = 1
        report = re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())
        for copy, original in originals.items():
            report = report.replace(copy, original)
        if re.search(r": (ERROR|SEVERE|CRITICAL): ", report):
            status = 1  # a document that could not be read is a failed render, even without -W
        if report:
            sys.stderr.write(report)
        print(unhandled_summary(report), file=sys.stderr)
    return status


_UNHANDLED = re.compile(r"\[unhandled\] <([^>\s]+)>")


def unhandled_summary(report: str) -> str:
    """One line naming the elements the stylesheets have no rendering for, most frequent first."""
    counts: dict[str, int] = {}
    for name in _UNHANDLED.findall(report):
        counts[name] = counts.get(name, 0) + 1
    if not counts:
        return "unhandled elements: none"
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "unhandled elements: " + ", ".join(f"{name} ({n})" for name, n in ranked)
