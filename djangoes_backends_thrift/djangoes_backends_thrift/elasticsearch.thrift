// The REST-over-Thrift service of Elasticsearch's former thrift transport plugin
// (elasticsearch-transport-thrift, Apache-2.0), kept wire-compatible: the same structs, field
// ids, enum values and service, so clients generated from the plugin's file talk to the
// djangoes gateway. Only the Python namespace is djangoes' own.
//
// Regenerate the Python code (djangoes_backends_thrift/generated/) with ../regenerate.sh.

namespace py generated

enum Method {
    GET = 0,
    PUT = 1,
    POST = 2,
    DELETE = 3,
    HEAD = 4,
    OPTIONS = 5
}

struct RestRequest {
    1: required Method method,
    // The path, percent-encoded as on the HTTP request line. A query string after '?' is
    // accepted too; it adds to `parameters`.
    2: required string uri,
    3: optional map<string, string> parameters,
    4: optional map<string, string> headers,
    5: optional binary body
}

// The HTTP status codes. A status carries the upstream's code even when it has no name here
// (429, for one): Thrift enums travel as plain i32.
enum Status {
    CONT = 100,
    SWITCHING_PROTOCOLS = 101,
    OK = 200,
    CREATED = 201,
    ACCEPTED = 202,
    NON_AUTHORITATIVE_INFORMATION = 203,
    NO_CONTENT = 204,
    RESET_CONTENT = 205,
    PARTIAL_CONTENT = 206,
    MULTI_STATUS = 207,
    MULTIPLE_CHOICES = 300,
    MOVED_PERMANENTLY = 301,
    FOUND = 302,
    SEE_OTHER = 303,
    NOT_MODIFIED = 304,
    USE_PROXY = 305,
    TEMPORARY_REDIRECT = 307,
    BAD_REQUEST = 400,
    UNAUTHORIZED = 401,
    PAYMENT_REQUIRED = 402,
    FORBIDDEN = 403,
    NOT_FOUND = 404,
    METHOD_NOT_ALLOWED = 405,
    NOT_ACCEPTABLE = 406,
    PROXY_AUTHENTICATION = 407,
    REQUEST_TIMEOUT = 408,
    CONFLICT = 409,
    GONE = 410,
    LENGTH_REQUIRED = 411,
    PRECONDITION_FAILED = 412,
    REQUEST_ENTITY_TOO_LARGE = 413,
    REQUEST_URI_TOO_LONG = 414,
    UNSUPPORTED_MEDIA_TYPE = 415,
    REQUESTED_RANGE_NOT_SATISFIED = 416,
    EXPECTATION_FAILED = 417,
    UNPROCESSABLE_ENTITY = 422,
    LOCKED = 423,
    FAILED_DEPENDENCY = 424,
    INTERNAL_SERVER_ERROR = 500,
    NOT_IMPLEMENTED = 501,
    BAD_GATEWAY = 502,
    SERVICE_UNAVAILABLE = 503,
    GATEWAY_TIMEOUT = 504,
    INSUFFICIENT_STORAGE = 506
}

struct RestResponse {
    1: required Status status,
    2: optional map<string, string> headers,
    3: optional binary body
}

service Rest {
    RestResponse execute(1: required RestRequest request)
}
