"""Malformed requests for the fuzz runs of ``test_fuzz``, made from a ``random.Random`` that
hypothesis provides (``st.randoms()``), so that every run makes the same cases.

:class:`HttpCases` writes HTTP/1.1 requests that are wrong at every level: the request line,
the headers, the framing (Content-Length, chunked encoding, truncated bodies), the body (JSON
and NDJSON that is invalid or nonsense), the method, the path and the parameters; plus binary
garbage and mutations of valid requests. :func:`mutate` is protocol-blind: it damages any
recorded traffic (a thrift or memcached client's), which is how the gateways are fuzzed.

A case never names the canary index (``acked``...) and never holds what could reach it
without naming it (a wildcard, ``_all``, an index-wide API): the documents there are the
ones whose survival is checked, so the fuzzer must not delete them the legitimate way.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: What no case may contain (see the module's docstring).
FORBIDDEN = re.compile(
    rb"acked|/_all|/\*|,\*|_delete_by_query|_update_by_query|_reindex|_close|_open|_settings"
    rb"|_alias|_block|_shrink|_split|_clone|_rollover|DELETE /(?!fz)",
    re.IGNORECASE,
)
#: Methods an HTTP parser knows, so a request with one can share a connection with others.
KNOWN_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE")


@dataclass
class Case:
    kind: str
    data: bytes
    #: Well framed: it may share a connection with other cases (its answer is checked).
    pipelined: bool = False
    method: str = "GET"


def harmless(data: bytes) -> bool:
    return FORBIDDEN.search(data) is None


def http_request(
    method: str,
    target: str | bytes,
    body: bytes = b"",
    *,
    content_type: str = "application/json",
    headers: list[bytes] | None = None,
    close: bool = False,
) -> bytes:
    """A well-framed HTTP/1.1 request."""
    target = target.encode("latin-1") if isinstance(target, str) else target
    lines = [method.encode("latin-1") + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1"]
    if body or method in ("POST", "PUT"):
        lines += [b"Content-Type: " + content_type.encode(), b"Content-Length: %d" % len(body)]
    lines += headers or []
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


# Protocol-blind mutations

INTERESTING_BYTES = b'\x00\x01\x7f\x80\xff\r\n :{}[]"\\%'
INTERESTING_WORDS = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]


def mutate(rng: random.Random, data: bytes, seeds: list[bytes]) -> bytes:
    """``data`` damaged by one to four random mutations (another seed may be spliced in)."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(9)
        at = rng.randrange(len(out) + 1)
        if choice == 0 and out:  # flip bits
            i = min(at, len(out) - 1)
            out[i] ^= 1 << rng.randrange(8)
        elif choice == 1 and out:  # an interesting byte
            out[min(at, len(out) - 1)] = rng.choice(INTERESTING_BYTES)
        elif choice == 2:  # insert random bytes
            out[at:at] = rng.randbytes(rng.randint(1, 16))
        elif choice == 3 and out:  # delete a run
            del out[at : at + rng.randint(1, 32)]
        elif choice == 4:  # truncate
            del out[at:]
        elif choice == 5 and out:  # repeat a run
            end = min(len(out), at + rng.randint(1, 64))
            out[at:at] = out[at:end] * rng.randint(2, 50)
        elif choice == 6:  # a boundary value where a length or a count may be
            width = rng.choice((1, 2, 4))
            word = rng.choice(INTERESTING_WORDS) & ((1 << (8 * width)) - 1)
            out[at : at + width] = word.to_bytes(width, rng.choice(("big", "little")))
        elif choice == 7:  # a decimal number made huge, negative or not a number
            numbers = list(re.finditer(rb"\d+", bytes(out)))
            if numbers:
                found = rng.choice(numbers)
                out[found.start() : found.end()] = rng.choice(
                    [b"99999999999999999999", b"-1", b"0", b"4294967296", b"1e9", b"x"]
                )
        elif seeds:  # splice another seed in
            other = rng.choice(seeds)
            cut = rng.randrange(len(other) + 1)
            out[at:] = other[cut:]
    return bytes(out)


