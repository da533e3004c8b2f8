"""Nodes of the edition that docutils does not have."""

from __future__ import annotations

from docutils import nodes


class register_placeholder(nodes.General, nodes.Element):  # noqa: N801 (docutils naming)
    """Stands where a register (persons, places, orgs, bibliography) will be listed; filled at doctree-resolved."""
