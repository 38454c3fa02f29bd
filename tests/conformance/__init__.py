"""YAML REST conformance suite: runs the shared Elasticsearch/OpenSearch YAML tests."""
