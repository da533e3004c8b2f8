"""A document page's sidebar, assembled from entries its folder shares (:mod:`edition.sphinxext.sidebar`),
is the table Sphinx itself resolves for that page, whatever the toctrees and options.

The real edition and the foreign corpora are built with the check switched on in
``test_writing.py`` and ``test_render_corpora.py``; here a small project has what they
lack: nested toctrees (a page whose path runs through another document), a hidden
toctree, a URL entry, pages in several folders, sections below the titles.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.errors import ExtensionError
from sphinx.util.docutils import docutils_namespace, patch_docutils

from edition.sphinxext import sidebar

PAGES = {
    "index": "Home\n====\n\n.. toctree::\n   :caption: Parts\n\n   a\n   part/index\n   https://example.org/\n\n"
             ".. toctree::\n   :hidden:\n\n   b\n",
    "a": "Alpha\n=====\n\nOne\n---\n\ntext\n\nTwo\n---\n\ntext\n",
    "b": "Beta\n====\n\nSection\n-------\n\ntext\n",
    "part/index": "Part\n====\n\n.. toctree::\n   :maxdepth: 2\n\n   c\n   d\n",
    "part/c": "Gamma\n=====\n\nInside\n------\n\ntext\n",
    "part/d": "Delta\n=====\n\ntext\n",
}
OPTIONS = [
    (True, {"includehidden": True}),
    (True, {"includehidden": False}),
    (False, {"includehidden": True}),
    (True, {"includehidden": True, "maxdepth": 1}),
    (False, {"includehidden": True, "titles_only": True}),
    (True, {"includehidden": True, "maxdepth": ""}),
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    src = tmp_path_factory.mktemp("sidebar")
    (src / "conf.py").write_text('extensions = ["edition.sphinxext.writing"]\nhtml_theme = "alabaster"\n',
                                 encoding="utf-8")
    for name, text in PAGES.items():
        path = src / f"{name}.rst"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    with patch_docutils(str(src)), docutils_namespace():
        application = Sphinx(str(src), str(src), str(src / "_build"), str(src / "_doctrees"), "html",
                             status=io.StringIO(), warning=io.StringIO())
        application.build()
        application.builder.prepare_writing(set(application.env.found_docs))
        yield application


def sphinx_own(app: Sphinx, collapse: bool, kwargs: dict) -> callable:
    return lambda name: StandaloneHTMLBuilder._get_local_toctree(app.builder, name, collapse, **dict(kwargs))


@pytest.mark.parametrize(("collapse", "kwargs"), OPTIONS, ids=repr)
def test_every_page_gets_sphinx_own_table(app: Sphinx, collapse: bool, kwargs: dict):
    own = sphinx_own(app, collapse, kwargs)
    asked: list[str] = []

    def fallback(name: str) -> str:
        asked.append(name)
        return own(name)

    cache: dict = {}
    for docname in sorted(app.env.all_docs):
        assert sidebar.local_toctree(app, docname, collapse, dict(kwargs), cache, fallback) == own(docname), docname
    assert asked == ["index"]  # only the root document's page takes Sphinx's whole table
    assert {key[0] for key in cache} == {"", "part"}  # shared per folder


def test_a_page_on_a_nested_path_is_marked_and_expanded(app: Sphinx):
    html = sidebar.local_toctree(app, "part/c", True, {"includehidden": True}, {}, sphinx_own(app, True, {}))
    assert '<li class="toctree-l1 current"><a class="reference internal" href="index.html">Part</a>' in html
    assert '<a class="current reference internal" href="#">Gamma</a>' in html
    assert "Inside" in html and "One" not in html  # the page's sections shown, another page's not


def test_the_check_fails_a_build_where_the_tables_differ(app: Sphinx, monkeypatch: pytest.MonkeyPatch):
    """The check the builds run can fail: an assembled table that lost an entry is refused."""
    real = sidebar.assemble

    def losing(*args, **kwargs):
        table = real(*args, **kwargs)
        table.next_node(sidebar.nodes.list_item).parent.pop(0)
        return table

    monkeypatch.setattr(sidebar, "assemble", losing)
    monkeypatch.setenv(sidebar.CHECK_ENV, "1")
    with pytest.raises(ExtensionError, match="a: the assembled sidebar differs"):
        sidebar.local_toctree(app, "a", True, {"includehidden": True}, {}, sphinx_own(app, True,
                                                                                   {"includehidden": True}))
