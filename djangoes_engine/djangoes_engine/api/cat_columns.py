"""The columns of each ``_cat`` table, as Elasticsearch 9 names them.

Names, aliases, which columns show by default, their alignment and their ``help`` descriptions
are Elasticsearch's, so that ``h``, ``s`` and ``help`` read the same here. A column the engine
cannot fill is still a column: its cells are absent (empty text, JSON null), as Elasticsearch
shows a value it does not have.
"""

from __future__ import annotations

from .table import TIMESTAMP_COLUMNS, Column, column

#: The statistics columns the indices, shards and nodes tables share: name -> (aliases, desc).
STATS = {
    "completion.size": ("cs,completionSize", "size of completion"),
    "fielddata.memory_size": ("fm,fielddataMemory", "used fielddata cache"),
    "fielddata.evictions": ("fe,fielddataEvictions", "fielddata evictions"),
    "query_cache.memory_size": ("qcm,queryCacheMemory", "used query cache"),
    "query_cache.evictions": ("qce,queryCacheEvictions", "query cache evictions"),
    "query_cache.hit_count": ("qchc,queryCacheHitCount", "query cache hit counts"),
    "query_cache.miss_count": ("qcmc,queryCacheMissCount", "query cache miss counts"),
    "request_cache.memory_size": ("rcm,requestCacheMemory", "used request cache"),
    "request_cache.evictions": ("rce,requestCacheEvictions", "request cache evictions"),
    "request_cache.hit_count": ("rchc,requestCacheHitCount", "request cache hit count"),
    "request_cache.miss_count": ("rcmc,requestCacheMissCount", "request cache miss count"),
    "flush.total": ("ft,flushTotal", "number of flushes"),
    "flush.total_time": ("ftt,flushTotalTime", "time spent in flush"),
    "get.current": ("gc,getCurrent", "number of current get ops"),
    "get.time": ("gti,getTime", "time spent in get"),
    "get.total": ("gto,getTotal", "number of get ops"),
    "get.exists_time": ("geti,getExistsTime", "time spent in successful gets"),
    "get.exists_total": ("geto,getExistsTotal", "number of successful gets"),
    "get.missing_time": ("gmti,getMissingTime", "time spent in failed gets"),
    "get.missing_total": ("gmto,getMissingTotal", "number of failed gets"),
    "indexing.delete_current": ("idc,indexingDeleteCurrent", "number of current deletions"),
    "indexing.delete_time": ("idti,indexingDeleteTime", "time spent in deletions"),
    "indexing.delete_total": ("idto,indexingDeleteTotal", "number of delete ops"),
    "indexing.index_current": ("iic,indexingIndexCurrent", "number of current indexing ops"),
    "indexing.index_time": ("iiti,indexingIndexTime", "time spent in indexing"),
    "indexing.index_total": ("iito,indexingIndexTotal", "number of indexing ops"),
    "indexing.index_failed": ("iif,indexingIndexFailed", "number of failed indexing ops"),
    "indexing.index_failed_due_to_version_conflict": (
        "iifvc,indexingIndexFailedDueToVersionConflict",
        "number of failed indexing ops due to version conflict",
    ),
    "merges.current": ("mc,mergesCurrent", "number of current merges"),
    "merges.current_docs": ("mcd,mergesCurrentDocs", "number of current merging docs"),
    "merges.current_size": ("mcs,mergesCurrentSize", "size of current merges"),
    "merges.total": ("mt,mergesTotal", "number of completed merge ops"),
    "merges.total_docs": ("mtd,mergesTotalDocs", "docs merged"),
    "merges.total_size": ("mts,mergesTotalSize", "size merged"),
    "merges.total_time": ("mtt,mergesTotalTime", "time spent in merges"),
    "refresh.total": ("rto,refreshTotal", "total refreshes"),
    "refresh.time": ("rti,refreshTime", "time spent in refreshes"),
    "refresh.external_total": ("rto,refreshTotal", "total external refreshes"),
    "refresh.external_time": ("rti,refreshTime", "time spent in external refreshes"),
    "refresh.listeners": ("rli,refreshListeners", "number of pending refresh listeners"),
    "script.compilations": ("scrcc,scriptCompilations", "script compilations"),
    "script.cache_evictions": ("scrce,scriptCacheEvictions", "script cache evictions"),
    "script.compilation_limit_triggered": (
        "scrclt,scriptCacheCompilationLimitTriggered",
        "script cache compilation limit triggered",
    ),
    "search.fetch_current": ("sfc,searchFetchCurrent", "current fetch phase ops"),
    "search.fetch_time": ("sfti,searchFetchTime", "time spent in fetch phase"),
    "search.fetch_total": ("sfto,searchFetchTotal", "total fetch ops"),
    "search.open_contexts": ("so,searchOpenContexts", "open search contexts"),
    "search.query_current": ("sqc,searchQueryCurrent", "current query phase ops"),
    "search.query_time": ("sqti,searchQueryTime", "time spent in query phase"),
    "search.query_total": ("sqto,searchQueryTotal", "total query phase ops"),
    "search.scroll_current": ("scc,searchScrollCurrent", "open scroll contexts"),
    "search.scroll_time": ("scti,searchScrollTime", "time scroll contexts held open"),
    "search.scroll_total": ("scto,searchScrollTotal", "completed scroll contexts"),
    "segments.count": ("sc,segmentsCount", "number of segments"),
    "segments.memory": ("sm,segmentsMemory", "memory used by segments"),
    "segments.index_writer_memory": (
        "siwm,segmentsIndexWriterMemory",
        "memory used by index writer",
    ),
    "segments.version_map_memory": ("svmm,segmentsVersionMapMemory", "memory used by version map"),
    "segments.fixed_bitset_memory": (
        "sfbm,fixedBitsetMemory",
        "memory used by fixed bit sets for nested object field types and type filters for types "
        "referred in _parent fields",
    ),
    "seq_no.max": ("sqm,maxSeqNo", "max sequence number"),
    "seq_no.local_checkpoint": ("sql,localCheckpoint", "local checkpoint"),
    "seq_no.global_checkpoint": ("sqg,globalCheckpoint", "global checkpoint"),
    "warmer.current": ("wc,warmerCurrent", "current warmer ops"),
    "warmer.total": ("wto,warmerTotal", "total warmer ops"),
    "warmer.total_time": ("wtt,warmerTotalTime", "time spent in warmers"),
    "suggest.current": ("suc,suggestCurrent", "number of current suggest ops"),
    "suggest.time": ("suti,suggestTime", "time spend in suggest"),
    "suggest.total": ("suto,suggestTotal", "number of suggest ops"),
    "memory.total": ("tm,memoryTotal", "total used memory"),
    "bulk.total_operations": ("bto,bulkTotalOperations", "number of bulk shard ops"),
    "bulk.total_time": ("btti,bulkTotalTime", "time spend in shard bulk"),
    "bulk.total_size_in_bytes": ("btsi,bulkTotalSizeInBytes", "total size in bytes of shard bulk"),
    "bulk.avg_time": ("bati,bulkAvgTime", "average time spend in shard bulk"),
    "bulk.avg_size_in_bytes": ("basi,bulkAvgSizeInBytes", "average size in bytes of shard bulk"),
    "dense_vector.value_count": ("dvc,denseVectorCount", "number of indexed dense vectors"),
    "sparse_vector.value_count": ("svc,sparseVectorCount", "number of indexed sparse vectors"),
}


