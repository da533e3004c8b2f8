"""The Sphinx source parser for TEI files: TEI → XSLT → Docutils XML → doctree.

The mapping itself lives in the XSLT (``xslt/``); this parser only runs the
process's compiled stylesheet, reports the stylesheet's messages as Sphinx
warnings at file:line, and hands the Docutils XML to docutils' own XML parser.

The stylesheet's result is a pure function of what the transformation reads: the TEI
file, every module of the stylesheet (:func:`edition.transform.stylesheet_closure`)
and the reading. Each of those files is a dependency of the document for Sphinx
(``note_dependency``), so an edit of any stylesheet module makes every TEI document
read again; and the result is kept in the build's product store (:mod:`edition.products`)
under the digest of those very bytes: a document read again with none of them changed
(its registers changed, say) is not transformed again, and the parallel view
(:mod:`.parallel`) reuses it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from docutils import nodes
from docutils.parsers import docutils_xml
from sphinx.parsers import Parser
from sphinx.util import logging

from edition import collector, products, stagetimes
from edition.transform import TransformResult, stylesheet_closure, transformer
from edition.xmlsafe import XMLInputError, parse_file

logger = logging.getLogger(__name__)


def transform_inputs(source: Path | str) -> tuple[Path, ...]:
    """Every file the transformation of ``source`` reads: the file and the stylesheet's modules."""
    return (Path(source), *stylesheet_closure())


def transform_source(doctreedir: Path | str | None, source: Path | str, reading: str) -> TransformResult:
    """The stylesheet's result for one TEI file and reading, from the store when nothing changed.

    Raises :class:`XMLInputError` for a file that cannot be read (never stored).
    ``doctreedir`` None: no store, transform every time.
    """
    source = str(source)

    def run() -> TransformResult:
        return transformer().transform(parse_file(source), reading=reading, source_name=source)

    if doctreedir is None:
        return run()
    store = products.ProductStore(doctreedir)
    key = products.digest("xslt", products.code_version(), source, reading,
                          products.inputs_digest(transform_inputs(source)))
    name = f"{Path(source).stem}-{hashlib.sha256(source.encode()).hexdigest()[:12]}"
    kind = f"xslt-{reading}"
    result = store.load(kind, name, key)
    if result is None:
        with stagetimes.timed(doctreedir, "xslt"):
            result = run()
        store.save(kind, name, key, result)
    return result


class TEIParser(Parser):
    """Parse a TEI P5 file of the edition (source suffix ``.xml``, parser name ``tei``)."""

    supported = ("tei",)

    def parse(self, inputstring: str, document: nodes.document) -> None:
        # Read the file again from disk through the safe parser, rather than the decoded
        # string Sphinx passes, so that the XML declaration's encoding is honoured and
        # lxml knows the line numbers the warnings need.
        source = document.current_source or document["source"]
        env = document.settings.env
        # The text is the TEI's, character for character: Sphinx's smart quotes would turn
        # the source's ' ... -- into ’ … – on the page (and not in the parallel readings).
        document.settings.smart_quotes = False
        reading = env.config.edition_reading if env is not None else "edited"
        if env is not None:
            for path in transform_inputs(source)[1:]:
                env.note_dependency(path)
        try:
            result = transform_source(env.doctreedir if env is not None else None, source, reading)
        except XMLInputError as exc:
            logger.error(str(exc.message), location=(env.docname, exc.line) if env else None,
                         type="edition", subtype=exc.rule)
            return
        for message in result.messages:
            logger.warning(
                "[%s] <%s> %s", message.code, message.element, message.text,
                location=f"{source}:{message.line}", type="edition", subtype=message.code,
            )
        with collector.paused():  # the doctree is all new objects, none of them garbage
            docutils_xml.Parser().parse(result.xml, document)
