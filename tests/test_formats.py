"""The formats agree: what the site gives a reader to read is in the EPUB and in the PDF too.

The EPUB and the PDF are the session's (``library_build`` in conftest, shared with
tests/test_outputs.py: built once). Their text is extracted (EPUB: every XHTML file of
the package, with lxml; PDF: ``pdftotext``) and searched for the synopsis' editorial
notes, the diplomatic reading with the source's U+201F apostrophes, and every register
entry's display name.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from edition.registers import load_registers
from edition.sphinxext.synopsis import load_groups

#: A diplomatic sentence of the dissertation: the edited reading prints ’ for the source's ‟.
DIPLOMATIC = "Stalin‟s order as a potential political rival"


def _letters(text: str) -> str:
    """Only the word characters, lower case: line breaks, TeX's hyphenation, quotes and
    ligature spacing of a PDF's text do not matter when a phrase is looked for."""
    return re.sub(r"[\W_]", "", text).lower()


def _drop(element: etree._Element) -> None:
    """Remove ``element`` but not its tail (the text after it belongs to its parent)."""
    parent, previous = element.getparent(), element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (element.tail or "")
    else:
        parent.text = (parent.text or "") + (element.tail or "")
    parent.remove(element)


def epub_text(epub: Path) -> str:
    """The reading text of every page of the EPUB, without the name cards (``span.register-info``:
    the entry of a name, which a reader sees on hover and which stands inside the sentence)."""
    texts = []
    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            if not name.endswith(".xhtml") or name == "nav.xhtml":
                continue
            page = etree.fromstring(archive.read(name))
            for card in page.xpath("//*[contains(concat(' ', @class, ' '), ' register-info ')]"):
                _drop(card)
            texts.append("".join(page.itertext()))
    return "\n".join(texts)


@pytest.fixture(scope="module")
def texts(epub: Path, pdf_text: str) -> dict[str, str]:
    return {"epub": epub_text(epub), "pdf": pdf_text}


def note_sentence(parts: tuple[tuple[str, str], ...]) -> str:
    """The opening of an editorial note's first sentence, at most twelve words (a longer
    stretch may run across a page of the PDF, whose running head then stands inside it)."""
    text = next(value for kind, value in parts if kind == "text" and len(value) > 40)
    return " ".join(re.split(r"(?<=\w)\. ", text, maxsplit=1)[0].split()[:12])


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_every_synopsis_note_is_in_the_format(texts: dict[str, str], fmt: str) -> None:
    groups = load_groups()
    assert len(groups) >= 9
    text = _letters(texts[fmt])
    # (Found or not is computed first: pytest would compare the whole text with each phrase.)
    missing = [(g.id, note_sentence(g.note)) for g in groups if _letters(note_sentence(g.note)) not in text]
    assert not missing, missing
    headings = [g.heading for g in groups if _letters(g.heading) not in text]
    assert not headings, headings


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_the_diplomatic_reading_is_in_the_format(texts: dict[str, str], fmt: str) -> None:
    text = " ".join(texts[fmt].split())
    found = DIPLOMATIC in text
    assert found, f"{DIPLOMATIC!r} is not in the {fmt}"
    # Not one sentence: the dissertation's ‟ throughout (the TEI has about 200).
    assert text.count("‟") >= 150, text.count("‟")


@pytest.mark.parametrize("fmt", ["epub", "pdf"])
def test_every_register_entry_is_in_the_format(texts: dict[str, str], fmt: str) -> None:
    entries = [e for e in load_registers().entries.values() if e.kind in ("person", "place", "org")]
    assert len(entries) > 100
    text = _letters(texts[fmt])
    missing = [e.display for e in entries if _letters(e.display) not in text]
    assert not missing, missing


def test_the_extraction_finds_what_is_there_and_not_what_is_not(texts: dict[str, str]) -> None:
    """The search above is not vacuous: the edited ’ is found, an invented phrase is not."""
    for text in texts.values():
        letters = _letters(text)
        found = [_letters(p) in letters for p in ("Sergei Mironovich Kirov", "Kirov was born on the Moon")]
        assert found == [True, False]


def test_the_diplomatic_copy_gives_the_registers_nothing(epub: Path) -> None:
    """The diplomatic reading is a copy: its ids are its own (``dip-``), and the registers list
    each mention once, in its document, never in the copy."""
    with zipfile.ZipFile(epub) as archive:
        copy = etree.fromstring(archive.read("parallel/index.xhtml"))
        registers = [archive.read(f"registers/{kind}.xhtml").decode() for kind in ("persons", "places", "orgs")]
    ids = copy.xpath("//@id")
    assert len(ids) > 1000
    assert [i for i in ids if not i.startswith("dip-")] == ["diplomatic-readings"]
    assert copy.xpath("//*[@id='dip-dikova-p0001']")
    assert all("parallel/index" not in page for page in registers)
    assert all("tei/dikova.xhtml#dikova-p0001" in page for page in registers[:1])
