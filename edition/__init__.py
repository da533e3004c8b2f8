"""The Kirov Edition: TEI sources, XSLT transformation and Sphinx publication."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kirov-edition")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