def _group(prefix: str, names: str) -> tuple[str, ...]:
    return tuple(f"{prefix}.{name}" for name in names.split())


_CACHES = ("completion.size", "fielddata.memory_size", "fielddata.evictions")
_QUERY_CACHE = _group("query_cache", "memory_size evictions")
_REQUEST_CACHE = _group("request_cache", "memory_size evictions hit_count miss_count")
_FLUSH_GET = (
    *_group("flush", "total total_time"),
    *_group("get", "current time total exists_time exists_total missing_time missing_total"),
)
_INDEXING = _group(
    "indexing",
    "delete_current delete_time delete_total index_current index_time index_total index_failed "
    "index_failed_due_to_version_conflict",
)
_MERGES = _group(
    "merges", "current current_docs current_size total total_docs total_size total_time"
)
_REFRESH = _group("refresh", "total time external_total external_time listeners")
_SEARCH = _group(
    "search",
    "fetch_current fetch_time fetch_total open_contexts query_current query_time query_total "
    "scroll_current scroll_time scroll_total",
)
_SEGMENTS = _group(
    "segments", "count memory index_writer_memory version_map_memory fixed_bitset_memory"
)
_SEQ_NO = _group("seq_no", "max local_checkpoint global_checkpoint")
_WARMER = _group("warmer", "current total total_time")
_SUGGEST = _group("suggest", "current time total")
_BULK = _group("bulk", "total_operations total_time total_size_in_bytes avg_time avg_size_in_bytes")
_VECTORS = ("dense_vector.value_count", "sparse_vector.value_count")
_SCRIPT = _group("script", "compilations cache_evictions compilation_limit_triggered")


