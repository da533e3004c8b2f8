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


def epub_text(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        pages = [name for name in archive.namelist() if name.endswith(".xhtml") and name != "nav.xhtml"]
        return " ".join(" ".join(etree.fromstring(archive.read(name)).itertext()) for name in pages)


@pytest.fixture(scope="module")
def texts(epub: Path, pdf_text: str) -> dict[str, str]:
    return {"epub": epub_text(epub), "pdf": pdf_text}


def note_sentence(parts: tuple[tuple[str, str], ...]) -> str:
    """The first sentence of an editorial note's own words (up to a pointer or a full stop)."""
    text = next(value for kind, value in parts if kind == "text" and len(value) > 40)
    return re.split(r"(?<=[a-z])\. ", text, maxsplit=1)[0]


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
