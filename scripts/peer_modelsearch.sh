#!/usr/bin/env bash
# django-modelsearch's own tests (the search backends wagtail 8 moved out of wagtail), unmodified,
# with its Elasticsearch 9 backend against the embedded engine served over HTTP. Its releases on
# PyPI ship the tests but not the fixture they load, so this takes a checkout of its repository
# (https://github.com/wagtail/django-modelsearch):
#     scripts/peer_modelsearch.sh CHECKOUT [TEST LABELS...]
# Run from the project's root, after the README's set-up. The throwaway virtualenv
# ($PEER_VENV) holds Django 5.2, elasticsearch>=9,<10 and the test extra's packages that need
# no database server (no psycopg, no mysqlclient: the tests use SQLite, as its CI's default).
# The last line reads 'modelsearch-es: N passed, M failed, K errors'.
source "$(dirname "$0")/peer_common.sh"
src=${1:?usage: scripts/peer_modelsearch.sh CHECKOUT [TEST LABELS...]}; shift
src=$(cd "$src" && pwd)
[[ -f $src/modelsearch/test/testapp/fixtures/search.json ]] \
  || { echo "$src is not a checkout of django-modelsearch (no test fixture)" >&2; exit 2; }
peer_venv modelsearch "Django>=5.2,<5.3" "elasticsearch>=9,<10" "django-tasks>=0.7,<0.13" \
  "dj-database-url>=2.3,<3" "django-modelcluster>=6.4,<7" "django-taggit>=6.1,<7" \
  "django-treebeard>=5,<6"
labels=("$@")
[[ ${#labels[@]} -gt 0 ]] || labels=(modelsearch)
peer_serve
# Its settings keep the SQLite database beside the sources: run in a copy.
cp -r "$src/modelsearch" "$work/"
SEARCH_BACKEND=elasticsearch9 ELASTICSEARCH_URL=$url peer_test "$work" \
  --settings=modelsearch.test.settings "${labels[@]}"
peer_report modelsearch-es $?
