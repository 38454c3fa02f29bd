"""Search: the request (:mod:`.request`), the hits collected (:mod:`.collect`) and rendered
(:mod:`.hits`), and the run that puts them in a response with its aggregations
(:mod:`.response`). Aggregations use the first three (``top_hits`` runs a search of its own),
so the package imports nothing: callers import the module they need.
"""
