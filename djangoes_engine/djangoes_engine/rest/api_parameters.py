"""The URL parameters of the Elasticsearch APIs the engine serves (a generated table).

Written by scripts/route_parameters.py from Elasticsearch's API specification: the API
each route of rest/routes.py serves, and each API's parameters and path parts;
rest/parameters.py adds those every API reads and refuses the others.

Specification: elastic/elasticsearch-specification at 7a8a79bfd (specification/_json_spec, the
JSON form's last commit) and at 9d9b9a521 (specification, the TypeScript form), an API taking
the parameters of both.
"""

#: ``METHOD /path`` of each route -> the API it serves.
ROUTE_APIS: dict[str, str] = {
    "GET /": "info",
    "HEAD /": "ping",
    "GET /_cluster/health": "cluster.health",
    "GET /_cluster/health/{index}": "cluster.health",
    "GET /_cluster/state": "cluster.state",
    "GET /_cluster/state/{metric}": "cluster.state",
    "GET /_cluster/state/{metric}/{index}": "cluster.state",
    "GET /_cluster/settings": "cluster.get_settings",
    "PUT /_cluster/settings": "cluster.put_settings",
    "GET /_cluster/pending_tasks": "cluster.pending_tasks",
    "GET /_security/_authenticate": "security.authenticate",
    "POST /_security/api_key": "security.create_api_key",
    "PUT /_security/api_key": "security.create_api_key",
    "GET /_security/api_key": "security.get_api_key",
    "DELETE /_security/api_key": "security.invalidate_api_key",
    "GET /_snapshot": "snapshot.get_repository",
    "GET /_snapshot/{name}": "snapshot.get_repository",
    "PUT /_snapshot/{name}": "snapshot.create_repository",
    "POST /_snapshot/{name}": "snapshot.create_repository",
    "DELETE /_snapshot/{name}": "snapshot.delete_repository",
    "GET /_snapshot/_status": "snapshot.status",
    "POST /_snapshot/{name}/_verify": "snapshot.verify_repository",
    "POST /_snapshot/{name}/_cleanup": "snapshot.cleanup_repository",
    "GET /_snapshot/{name}/_status": "snapshot.status",
    "GET /_snapshot/{name}/{snapshot}": "snapshot.get",
    "PUT /_snapshot/{name}/{snapshot}": "snapshot.create",
    "POST /_snapshot/{name}/{snapshot}": "snapshot.create",
    "DELETE /_snapshot/{name}/{snapshot}": "snapshot.delete",
    "GET /_snapshot/{name}/{snapshot}/_status": "snapshot.status",
    "POST /_snapshot/{name}/{snapshot}/_restore": "snapshot.restore",
    "PUT /_snapshot/{name}/{snapshot}/_clone/{target}": "snapshot.clone",
    "POST /_snapshot/{name}/{snapshot}/_clone/{target}": "snapshot.clone",
    "PUT /_template/{name}": "indices.put_template",
    "POST /_template/{name}": "indices.put_template",
    "GET /_template": "indices.get_template",
    "GET /_template/{name}": "indices.get_template",
    "HEAD /_template/{name}": "indices.exists_template",
    "DELETE /_template/{name}": "indices.delete_template",
    "PUT /_index_template/{name}": "indices.put_index_template",
    "POST /_index_template/{name}": "indices.put_index_template",
    "GET /_index_template": "indices.get_index_template",
    "GET /_index_template/{name}": "indices.get_index_template",
    "HEAD /_index_template/{name}": "indices.exists_index_template",
    "DELETE /_index_template/{name}": "indices.delete_index_template",
    "POST /_index_template/_simulate_index/{name}": "indices.simulate_index_template",
    "PUT /_component_template/{name}": "cluster.put_component_template",
    "POST /_component_template/{name}": "cluster.put_component_template",
    "GET /_component_template": "cluster.get_component_template",
    "GET /_component_template/{name}": "cluster.get_component_template",
    "HEAD /_component_template/{name}": "cluster.exists_component_template",
    "DELETE /_component_template/{name}": "cluster.delete_component_template",
    "GET /_nodes": "nodes.info",
    "GET /_tasks": "tasks.list",
    "GET /_tasks/{task_id}": "tasks.get",
    "GET /_data_stream": "indices.get_data_stream",
    "GET /_data_stream/{name}": "indices.get_data_stream",
    "PUT /_data_stream/{name}": "indices.create_data_stream",
    "DELETE /_data_stream/{name}": "indices.delete_data_stream",
    "GET /_data_stream/_stats": "indices.data_streams_stats",
    "GET /_data_stream/{name}/_stats": "indices.data_streams_stats",
    "GET /_cat": "cat.help",
    "GET /_cat/indices": "cat.indices",
    "GET /_cat/indices/{index}": "cat.indices",
    "GET /_cat/health": "cat.health",
    "GET /_cat/count": "cat.count",
    "POST /_cat/count": "cat.count",
    "GET /_cat/count/{index}": "cat.count",
    "POST /_cat/count/{index}": "cat.count",
    "GET /_cat/aliases": "cat.aliases",
    "GET /_cat/aliases/{alias}": "cat.aliases",
    "GET /_cat/shards": "cat.shards",
    "GET /_cat/shards/{index}": "cat.shards",
    "GET /_cat/nodes": "cat.nodes",
    "GET /_cat/master": "cat.master",
    "GET /_cat/allocation": "cat.allocation",
    "GET /_cat/allocation/{node_id}": "cat.allocation",
    "GET /_cat/templates": "cat.templates",
    "GET /_cat/templates/{name}": "cat.templates",
    "GET /_cat/plugins": "cat.plugins",
    "GET /_cat/pending_tasks": "cat.pending_tasks",
    "GET /_cat/thread_pool": "cat.thread_pool",
    "GET /_cat/thread_pool/{thread_pool_patterns}": "cat.thread_pool",
    "GET /_cat/segments": "cat.segments",
    "GET /_cat/segments/{index}": "cat.segments",
    "GET /_cat/recovery": "cat.recovery",
    "GET /_cat/recovery/{index}": "cat.recovery",
    "GET /_cat/fielddata": "cat.fielddata",
    "GET /_cat/fielddata/{fields}": "cat.fielddata",
    "PUT /{index}/_doc/{id}": "index",
    "POST /{index}/_doc/{id}": "index",
    "POST /{index}/_doc": "index",
    "PUT /{index}/_create/{id}": "create",
    "POST /{index}/_create/{id}": "create",
    "GET /{index}/_doc/{id}": "get",
    "HEAD /{index}/_doc/{id}": "exists",
    "GET /{index}/_source/{id}": "get_source",
    "HEAD /{index}/_source/{id}": "exists_source",
    "DELETE /{index}/_doc/{id}": "delete",
    "POST /{index}/_update/{id}": "update",
    "GET /_mget": "mget",
    "POST /_mget": "mget",
    "GET /{index}/_mget": "mget",
    "POST /{index}/_mget": "mget",
    "PUT /_bulk": "bulk",
    "POST /_bulk": "bulk",
    "PUT /{index}/_bulk": "bulk",
    "POST /{index}/_bulk": "bulk",
    "GET /_search": "search",
    "POST /_search": "search",
    "GET /{index}/_search": "search",
    "POST /{index}/_search": "search",
    "GET /_count": "count",
    "POST /_count": "count",
    "GET /{index}/_count": "count",
    "POST /{index}/_count": "count",
    "GET /_validate/query": "indices.validate_query",
    "POST /_validate/query": "indices.validate_query",
    "GET /{index}/_validate/query": "indices.validate_query",
    "POST /{index}/_validate/query": "indices.validate_query",
    "GET /_msearch": "msearch",
    "POST /_msearch": "msearch",
    "GET /{index}/_msearch": "msearch",
    "POST /{index}/_msearch": "msearch",
    "GET /_search/scroll": "scroll",
    "POST /_search/scroll": "scroll",
    "GET /_search/scroll/{scroll_id}": "scroll",
    "POST /_search/scroll/{scroll_id}": "scroll",
    "DELETE /_search/scroll": "clear_scroll",
    "DELETE /_search/scroll/{scroll_id}": "clear_scroll",
    "POST /{index}/_pit": "open_point_in_time",
    "DELETE /_pit": "close_point_in_time",
    "POST /{index}/_delete_by_query": "delete_by_query",
    "POST /{index}/_update_by_query": "update_by_query",
    "POST /_delete_by_query/{task_id}/_rethrottle": "delete_by_query_rethrottle",
    "POST /_update_by_query/{task_id}/_rethrottle": "update_by_query_rethrottle",
    "POST /_reindex/{task_id}/_rethrottle": "reindex_rethrottle",
    "POST /_reindex": "reindex",
    "GET /{index}/_explain/{id}": "explain",
    "POST /{index}/_explain/{id}": "explain",
    "GET /{index}/_termvectors/{id}": "termvectors",
    "POST /{index}/_termvectors/{id}": "termvectors",
    "GET /{index}/_termvectors": "termvectors",
    "POST /{index}/_termvectors": "termvectors",
    "PUT /{index}": "indices.create",
    "DELETE /{index}": "indices.delete",
    "HEAD /{index}": "indices.exists",
    "GET /{index}": "indices.get",
    "GET /_mapping": "indices.get_mapping",
    "GET /{index}/_mapping": "indices.get_mapping",
    "PUT /{index}/_mapping": "indices.put_mapping",
    "POST /{index}/_mapping": "indices.put_mapping",
    "GET /_mapping/field/{fields}": "indices.get_field_mapping",
    "GET /{index}/_mapping/field/{fields}": "indices.get_field_mapping",
    "GET /_settings": "indices.get_settings",
    "GET /_settings/{name}": "indices.get_settings",
    "GET /{index}/_settings": "indices.get_settings",
    "GET /{index}/_settings/{name}": "indices.get_settings",
    "PUT /_settings": "indices.put_settings",
    "PUT /{index}/_settings": "indices.put_settings",
    "GET /_refresh": "indices.refresh",
    "POST /_refresh": "indices.refresh",
    "GET /{index}/_refresh": "indices.refresh",
    "POST /{index}/_refresh": "indices.refresh",
    "GET /_flush": "indices.flush",
    "POST /_flush": "indices.flush",
    "GET /{index}/_flush": "indices.flush",
    "POST /{index}/_flush": "indices.flush",
    "POST /_forcemerge": "indices.forcemerge",
    "POST /{index}/_forcemerge": "indices.forcemerge",
    "GET /_stats": "indices.stats",
    "GET /_stats/{metric}": "indices.stats",
    "GET /{index}/_stats": "indices.stats",
    "GET /{index}/_stats/{metric}": "indices.stats",
    "POST /{index}/_rollover": "indices.rollover",
    "POST /{index}/_rollover/{new_index}": "indices.rollover",
    "POST /{index}/_open": "indices.open",
    "POST /{index}/_close": "indices.close",
    "PUT /{index}/_block/{block}": "indices.add_block",
    "GET /_analyze": "indices.analyze",
    "POST /_analyze": "indices.analyze",
    "GET /{index}/_analyze": "indices.analyze",
    "POST /{index}/_analyze": "indices.analyze",
    "POST /_aliases": "indices.update_aliases",
    "GET /_alias": "indices.get_alias",
    "GET /_aliases": "indices.get_alias",
    "GET /_alias/{name}": "indices.get_alias",
    "GET /{index}/_alias": "indices.get_alias",
    "GET /{index}/_aliases": "indices.get_alias",
    "GET /{index}/_alias/{name}": "indices.get_alias",
    "HEAD /_alias/{name}": "indices.exists_alias",
    "HEAD /{index}/_alias/{name}": "indices.exists_alias",
    "PUT /{index}/_alias/{name}": "indices.put_alias",
    "POST /{index}/_alias/{name}": "indices.put_alias",
    "PUT /{index}/_aliases/{name}": "indices.put_alias",
    "POST /{index}/_aliases/{name}": "indices.put_alias",
    "DELETE /{index}/_alias/{name}": "indices.delete_alias",
    "DELETE /{index}/_aliases/{name}": "indices.delete_alias",
    "PUT /_ingest/pipeline/{id}": "ingest.put_pipeline",
    "GET /_ingest/pipeline": "ingest.get_pipeline",
    "GET /_ingest/pipeline/{id}": "ingest.get_pipeline",
    "DELETE /_ingest/pipeline/{id}": "ingest.delete_pipeline",
    "GET /_ingest/pipeline/_simulate": "ingest.simulate",
    "POST /_ingest/pipeline/_simulate": "ingest.simulate",
    "GET /_ingest/pipeline/{id}/_simulate": "ingest.simulate",
    "POST /_ingest/pipeline/{id}/_simulate": "ingest.simulate",
}

