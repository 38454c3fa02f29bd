# Shared by scripts/peer_*.sh (sourced, not run): another Django library's own Elasticsearch
# tests, unmodified, from PyPI in a throwaway virtualenv, against `djangoes-embedded serve` on
# a free loopback port, counted by scripts/peer_runner.py. Run from the project's root after
# the README's set-up.
set -u
root=$PWD
scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server="$root/.venv/bin/djangoes-embedded"
[[ -x $server ]] || { echo "run from the project root after the README's set-up: no $server" >&2; exit 2; }

# peer_venv NAME PIP-REQUIREMENTS...: $PEER_VENV (default $TMPDIR/djangoes-peer-NAME-venv),
# built once.
peer_venv() {
  local name=$1; shift
  PEER_VENV=${PEER_VENV:-${TMPDIR:-/tmp}/djangoes-peer-$name-venv}
  if [[ ! -x $PEER_VENV/bin/django-admin ]]; then
    python3 -m venv "$PEER_VENV" || exit 2
    "$PEER_VENV/bin/pip" install -q "$@" 2>&1 | grep -v '^WARNING' || true
  fi
}

# peer_serve: a work directory ($work, removed on exit) and the engine, in memory, at $url.
peer_serve() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/peer.XXXXXX")
  pid=
  trap 'peer_stop; rm -rf "$work"' EXIT
  local port
  port=$("$PEER_VENV/bin/python" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  "$server" serve --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
  pid=$!; url=http://127.0.0.1:$port
  "$PEER_VENV/bin/python" - "$url" <<'PY' && return 0
import sys, time, urllib.request
for _ in range(200):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
  echo "the engine did not start: $(tail -3 "$work/server.log")" >&2; exit 2
}

peer_stop() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }

# peer_test DIR DJANGO-ADMIN-TEST-ARGS...: django-admin test from DIR, counted; output in
# $work/out.txt.
peer_test() {
  local dir=$1; shift
  (cd "$dir" && PYTHONPATH="$dir:$scripts" PEER_COUNTS="$work/counts" PYTHONDONTWRITEBYTECODE=1 \
     "$PEER_VENV/bin/django-admin" test --testrunner=peer_runner.CountingRunner "$@" \
     >"$work/out.txt" 2>&1)
}

# peer_report NAME STATUS: the failures (if any) and the last line 'NAME: N passed, ...'.
peer_report() {
  local name=$1 status=$2
  kill -0 "$pid" 2>/dev/null || echo "the engine died: $(tail -3 "$work/server.log")"
  if [[ $status -ne 0 ]]; then
    grep -E '^(ERROR|FAIL):' "$work/out.txt" | sed 's/^/  /'
    grep -E "^[A-Za-z_.]*(Error|Exception)[:(]" "$work/out.txt" | sort | uniq -c | sort -rn | head -20
  fi
  [[ -f $work/counts ]] || { tail -30 "$work/out.txt"; echo "$name: the run did not finish"; exit 1; }
  echo "$name: $(cat "$work/counts")"
}
