#!/usr/bin/env bash
# django-opensearch-dsl's own tests, unmodified, run as its tox.ini does (`manage.py test` with
# tests.project.settings) against the embedded engine served over HTTP. Its settings reach
# OpenSearch at http://localhost:$DJANGO_OS_PORT (basic auth the engine ignores), and its tests
# load a fixture its sdist on PyPI lacks, so this takes a checkout of its repository
# (https://github.com/Codoc-os/django-opensearch-dsl):
#     scripts/peer_opensearch_dsl.sh CHECKOUT [TEST LABELS...]
# Run from the project's root, after the README's set-up. The throwaway virtualenv
# ($PEER_VENV) holds Django 5.2, opensearch-py>=2.2 (its setup's requirement; the DSL is part
# of opensearch-py since 2.2, so no opensearch-dsl), python-dateutil and celery (its
# signal tests). The last line reads 'django-opensearch-dsl: N passed, M failed, K errors'.
source "$(dirname "$0")/peer_common.sh"
src=${1:?usage: scripts/peer_opensearch_dsl.sh CHECKOUT [TEST LABELS...]}; shift
src=$(cd "$src" && pwd)
[[ -f $src/tests/project/settings.py && -d $src/django_opensearch_dsl ]] \
  || { echo "$src is not a checkout of django-opensearch-dsl" >&2; exit 2; }
peer_venv opensearch-dsl "Django>=5.2,<5.3" "opensearch-py>=2.2.0" "python-dateutil>=2.8" \
  "celery>=4.1,<6"
labels=("$@")
[[ ${#labels[@]} -gt 0 ]] || labels=(tests)
peer_serve
# Its settings keep the SQLite database beside the sources and its fixture path is relative to
# the checkout's root: run from a copy.
cp -r "$src/." "$work/src"
DJANGO_OS_PORT=${url##*:} peer_test "$work/src" --settings=tests.project.settings "${labels[@]}"
peer_report django-opensearch-dsl $?
