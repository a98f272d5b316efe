#!/usr/bin/env bash
# pytest, with its exit status 5 ("no tests were collected") turned into a named failure:
# a run that tested nothing must never pass as green, nor fail without saying why.
#   .ci/pytest.sh LABEL PYTHON [pytest arguments...]
set -uo pipefail
label=$1 python=$2
shift 2
echo "== pytest on ${label} =="
"$python" -m pytest "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
    echo "pytest on ${label}: no tests were collected (pytest $*) — treated as a failure" >&2
    exit 1
fi
exit "$rc"
