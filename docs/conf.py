"""Sphinx configuration of the djangoes documentation (``sphinx-build -W docs docs/_build``)."""

project = "djangoes"
author = "the djangoes authors"
release = "1.0.0"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_heading_anchors = 3
html_theme = "alabaster"
