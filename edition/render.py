"""Render arbitrary TEI files into a standalone site with the edition's stylesheets.

``render([Path('letter.xml')], Path('out'))`` makes a temporary Sphinx source
directory (a generated ``conf.py``, an index page and a copy of each file), builds
it to HTML in ``out`` without ``-W``, and prints every warning with the original
file's name and line. Unhandled elements are warnings, never crashes.
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import tempfile
from pathlib import Path

from sphinx.application import Sphinx

from edition.documents import ROOT

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
        for path in files:
            path = Path(path)
            name = _docname(path, taken)
            copy = src / "docs" / f"{name}.xml"
            shutil.copyfile(path, copy)
            originals[str(copy)] = str(path)
            entries.append(f"   docs/{name}")
        index = ["Rendered TEI", "============", "", ".. toctree::", "   :maxdepth: 1", "", *entries, ""]
        (src / "index.rst").write_text("\n".join(index), encoding="utf-8")

        warnings = io.StringIO()
        try:
            app = Sphinx(str(src), str(src), str(out), str(Path(tmp) / "doctrees"), "html",
                         status=None, warning=warnings, freshenv=True)
            app.build(force_all=True)
            status = 0 if app.statuscode == 0 else 1
        except Exception as exc:  # report, never a traceback: the caller gets a status
            print(f"edition render: the build failed: {exc}", file=sys.stderr)
            status = 1
        report = re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())
        for copy, original in originals.items():
            report = report.replace(copy, original)
        if report:
            sys.stderr.write(report)
    return status