def _stat(name: str, *, sibling: str | None = None) -> Column:
    aliases, desc = STATS[name]
    return column(name, aliases, desc, default=False, right=True, sibling=sibling)


def _with_primaries(names: tuple[str, ...]) -> list[Column]:
    """Each statistic of all copies, and after it the same of the primaries (``pri.``)."""
    columns = []
    for name in names:
        columns.append(_stat(name, sibling="pri"))
        columns.append(column(f"pri.{name}", "", STATS[name][1], default=False, right=True))
    return columns


_INDEX_STATS = (
    *(_CACHES + _QUERY_CACHE + _REQUEST_CACHE + _FLUSH_GET + _INDEXING + _MERGES + _REFRESH),
    *(_SEARCH + _SEGMENTS + _WARMER + _SUGGEST + ("memory.total",) + _BULK + _VECTORS),
)

INDICES = [
    column("health", "h", "current health status"),
    column("status", "s", "open/close status"),
    column("index", "i,idx", "index name"),
    column("uuid", "id,uuid", "index uuid"),
    column("pri", "p,shards.primary,shardsPrimary", "number of primary shards", right=True),
    column("rep", "r,shards.replica,shardsReplica", "number of replica shards", right=True),
    column("docs.count", "dc,docsCount", "available docs", right=True),
    column("docs.deleted", "dd,docsDeleted", "deleted docs", right=True),
    column("creation.date", "cd", "index creation date (millisecond value)", default=False),
    column("creation.date.string", "cds", "index creation date (as string)", default=False),
    column(
        "store.size",
        "ss,storeSize",
        "store size of primaries & replicas",
        right=True,
        sibling="pri",
    ),
    column("pri.store.size", "", "store size of primaries", right=True),
    column("dataset.size", "", "total size of dataset", right=True),
    *_with_primaries(_INDEX_STATS),
]

SHARDS = [
    column("index", "i,idx", "index name"),
    column("shard", "s,sh", "shard name"),
    column("prirep", "p,pr,primaryOrReplica", "primary or replica"),
    column("state", "st", "shard state"),
    column("docs", "d,dc", "number of docs in shard", right=True),
    column("store", "sto", "store size of shard (how much disk it uses)", right=True),
    column("dataset", "", "total size of dataset", right=True),
    column("ip", "", "ip of node where it lives"),
    column("id", "", "unique id of node where it lives", default=False),
    column("node", "n", "name of node where it lives"),
    column("unassigned.reason", "ur", "reason shard became unassigned", default=False),
    column("unassigned.at", "ua", "time shard became unassigned (UTC)", default=False),
    column("unassigned.for", "uf", "time has been unassigned", default=False, right=True),
    column(
        "unassigned.details",
        "ud",
        "additional details as to why the shard became unassigned",
        default=False,
    ),
    column("recoverysource.type", "rs", "recovery source type", default=False),
    *(_stat(name) for name in _CACHES + _QUERY_CACHE + _FLUSH_GET + _INDEXING + _MERGES),
    *(_stat(name) for name in _REFRESH + _SEARCH + _SEGMENTS),
    *(_stat(name) for name in _SEQ_NO + _WARMER),
    column("path.data", "pd,dataPath", "shard data path", default=False, right=True),
    column("path.state", "ps,statsPath", "shard state path", default=False, right=True),
    *(_stat(name) for name in _BULK + _VECTORS),
]

