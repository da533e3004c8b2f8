"""The "Encoding guidelines" page: the ODD rendered, with examples from our own TEI.

A page declares ``.. edition-guidelines::``. The directive renders
``tei/schema/edition.odd`` with the XSLT 3.0 stylesheets in ``xslt/odd/`` into
Docutils XML: the ODD's prose, then for every element the edition admits its
description, the attributes the edition uses with their closed value lists, and a
real example, and finally every Schematron constraint with its reason, message and
advice. The examples are chosen here, in Python, because lxml knows the line of
each element: :func:`usage_document` passes the stylesheet, as its ``usage``
parameter, how often each element and attribute occurs and one shortened
occurrence with its file and line.

The stylesheet is compiled once per process (as :mod:`edition.transform` does for
the documents). The page depends on the ODD and the stylesheets (Sphinx rebuilds it
when they change) and on what the TEI files use: when a TEI file changed, the usage
is collected again and the page is rebuilt only if the usage changed
(``env-get-outdated``); an edit of a word leaves it as it is. The rendered page is
kept in the build's product store (:mod:`edition.products`) under a digest of the
ODD, the stylesheets and the usage.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.docutils_xml import parse_element
from lxml import etree
from saxonche import PySaxonProcessor
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from edition import products
from edition.documents import ROOT, XSLT_DIR, document_paths, edition_files
from edition.schema import ODD_PATH
from edition.transform import stylesheet_closure
from edition.xmlsafe import parse_file

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
STYLESHEET = XSLT_DIR / "odd" / "guidelines.xsl"

#: Limits of an example: characters of one text node, element children kept per
#: element, depth below the example's root at which content is elided.
MAX_TEXT = 72
MAX_CHILDREN = 3
MAX_DEPTH = 3
#: An occurrence whose serialisation is longer than this is not preferred as the example.
PREFERRED_LENGTH = 480

_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------- examples


def _local(el: etree._Element) -> str | None:
    tag = el.tag
    if isinstance(tag, str) and tag.startswith("{%s}" % TEI_NS):
        return tag[len(TEI_NS) + 2:]
    return None


def _attribute_name(name: str) -> str:
    """``{xml-ns}id`` → ``xml:id``; other attributes keep their local name."""
    return "xml:" + name[len(XML_NS) + 2:] if name.startswith("{%s}" % XML_NS) else name


def _shorten_text(text: str | None, keep_edges: bool) -> str | None:
    """Fold whitespace (the files' line breaks are not significant) and cut long runs."""
    if text is None:
        return None
    folded = _WS.sub(" ", text)
    if not keep_edges:
        folded = folded.strip()
    if len(folded) > MAX_TEXT:
        cut = folded[:MAX_TEXT].rsplit(" ", 1)[0]
        folded = cut + " …" + (" " if folded.endswith(" ") else "")
    return folded


def _is_element_only(el: etree._Element) -> bool:
    """No character data besides whitespace between the children (so it may be re-indented)."""
    return len(el) > 0 and not (el.text or "").strip() and not any((c.tail or "").strip() for c in el)


def _trim(el: etree._Element, depth: int) -> None:
    """Shorten ``el`` in place: long texts, surplus children, deep content."""
    if depth >= MAX_DEPTH and (len(el) or (el.text or "").strip()):
        for child in list(el):
            el.remove(child)
        el.text = "…"
        return
    element_only = _is_element_only(el)
    children = [c for c in el if isinstance(c.tag, str)]
    for comment in [c for c in el if not isinstance(c.tag, str)]:
        el.remove(comment)  # comments and processing instructions are not part of the example
    if len(children) > MAX_CHILDREN:
        for extra in children[MAX_CHILDREN:]:
            el.remove(extra)
        last = children[MAX_CHILDREN - 1]
        last.tail = (last.tail or "") if not element_only else None
        el.append(etree.Comment(f" {len(children) - MAX_CHILDREN} more "))
        children = children[:MAX_CHILDREN]
    if element_only:
        el.text = None
        for child in el:
            child.tail = None
    else:
        el.text = _shorten_text(el.text, keep_edges=True)
        for child in children:
            child.tail = _shorten_text(child.tail, keep_edges=True)
    for child in children:
        _trim(child, depth + 1)


def _indent(el: etree._Element, level: int = 0) -> None:
    """Indent element-only content by two spaces a level; mixed content stays on one line."""
    if len(el) == 0 or el.text is not None or any(c.tail for c in el):
        return
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for child in el:
        child.tail = pad
        _indent(child, level + 1)
    el[-1].tail = "\n" + "  " * level


def excerpt(el: etree._Element) -> str:
    """A shortened, pretty-printed copy of ``el`` as XML text, without the TEI namespace."""
    copy = etree.fromstring(etree.tostring(el, with_tail=False))
    copy.tail = None
    _trim(copy, 0)
    _indent(copy)
    text = etree.tostring(copy, encoding="unicode")
    return text.replace(f' xmlns="{TEI_NS}"', "", 1)


@dataclass
class _Usage:
    """What the edition does with one element."""

    occurrences: int = 0
    files: set[str] = field(default_factory=set)
    attributes: Counter[str] = field(default_factory=Counter)
    #: The best occurrence so far: (rank, file, element); lower rank is better.
    example: tuple[int, str, etree._Element] | None = None


def _place(el: etree._Element, in_document: bool) -> int:
    """0: the text of a document; 1: a document's header; 2: a register."""
    if not in_document:
        return 2
    return 0 if any(_local(a) == "text" for a in el.iterancestors()) else 1


#: One file's use of one element: occurrences, attributes (by name), and the rank and
#: position (in document order) of its best occurrence in that file.
_FileUse = tuple[int, Counter, int, int]

#: Summaries of files already read by this process, by path, digest and place.
_FILE_USES: dict[tuple[str, str, bool], dict[str, _FileUse]] = {}


def _file_usage(path: Path, in_document: bool) -> dict[str, _FileUse]:
    """What one file does with each element it uses (see :data:`_FileUse`)."""
    uses: dict[str, list[Any]] = {}
    for position, el in enumerate(parse_file(path).getroot().iter()):
        name = _local(el)
        if name is None:
            continue
        use = uses.get(name)
        if use is None:
            use = uses[name] = [0, Counter(), None, -1]
        use[0] += 1
        use[1].update(_attribute_name(a) for a in el.attrib)
        best = 2 * _place(el, in_document)
        if use[2] is not None and use[2] <= best:
            continue  # serialising is the costly part: only for a possible improvement
        rank = best + (len(etree.tostring(el, with_tail=False)) > PREFERRED_LENGTH)
        if use[2] is None or rank < use[2]:
            use[2], use[3] = rank, position
    return {name: tuple(use) for name, use in uses.items()}  # type: ignore[misc]


def _shown(path: Path, root: Path) -> str:
    """``path`` as the page shows it: relative to ``root`` where it is inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


#: Kind of product in the store: one file's summary (:func:`_file_usage`).
FILE_USAGE_PRODUCT = "guidelines-file-usage"


def collect_usage(files: Iterable[Path], documents: Iterable[Path], root: Path = ROOT,
                  store: products.ProductStore | None = None) -> dict[str, _Usage]:
    """Occurrences, attributes and the best example of every TEI element in ``files``.

    The example is the first occurrence in the best place (:func:`_place`) whose
    markup is not longer than :data:`PREFERRED_LENGTH`, else the first one there.
    Each file is summarised once per version of the file, kept by the process and in
    ``store`` if one is given (a TEI edit reads only the edited file again); only the
    files holding an example are read again.
    """
    document_set = {Path(p).resolve() for p in documents}
    usage: dict[str, _Usage] = {}
    best: dict[str, tuple[int, Path, int]] = {}
    for path in files:
        path = Path(path).resolve()
        in_document, shown = path in document_set, _shown(path, root)
        key = (str(path), products.file_digest(path), in_document)
        if key not in _FILE_USES:
            stored_key = products.digest(FILE_USAGE_PRODUCT, *key, products.code_version())
            summary = store.load(FILE_USAGE_PRODUCT, str(path), stored_key) if store is not None else None
            if summary is None:
                summary = _file_usage(path, in_document)
                if store is not None:
                    store.save(FILE_USAGE_PRODUCT, str(path), stored_key, summary)
            _FILE_USES[key] = summary
        for name, (occurrences, attributes, rank, position) in _FILE_USES[key].items():
            entry = usage.setdefault(name, _Usage())
            entry.occurrences += occurrences
            entry.files.add(shown)
            entry.attributes.update(attributes)
            if name not in best or rank < best[name][0]:
                best[name] = (rank, path, position)
    elements: dict[Path, list[etree._Element]] = {}  # the files holding an example, in document order
    for name, (rank, path, position) in best.items():
        if path not in elements:
            elements[path] = list(parse_file(path).getroot().iter())
        usage[name].example = (rank, _shown(path, root), elements[path][position])
    return usage


def usage_document(files: Iterable[Path] | None = None, documents: Iterable[Path] | None = None,
                   store: products.ProductStore | None = None) -> str:
    """The ``usage`` parameter of the stylesheet, as XML text (no namespace); ``store`` keeps
    each file's summary between processes (:func:`collect_usage`)."""
    usage = collect_usage(edition_files() if files is None else files, document_paths() if documents is None else documents,
                          store=store)
    root = etree.Element("usage")
    for name in sorted(usage):
        entry = usage[name]
        el = etree.SubElement(root, "element", ident=name, occurrences=str(entry.occurrences), files=str(len(entry.files)))
        for attribute, count in sorted(entry.attributes.items()):
            etree.SubElement(el, "attribute", ident=attribute, occurrences=str(count))
        if entry.example is not None:
            _, shown, occurrence = entry.example
            example = etree.SubElement(el, "example", file=shown, line=str(occurrence.sourceline or 0))
            example.text = excerpt(occurrence)
    return etree.tostring(root, encoding="unicode")


# --------------------------------------------------------------------------- the stylesheet


class GuidelinesRenderer:
    """The compiled ODD stylesheet; create once per process (:func:`renderer`)."""

    def __init__(self, stylesheet: Path = STYLESHEET) -> None:
        self._processor = PySaxonProcessor(license=False)
        self._executable = self._processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(stylesheet))
        self._lock = threading.Lock()  # parameters live on the shared executable

    def render(self, odd: Path = ODD_PATH, usage: str | None = None) -> str:
        """Docutils XML of the guidelines for ``odd``, with the given usage (default: the edition's)."""
        odd_text = etree.tostring(parse_file(odd).getroot(), encoding="unicode")
        usage_text = usage_document() if usage is None else usage
        with self._lock:
            ex = self._executable
            ex.clear_parameters()
            ex.set_parameter("usage", self._processor.parse_xml(xml_text=usage_text))
            return ex.transform_to_string(xdm_node=self._processor.parse_xml(xml_text=odd_text)) or ""


