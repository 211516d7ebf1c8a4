#!/usr/bin/env bash
# pg-test-server.sh — a throwaway PostgreSQL (15) server for Colt's tests.
# (Adapted from the team's shared reference script; .ci/run uses it.)
#
#   eval "$(bash scripts/pg-test-server.sh start)"   # start (or reuse) and export COLT_PG_URL
#   cargo test                                       # now also runs every test on PostgreSQL
#   bash scripts/pg-test-server.sh stop [PORT]       # fast shutdown + delete its data dir (COLT_PG_KEEP=1 keeps it)
#   bash scripts/pg-test-server.sh status [PORT]     # exit 0 if our server on PORT is running
#   bash scripts/pg-test-server.sh restart [PORT]    # fast restart of our server (tests of recovery)
#   bash scripts/pg-test-server.sh url [PORT]        # print the URL only
#
# Only the export line goes to stdout; everything else goes to stderr, so eval is safe.
# Works as root (the server runs as the `postgres` user, created if missing — PostgreSQL
# refuses to run as root) or as an ordinary user (the server runs as that user).
#
# Environment knobs (all optional):
#   COLT_PG_PORT    first port to try (default 54329); the next COLT_PG_PORT_TRIES-1 ports are
#                   tried if it is taken by something that is not a reusable trust-auth PostgreSQL
#   COLT_PG_PORT_TRIES  how many ports to try (default 20)
#   COLT_PG_DB      database to create (default colt_test)
#   COLT_PG_ROOT    where per-port server dirs live (default /tmp/colt-pg)
#   COLT_PG_BIN     directory with initdb/pg_ctl/postgres (default: newest /usr/lib/postgresql/*/bin,
#                   preferring 15, then pg_config --bindir, then PATH)
#   COLT_PG_LOCALE  initdb locale (default C.UTF-8 if the system has it, else C); encoding is UTF8
#   COLT_PG_MAXCONN max_connections (default 200)
#   COLT_PG_OPTS    extra server options appended to pg_ctl -o (e.g. "-c max_connections=200")
#   COLT_PG_TIMEOUT seconds to wait for readiness (default 60)
#   COLT_PG_KEEP=1  stop keeps the data dir
#   COLT_PG_INSTALL=1  as root, apt-get install postgresql-15 if no server binaries are found
set -euo pipefail

CMD="${1:-start}"
PORT0="${COLT_PG_PORT:-54329}"
TRIES="${COLT_PG_PORT_TRIES:-20}"
DB="${COLT_PG_DB:-colt_test}"
ROOT="${COLT_PG_ROOT:-/tmp/colt-pg}"
TIMEOUT="${COLT_PG_TIMEOUT:-60}"
HOST=127.0.0.1
PGUSER_NAME=postgres

# runuser/useradd live in /usr/sbin, which a minimal PATH (env -i, some CI shells) lacks
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac
export PATH

# settings in the caller's environment that would change how psql connects
unset PGSERVICE PGSERVICEFILE PGSSLMODE PGREQUIRESSL PGOPTIONS PGTARGETSESSIONATTRS 2>/dev/null || true

