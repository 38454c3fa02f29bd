#!/usr/bin/env bash
# Wagtail's own Elasticsearch 8 backend tests, unmodified, against the embedded engine served
# over HTTP: a real Django library's view of the engine. Run from the project's root, after the
# README's set-up:
#     scripts/peer_wagtail.sh [TEST LABELS...]
# The throwaway virtualenv ($PEER_VENV) holds wagtail 7.1.3 (the last release whose wheel ships
# wagtail/search/tests; wagtail 8 moved the backends to the modelsearch package), Django 5.2 and
# elasticsearch>=8,<9 as wagtail's tox.ini pins it. The tests are those wagtail's CI runs
# against Elasticsearch 8 (ELASTICSEARCH_URL and ELASTICSEARCH_VERSION=8, as its runtests.py
# --elasticsearch8 sets them). The last line reads 'wagtail-es: N passed, M failed, K errors'.
source "$(dirname "$0")/peer_common.sh"
# Jinja2, dateutil, freezegun, pattern-library, responses, factory-boy and tblib are what
# wagtail's test settings and test modules import (its [testing] extra, less the linters).
peer_venv wagtail "wagtail==7.1.3" "Django>=5.2,<5.3" "elasticsearch>=8,<9" certifi \
  python-dateutil Jinja2 freezegun django-pattern-library responses factory-boy "tblib<3"
labels=("$@")
[[ ${#labels[@]} -gt 0 ]] || labels=(
  wagtail.search.tests.test_elasticsearch8_backend
  wagtail.search.tests.test_page_search
  wagtail.documents.tests.test_search
  wagtail.images.tests.test_models.TestIssue613
)
peer_serve
ELASTICSEARCH_URL=$url ELASTICSEARCH_VERSION=8 peer_test "$work" \
  --settings=wagtail.test.settings "${labels[@]}"
status=$?
# wagtail's runtests.py removes what the tests wrote beside the package; so does this.
site=$("$PEER_VENV/bin/python" -c 'import os, wagtail; print(os.path.dirname(wagtail.__file__))')
rm -rf "$site/tests/test-static" "$site/tests/test-media"
peer_report wagtail-es $status
