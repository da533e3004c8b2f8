"""Nothing from a source executes in a reader's browser.

Two defences, both independent of the XSLT (which already sanitises what it can):

* **Inert links.** After a TEI document is read, every URI in its doctree
  (``reference/@refuri``, ``image/@uri``) is checked against an allow-list of
  schemes (:data:`SAFE_SCHEMES`, or none: a relative link). A link with any other
  scheme (``javascript:``, ``data:``, ``vbscript:`` …) is replaced by its text and
  reported as a warning; ``raw`` nodes never come from TEI and are dropped.
* **Content-Security-Policy.** Every page gets the same ``<meta
  http-equiv="Content-Security-Policy">`` (:data:`POLICY`): scripts and styles only
  from the site's own files (``'self'``), no inline script or style at all. It is
  fixed before any page is rendered; nothing a page contains changes it.

Strings from TEI reach a page escaped: as text by the HTML writer or Jinja, in a JSON
data block by :func:`json_script`, as a page title by :func:`page_title`.

The policy is added as a page is rendered (:class:`PolicedTemplates` wraps the HTML
builder's templates), by whichever process renders it: with ``-j``, Sphinx's writer
processes. An earlier version read every page back at the end of the build and wrote
it again, in the main process alone (at 100×: 25 s, with one core idle). The only
pages not rendered from a template, the citation redirects, are policed where they are
made (:func:`police`).
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
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

#: The policy of every page. It allows the edition's own script and style files ('self')
#: and nothing inline: the edition ships no inline script or style (the search box is
#: shown by ``edition-searchbox.js``, the reference resolver is ``cite-resolver.js``).
#: It is fixed before any page is rendered, so nothing a page contains can widen it:
#: an earlier policy hashed the inline scripts of each finished page, and so allowed a
#: script that a TEI string had smuggled in (issue #24).
POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
])

#: Without the leading whitespace it is removed with: a pattern that starts with ``\s*`` is
#: tried at every character of the page (0.35 s for a 31 MB entry page at 100×).
_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>', re.I)
_CHARSET = re.compile(r"<meta charset=[^>]*>", re.I)


def json_script(data: Any, *, kind: str = "application/json", ident: str | None = None, **dumps: Any) -> str:
    """A ``<script>`` data block holding ``data`` as JSON, safe inside HTML whatever its strings.

    Jinja's ``htmlsafe_json_dumps`` (its ``tojson`` filter) writes ``<``, ``>``, ``&`` and
    ``'`` as ``\\u`` escapes, so no string can end the element (``</script>``) or put the
    HTML parser in a comment or a script state (``<!--<script>``).
    """
    attrs = f' type="{html.escape(kind)}"' + (f' id="{html.escape(ident)}"' if ident else "")
    return f"<script{attrs}>{htmlsafe_json_dumps(data, **dumps)}</script>"


def page_title(text: str) -> Markup:
    """A plain-text title as the HTML a Sphinx page context expects (``title``, ``parents``)."""
    return escape(text)


def without_policy(page: str) -> str:
    """``page`` without its Content-Security-Policy meta elements, nor the whitespace before each."""
    kept, end = [], 0
    for found in _CSP_META.finditer(page):
        kept.append(page[end:found.start()].rstrip())
        end = found.end()
    return "".join(kept) + page[end:] if kept else page


def add_policy(page: str) -> str:
    """``page`` with the edition's Content-Security-Policy meta element (replacing an older one)."""
    page = without_policy(page)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{POLICY}" />'
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