log() { printf 'pg-test-server: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------- locate binaries ----------
find_bindir() {
  if [[ -n "${COLT_PG_BIN:-}" ]]; then echo "$COLT_PG_BIN"; return; fi
  if [[ -x /usr/lib/postgresql/15/bin/pg_ctl ]]; then echo /usr/lib/postgresql/15/bin; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  if [[ -n "$d" && -x "$d/pg_ctl" ]]; then echo "$d"; return; fi
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n "$d" && -x "$d/pg_ctl" ]]; then echo "$d"; return; fi
  fi
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
  echo ""
}
BIN=$(find_bindir)
if [[ -z "$BIN" || ! -x "$BIN/pg_ctl" || ! -x "$BIN/initdb" ]]; then
  if [[ "${COLT_PG_INSTALL:-0}" == 1 && $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    log "no PostgreSQL server binaries; installing postgresql-15 with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 >&2
    BIN=$(find_bindir)
  fi
  [[ -n "$BIN" && -x "$BIN/pg_ctl" ]] || die "PostgreSQL server binaries not found (set COLT_PG_BIN, or COLT_PG_INSTALL=1)"
fi
# client tools: same dir on Debian (psql, pg_isready, createdb live there too)
PSQL="$BIN/psql";        [[ -x "$PSQL" ]] || PSQL=$(command -v psql || true)
ISREADY="$BIN/pg_isready"; [[ -x "$ISREADY" ]] || ISREADY=$(command -v pg_isready || true)
[[ -n "$PSQL" && -n "$ISREADY" ]] || die "psql / pg_isready not found"

# ---------- who runs the server ----------
if [[ $EUID -eq 0 ]]; then
  if ! id -u "$PGUSER_NAME" >/dev/null 2>&1; then
    log "creating system user $PGUSER_NAME"
    if command -v useradd >/dev/null; then
      useradd --system --no-create-home --home-dir /var/lib/postgresql --shell /bin/sh "$PGUSER_NAME" \
        || id -u "$PGUSER_NAME" >/dev/null 2>&1 || die "useradd failed"
    else
      adduser --system --group --no-create-home --home /var/lib/postgresql "$PGUSER_NAME" >&2 \
        || die "adduser failed"
    fi
  fi
  RUN_USER="$PGUSER_NAME"
  as_pg() {
    # runuser keeps the environment; cd to a dir the postgres user can read to avoid
    # "could not change directory to /root: Permission denied"
    if command -v runuser >/dev/null; then (cd / && runuser -u "$RUN_USER" -- "$@")
    else (cd / && su -s /bin/sh "$RUN_USER" -c "$(printf '%q ' "$@")"); fi
  }
else
  RUN_USER=$(id -un)
  as_pg() { "$@"; }
fi

# ---------- helpers ----------
url_for() { echo "postgres://${PGUSER_NAME}@${HOST}:$1/${DB}"; }
dir_for() { echo "$ROOT/$1"; }

port_open() { # something accepts TCP on 127.0.0.1:$1 ?
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null
}
trust_pg_on() { # a PostgreSQL on $1 lets us in as postgres without a password?
  PGCONNECT_TIMEOUT=2 PGPASSWORD= "$PSQL" -w -X -q -h "$HOST" -p "$1" -U "$PGUSER_NAME" -d postgres \
    -tAc 'select 1' >/dev/null 2>&1
}
ours_running() { # our data dir for port $1 has a live (non-zombie) postmaster
  local d pid st
  d="$(dir_for "$1")/data"
  [[ -f "$d/PG_VERSION" && -f "$d/postmaster.pid" ]] || return 1
  if [[ -d /proc/self ]]; then
    # not `pg_ctl status`: a postmaster killed with -9 can stay a zombie until PID 1 reaps
    # it, and pg_ctl (kill -0) then calls it running
    pid=$(head -n1 "$d/postmaster.pid" 2>/dev/null || true)
    [[ "$pid" =~ ^[0-9]+$ && -r /proc/$pid/status ]] || return 1
    st=$(awk '/^State:/{print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [[ -n "$st" && "$st" != Z && "$st" != X ]]
  else
    as_pg "$BIN/pg_ctl" -D "$d" status >/dev/null 2>&1
  fi
}
wait_ready() { # wait_ready PORT [SECONDS]
  local port=$1 deadline=$((SECONDS + ${2:-$TIMEOUT}))
  while ((SECONDS < deadline)); do
    if "$ISREADY" -q -h "$HOST" -p "$port" -d postgres -U "$PGUSER_NAME" -t 2; then return 0; fi
    sleep 0.1
  done
  return 1
}
ensure_db() {
  local port=$1 have
  have=$("$PSQL" -w -X -q -h "$HOST" -p "$port" -U "$PGUSER_NAME" -d postgres -tAc \
    "select 1 from pg_database where datname = '${DB}'") || die "cannot query server on port $port"
  if [[ "$have" != 1 ]]; then
    "$PSQL" -w -X -q -h "$HOST" -p "$port" -U "$PGUSER_NAME" -d postgres -v ON_ERROR_STOP=1 \
      -c "create database \"${DB}\"" >/dev/null 2>&1 \
      || [[ $("$PSQL" -w -X -q -h "$HOST" -p "$port" -U "$PGUSER_NAME" -d postgres -tAc \
              "select 1 from pg_database where datname = '${DB}'") == 1 ]] \
      || die "could not create database $DB on port $port"
  fi
}
pick_locale() {
  if [[ -n "${COLT_PG_LOCALE:-}" ]]; then echo "$COLT_PG_LOCALE"; return; fi
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then echo C.UTF-8; else echo C; fi
}
emit() {
  local port=$1 url ca; url=$(url_for "$port"); ca="$(dir_for "$port")/server.crt"
  mkdir -p "$ROOT" && echo "$port" >"$ROOT/last-port"
  printf 'export COLT_PG_URL=%s\n' "$url" >"$ROOT/env"
  printf 'export COLT_PG_URL=%s\n' "$url"
  # The certificate the server presents, for the TLS tests (when it has one).
  if [[ -f "$ca" ]]; then
    printf 'export COLT_PG_TLS_CA=%s\n' "$ca" >>"$ROOT/env"
    printf 'export COLT_PG_TLS_CA=%s\n' "$ca"
  fi
}

init_and_start() { # returns 0 started, 2 port taken (retry next), 1 other failure
  local port=$1 base data logf loc
  base=$(dir_for "$port"); data="$base/data"; logf="$base/postgres.log"
  mkdir -p "$ROOT"; chmod 755 "$ROOT" 2>/dev/null || true
  mkdir -p "$base"
  [[ $EUID -eq 0 ]] && chown "$RUN_USER": "$base"
  chmod 700 "$base"
  if [[ ! -f "$data/PG_VERSION" ]]; then
    rm -rf "$data"                      # half-made by an interrupted initdb
    loc=$(pick_locale)
    log "initdb $data (locale $loc, UTF8, trust auth)"
    if ! as_pg env LC_ALL=C "$BIN/initdb" -D "$data" -U "$PGUSER_NAME" -A trust -E UTF8 \
        --locale="$loc" --no-sync >"$base/initdb.log" 2>&1; then
      cat "$base/initdb.log" >&2; return 1
    fi
  elif [[ $EUID -eq 0 ]]; then
    chown -R "$RUN_USER": "$base"       # e.g. left by another uid
  fi
  # A self-signed certificate for 127.0.0.1 and localhost, so that the suite can test TLS
  # (`sslmode=verify-full&sslrootcert=$base/server.crt`); without openssl the server runs
  # without TLS and says so.
  local ssl_opts=""
  if [[ ! -f "$base/server.crt" ]] && command -v openssl >/dev/null; then
    openssl req -new -x509 -days 3650 -nodes -subj "/CN=localhost" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
      -keyout "$base/server.key" -out "$base/server.crt" >/dev/null 2>&1 \
      || rm -f "$base/server.key" "$base/server.crt"
  fi
  if [[ -f "$base/server.crt" && -f "$base/server.key" ]]; then
    chmod 600 "$base/server.key"; chmod 644 "$base/server.crt"
    [[ $EUID -eq 0 ]] && chown "$RUN_USER": "$base/server.key" "$base/server.crt"
    ssl_opts="-c ssl=on -c ssl_cert_file=$base/server.crt -c ssl_key_file=$base/server.key"
  else
    log "no openssl: the server runs without TLS (the TLS tests need it)"
  fi
  local sockdir="$base"
  # Unix socket paths are limited to 107 bytes; with a deep COLT_PG_ROOT fall back to TCP only
  if (( ${#base} + 20 > 107 )); then sockdir=""; fi
  log "starting on $HOST:$port"
  # shellcheck disable=SC2086
  if ! as_pg "$BIN/pg_ctl" -D "$data" -l "$logf" -w -t "$TIMEOUT" -s start -o \
      "-c listen_addresses=$HOST -c port=$port -c unix_socket_directories='$sockdir' \
       -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
       -c max_connections=${COLT_PG_MAXCONN:-200} $ssl_opts ${COLT_PG_OPTS:-}" >&2; then
    if grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' "$logf" 2>/dev/null; then
      log "port $port taken while starting"; return 2
    fi
    return 1
  fi
  wait_ready "$port" || return 1
  return 0
}

do_start() {
  local t0 port rc retry
  t0=$(date +%s.%N)
  for ((port = PORT0; port < PORT0 + TRIES; port++)); do
    if ours_running "$port"; then
      if wait_ready "$port" "$TIMEOUT"; then
        log "reusing our running server on port $port"
        ensure_db "$port"; emit "$port"; return 0
      fi
      ours_running "$port" && die "our server on $port is running but not ready (see $(dir_for "$port")/postgres.log)"
      log "our server on $port died while we waited; starting it again"
    fi
    if port_open "$port"; then
      if trust_pg_on "$port"; then
        log "reusing PostgreSQL already listening on port $port (trust auth as $PGUSER_NAME)"
        ensure_db "$port"; emit "$port"; return 0
      fi
      log "port $port busy (not a reusable PostgreSQL); trying next"
      continue
    fi
    rc=0; init_and_start "$port" || rc=$?
    # a killed postmaster can linger as a zombie (PID 1 reaps late) or leave children attached
    # to shared memory; the new postmaster then refuses to start until they are gone
    for ((retry = 0; rc == 1 && retry < 6; retry++)); do
      tail -n 3 "$(dir_for "$port")/postgres.log" 2>/dev/null \
        | grep -qiE 'pre-existing shared memory block|lock file .* already exists' || break
      log "leftovers of a crashed server on $port; retrying in 2s"
      sleep 2; rc=0; init_and_start "$port" || rc=$?
    done
    if [[ $rc -eq 0 ]]; then
      ensure_db "$port"
      log "ready on port $port in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')s"
      emit "$port"; return 0
    elif [[ $rc -eq 2 ]]; then
      continue
    else
      tail -n 30 "$(dir_for "$port")/postgres.log" >&2 2>/dev/null || true
      die "failed to start PostgreSQL on port $port (see $(dir_for "$port")/postgres.log)"
    fi
  done
  die "no usable port in $PORT0..$((PORT0 + TRIES - 1))"
}

resolve_port() { # explicit arg > COLT_PG_PORT > last started > default
  if [[ -n "${1:-}" ]]; then echo "$1"
  elif [[ -n "${COLT_PG_PORT:-}" ]]; then echo "$COLT_PG_PORT"
  elif [[ -f "$ROOT/last-port" ]]; then cat "$ROOT/last-port"
  else echo 54329; fi
}

do_stop() {
  local port base data
  port=$(resolve_port "${1:-}"); base=$(dir_for "$port"); data="$base/data"
  if ours_running "$port"; then
    log "stopping server on port $port"
    as_pg "$BIN/pg_ctl" -D "$data" -m fast -w -t "$TIMEOUT" -s stop >&2 \
      || as_pg "$BIN/pg_ctl" -D "$data" -m immediate -w -t 10 -s stop >&2 || true
  else
    log "no server of ours running on port $port"
  fi
  if [[ "${COLT_PG_KEEP:-0}" != 1 && -d "$base" ]]; then rm -rf "$base"; fi
  if [[ -f "$ROOT/last-port" && "$(cat "$ROOT/last-port")" == "$port" ]]; then rm -f "$ROOT/last-port" "$ROOT/env"; fi
  return 0
}

do_restart() { # fast shutdown (open sessions are ended, committed work is kept), then start
  local port base data
  port=$(resolve_port "${1:-}"); base=$(dir_for "$port"); data="$base/data"
  ours_running "$port" || die "no server of ours running on port $port"
  log "restarting server on port $port"
  as_pg "$BIN/pg_ctl" -D "$data" -l "$base/postgres.log" -m fast -w -t "$TIMEOUT" -s restart >&2 \
    || die "restart failed (see $base/postgres.log)"
  wait_ready "$port" || die "restarted server on $port is not ready"
}

case "$CMD" in
  start) do_start ;;
  restart) do_restart "${2:-}" ;;
  stop) do_stop "${2:-}" ;;
  status) p=$(resolve_port "${2:-}"); if ours_running "$p"; then log "running on $p"; url_for "$p"; else log "not running on $p"; exit 1; fi ;;
  url) url_for "$(resolve_port "${2:-}")" ;;
  *) die "usage: $0 [start|stop [PORT]|restart [PORT]|status [PORT]|url [PORT]]" ;;
esac
