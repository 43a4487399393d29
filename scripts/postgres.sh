# Sourced by scripts/test.sh: installs PostgreSQL (Debian package) when it is
# missing, starts a throwaway cluster on a free local port with its own
# socket directory, exports LK3_TEST_PG_URL, and stops and removes the
# cluster when the calling shell exits.
pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pg_bin_dir)" ] || [ ! -x "$(pg_bin_dir)/initdb" ]; then
  echo "installing PostgreSQL (apt)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
PGBIN="$(pg_bin_dir)"
PGTMP="$(mktemp -d -t lk3-pg.XXXXXX)"
# initdb refuses to run as root: the cluster belongs to the postgres user
# when we are root, to us otherwise.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$PGTMP"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi
PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durability is switched off on this throwaway cluster (it holds test data
# and is deleted at exit) unless LK3_PG_DURABLE=1, as for benchmarks.
PGOPTS="-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c max_connections=300"
[ "${LK3_PG_DURABLE:-0}" = 1 ] || PGOPTS="$PGOPTS -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 -o "$PGOPTS" start >/dev/null
stop_postgres() {
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres lk3_test
export LK3_TEST_PG_URL="postgres://postgres@127.0.0.1:$PGPORT/lk3_test"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PGPORT"