_renderers: dict[int, GuidelinesRenderer] = {}


def renderer() -> GuidelinesRenderer:
    """The process's compiled stylesheet (keyed by pid: a Saxon instance must not cross a fork)."""
    pid = os.getpid()
    if pid not in _renderers:
        _renderers[pid] = GuidelinesRenderer()
    return _renderers[pid]


# --------------------------------------------------------------------------- Sphinx


def _stylesheets() -> list[Path]:
    """What the page is rendered from: the ODD and the guidelines stylesheet with its modules."""
    return [ODD_PATH, *stylesheet_closure(STYLESHEET)]


def _usage_stamp() -> list[tuple[str, int, int]]:
    """Names, sizes and mtimes of the files the usage is collected from: cheap to compare."""
    stamp = []
    for path in edition_files():
        stat = path.stat()
        stamp.append((str(path), stat.st_size, stat.st_mtime_ns))
    return stamp


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


#: Kinds of product in the store: the rendered page; the usage a page was read with.
PAGE_PRODUCT = "guidelines"
USAGE_PRODUCT = "guidelines-usage"


class GuidelinesDirective(SphinxDirective):
    """``.. edition-guidelines::`` — the encoding guidelines rendered from the ODD."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # The page shows the ODD: changing it (or the stylesheets) rebuilds the page. The
        # TEI files are followed by outdated_guidelines, through the usage.
        for path in _stylesheets():
            self.env.note_dependency(str(path))
        store = products.ProductStore(self.env.doctreedir)
        usage = usage_document(store=store)
        store.save(USAGE_PRODUCT, self.env.docname, "", (_usage_stamp(), _digest(usage)))
        key = products.digest(PAGE_PRODUCT, products.code_version(),
                              products.inputs_digest(_stylesheets()), usage)
        xml = store.load(PAGE_PRODUCT, self.env.docname, key)
        if xml is None:
            xml = renderer().render(usage=usage)
            store.save(PAGE_PRODUCT, self.env.docname, key, xml)
        tree = parse_element(xml)
        return list(tree.children)


def outdated_guidelines(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """Pages of the guidelines whose usage changed since they were read (a TEI file changed)."""
    store = products.store(app)
    stamp: list[tuple[str, int, int]] | None = None
    usage: str | None = None
    outdated = []
    for docname in store.names(USAGE_PRODUCT):
        found = store.stored(USAGE_PRODUCT, docname)
        if docname in changed or docname not in env.found_docs or found is None:
            continue
        read_stamp, read_usage = found[1]
        stamp = _usage_stamp() if stamp is None else stamp
        if read_stamp == stamp:
            continue
        usage = _digest(usage_document(store=store)) if usage is None else usage
        if usage != read_usage:
            outdated.append(docname)
        else:  # the files changed, what they use did not: the page stays as it is
            store.save(USAGE_PRODUCT, docname, "", (stamp, usage))
    return outdated


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("edition-guidelines", GuidelinesDirective)
    app.connect("env-get-outdated", outdated_guidelines)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
