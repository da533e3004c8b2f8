"""The order in which a parallel build reads the documents (``edition.sphinxext.reading``)."""

from __future__ import annotations

from sphinx.util.parallel import make_chunks

from edition.documents import TEI_DIR
from edition.sphinxext.reading import balanced


def _chunk_weights(names: list[str], weight: dict[str, int], nproc: int) -> list[int]:
    return [sum(weight[n] for n in chunk) for chunk in make_chunks(names, nproc)]


def test_sphinx_chunks_of_the_reordered_list_weigh_about_the_same():
    # The edition replicated ten times, in Sphinx's order (sorted by name): the copies of
    # the dissertation are neighbours, and so land in the same chunks.
    weight = {}
    for path in sorted(TEI_DIR.glob("*.xml")):
        for copy in range(10):
            weight[f"tei/{path.stem}{copy:02d}"] = path.stat().st_size
    names = sorted(weight)
    lengths = [len(c) for c in make_chunks(names, 2)]
    before = _chunk_weights(names, weight, 2)
    order = balanced(names, weight, lengths)
    after = _chunk_weights(order, weight, 2)
    assert sorted(order) == names
    assert [len(c) for c in make_chunks(order, 2)] == lengths
    heaviest = max(weight.values())
    assert max(before) - min(before) > 2 * heaviest  # the problem: one chunk holds the heavy copies
    assert max(after) - min(after) <= heaviest
