#!/usr/bin/env bash
# django-elasticsearch-dsl's own tests, unmodified, run by its runtests.py with --elasticsearch
# against the embedded engine served over HTTP. Its sdist on PyPI lacks the test package's
# models and documents, so this takes a checkout of its repository
# (https://github.com/django-es/django-elasticsearch-dsl):
#     scripts/peer_django_es_dsl.sh CHECKOUT [runtests.py ARGS...]
# Run from the project's root, after the README's set-up. The throwaway virtualenv
# ($PEER_VENV) holds Django 5.2, elasticsearch 9.0 (the DSL of later 9.x releases breaks its
# release 9.0 without any server: its own unit tests then fail) and its requirements_test.txt's
# runtime packages. The last line reads 'django-es-dsl: N passed, M failed, K errors'.
source "$(dirname "$0")/peer_common.sh"
src=${1:?usage: scripts/peer_django_es_dsl.sh CHECKOUT [runtests.py ARGS...]}; shift
src=$(cd "$src" && pwd)
[[ -f $src/runtests.py && -d $src/django_elasticsearch_dsl ]] \
  || { echo "$src is not a checkout of django-elasticsearch-dsl" >&2; exit 2; }
peer_venv django-es-dsl "Django>=5.2,<5.3" "elasticsearch>=9.0,<9.1" celery mock six Pillow
peer_serve
cp -r "$src/." "$work/src"
(cd "$work/src" && ELASTICSEARCH_URL=$url PYTHONDONTWRITEBYTECODE=1 \
   "$PEER_VENV/bin/python" runtests.py --elasticsearch "$@" >"$work/out.txt" 2>&1)
status=$?
# runtests.py uses Django's own runner: read unittest's summary.
"$PEER_VENV/bin/python" - "$work/out.txt" "$work/counts" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
ran = re.search(r"^Ran (\d+) tests?", text, re.M)
if ran:
    kinds = r"(failures|errors|skipped|expected failures|unexpected successes)=(\d+)"
    n = {k: int(v) for k, v in re.findall(kinds, text.rsplit("Ran ", 1)[1])}
    failed = n.get("failures", 0) + n.get("unexpected successes", 0)
    passed = int(ran[1]) - failed - n.get("errors", 0) - n.get("skipped", 0)
    errors = n.get("errors", 0)
    open(sys.argv[2], "w").write(f"{passed} passed, {failed} failed, {errors} errors\n")
PY
peer_report django-es-dsl $status
