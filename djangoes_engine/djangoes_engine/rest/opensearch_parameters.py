"""The URL parameters of the OpenSearch-only APIs the engine serves (to opensearch-py).

Hand-written, beside the generated table of Elasticsearch's APIs (:mod:`.api_parameters`):
OpenSearch's API specification names each API's parameters (the global ones aside), as
opensearch-py's client repeats them.
"""

#: ``METHOD /path`` of each OpenSearch-only route -> the API it serves.
OPENSEARCH_ROUTE_APIS: dict[str, str] = {
    "POST /{index}/_search/point_in_time": "create_pit",
    "DELETE /_search/point_in_time": "delete_pit",
    "DELETE /_search/point_in_time/_all": "delete_all_pits",
    "GET /_search/point_in_time/_all": "get_all_pits",
}
#: Each OpenSearch-only API's parameters (its path parts included), space-separated.
OPENSEARCH_API_PARAMETERS: dict[str, str] = {
    "create_pit": "allow_partial_pit_creation expand_wildcards index keep_alive preference routing",
    "delete_pit": "",
    "delete_all_pits": "",
    "get_all_pits": "",
}