NODES = [
    column("id", "id,nodeId", "unique node id", default=False),
    column("pid", "p", "process id", default=False),
    column("ip", "i", "ip address"),
    column("port", "po", "bound transport port", default=False),
    column("http_address", "http", "bound http address", default=False),
    column("version", "v", "es version", default=False),
    column("type", "t", "es distribution type", default=False),
    column("build", "b", "es build hash", default=False),
    column("jdk", "j", "jdk version", default=False),
    column("disk.total", "dt,diskTotal", "total disk space", default=False, right=True),
    column("disk.used", "du,diskUsed", "used disk space", default=False, right=True),
    column("disk.avail", "d,da,disk,diskAvail", "available disk space", default=False, right=True),
    column(
        "disk.used_percent",
        "dup,diskUsedPercent",
        "used disk space percentage",
        default=False,
        right=True,
    ),
    column("heap.current", "hc,heapCurrent", "used heap", default=False, right=True),
    column("heap.percent", "hp,heapPercent", "used heap ratio", right=True),
    column("heap.max", "hm,heapMax", "max configured heap", default=False, right=True),
    column("ram.current", "rc,ramCurrent", "used machine memory", default=False, right=True),
    column("ram.percent", "rp,ramPercent", "used machine memory ratio", right=True),
    column("ram.max", "rm,ramMax", "total machine memory", default=False, right=True),
    column(
        "file_desc.current",
        "fdc,fileDescriptorCurrent",
        "used file descriptors",
        default=False,
        right=True,
    ),
    column(
        "file_desc.percent",
        "fdp,fileDescriptorPercent",
        "used file descriptor ratio",
        default=False,
        right=True,
    ),
    column(
        "file_desc.max", "fdm,fileDescriptorMax", "max file descriptors", default=False, right=True
    ),
    column("cpu", "cpu", "recent cpu usage", right=True),
    column("load_1m", "l", "1m load avg", right=True),
    column("load_5m", "l", "5m load avg", right=True),
    column("load_15m", "l", "15m load avg", right=True),
    column(
        "available_processors",
        "ap,availableProcessors",
        "available processors",
        default=False,
        right=True,
    ),
    column("uptime", "u", "node uptime", default=False, right=True),
    column(
        "node.role",
        "r,role,nodeRole",
        "m:master eligible node, d:data node, i:ingest node, -:coordinating node only",
    ),
    column("master", "m", "*:current master"),
    column("name", "n", "node name"),
    *(_stat(name) for name in _CACHES + _QUERY_CACHE + ("query_cache.hit_count",)),
    _stat("query_cache.miss_count"),
    *(_stat(name) for name in _REQUEST_CACHE + _FLUSH_GET + _INDEXING + _MERGES + _REFRESH),
    *(_stat(name) for name in _SCRIPT + _SEARCH + _SEGMENTS + _SUGGEST + _BULK),
    column(
        "shard_stats.total_count",
        "sstc,shards,shardStatsTotalCount",
        "number of shards assigned",
        default=False,
        right=True,
    ),
    column(
        "mappings.total_count",
        "mtc,mappingsTotalCount",
        "number of mappings",
        default=False,
        right=True,
    ),
    column(
        "mappings.total_estimated_overhead_in_bytes",
        "mteo,mappingsTotalEstimatedOverheadInBytes",
        "estimated heap overhead of mappings",
        default=False,
        right=True,
    ),
]

