#!/usr/bin/env bash
# django-haystack's own Elasticsearch 7 backend tests, unmodified, against the embedded engine
# served over HTTP. Run from the project's root, after the README's set-up:
#     scripts/peer_haystack.sh [TEST LABELS...]
# The throwaway virtualenv ($PEER_VENV) holds django-haystack 3.4.0 with the test
# dependencies its tox.ini lists, Django 5.2 and elasticsearch>=7,<8 (haystack's newest
# backend is for Elasticsearch 7; elasticsearch-py 7.17 talks to Elasticsearch 9). The tests
# come from haystack's source distribution on PyPI (its wheel has none), unpacked into the
# virtualenv. The last line reads 'haystack-es: N passed, M failed, K errors'.
source "$(dirname "$0")/peer_common.sh"
version=3.4.0
peer_venv haystack "django-haystack==$version" "Django>=5.2,<5.3" "elasticsearch>=7,<8" \
  python-dateutil "geopy==2.0.0" whoosh pysolr requests
src=$PEER_VENV/src/django_haystack-$version
if [[ ! -d $src ]]; then
  mkdir -p "$PEER_VENV/src"
  "$PEER_VENV/bin/pip" download -q --no-deps --no-binary :all: -d "$PEER_VENV/src" \
    "django-haystack==$version" 2>&1 | grep -v '^WARNING'
  tar xzf "$PEER_VENV/src/django_haystack-$version.tar.gz" -C "$PEER_VENV/src" || exit 2
fi
labels=("$@")
# A directory label: the package's load_tests needs the discovery pattern a module label
# does not give it.
[[ ${#labels[@]} -gt 0 ]] || labels=(test_haystack/elasticsearch7_tests)
peer_serve
# haystack's settings keep its SQLite test database beside the sources: run in a copy.
cp -r "$src/test_haystack" "$work/"
TEST_ELASTICSEARCH_1_URL=$url/ peer_test "$work" --settings=test_haystack.settings -t . \
  "${labels[@]}"
peer_report haystack-es $?
