#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster owned by this run:
#   .ci/postgres.sh COMMAND [ARGS...]
# initdb into a temporary folder (as the `postgres` user when we are root: the server refuses to
# run as root), start it on a free loopback port with its socket in that folder, create a role and
# a database, run COMMAND with DATABASE_URL pointing at it, then stop the cluster and delete the
# folder whatever happens (trap). The exit status is COMMAND's.
# Without PostgreSQL's server binaries (and no root to install them) the command is skipped with a
# message and the status is 0; as root a missing server is an error (.ci/system-deps.sh installs it).
set -euo pipefail

bindir=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "postgres.sh: PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)" >&2
        exit 1
    fi
    echo "postgres.sh: PostgreSQL is not installed (and not root to install it): SKIPPING the PostgreSQL run: $*" >&2
    exit 0
fi

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    as_owner=(runuser -u postgres --)
fi

dir=$(mktemp -d /tmp/duban-pg.XXXXXX)
chmod 700 "$dir"
[ ${#as_owner[@]} -eq 0 ] || chown postgres: "$dir"

stop() {
    if [ -f "$dir/data/postmaster.pid" ]; then
        "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" stop -m fast -w >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
# A throwaway cluster: durability is not wanted, speed is.
if ! "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null; then
    cat "$dir/server.log" >&2
    exit 1
fi
"${as_owner[@]}" "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE duban LOGIN CREATEDB PASSWORD '$password'" \
    -c "CREATE DATABASE duban OWNER duban"

export DATABASE_URL="postgres://duban:$password@127.0.0.1:$port/duban"
echo "postgres.sh: PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') on 127.0.0.1:$port (cluster in $dir)"
set +e
"$@"
rc=$?
set -e
exit "$rc"