HEALTH = [
    *TIMESTAMP_COLUMNS,
    column("cluster", "cl", "cluster name"),
    column("status", "st", "health status"),
    column("node.total", "nt,nodeTotal", "total number of nodes", right=True),
    column("node.data", "nd,nodeData", "number of nodes that can store data", right=True),
    column("shards", "t,sh,shards.total,shardsTotal", "total number of shards", right=True),
    column("pri", "p,shards.primary,shardsPrimary", "number of primary shards", right=True),
    column(
        "relo", "r,shards.relocating,shardsRelocating", "number of relocating nodes", right=True
    ),
    column(
        "init",
        "i,shards.initializing,shardsInitializing",
        "number of initializing nodes",
        right=True,
    ),
    column(
        "unassign",
        "u,shards.unassigned,shardsUnassigned",
        "number of unassigned shards",
        right=True,
    ),
    column(
        "unassign.pri",
        "up,shards.unassigned.primary,shardsUnassignedPrimary",
        "number of unassigned primary shards",
        right=True,
    ),
    column("pending_tasks", "pt,pendingTasks", "number of pending tasks", right=True),
    column(
        "max_task_wait_time",
        "mtwt,maxTaskWaitTime",
        "wait time of longest task pending",
        right=True,
    ),
    column(
        "active_shards_percent",
        "asp,activeShardsPercent",
        "active number of shards in percent",
        right=True,
    ),
]

COUNT = [*TIMESTAMP_COLUMNS, column("count", "dc,docs.count,docsCount", "the document count")]

ALIASES = [
    column("alias", "a", "alias name"),
    column("index", "i,idx", "index alias points to"),
    column("filter", "f,fi", "filter"),
    column("routing.index", "ri,routingIndex", "index routing"),
    column("routing.search", "rs,routingSearch", "search routing"),
    column("is_write_index", "w,isWriteIndex", "write index"),
]

MASTER = [
    column("id", "", "node id"),
    column("host", "h", "host name"),
    column("ip", "", "ip address "),
    column("node", "n", "node name"),
]

ALLOCATION = [
    column("shards", "s", "number of shards on node", right=True),
    column(
        "shards.undesired",
        "",
        "number of shards that are scheduled to be moved elsewhere in the cluster",
        right=True,
    ),
    column(
        "write_load.forecast",
        "wlf,writeLoadForecast",
        "sum of index write load forecasts",
        right=True,
    ),
    column(
        "disk.indices.forecast",
        "dif,diskIndicesForecast",
        "sum of shard size forecasts",
        right=True,
    ),
    column("disk.indices", "di,diskIndices", "disk used by ES indices", right=True),
    column("disk.used", "du,diskUsed", "disk used (total, not just ES)", right=True),
    column("disk.avail", "da,diskAvail", "disk available", right=True),
    column("disk.total", "dt,diskTotal", "total capacity of all volumes", right=True),
    column("disk.percent", "dp,diskPercent", "percent disk used", right=True),
    column("host", "h", "host of node"),
    column("ip", "", "ip of node"),
    column("node", "n", "name of node"),
    column("node.role", "r,role,nodeRole", "node roles"),
]

TEMPLATES = [
    column("name", "n", "template name"),
    column("index_patterns", "t", "template index patterns"),
    column("order", "o,p", "template application order/priority number"),
    column("version", "v", "version"),
    column("composed_of", "c", "component templates comprising index template"),
]

PLUGINS = [
    column("id", "", "unique node id", default=False),
    column("name", "n", "node name"),
    column("component", "c", "component"),
    column("version", "v", "component version"),
    column("description", "d", "plugin details", default=False),
]

PENDING_TASKS = [
    column("insertOrder", "o", "task insertion order", right=True),
    column("timeInQueue", "t", "how long task has been in queue", right=True),
    column("priority", "p", "task priority"),
    column("source", "s", "task source"),
]

