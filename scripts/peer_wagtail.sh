#!/usr/bin/env bash
# Wagtail's own Elasticsearch 8 backend tests, unmodified, against the embedded engine served
# over HTTP: a real Django library's view of the engine. Run from the project's root, after the
# README's set-up (it uses .venv/bin/djangoes-embedded):
#     scripts/peer_wagtail.sh [TEST LABELS...]
# It builds a throwaway virtualenv once from PyPI ($PEER_VENV, outside the repository):
# wagtail 7.1.3 (the last release whose wheel ships wagtail/search/tests; wagtail 8 moved the
# backends to the modelsearch package), Django 5.2 and elasticsearch>=8,<9 as wagtail's tox.ini
# pins it. It starts `djangoes-embedded serve` (memory) on a free loopback port, runs the tests
# wagtail's CI runs against Elasticsearch 8 (ELASTICSEARCH_URL and ELASTICSEARCH_VERSION=8, as
# its runtests.py --elasticsearch8 sets them) and prints a last line
# 'wagtail-es: N passed, M failed, K errors' (a test with a failed subtest counts as failed;
# skipped tests are left out of the three). Django's output is kept in $work/out.txt, printed
# on failure.
set -u
root=$PWD
server="$root/.venv/bin/djangoes-embedded"
[[ -x $server ]] || { echo "run from the project root after the README's set-up: no $server" >&2; exit 2; }
PEER_VENV=${PEER_VENV:-${TMPDIR:-/tmp}/djangoes-peer-wagtail-venv}
if [[ ! -x $PEER_VENV/bin/django-admin ]]; then
  python3 -m venv "$PEER_VENV" || exit 2
  # Jinja2, dateutil, freezegun, pattern-library, responses, factory-boy and tblib are what
  # wagtail's test settings and test modules import (its [testing] extra, less the linters).
  "$PEER_VENV/bin/pip" install -q "wagtail==7.1.3" "Django>=5.2,<5.3" "elasticsearch>=8,<9" \
    certifi python-dateutil Jinja2 freezegun django-pattern-library responses factory-boy \
    "tblib<3" 2>&1 | grep -v '^WARNING' || true
fi
labels=("$@")
[[ ${#labels[@]} -gt 0 ]] || labels=(
  wagtail.search.tests.test_elasticsearch8_backend
  wagtail.search.tests.test_page_search
  wagtail.documents.tests.test_search
  wagtail.images.tests.test_models.TestIssue613
)
work=$(mktemp -d "${TMPDIR:-/tmp}/peer-wagtail.XXXXXX")
pid=
stop() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=; }
trap 'stop; rm -rf "$work"' EXIT
port=$("$PEER_VENV/bin/python" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$server" serve --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
pid=$!; url=http://127.0.0.1:$port
up=
for _ in $(seq 200); do curl -sf "$url" >/dev/null && { up=1; break; }; sleep 0.05; done
[[ -n $up ]] || { echo "the engine did not start: $(tail -3 "$work/server.log")" >&2; exit 2; }
# A test runner of our own (not wagtail's code): Django's, with a result that keeps one verdict
# per test so that the counts are of tests, not of subtests.
cat >"$work/peer_runner.py" <<'PY'
import os
import unittest

from django.test.runner import DiscoverRunner

RANK = {"skip": 0, "pass": 1, "fail": 2, "error": 3}
verdicts: dict[str, str] = {}


def mark(test, verdict):
    name = test.id()
    if RANK[verdict] > RANK[verdicts.get(name, "skip")] or name not in verdicts:
        verdicts[name] = verdict


class Result(unittest.TextTestResult):
    def addSuccess(self, test):
        super().addSuccess(test)
        mark(test, "pass")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        mark(test, "pass")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        mark(test, "skip")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        mark(test, "fail")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        mark(test, "fail")

    def addError(self, test, err):
        super().addError(test, err)
        mark(test, "error")

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            mark(test, "fail" if issubclass(err[0], test.failureException) else "error")


class CountingRunner(DiscoverRunner):
    def get_resultclass(self):
        return Result

    def suite_result(self, suite, result, **kwargs):
        counts = {v: sum(1 for x in verdicts.values() if x == v) for v in RANK}
        with open(os.environ["PEER_COUNTS"], "w") as out:
            out.write(f"{counts['pass']} passed, {counts['fail']} failed, {counts['error']} errors\n")
        return super().suite_result(suite, result, **kwargs)
PY
(cd "$work" && PYTHONPATH="$work" PEER_COUNTS="$work/counts" ELASTICSEARCH_URL=$url \
   ELASTICSEARCH_VERSION=8 PYTHONDONTWRITEBYTECODE=1 "$PEER_VENV/bin/django-admin" test \
   --settings=wagtail.test.settings --testrunner=peer_runner.CountingRunner "${labels[@]}" \
   >"$work/out.txt" 2>&1)
status=$?
# wagtail's runtests.py removes what the tests wrote beside the package; so does this.
site=$("$PEER_VENV/bin/python" -c 'import os, wagtail; print(os.path.dirname(wagtail.__file__))')
rm -rf "$site/tests/test-static" "$site/tests/test-media"
kill -0 "$pid" 2>/dev/null || echo "the engine died: $(tail -3 "$work/server.log")"
if [[ $status -ne 0 ]]; then
  grep -E '^(ERROR|FAIL):' "$work/out.txt" | sed 's/^/  /'
  grep -E "^[A-Za-z_.]*(Error|Exception)[:(]" "$work/out.txt" | sort | uniq -c | sort -rn | head -20
fi
[[ -f $work/counts ]] || { tail -30 "$work/out.txt"; echo "wagtail-es: the run did not finish"; exit 1; }
echo "wagtail-es: $(cat "$work/counts")"