#: API -> its parameters and path parts, as its specification lists them
#: (space-separated).
API_PARAMETERS: dict[str, str] = {
    "bulk": (
        "_slice _source _source_excludes _source_includes include_source_on_error index "
        "list_executed_pipelines pipeline refresh require_alias require_data_stream routing "
        "timeout wait_for_active_shards"
    ),
    "cat.aliases": "bytes expand_wildcards format h help master_timeout name s time v",
    "cat.allocation": "bytes format h help local master_timeout node_id s time v",
    "cat.count": "bytes format h help index project_routing s time v",
    "cat.fielddata": "bytes fields format h help s time v",
    "cat.health": "bytes format h help s time ts v",
    "cat.help": "",
    "cat.indices": (
        "bytes expand_wildcards format h health help include_unloaded_segments index "
        "master_timeout pri s time v"
    ),
    "cat.master": "bytes format h help local master_timeout s time v",
    "cat.nodes": "bytes format full_id h help include_unloaded_segments master_timeout s time v",
    "cat.pending_tasks": "bytes format h help local master_timeout s time v",
    "cat.plugins": "bytes format h help include_bootstrap local master_timeout s time v",
    "cat.recovery": "active_only bytes detailed format h help index s time v",
    "cat.segments": (
        "allow_closed allow_no_indices bytes expand_wildcards format h help "
        "ignore_throttled ignore_unavailable index local master_timeout s time v"
    ),
    "cat.shards": "bytes format h help index master_timeout s time v",
    "cat.templates": "bytes format h help local master_timeout name s time v",
    "cat.thread_pool": "bytes format h help local master_timeout s thread_pool_patterns time v",
    "clear_scroll": "scroll_id",
    "close_point_in_time": "",
    "cluster.delete_component_template": "master_timeout name timeout",
    "cluster.exists_component_template": "local master_timeout name",
    "cluster.get_component_template": (
        "flat_settings include_defaults local master_timeout name settings_filter"
    ),
    "cluster.get_settings": "flat_settings include_defaults master_timeout timeout",
    "cluster.health": (
        "expand_wildcards index level local master_timeout timeout wait_for_active_shards "
        "wait_for_events wait_for_no_initializing_shards wait_for_no_relocating_shards "
        "wait_for_nodes wait_for_status"
    ),
    "cluster.pending_tasks": "local master_timeout",
    "cluster.put_component_template": "cause create master_timeout name",
    "cluster.put_settings": "flat_settings master_timeout timeout",
    "cluster.state": (
        "allow_no_indices expand_wildcards flat_settings ignore_unavailable index local "
        "master_timeout metric wait_for_metadata_version wait_for_timeout"
    ),
    "count": (
        "_slice allow_no_indices analyze_wildcard analyzer default_operator df "
        "expand_wildcards ignore_throttled ignore_unavailable index lenient min_score "
        "preference project_routing q routing stats terminate_after"
    ),
    "create": (
        "id include_source_on_error index pipeline refresh require_alias "
        "require_data_stream routing timeout version version_type wait_for_active_shards"
    ),
    "delete": (
        "_slice id if_primary_term if_seq_no index refresh routing timeout version "
        "version_type wait_for_active_shards"
    ),
    "delete_by_query": (
        "_slice allow_no_indices analyze_wildcard analyzer conflicts default_operator df "
        "expand_wildcards from ignore_unavailable index lenient max_docs preference q "
        "refresh request_cache requests_per_second routing scroll scroll_size "
        "search_timeout search_type slices sort stats terminate_after timeout version "
        "wait_for_active_shards wait_for_completion"
    ),
    "delete_by_query_rethrottle": "requests_per_second task_id",
    "exists": (
        "_source _source_excludes _source_includes id index preference realtime refresh "
        "routing stored_fields version version_type"
    ),
    "exists_source": (
        "_source _source_excludes _source_includes id index preference realtime refresh "
        "routing version version_type"
    ),
    "explain": (
        "_slice _source _source_excludes _source_includes analyze_wildcard analyzer "
        "default_operator df id index lenient preference q routing stored_fields"
    ),
    "get": (
        "_slice _source _source_exclude_vectors _source_excludes _source_includes "
        "force_synthetic_source id index preference realtime refresh routing stored_fields "
        "version version_type"
    ),
    "get_source": (
        "_source _source_excludes _source_includes id index preference realtime refresh "
        "routing version version_type"
    ),
    "index": (
        "_slice id if_primary_term if_seq_no include_source_on_error index op_type pipeline "
        "refresh require_alias require_data_stream routing timeout version version_type "
        "wait_for_active_shards"
    ),
    "indices.add_block": (
        "allow_no_indices block expand_wildcards ignore_unavailable index master_timeout timeout"
    ),
    "indices.analyze": "index",
    "indices.close": (
        "allow_no_indices expand_wildcards ignore_unavailable index master_timeout timeout "
        "wait_for_active_shards"
    ),
    "indices.create": "index master_timeout timeout wait_for_active_shards",
    "indices.create_data_stream": "master_timeout name timeout",
    "indices.data_streams_stats": "expand_wildcards name",
    "indices.delete": (
        "allow_no_indices expand_wildcards ignore_unavailable index master_timeout timeout"
    ),
    "indices.delete_alias": "index master_timeout name timeout",
    "indices.delete_data_stream": "expand_wildcards master_timeout name",
    "indices.delete_index_template": "master_timeout name timeout",
    "indices.delete_template": "master_timeout name timeout",
    "indices.exists": (
        "allow_no_indices expand_wildcards flat_settings ignore_unavailable "
        "include_defaults index local"
    ),
    "indices.exists_alias": (
        "allow_no_indices expand_wildcards ignore_unavailable index master_timeout name"
    ),
    "indices.exists_index_template": "flat_settings local master_timeout name",
    "indices.exists_template": "flat_settings local master_timeout name",
    "indices.flush": (
        "allow_no_indices expand_wildcards force ignore_unavailable index wait_if_ongoing"
    ),
    "indices.forcemerge": (
        "allow_no_indices expand_wildcards flush ignore_unavailable index max_num_segments "
        "only_expunge_deletes wait_for_completion"
    ),
    "indices.get": (
        "allow_no_indices expand_wildcards features flat_settings ignore_unavailable "
        "include_defaults index local master_timeout"
    ),
    "indices.get_alias": (
        "allow_no_indices expand_wildcards ignore_unavailable index master_timeout name"
    ),
    "indices.get_data_stream": "expand_wildcards include_defaults master_timeout name verbose",
    "indices.get_field_mapping": (
        "allow_no_indices expand_wildcards fields ignore_unavailable include_defaults index"
    ),
    "indices.get_index_template": "flat_settings include_defaults local master_timeout name",
    "indices.get_mapping": (
        "allow_no_indices expand_wildcards ignore_unavailable index local master_timeout"
    ),
    "indices.get_settings": (
        "allow_no_indices expand_wildcards flat_settings ignore_unavailable "
        "include_defaults index local master_timeout name"
    ),
    "indices.get_template": "flat_settings local master_timeout name",
    "indices.open": (
        "allow_no_indices expand_wildcards ignore_unavailable index master_timeout timeout "
        "wait_for_active_shards"
    ),
    "indices.put_alias": "index master_timeout name timeout",
    "indices.put_index_template": "cause create master_timeout name",
    "indices.put_mapping": (
        "allow_no_indices expand_wildcards ignore_unavailable index master_timeout timeout "
        "write_index_only"
    ),
    "indices.put_settings": (
        "allow_no_indices expand_wildcards flat_settings ignore_unavailable index "
        "master_timeout preserve_existing reopen timeout"
    ),
    "indices.put_template": "cause create master_timeout name order",
    "indices.refresh": "allow_no_indices expand_wildcards ignore_unavailable index",
    "indices.rollover": (
        "alias dry_run lazy master_timeout new_index timeout wait_for_active_shards"
    ),
    "indices.simulate_index_template": "cause create include_defaults master_timeout name",
    "indices.stats": (
        "completion_fields expand_wildcards fielddata_fields fields forbid_closed_indices "
        "groups include_segment_file_sizes include_unloaded_segments index level metric"
    ),
    "indices.update_aliases": "master_timeout timeout",
    "indices.validate_query": (
        "_slice all_shards allow_no_indices analyze_wildcard analyzer default_operator df "
        "expand_wildcards explain ignore_unavailable index lenient q rewrite routing"
    ),
    "info": "",
    "ingest.delete_pipeline": "id master_timeout timeout",
    "ingest.get_pipeline": "id master_timeout summary",
    "ingest.put_pipeline": "id if_version master_timeout timeout",
    "ingest.simulate": "id verbose",
    "mget": (
        "_slice _source _source_excludes _source_includes force_synthetic_source index "
        "preference realtime refresh routing stored_fields"
    ),
    "msearch": (
        "_slice allow_no_indices ccs_minimize_roundtrips expand_wildcards ignore_throttled "
        "ignore_unavailable include_named_queries_score index max_concurrent_searches "
        "max_concurrent_shard_requests pre_filter_shard_size project_routing "
        "rest_total_hits_as_int routing search_type typed_keys"
    ),
    "nodes.info": "flat_settings metric node_id timeout",
    "open_point_in_time": (
        "allow_partial_search_results expand_wildcards ignore_unavailable index keep_alive "
        "max_concurrent_shard_requests preference project_routing routing"
    ),
    "ping": "",
    "reindex": (
        "max_docs refresh requests_per_second require_alias scroll slices timeout "
        "wait_for_active_shards wait_for_completion"
    ),
    "reindex_rethrottle": "group_by requests_per_second task_id",
    "scroll": "rest_total_hits_as_int scroll scroll_id",
    "search": (
        "_slice _source _source_exclude_vectors _source_excludes _source_includes "
        "allow_no_indices allow_partial_search_results analyze_wildcard analyzer "
        "batched_reduce_size ccs_minimize_roundtrips default_operator df docvalue_fields "
        "expand_wildcards explain force_synthetic_source from ignore_throttled "
        "ignore_unavailable include_named_queries_score index lenient "
        "max_concurrent_shard_requests pre_filter_shard_size preference project_routing q "
        "request_cache rest_total_hits_as_int routing scroll search_type "
        "seq_no_primary_term size sort stats stored_fields suggest_field suggest_mode "
        "suggest_size suggest_text terminate_after timeout track_scores track_total_hits "
        "typed_keys version"
    ),
    "security.authenticate": "",
    "security.create_api_key": "refresh",
    "security.get_api_key": (
        "active_only id name owner realm_name username with_limited_by with_profile_uid"
    ),
    "security.invalidate_api_key": "",
    "snapshot.cleanup_repository": "master_timeout repository timeout",
    "snapshot.clone": "master_timeout repository snapshot target_snapshot",
    "snapshot.create": "master_timeout repository snapshot wait_for_completion",
    "snapshot.create_repository": "master_timeout repository timeout verify",
    "snapshot.delete": "master_timeout repository snapshot wait_for_completion",
    "snapshot.delete_repository": "master_timeout repository timeout",
    "snapshot.get": (
        "after from_sort_value ignore_unavailable include_repository index_details "
        "index_names master_timeout offset order repository size slm_policy_filter snapshot "
        "sort state verbose"
    ),
    "snapshot.get_repository": "local master_timeout repository",
    "snapshot.restore": "master_timeout repository snapshot wait_for_completion",
    "snapshot.status": "ignore_unavailable master_timeout repository snapshot",
    "snapshot.verify_repository": "master_timeout repository timeout",
    "tasks.get": "follow_relocations task_id timeout wait_for_completion",
    "tasks.list": "actions detailed group_by nodes parent_task_id timeout wait_for_completion",
    "termvectors": (
        "_slice field_statistics fields id index offsets payloads positions preference "
        "realtime routing term_statistics version version_type"
    ),
    "update": (
        "_slice _source _source_excludes _source_includes id if_primary_term if_seq_no "
        "include_source_on_error index lang refresh require_alias retry_on_conflict routing "
        "timeout wait_for_active_shards"
    ),
    "update_by_query": (
        "_slice allow_no_indices analyze_wildcard analyzer conflicts default_operator df "
        "expand_wildcards from ignore_unavailable index lenient max_docs pipeline "
        "preference q refresh request_cache requests_per_second routing scroll scroll_size "
        "search_timeout search_type slices sort stats terminate_after timeout version "
        "version_type wait_for_active_shards wait_for_completion"
    ),
    "update_by_query_rethrottle": "requests_per_second task_id",
}
