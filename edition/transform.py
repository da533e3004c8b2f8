"""TEI → Docutils XML with the edition's XSLT 3.0 stylesheets (``xslt/edition.xsl``).

The stylesheet is compiled once per process (:func:`transformer`) and the compiled
executable is reused for every document. Input is parsed with
:func:`edition.xmlsafe.parse_file` first and handed to Saxon already serialised,
without DOCTYPE or entities, so Saxon never resolves anything itself.

The stylesheet reports problems with ``xsl:message`` as tab-separated fields
``code, element, path(), text``; :class:`TransformMessage` maps the XPath
``path()`` back to the line of the TEI file with lxml.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor

from edition.documents import XSLT_DIR
from edition.xmlsafe import XMLInputError, parse_file

#: The driver stylesheet.
STYLESHEET = XSLT_DIR / "edition.xsl"

READINGS = ("edited", "diplomatic")

#: One step of ``path()``: an element step ``Q{ns}local[n]``, or any other step (text(), @a).
_STEP = re.compile(r"/(?:Q\{(?P<ns>[^}]*)\}(?P<local>[^/\[]+)\[(?P<pos>\d+)\]|(?P<other>[^/]+))")


@dataclass(frozen=True)
class TransformMessage:
    """One report of the stylesheet, placed at a line of the TEI file."""

    code: str  #: e.g. ``unhandled``, ``broken-link``
    element: str  #: the element's name as written in the TEI
    path: str  #: the XPath ``path()`` of the element
    text: str  #: human-readable explanation
    file: str = ""
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: [{self.code}] <{self.element}> {self.text}"


@dataclass
class TransformResult:
    """A transformed document: the Docutils XML and what the stylesheet reported."""

    xml: str
    messages: list[TransformMessage] = field(default_factory=list)


def line_of(tree: etree._ElementTree, path: str) -> int:
    """Return the source line of the element that XPath ``path()`` names (0 if not found).

    ``path()`` gives steps like ``/Q{http://www.tei-c.org/ns/1.0}TEI[1]/Q{…}text[1]``;
    each step is the n-th child element with that expanded name.
    """
    node: etree._Element | None = None
    for m in _STEP.finditer(path):
        if m["other"]:  # text(), @attr, comment(): the element found so far is the best answer
            break
        tag = f"{{{m['ns']}}}{m['local']}" if m["ns"] else m["local"]
        pos = int(m["pos"])
        if node is None:
            root = tree.getroot()
            node = root if root.tag == tag and pos == 1 else None
        else:
            matches = [c for c in node if c.tag == tag]
            node = matches[pos - 1] if len(matches) >= pos else None
        if node is None:
            return 0
    return node.sourceline or 0 if node is not None else 0


@dataclass(frozen=True)
class _Compiled:
    """A stylesheet compiled in this process, with the processor that owns it."""

    processor: PySaxonProcessor
    executable: object
    # Parameters are set on the shared executable: one transformation at a time.
    lock: threading.Lock


# Compiled stylesheets by (process id, stylesheet): every Transformer of a process shares
# one compilation per stylesheet; a forked worker (its own pid) compiles its own, since a
# Saxon instance must not cross a fork.
_compiled: dict[tuple[int, Path], _Compiled] = {}
_compiling = threading.Lock()


class Transformer:
    """The compiled edition stylesheet. Create once (see :func:`transformer`); transform many.

    The stylesheet is compiled once per process: further instances reuse that compilation.
    """

    #: How many times any Transformer compiled its stylesheet in this process.
    compilations: int = 0

    def __init__(self, stylesheet: Path = STYLESHEET) -> None:
        key = (os.getpid(), Path(stylesheet).resolve())
        with _compiling:
            if key not in _compiled:
                processor = PySaxonProcessor(license=False)
                executable = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(key[1]))
                executable.set_save_xsl_message(True, None)
                _compiled[key] = _Compiled(processor, executable, threading.Lock())
                Transformer.compilations += 1
        compiled = _compiled[key]
        self._processor = compiled.processor
        self._executable = compiled.executable
        self._lock = compiled.lock

    def transform(
        self,
        tei: Path | str | etree._ElementTree,
        *,
        reading: str = "edited",
        doc_key: str = "",
        register_base: str = "",
        source_name: str | None = None,
    ) -> TransformResult:
        """Transform a TEI file (or an already safely parsed tree) to Docutils XML.

        ``reading`` is ``edited`` or ``diplomatic``; ``doc_key`` overrides the id prefix
        (default: ``TEI/@n``); ``source_name`` names the file in messages.
        """
        if reading not in READINGS:
            raise ValueError(f"reading must be one of {READINGS}, not {reading!r}")
        if isinstance(tei, etree._ElementTree):
            tree = tei
            name = source_name or (tree.docinfo.URL or "<tei>")
        else:
            tree = parse_file(tei)
            name = source_name or str(tei)
        # Only the root element goes to Saxon: no DOCTYPE, no entity, nothing to resolve.
        text = etree.tostring(tree.getroot(), encoding="unicode")
        with self._lock:
            try:
                node = self._processor.parse_xml(xml_text=text)
            except PySaxonApiError as exc:
                # Saxon's parser has limits of its own (elements nested deeper than 100).
                raise XMLInputError(name, 0, 0, "xml-limit", f"the stylesheets cannot read this file: {str(exc).strip()}") from None
            ex = self._executable
            ex.clear_parameters()
            ex.clear_xsl_messages()
            ex.set_parameter("reading", self._processor.make_string_value(reading))
            ex.set_parameter("doc-key", self._processor.make_string_value(doc_key))
            ex.set_parameter("register-base", self._processor.make_string_value(register_base))
            try:
                xml = ex.transform_to_string(xdm_node=node)
            except PySaxonApiError as exc:
                # xslt/recovery.xsl catches errors element by element; one outside any element
                # (a global variable, a key) still becomes a report on the file, not a traceback.
                raise XMLInputError(name, 1, 1, "xslt-error", f"the stylesheets stopped: {str(exc).strip().splitlines()[0]}") from None
            raw = ex.get_xsl_messages()
            reports = [] if raw is None else [item.string_value for item in raw]
        return TransformResult(xml=xml or "", messages=[_message(r, tree, name) for r in reports])


def _message(report: str, tree: etree._ElementTree, name: str) -> TransformMessage:
    fields = report.strip().split("\t")
    fields += [""] * (4 - len(fields))
    code, element, path, text = fields[:4]
    return TransformMessage(code, element, path, text, file=name, line=line_of(tree, path))


#: The elements by which a stylesheet module reads another.
_MODULE_LINKS = ("{http://www.w3.org/1999/XSL/Transform}include", "{http://www.w3.org/1999/XSL/Transform}import")


@lru_cache(maxsize=256)
def _linked(path: str, stamp: tuple[int, int, int, int]) -> tuple[str, ...]:
    """The modules that ``path`` includes or imports (absolute paths), as the file is at ``stamp``."""
    try:
        tree = parse_file(path)
    except XMLInputError:
        return ()  # Saxon reports the broken module when it compiles
    return tuple(str(Path(path).parent.joinpath(el.get("href", "")).resolve())
                 for el in tree.iter(*_MODULE_LINKS) if el.get("href"))


def stylesheet_closure(stylesheet: Path | str = STYLESHEET) -> tuple[Path, ...]:
    """The driver ``stylesheet`` and every module it reaches through ``xsl:include`` and
    ``xsl:import``, each once, in the order first reached: every file Saxon reads to compile it."""
    seen: dict[str, None] = {}
    todo = [str(Path(stylesheet).resolve())]
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen[path] = None
        try:
            stat = os.stat(path)
        except OSError:
            continue  # a missing module: listed, so that its appearance changes the digest
        todo.extend(_linked(path, (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)))
    return tuple(Path(p) for p in seen)


_cache: dict[int, Transformer] = {}


def transformer() -> Transformer:
    """The process's compiled stylesheet, compiled on first use.

    Keyed by process id: Sphinx's parallel build forks workers, and a Saxon
    instance must not cross a fork.
    """
    pid = os.getpid()
    if pid not in _cache:
        _cache[pid] = Transformer()
    return _cache[pid]


def transform_file(path: Path | str, *, reading: str = "edited") -> TransformResult:
    """Transform one TEI file with the process's compiled stylesheet."""
    return transformer().transform(path, reading=reading)
