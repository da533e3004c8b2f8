"""Render arbitrary TEI files into a standalone site with the edition's stylesheets.

``render([Path('letter.xml')], Path('out'))`` makes a temporary Sphinx source
directory (a generated ``conf.py``, an index page and a copy of each file), builds
it to HTML in ``out`` without ``-W``, and prints every warning with the original
file's name and line. Unhandled elements are warnings, never crashes.

The site holds only the given files (no page of the Kirov Edition's own). A teiCorpus
becomes a corpus page and a page per member; TEI written without its namespace is read
as TEI, with a warning.
"""

from __future__ import annotations

import io
import re
import sys
import tempfile
from pathlib import Path

from lxml import etree
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
# Only the given files: none of the Kirov Edition's own pages (its synopsis).
edition_synopsis = False
"""

TEI_NS = "http://www.tei-c.org/ns/1.0"
XI_INCLUDE = "{http://www.w3.org/2001/XInclude}include"
#: Root elements a renderable file may have.
TEI_ROOTS = frozenset({f"{{{TEI_NS}}}TEI", f"{{{TEI_NS}}}teiCorpus"})


def _in_tei_namespace(root: etree._Element) -> int:
    """Move the elements of no namespace into TEI's (TEI written without its namespace); return how many."""
    moved = 0
    for el in root.iter():
        if isinstance(el.tag, str) and not el.tag.startswith("{"):
            el.tag = f"{{{TEI_NS}}}{el.tag}"
            moved += 1
    return moved


def _write_at_line(el: etree._Element, path: Path) -> None:
    """Write ``el`` as an XML file whose root element starts on the line it had in its source.

    A member of a teiCorpus gets a page (a file) of its own; padding it with the lines that
    came before it keeps the stylesheets' warnings at the lines of the original file.
    (No XML declaration: only whitespace may then precede the root element.)
    """
    copy = etree.fromstring(etree.tostring(el))
    path.write_bytes(b"\n" * max((el.sourceline or 1) - 1, 0) + etree.tostring(copy, encoding="utf-8"))


def _corpus_pages(root: etree._Element, path: Path, folder: Path) -> tuple[list[str], list[str]]:
    """Split a teiCorpus into ``folder/{name}.xml`` (the corpus: its header and links to its
    members, as xi:include elements) and ``folder/{name}-{n}.xml``, one per member TEI
    (``name``: the folder's; page names stay unique in the site, the parallel pages' too).

    Returns (the pages written, relative to ``folder``'s parent; the errors): a member that
    an unresolved xi:include stands for is an error naming file and line.
    """
    folder.mkdir(parents=True)
    pages = [f"{folder.name}/{folder.name}"]
    errors: list[str] = []
    corpus = etree.Element(root.tag, nsmap=root.nsmap)
    corpus.extend(etree.fromstring(etree.tostring(h)) for h in root.findall(f"{{{TEI_NS}}}teiHeader"))
    # A member is a TEI, a corpus inside the corpus (rendered whole, on one page) or an xi:include of one.
    members = [c for c in root if isinstance(c.tag, str) and c.tag in (*TEI_ROOTS, XI_INCLUDE)]
    for n, member in enumerate(members, 1):
        if member.tag == XI_INCLUDE:
            line, href = member.sourceline or 1, member.get("href", "")
            target = (path.parent / href) if href else None
            try:
                member = parse_file(target).getroot() if target is not None and target.is_file() else None
            except XMLInputError:
                member = None
            if member is None or member.tag not in TEI_ROOTS:
                errors.append(f"{path}:{line}:1: [unresolved-include] "
                              f"the corpus member {href or '(no href)'} cannot be read: the corpus is rendered without it")
                continue
        name = f"{folder.name}-{n}"
        _write_at_line(member, folder / f"{name}.xml")
        pages.append(f"{folder.name}/{name}")
        link = etree.SubElement(corpus, XI_INCLUDE, href=f"{name}.xml")
        titles = member.findall(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}fileDesc/{{{TEI_NS}}}titleStmt/{{{TEI_NS}}}title")
        fallback = etree.SubElement(link, "{http://www.w3.org/2001/XInclude}fallback")
        fallback.text = next((" ".join("".join(t.itertext()).split()) for t in titles), "") or name
    (folder / f"{folder.name}.xml").write_bytes(etree.tostring(corpus, encoding="utf-8"))
    return pages, errors


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
            moved = 0
            if root.tag in ("TEI", "teiCorpus"):
                moved = _in_tei_namespace(root)
                print(f"{path}:{root.sourceline or 1}:1: WARNING: [no-namespace] <{root.tag.split('}')[-1]}> and "
                      f"{moved - 1} more elements have no namespace: read as TEI's", file=sys.stderr)
            if root.tag not in TEI_ROOTS:
                print(f"{path}:{root.sourceline or 1}:1: [not-tei] the root element is {root.tag}, not a TEI or teiCorpus of the TEI namespace", file=sys.stderr)
                refused += 1
                continue
            name = _docname(path, taken)
            if root.tag == f"{{{TEI_NS}}}teiCorpus":
                # A page for the corpus and one for each member.
                pages, errors = _corpus_pages(root, path, src / "docs" / name)
                for error in errors:
                    print(error, file=sys.stderr)
                refused += len(errors)
                for page in pages:
                    originals[str(src / "docs" / f"{page}.xml")] = str(path)
                    entries.append(f"   docs/{page}")
                continue
            copy = src / "docs" / f"{name}.xml"
            if moved:
                _write_at_line(root, copy)
            else:
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
