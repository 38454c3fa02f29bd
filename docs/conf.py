"""Sphinx configuration of the djangoes documentation (``sphinx-build -W docs docs/_build``)."""

from importlib import metadata

project = "djangoes"
author = "the djangoes authors"
# The djangoes installed from the workspace: scripts/version.py sets its version.
release = metadata.version("djangoes")

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_heading_anchors = 3
html_theme = "alabaster"