def garbage(rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    size = rng.choice((1, 2, 7, 64, 512, 4096, 65536))
    if kind == 0:
        return rng.randbytes(size)
    if kind == 1:  # printable noise
        return bytes(rng.choice(b'abcdefgh /:\r\n{}[]"0123456789') for _ in range(size))
    if kind == 2:  # another protocol's opening
        return rng.choice(
            [
                b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + rng.randbytes(32),  # TLS
                b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                b"\x80\x01\x00\x01\x00\x00\x00\x07execute\x00\x00\x00\x00",  # thrift
                b"get foo\r\nset bar 0 0 5\r\nhello\r\n",  # memcached
                b"\x80\x00\x00\x03foo\x00",  # memcached binary
                b"SSH-2.0-OpenSSH_9.0\r\n",
            ]
        )
    return b"\r\n" * size


# Nonsense for HTTP

DSL_WORDS = [
    "query", "match", "term", "terms", "bool", "must", "should", "filter", "must_not", "range",
    "gte", "lt", "aggs", "terms", "field", "size", "from", "sort", "order", "_source", "script",
    "source", "params", "highlight", "fields", "match_all", "query_string", "wildcard", "nested",
    "path", "exists", "ids", "values", "fuzziness", "boost", "minimum_should_match", "analyzer",
    "properties", "type", "keyword", "text", "long", "date", "format", "doc", "upsert",
    # the search features of issue 15
    "join", "relations", "has_child", "has_parent", "parent_id", "parent_type", "inner_hits",
    "score_mode", "children", "parent", "reverse_nested", "composite", "sources", "after",
    "fielddata", "suggest", "completion", "search_as_you_type", "phrase", "percolate",
    "percolator", "document", "documents", "dense_vector", "dims", "similarity", "knn",
    "query_vector", "k", "num_candidates", "script_score", "retriever", "rrf", "standard",
    "geo_point", "geo_distance", "geo_bounding_box", "distance", "_geo_distance", "top_left",
    "bottom_right", "geohash_grid", "geo_bounds", "geo_centroid", "lat", "lon",
]  # fmt: skip
ODD_VALUES: list[Any] = [
    None, True, -1, 0, 2**63, -(2**64), 1.5e308, "", "x" * 300, "\u0000", "\ud7ff\ue000",
    "now-1d/d", "*", "[", "{", [], {}, [[[]]], "2024-13-45", "NaN", 10**30,
]  # fmt: skip
BODY_PATHS = [
    ("POST", "/fz-{i}/_search"), ("POST", "/fz-{i}/_count"), ("PUT", "/fz-{i}/_doc/{d}"),
    ("POST", "/fz-{i}/_doc"), ("POST", "/fz-{i}/_update/{d}"), ("PUT", "/fz-{i}"),
    ("PUT", "/fz-{i}/_mapping"), ("POST", "/_analyze"), ("POST", "/fz-{i}/_explain/{d}"),
    ("POST", "/_search/scroll"), ("POST", "/fz-{i}/_termvectors/{d}"), ("GET", "/fz-{i}/_search"),
    ("POST", "/_mget"), ("POST", "/fz-{i}/_mget"), ("POST", "/fz-{i}/_validate/query"),
    ("PUT", "/_index_template/fz-{i}"), ("PUT", "/_component_template/fz-{i}"),
    ("PUT", "/_template/fz-{i}"), ("POST", "/_index_template/_simulate_index/fz-{i}"),
    ("PUT", "/_cluster/settings"), ("PUT", "/_ingest/pipeline/fz-{i}"),
    ("POST", "/_ingest/pipeline/_simulate"), ("POST", "/_ingest/pipeline/fz-{i}/_simulate"),
    ("PUT", "/_data_stream/fz-{i}"), ("POST", "/fz-{i}/_doc?op_type=create"),
]  # fmt: skip
#: Valid requests of the search features (join, nested, composite, vectors, geo, suggesters,
#: percolate, retrievers), which the ``feature`` kind damages at one place.
FEATURES: list[tuple[str, str, Any]] = [
    ("PUT", "/fz-{i}", {"mappings": {"properties": {
        "j": {"type": "join", "relations": {"question": "answer"}}, "n": {"type": "nested"},
        "v": {"type": "dense_vector", "dims": 3}, "g": {"type": "geo_point"},
        "c": {"type": "completion"}, "q": {"type": "percolator"},
        "s": {"type": "search_as_you_type"}, "k": {"type": "keyword"},
        "t": {"type": "text", "fielddata": True},
    }}}),
    ("PUT", "/fz-{i}/_doc/{d}?routing=1", {
        "j": {"name": "answer", "parent": "1"}, "n": [{"a": 1}, {"a": 2}], "v": [1, 2, 3],
        "g": "1,2", "c": {"input": ["abc"], "weight": 2}, "q": {"match_all": {}},
        "s": "quick brown", "k": "a", "t": "some text",
    }),
    ("POST", "/fz-{i}/_search", {"query": {"has_child": {
        "type": "answer", "query": {"match_all": {}}, "score_mode": "max", "min_children": 1,
        "inner_hits": {"size": 2, "sort": [{"k": "asc"}]},
    }}}),
    ("POST", "/fz-{i}/_search", {"query": {"has_parent": {
        "parent_type": "question", "query": {"match_all": {}}, "score": True, "inner_hits": {},
    }}}),
    ("POST", "/fz-{i}/_search", {"query": {"parent_id": {"type": "answer", "id": "1"}}}),
    ("POST", "/fz-{i}/_search", {"query": {"nested": {
        "path": "n", "query": {"bool": {"must": [{"term": {"n.a": 1}}]}}, "score_mode": "sum",
        "inner_hits": {"from": 1, "size": 1},
    }}}),
    ("POST", "/fz-{i}/_search", {"size": 0, "aggs": {
        "n": {"nested": {"path": "n"}, "aggs": {"r": {"reverse_nested": {}}}},
        "ch": {"children": {"type": "answer"}}, "t": {"terms": {"field": "t"}},
    }}),
    ("POST", "/fz-{i}/_search", {"size": 0, "aggs": {"c": {"composite": {
        "sources": [{"t": {"terms": {"field": "k"}}}, {"h": {"histogram": {"field": "n.a",
        "interval": 1}}}], "after": {"t": "a", "h": 1}, "size": 2,
    }}}}),
    ("POST", "/fz-{i}/_search", {
        "knn": {"field": "v", "query_vector": [1, 2, 3], "k": 2, "num_candidates": 5},
    }),
    ("POST", "/fz-{i}/_search", {"retriever": {"rrf": {"retrievers": [
        {"standard": {"query": {"match_all": {}}}},
        {"knn": {"field": "v", "query_vector": [1, 2, 3], "k": 1, "num_candidates": 2}},
    ]}}}),
    ("POST", "/fz-{i}/_search", {"query": {"script_score": {
        "query": {"match_all": {}},
        "script": {"source": "cosineSimilarity(params.q, 'v') + 1.0", "params": {"q": [1, 2, 3]}},
    }}}),
    ("POST", "/fz-{i}/_search", {
        "query": {"geo_distance": {"distance": "10km", "g": {"lat": 1, "lon": 2}}},
        "sort": [{"_geo_distance": {"g": [2, 1], "order": "asc", "unit": "km"}}],
        "aggs": {"d": {"geo_distance": {"field": "g", "origin": "1,2", "ranges": [{"to": 9}]}}},
    }),
    ("POST", "/fz-{i}/_search", {
        "query": {"geo_bounding_box": {"g": {"top_left": [0, 10], "bottom_right": [10, 0]}}},
    }),
    ("POST", "/fz-{i}/_search", {"suggest": {
        "s": {"prefix": "ab", "completion": {"field": "c", "fuzzy": {"fuzziness": 1}}},
    }}),
    ("POST", "/fz-{i}/_search", {"query": {"percolate": {"field": "q", "document": {"k": "a"}}}}),
    ("POST", "/fz-{i}/_search", {"query": {"multi_match": {
        "query": "quick b", "type": "bool_prefix", "fields": ["s", "s._2gram", "s._3gram"],
    }}}),
]  # fmt: skip
NDJSON_PATHS = ["/_bulk", "/fz-{i}/_bulk", "/_msearch", "/fz-{i}/_msearch"]
PLAIN_PATHS = [
    "/", "/fz-{i}", "/fz-{i}/_doc/{d}", "/_cat/indices", "/_cluster/health", "/fz-{i}/_refresh",
    "/_nodes", "/fz-{i}/_mapping", "/fz-{i}/_stats", "/_cat/count/fz-{i}", "/fz-{i}/_source/{d}",
    "/_search", "/fz-{i}/_search", "/_count", "/_tasks", "/_cat/health", "/_cluster/state",
    "/_cluster/state/metadata/fz-{i}", "/_cluster/settings", "/_cluster/pending_tasks",
    "/_snapshot", "/_snapshot/fz-{i}", "/_template", "/_index_template", "/_component_template",
    "/_ingest/pipeline", "/_cat/shards", "/_cat/nodes", "/_cat/templates", "/_cat/segments",
    "/_data_stream", "/_data_stream/fz-{i}", "/_data_stream/_stats",
]  # fmt: skip
PARAMS = [
    "size=-1", "from=abc", "refresh=maybe", "timeout=zz", "pretty", "filter_path=..",
    "q=(((", "sort=:::", "version=abc", "if_seq_no=-5", "routing=", "scroll=1y", "size=1e9",
    "_source_includes=%00", "op_type=merge", "format=yaml", "human=2", "wait_for_active_shards=x",
    "q=title:\\", "%zz=1", "a=%", "==", "&&&", "track_total_hits=-7", "search_type=nope",
    "h=nope,*", "s=docs.count:sideways", "bytes=zb", "v=maybe", "flat_settings=x", "order=x",
]  # fmt: skip


class HttpCases:
    """Malformed HTTP requests, by kind; each kind is a method returning a :class:`Case`."""

    KINDS = (
        "request_line", "headers", "content_length", "truncated", "chunked", "huge_headers",
        "garbage", "method", "path", "json", "ndjson", "encoding", "mutation", "feature",
    )  # fmt: skip
    WEIGHTS = (8, 8, 6, 6, 5, 2, 6, 6, 12, 16, 12, 5, 8, 10)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seeds = [self._valid() for _ in range(64)]

    def cases(self, count: int) -> list[Case]:
        made: list[Case] = []
        kinds: list[str] = self.rng.choices(self.KINDS, self.WEIGHTS, k=count * 2)
        for kind in kinds:
            case: Case = getattr(self, kind)()
            if harmless(case.data):
                made.append(case)
            if len(made) == count:
                break
        return made

    # Pieces

    def _fill(self, template: str) -> str:
        rng = self.rng
        return template.format(i=rng.randrange(8), d=rng.choice(["1", "2", "%2F", "x" * 600]))

    def _json_value(self, depth: int = 0) -> Any:
        rng = self.rng
        roll = rng.random()
        if depth > 4 or roll < 0.3:
            return rng.choice(ODD_VALUES)
        if roll < 0.8:
            return {
                rng.choice(DSL_WORDS): self._json_value(depth + 1) for _ in range(rng.randint(0, 4))
            }
        return [self._json_value(depth + 1) for _ in range(rng.randint(0, 3))]

    def _bad_json(self) -> bytes:
        rng = self.rng
        text = json.dumps(self._json_value()).encode()
        choice = rng.randrange(8)
        if choice == 0:
            return text[: rng.randrange(len(text) + 1)]  # truncated
        if choice == 1:
            return b"[" * rng.choice((100, 1000, 100000))  # deep nesting
        if choice == 2:
            return rng.choice([b"NaN", b"Infinity", b"1e999", b"-", b"{'a': 1}", b"{a: 1}"])
        if choice == 3:
            return b'{"query": {"match": {"t": "\xff\xfe"}}}'  # not UTF-8
        if choice == 4:
            return b"\xef\xbb\xbf" + text  # a BOM
        if choice == 5:
            return b'{"size": 1, "size": "x", "query": ' + text + b"}"
        if choice == 6:
            return b'{"a": "' + b"\\u" + rng.randbytes(2).hex().encode() + b'\\ud800"}'
        return text  # valid JSON, nonsense for the API

    def _valid(self) -> bytes:
        method, path = self.rng.choice(BODY_PATHS)
        body = json.dumps({"query": {"match_all": {}}, "size": 1}).encode()
        return http_request(method, self._fill(path), body)

    # Kinds

    def request_line(self) -> Case:
        rng = self.rng
        method = rng.choice([b"GET", b"get", b"G\x7fT", b"", b"GET GET", b"\x00GET", b"POST"])
        target = rng.choice(
            [b"/", b"", b"*", b"http://x/", b"/\x00\x01", b"/\xff\xfe", b"//..//", b"/%", b"?"]
        )
        if rng.random() < 0.1:
            target = b"/a" * rng.choice((100, 5000, 40000))
        version = rng.choice([b"HTTP/1.1", b"HTTP/9.9", b"HTTP/1", b"", b"HTTP/1.1 x", b"http"])
        end = rng.choice([b"\r\n\r\n", b"\n\n", b"\r\r", b"", b"\r\n"])
        space = rng.choice([b" ", b"  ", b"\t"])
        prefix = rng.choice([b"", b"\r\n", b"\r\n\r\n\r\n"])
        return Case("request_line", prefix + method + space + target + space + version + end)

    def headers(self) -> Case:
        rng = self.rng
        bad = rng.choice(
            [
                b"NoColon", b" Leading: space", b"Bad Name: x", b"X-A : b", b"X-A: b\r\n c",
                b"X-\x00: a", b"Content-Type: \xff", b"Content-Length: 5\r\nContent-Length: 6",
                b"Content-Length: -1", b"Content-Length: abc", b"Content-Length: 9" * 20,
                b"Transfer-Encoding: chunked\r\nContent-Length: 3",
                b"Transfer-Encoding: gzip, chunked",
                b"Host:", b"Host: a\r\nHost: b", b"Expect: 100-continue", b"Expect: nonsense",
                b"Connection: upgrade\r\nUpgrade: websocket", b"Content-Encoding: br",
                b":", b"\x80\x81: \x82", b"Accept-Encoding: " + b"gzip," * 1000,
            ]
        )  # fmt: skip
        body = self._bad_json()
        head = b"POST /fz-1/_search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        length = b"Content-Length: %d\r\n" % len(body) if rng.random() < 0.5 else b""
        return Case("headers", head + bad + b"\r\n" + length + b"\r\n" + body)

    def content_length(self) -> Case:
        rng = self.rng
        body = json.dumps(self._json_value()).encode()
        size = len(body)
        declared = rng.choice(
            [
                str(max(size - rng.randint(1, 10), 0)), str(size + rng.randint(1, 100)),
                f"+{size}", f" {size} ", f"{size},{size}", "0x10", f"{size}.0", f"{size:030d}",
                str(2**64),
            ]
        )  # fmt: skip
        head = b"PUT /fz-2/_doc/1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        return Case(
            "content_length", head + b"Content-Length: " + declared.encode() + b"\r\n\r\n" + body
        )

    def truncated(self) -> Case:
        data = self._valid()
        return Case("truncated", data[: self.rng.randrange(len(data))])

    def chunked(self) -> Case:
        rng = self.rng
        body = json.dumps(self._json_value()).encode()
        chunk = rng.choice(
            [
                b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body), b"zz\r\n" + body + b"\r\n0\r\n\r\n",
                b"-1\r\n" + body, b"ffffffffffffffff\r\n" + body,
                b"%x\r\n%s\r\n" % (len(body), body),
                b"%x;ext=\x01\r\n%s\r\n0\r\nX-Trailer: \xff\r\n\r\n" % (len(body), body),
                b"%x\r\n%s0\r\n\r\n" % (len(body) + 5, body), b"0\r\n\r\n" + body,
            ]
        )  # fmt: skip
        head = b"POST /fz-3/_search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        return Case("chunked", head + b"Transfer-Encoding: chunked\r\n\r\n" + chunk)

    def huge_headers(self) -> Case:
        rng = self.rng
        if rng.random() < 0.5:
            headers = [b"X-Big: " + b"a" * rng.choice((8192, 65536, 300000))]
        else:
            headers = [b"X-H%d: %d" % (n, n) for n in range(rng.choice((100, 1000, 5000)))]
        return Case("huge_headers", http_request("GET", "/", headers=headers))

    def garbage(self) -> Case:
        return Case("garbage", garbage(self.rng))

    def method(self) -> Case:
        rng = self.rng
        method = rng.choice(["PATCH", "OPTIONS", "TRACE", "PROPFIND", "FOO", "M" * 300, "CONNECT"])
        data = http_request(method, self._fill(rng.choice(PLAIN_PATHS)), self._bad_json())
        return Case("method", data, pipelined=method in KNOWN_METHODS, method=method)

    def path(self) -> Case:
        rng = self.rng
        segments = [
            rng.choice(["fz-1", "_doc", "_search", "..", "", "%2e%2e", "%00", "%C3%A9", "_x", "~"])
            for _ in range(rng.randint(0, 6))
        ]
        base = rng.choice([self._fill(rng.choice(PLAIN_PATHS)), "/" + "/".join(segments)])
        params = "&".join(rng.sample(PARAMS, rng.randint(0, 4)))
        target = base + ("?" + params if params else "")
        method = rng.choice(["GET", "HEAD", "POST", "GET"])
        return Case("path", http_request(method, target), pipelined=True, method=method)

    def json(self) -> Case:
        method, path = self.rng.choice(BODY_PATHS)
        data = http_request(method, self._fill(path), self._bad_json())
        return Case("json", data, pipelined=True, method=method)

    def feature(self) -> Case:
        """A valid request of a search feature, valid or damaged at one place: a value odd,
        a key gone, or a key renamed."""
        rng = self.rng
        method, path, body = rng.choice(FEATURES)
        body = json.loads(json.dumps(body))
        if rng.random() < 0.8:
            self._damage(body)
        data = http_request(method, self._fill(path), json.dumps(body).encode())
        return Case("feature", data, pipelined=True, method=method)

    def _damage(self, node: Any) -> None:
        rng = self.rng
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                return
            key = rng.choice(keys)
            child = node[key]
            if isinstance(child, dict | list) and child and rng.random() < 0.7:
                node = child
                continue
            roll = rng.random()
            if isinstance(node, dict) and roll < 0.25:
                del node[key]
            elif isinstance(node, dict) and roll < 0.4:
                node[rng.choice(DSL_WORDS)] = node.pop(key)
            else:
                node[key] = rng.choice(ODD_VALUES)
            return

    def ndjson(self) -> Case:
        rng = self.rng
        lines: list[bytes] = []
        for _ in range(rng.randint(1, 12)):
            roll = rng.randrange(8)
            if roll == 0:
                lines.append(json.dumps({"index": {"_index": "fz-5", "_id": "a"}}).encode())
            elif roll == 1:
                lines.append(json.dumps({rng.choice(["nope", "create", "update"]): {}}).encode())
            elif roll == 2:
                lines.append(b"")
            elif roll == 3:
                lines.append(self._bad_json())
            else:
                lines.append(json.dumps(self._json_value()).encode())
        body = b"\n".join(lines) + rng.choice([b"\n", b"", b"\r\n", b"\n\n"])
        data = http_request(
            "POST", self._fill(rng.choice(NDJSON_PATHS)), body, content_type="application/x-ndjson"
        )
        return Case("ndjson", data, pipelined=True, method="POST")

    def encoding(self) -> Case:
        rng = self.rng
        body = json.dumps({"query": {"match_all": {}}}).encode()
        encoding, payload = rng.choice(
            [
                ("gzip", rng.randbytes(64)), ("gzip", gzip.compress(body)[:-9]),
                ("deflate", zlib.compress(body)[:5]), ("gzip", gzip.compress(body) + b"junk"),
                ("br", body), ("gzip, gzip", gzip.compress(gzip.compress(body))), ("", body),
            ]
        )  # fmt: skip
        content_type = rng.choice(
            ["application/json", "text/plain", "application/cbor", "application/smile",
             "application/vnd.elasticsearch+json; compatible-with=7",
             "application/json; charset=koi8"]
        )  # fmt: skip
        headers = [b"Content-Encoding: " + encoding.encode()]
        data = http_request(
            "POST", "/fz-4/_search", payload, content_type=content_type, headers=headers
        )
        return Case("encoding", data, pipelined=True, method="POST")

    def mutation(self) -> Case:
        return Case("mutation", mutate(self.rng, self.rng.choice(self.seeds), self.seeds))


def gateway_cases(rng: random.Random, seeds: list[bytes], count: int) -> list[Case]:
    """Malformed traffic for a gateway: its real clients' traffic, damaged; and garbage."""
    makers: list[tuple[str, Callable[[], bytes]]] = [
        ("mutation", lambda: mutate(rng, rng.choice(seeds), seeds)),
        ("garbage", lambda: garbage(rng)),
        ("truncated", lambda: (s := rng.choice(seeds))[: rng.randrange(len(s) + 1)]),
        ("repeated", lambda: rng.choice(seeds) * rng.randint(2, 20)),
    ]
    made: list[Case] = []
    while len(made) < count:
        kind, make = rng.choices(makers, (70, 10, 10, 10))[0]
        data = make()
        if harmless(data):
            made.append(Case(kind, data))
    return made