THREAD_POOL = [
    column("node_name", "nn", "node name"),
    column("node_id", "id", "persistent node id", default=False),
    column("ephemeral_node_id", "eid", "ephemeral node id", default=False),
    column("pid", "p", "process id", default=False),
    column("host", "h", "host name", default=False),
    column("ip", "i", "ip address", default=False),
    column("port", "po", "bound transport port", default=False),
    column("name", "n", "thread pool name"),
    column("type", "t", "thread pool type", default=False),
    column("active", "a", "number of active threads", right=True),
    column("pool_size", "psz", "number of threads", default=False, right=True),
    column("queue", "q", "number of tasks currently in queue", right=True),
    column(
        "queue_size", "qs", "maximum number of tasks permitted in queue", default=False, right=True
    ),
    column("rejected", "r", "number of rejected tasks", right=True),
    column("largest", "l", "highest number of seen active threads", default=False, right=True),
    column("completed", "c", "number of completed tasks", default=False, right=True),
    column(
        "core", "cr", "core number of threads in a scaling thread pool", default=False, right=True
    ),
    column(
        "max", "mx", "maximum number of threads in a scaling thread pool", default=False, right=True
    ),
    column("size", "sz", "number of threads in a fixed thread pool", default=False, right=True),
    column("keep_alive", "ka", "thread keep alive time", default=False, right=True),
]

SEGMENTS = [
    column("index", "i,idx", "index name"),
    column("shard", "s,sh", "shard name"),
    column("prirep", "p,pr,primaryOrReplica", "primary or replica"),
    column("ip", "", "ip of node where it lives"),
    column("id", "", "unique id of node where it lives", default=False),
    column("segment", "seg", "segment name"),
    column("generation", "g,gen", "segment generation", right=True),
    column("docs.count", "dc,docsCount", "number of docs in segment", right=True),
    column("docs.deleted", "dd,docsDeleted", "number of deleted docs in segment", right=True),
    column("size", "si", "segment size in bytes", right=True),
    column("size.memory", "sm,sizeMemory", "segment memory in bytes", right=True),
    column("committed", "ic,isCommitted", "is segment committed"),
    column("searchable", "is,isSearchable", "is segment searched"),
    column("version", "v,ver", "version"),
    column("compound", "ico,isCompound", "is segment compound"),
]

RECOVERY = [
    column("index", "i,idx", "index name"),
    column("shard", "s,sh", "shard name"),
    column("start_time", "start", "recovery start time", default=False),
    column(
        "start_time_millis",
        "start_millis",
        "recovery start time in epoch milliseconds",
        default=False,
    ),
    column("stop_time", "stop", "recovery stop time", default=False),
    column(
        "stop_time_millis", "stop_millis", "recovery stop time in epoch milliseconds", default=False
    ),
    column("time", "t,ti", "recovery time"),
    column("type", "ty", "recovery type"),
    column("stage", "st", "recovery stage"),
    column("source_host", "shost", "source host"),
    column("source_node", "snode", "source node name"),
    column("target_host", "thost", "target host"),
    column("target_node", "tnode", "target node name"),
    column("repository", "rep", "repository"),
    column("snapshot", "snap", "snapshot"),
    column("files", "f", "number of files to recover"),
    column("files_recovered", "fr", "files recovered"),
    column("files_percent", "fp", "percent of files recovered"),
    column("files_total", "tf", "total number of files"),
    column("bytes", "b", "number of bytes to recover"),
    column("bytes_recovered", "br", "bytes recovered"),
    column("bytes_percent", "bp", "percent of bytes recovered"),
    column("bytes_total", "tb", "total number of bytes"),
    column("translog_ops", "to", "number of translog ops to recover"),
    column("translog_ops_recovered", "tor", "translog ops recovered"),
    column("translog_ops_percent", "top", "percent of translog ops recovered"),
]

FIELDDATA = [
    column("id", "", "node id"),
    column("host", "h", "host name"),
    column("ip", "", "ip address"),
    column("node", "n", "node name"),
    column("field", "f", "field name"),
    column("size", "s", "field data usage", right=True),
]
