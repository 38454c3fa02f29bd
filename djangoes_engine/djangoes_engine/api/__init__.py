"""The API handlers, one module per family, below the REST layer's routes (:mod:`..rest`).

A handler takes the cluster, the request and the path's named parts, reads the URL parameters
and the body with :mod:`.arguments` into typed values, and calls the layers below.
"""
