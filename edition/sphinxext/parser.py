"""The Sphinx source parser for TEI files: TEI → XSLT → Docutils XML → doctree.

The mapping itself lives in the XSLT (``xslt/``); this parser only runs the
process's compiled stylesheet, reports the stylesheet's messages as Sphinx
warnings at file:line, and hands the Docutils XML to docutils' own XML parser.
"""

from __future__ import annotations

from docutils import nodes
from docutils.parsers import docutils_xml
from sphinx.parsers import Parser
from sphinx.util import logging

from edition.transform import transformer
from edition.xmlsafe import XMLInputError, parse_file

logger = logging.getLogger(__name__)


class TEIParser(Parser):
    """Parse a TEI P5 file of the edition (source suffix ``.xml``, parser name ``tei``)."""

    supported = ("tei",)

    def parse(self, inputstring: str, document: nodes.document) -> None:
        # Read the file again from disk through the safe parser, rather than the decoded
        # string Sphinx passes, so that the XML declaration's encoding is honoured and
        # lxml knows the line numbers the warnings need.
        source = document.current_source or document["source"]
        env = document.settings.env
        reading = env.config.edition_reading if env is not None else "edited"
        try:
            tree = parse_file(source)
            result = transformer().transform(tree, reading=reading, source_name=source)
        except XMLInputError as exc:
            logger.error(str(exc.message), location=(env.docname, exc.line) if env else None,
                         type="edition", subtype=exc.rule)
            return
        for message in result.messages:
            logger.warning(
                "[%s] <%s> %s", message.code, message.element, message.text,
                location=f"{source}:{message.line}", type="edition", subtype=message.code,
            )
        docutils_xml.Parser().parse(result.xml, document)
