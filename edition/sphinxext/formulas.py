"""Formulas: TeX (``formula notation="TeX"``) typeset by Sphinx's math support, as MathML.

The stylesheets turn a TeX formula into docutils' ``math`` node. The LaTeX builder typesets
it itself; for HTML and EPUB this extension registers the math renderer ``mathml``, made
the default, which converts the TeX to MathML with :mod:`latex2mathml` while the page is
written. Browsers and EPUB readers display MathML natively: no script, none from another
host, and the page reads without JavaScript.

The TeX comes from the source, so the MathML is rebuilt from a whitelist of MathML elements
and attributes (``\\href{javascript:…}`` or ``\\text{<script>}`` leave nothing behind but
text). A formula that cannot be converted is shown as its TeX, in a ``code`` element.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from lxml import etree
from markupsafe import escape
from sphinx.application import Sphinx
from sphinx.config import Config

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
ELEMENTS = frozenset({
    "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac",
    "msqrt", "mroot", "mstyle", "mpadded", "mphantom", "mfenced", "menclose", "munder", "mover",
    "munderover", "mtable", "mtr", "mtd", "mlabeledtr", "semantics", "annotation", "merror",
})
ATTRIBUTES = frozenset({
    "display", "displaystyle", "scriptlevel", "mathvariant", "stretchy", "fence", "separator",
    "lspace", "rspace", "accent", "accentunder", "columnalign", "rowalign", "rowspacing",
    "columnspacing", "columnlines", "rowlines", "frame", "minsize", "maxsize", "width", "height",
    "depth", "linethickness", "movablelimits", "form", "notation", "open", "close", "separators",
    "symmetric", "largeop", "encoding",
})


def _clean(el: etree._Element) -> etree._Element:
    """A copy of ``el`` with only whitelisted MathML elements and attributes; others become their text."""
    local = etree.QName(el).localname if isinstance(el.tag, str) else ""
    out = etree.Element(f"{{{MATHML_NS}}}{local if local in ELEMENTS else 'mtext'}", nsmap={None: MATHML_NS})
    for name, value in el.attrib.items():
        if name in ATTRIBUTES:
            out.set(name, value)
    if local not in ELEMENTS:
        out.text = "".join(el.itertext())
        return out
    out.text = el.text
    for child in el:
        if isinstance(child.tag, str):
            cleaned = _clean(child)
            cleaned.tail = child.tail
            out.append(cleaned)
    return out


def to_mathml(tex: str, *, block: bool = False) -> str | None:
    """MathML for a TeX formula (whitelisted), or None when it cannot be converted."""
    from latex2mathml.converter import convert

    # Markup characters of the source are TeX symbols, never markup of the page.
    safe = tex.replace("\\&", "&").replace("&", "\\&").replace("<", "\\lt ").replace(">", "\\gt ")
    try:
        converted = convert(safe, display="block" if block else "inline")
        tree = etree.fromstring(converted.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception:  # the converter's and the parser's errors alike: show the TeX itself
        return None
    return etree.tostring(_clean(tree), encoding="unicode")


def _visit(self: Any, node: nodes.Element, block: bool) -> None:
    mathml = to_mathml(node.astext(), block=block)
    if mathml is None:
        self.body.append(f'<code class="formula tex">{escape(node.astext())}</code>')
    elif block:
        self.body.append(f'<div class="math-block">{mathml}</div>')
    else:
        self.body.append(mathml)
    raise nodes.SkipNode


def visit_math(self: Any, node: nodes.Element) -> None:
    _visit(self, node, block=False)


def visit_math_block(self: Any, node: nodes.Element) -> None:
    _visit(self, node, block=True)


def _default_renderer(app: Sphinx, config: Config) -> None:
    if not config.html_math_renderer:
        config.html_math_renderer = "mathml"


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    app.connect("config-inited", _default_renderer)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
