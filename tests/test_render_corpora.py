"""Foreign TEI (``/work/shared/corpora``) renders into pages with all the words of its text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree, html

from edition.render import render
from edition.sphinxext.sidebar import CHECK_ENV

CORPORA = Path("/work/shared/corpora")
FILES = sorted(CORPORA.glob("*.xml")) if CORPORA.exists() else []
TEI = "{http://www.tei-c.org/ns/1.0}"
#: Source-side alternatives and layout the edited reading does not show.
NOT_SHOWN = {TEI + n for n in ("sic", "orig", "abbr", "fw", "teiHeader")}
WORD = re.compile(r"\w+")

pytestmark = pytest.mark.skipif(not FILES, reason="no corpora present")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpora")
    # Every page's sidebar, assembled from shared entries, is compared with Sphinx's own.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CHECK_ENV, "1")
        assert render(FILES, out) == 0
    return out


def _words(el: etree._Element) -> set[str]:
    """Words of the edited reading: the text minus source-side alternatives."""
    found: set[str] = set()
    if el.tag in NOT_SHOWN:
        return found
    found.update(WORD.findall(el.text or ""))
    for child in el:
        if isinstance(child.tag, str):
            found |= _words(child)
        found.update(WORD.findall(child.tail or ""))
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_corpus_file_renders_with_all_its_words(site: Path, path: Path) -> None:
    pages = list((site / "docs").glob("*.html"))
    [page] = [p for p in pages if p.stem.startswith(re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem)[:20])]
    body = html.parse(str(page)).getroot().xpath("//div[@role='main']")[0].text_content()
    squeezed = re.sub(r"\s+", "", body)
    text = etree.parse(str(path)).getroot().find(f".//{TEI}text")
    words = _words(text)
    assert words
    # lb break="no" joins word parts, so a part is looked for inside the joined text.
    lost = sorted(w for w in words if w not in squeezed)
    assert not lost, f"{len(lost)} words of {path.name} are missing, e.g. {lost[:10]}"
