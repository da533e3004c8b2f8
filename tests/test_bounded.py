"""Bounded work (issue #24): what a file of many mentions, attributes or siblings costs grows
no faster than the file. The speeds are rows of ``make bench``; here, that the faster
code gives the same answers, and that the limits are messages."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

from conftest import run_edition
from test_hostile import TEI_OPEN


def _mention(text: str) -> nodes.inline:
    return nodes.inline(text, text, register="person", key="kirov")


def _reference_context(block: nodes.paragraph, node: nodes.Element, words: int) -> str:
    """The context as the first implementation computed it: every text of the block, each time."""
    from edition.sphinxext.domain import _block_texts, context_text

    before, after, seen = [], [], False
    for text, ancestors in _block_texts(block):
        if id(node) in ancestors:
            seen = True
            continue
        (after if seen else before).append(text)
    return context_text("".join(before), node.astext(), "".join(after), words)


def test_context_is_the_same_read_near_the_mention():
    from edition.sphinxext.domain import context_of

    para = nodes.paragraph()
    pieces = ["In 1926 ", _mention("Kirov"), "’s speech, ", _mention("Stalin"), " and ", _mention("Kirov"),
              "", _mention("Zinoviev"), "-ites", " wrote to ", _mention("Molotov"), ", ", "a", "b", "c ",
              _mention("Kamenev"), " at the end of the long paragraph with many words after it."]
    for piece in pieces:
        para += nodes.Text(piece) if isinstance(piece, str) else piece
    cache: dict = {}
    for words in (1, 2, 3, 6):
        for mention in para.findall(nodes.inline):
            assert context_of(mention, words, cache) == _reference_context(para, mention, words), (words, mention)


def test_a_file_of_a_million_siblings_is_refused(tmp_path: Path):
    bad = tmp_path / "siblings.xml"
    bad.write_text(TEI_OPEN + "<text><body><p>" + "<lb/>" * 1_000_000 + "</p></body></text></TEI>", encoding="utf-8")
    for command in (["validate", str(bad)], ["render", str(bad), "--out", str(tmp_path / "out")]):
        proc = run_edition(*command, timeout=300)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 1 and "Traceback" not in out, out[-2000:]
        assert "siblings.xml:1:1: [xml-limit] 1000004 elements" in out
