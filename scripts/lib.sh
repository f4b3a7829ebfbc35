# Shared helpers for scripts/setup, scripts/run and scripts/test. Sourced, not run.
# Everything here is idempotent: safe to run on a fresh machine and on one already set up.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
DB_ROLE=send_portal
DB_PASSWORD=send_portal
# Exported: the test settings read REDIS_PORT when REDIS_URL is not set.
export PG_PORT="${PG_PORT:-5432}"
export REDIS_PORT="${REDIS_PORT:-6379}"

say() { printf '%s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi
}

_apt_updated=""
apt_install() {
  # Install the Debian packages that are missing; a no-op (and no network) when all are present.
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing system packages: ${missing[*]}"
  if [ -z "$_apt_updated" ]; then as_root apt-get update -qq >/dev/null; _apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port=$1 tries=${2:-60}
  while ! port_open "$port"; do
    tries=$((tries - 1)); [ "$tries" -le 0 ] && return 1; sleep 0.5
  done
}

# --- PostgreSQL ---------------------------------------------------------------------------------
pg_start() {
  # Start a local PostgreSQL cluster when one is installed but stopped; create one if none exists.
  port_open "$PG_PORT" && return 0
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  local version
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [ -n "$version" ] || return 1
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    as_root pg_createcluster "$version" main >/dev/null
  fi
  # The cluster on PG_PORT when there are several (columns: version, name, port, status, ...), else the first.
  local line cluster_version name _port status
  line=$(pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port {print; exit}')
  [ -n "$line" ] || line=$(pg_lsclusters -h | head -n 1)
  read -r cluster_version name _port status _ <<<"$line"
  case "$status" in
    online*) ;;
    *) as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_version" "$name" start >/dev/null 2>&1 || true ;;
  esac
  wait_for_port "$PG_PORT" 60
}

pg_admin_sql() {
  # Run SQL as a superuser: over TCP where trust auth allows it, otherwise as the postgres OS user.
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -w -c "$1" >/dev/null 2>&1 && return 0
  as_root runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres -c "$1" >/dev/null 2>&1
}

pg_ensure_role_and_database() {
  # The project's role has a password (works with trust and scram alike) and may create test databases.
  command -v psql >/dev/null 2>&1 || return 1
  if ! PGPASSWORD=$DB_PASSWORD psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_ROLE" -d postgres -w \
      -tAc "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>/dev/null | grep -q t; then
    pg_admin_sql "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
        CREATE ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
      ELSE ALTER ROLE $DB_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END \$\$;" || return 1
  fi
  if ! PGPASSWORD=$DB_PASSWORD psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_ROLE" -d postgres -w \
      -tAc "SELECT 1 FROM pg_database WHERE datname = 'send_portal'" | grep -q 1; then
    PGPASSWORD=$DB_PASSWORD psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$DB_ROLE" -d postgres -w \
      -c "CREATE DATABASE send_portal" >/dev/null || return 1
  fi
}

postgres_url() { echo "postgres://$DB_ROLE:$DB_PASSWORD@127.0.0.1:$PG_PORT/send_portal"; }

# --- Redis --------------------------------------------------------------------------------------
redis_ping() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && timeout 2 head -c 7 <&3) 2>/dev/null || true)
  case "$reply" in *PONG*) return 0 ;; *) return 1 ;; esac
}

redis_start() {
  redis_ping && return 0
  command -v redis-server >/dev/null 2>&1 || return 1
  mkdir -p "$ROOT/var"
  # --daemonize exits 0 even when the port is taken, so readiness is checked with PING below.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$ROOT/var" --logfile "$ROOT/var/redis.log" --pidfile "$ROOT/var/redis.pid" >/dev/null
  local tries=40
  until redis_ping; do tries=$((tries - 1)); [ $tries -le 0 ] && return 1; sleep 0.25; done
}
