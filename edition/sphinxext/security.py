"""Nothing from a source executes in a reader's browser.

Two defences, both independent of the XSLT (which already sanitises what it can):

* **Inert links.** After a TEI document is read, every URI in its doctree
  (``reference/@refuri``, ``image/@uri``) is checked against an allow-list of
  schemes (:data:`SAFE_SCHEMES`, or none: a relative link). A link with any other
  scheme (``javascript:``, ``data:``, ``vbscript:`` …) is replaced by its text and
  reported as a warning; ``raw`` nodes never come from TEI and are dropped.
* **Content-Security-Policy.** Every page gets a ``<meta
  http-equiv="Content-Security-Policy">`` computed from the page itself: scripts only
  from the site (``'self'``) plus the SHA-256 hashes of the inline scripts the edition
  and Sphinx wrote into that page, and the same for inline styles. No
  ``'unsafe-inline'``: a script smuggled into a page is not run.

The policy is added as a page is rendered (:class:`PolicedTemplates` wraps the HTML
builder's templates), by whichever process renders it: with ``-j``, Sphinx's writer
processes. An earlier version read every page back at the end of the build and wrote
it again, in the main process alone (at 100×: 25 s, with one core idle). The only
pages not rendered from a template, the citation redirects, are policed where they are
made (:func:`police`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Schemes a link may have. Anything else (javascript:, data:, vbscript:, file: …) is dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

#: Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def uri_scheme(uri: str) -> str | None:
    """The scheme of ``uri`` as a browser would see it, lower-cased; None for a relative URI."""
    match = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", uri))
    return match.group(1).lower() if match else None


def is_safe_uri(uri: str) -> bool:
    """Can ``uri`` be a link target in a page? Relative URIs and allow-listed schemes only."""
    scheme = uri_scheme(uri)
    return scheme is None or scheme in SAFE_SCHEMES


def _is_tei(app: Sphinx, docname: str) -> bool:
    return str(app.env.doc2path(docname)).endswith(".xml")


def neutralise_doctree(app: Sphinx, doctree: nodes.document) -> None:
    """Make every link of a TEI document inert unless its scheme is allow-listed."""
    docname = app.env.docname
    if not _is_tei(app, docname):
        return  # the front matter is written by the editors, not imported
    for raw in list(doctree.findall(nodes.raw)):
        logger.warning("raw %s markup dropped from a TEI document", raw.get("format", ""),
                       location=raw, type="edition", subtype="unsafe-markup")
        raw.parent.remove(raw)
    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri")
        if uri is None or is_safe_uri(uri):
            continue
        logger.warning("link to %r dropped: the scheme %r is not allowed; its text is kept",
                       uri[:80], uri_scheme(uri), location=ref, type="edition", subtype="unsafe-uri")
        inline = nodes.inline("", "", *ref.children, classes=[*ref.get("classes", []), "unsafe-link"])
        ref.replace_self(inline)
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if not is_safe_uri(uri) or uri_scheme(uri) is not None:
            # An image from elsewhere would also be a request to another host.
            logger.warning("image %r dropped: only images shipped with the edition are shown",
                           uri[:80], location=image, type="edition", subtype="unsafe-uri")
            image.replace_self(nodes.inline("", f"[image: {uri}]", classes=["graphic"]))


# --- Content-Security-Policy ---------------------------------------------------------------

_INLINE_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.S | re.I)
_INLINE_STYLE = re.compile(r"<style(?:\s[^>]*)?>(?P<body>.*?)</style\s*>", re.S | re.I)
_STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.I)
_SRC = re.compile(r"\ssrc\s*=", re.I)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.I)
#: Without the leading whitespace it is removed with: a pattern that starts with ``\s*`` is
#: tried at every character of the page (0.35 s for a 31 MB entry page at 100×).
_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>', re.I)
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.I)
#: Script types a browser executes; anything else (application/ld+json) is data.
_EXECUTABLE = {"", "text/javascript", "application/javascript", "module"}


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def policy_for(page: str) -> str:
    """The Content-Security-Policy for one HTML page, from the inline code it contains."""
    scripts = []
    for m in _INLINE_SCRIPT.finditer(page):
        attrs = m["attrs"] or ""
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind and kind.group(1).lower() not in _EXECUTABLE):
            continue
        scripts.append(_sha256(m["body"]))
    styles = [_sha256(m["body"]) for m in _INLINE_STYLE.finditer(page)]
    # A style attribute is hashed as the browser sees it: with character references decoded.
    attrs = [_sha256(html.unescape(m["dq"] if m["dq"] is not None else m["sq"])) for m in _STYLE_ATTR.finditer(page)]
    script_src = " ".join(["'self'", *sorted(set(scripts))])
    style_src = " ".join(["'self'", *sorted(set(styles)), *(["'unsafe-hashes'", *sorted(set(attrs))] if attrs else [])])
    return "; ".join([
        "default-src 'self'",
        f"script-src {script_src}",
        f"style-src {style_src}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ])


def without_policy(page: str) -> str:
    """``page`` without its Content-Security-Policy meta elements, nor the whitespace before each."""
    kept, end = [], 0
    for found in _CSP_META.finditer(page):
        kept.append(page[end:found.start()].rstrip())
        end = found.end()
    return "".join(kept) + page[end:] if kept else page


def add_policy(page: str) -> str:
    """``page`` with its Content-Security-Policy meta element (replacing an older one)."""
    page = without_policy(page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(page)}" />'
    charset = _CHARSET.search(page)
    if charset:  # the policy must come before any script in the head
        return page[: charset.end()] + "\n    " + meta + page[charset.end():]
    return page.replace("<head>", "<head>\n    " + meta, 1)


_CAPTION_HEADING = re.compile(r'(<p class="caption" role="heading")(?! aria-level)')
_SIDEBAR = '<div class="sphinxsidebar"'


def label_caption_headings(page: str) -> str:
    """Give Sphinx's toctree captions (``<p role="heading">``) the ``aria-level`` ARIA requires.

    Without it axe reports a critical violation (aria-required-attr) on every page:
    captions in the text are level 2 (under the page's h1), in the sidebar level 4
    (under its h3 "Navigation").
    """
    cut = page.find(_SIDEBAR)
    body, sidebar = (page, "") if cut < 0 else (page[:cut], page[cut:])
    return (_CAPTION_HEADING.sub(r'\1 aria-level="2"', body)
            + _CAPTION_HEADING.sub(r'\1 aria-level="4"', sidebar))


def police(page: str) -> str:
    """A page as it is published: its caption headings labelled, then its Content-Security-Policy."""
    return add_policy(label_caption_headings(page))


class PolicedTemplates:
    """A builder's template bridge whose rendered pages come out policed (:func:`police`);
    everything else (``render_string`` for static files, the environment) is the bridge's own."""

    def __init__(self, bridge: Any) -> None:
        self._bridge = bridge

    def render(self, template: str, context: dict[str, Any]) -> str:
        return police(self._bridge.render(template, context))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bridge, name)


def police_pages(app: Sphinx) -> None:
    """Have the HTML site's builder render every page with its policy (the EPUB's pages
    are left as Sphinx writes them)."""
    builder = app.builder
    if builder.format == "html" and not builder.name.startswith("epub") and hasattr(builder, "templates"):
        if not isinstance(builder.templates, PolicedTemplates):
            builder.templates = PolicedTemplates(builder.templates)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", neutralise_doctree)
    app.connect("builder-inited", police_pages)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
