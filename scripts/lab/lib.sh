# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source this
# Shared paths and helpers for the Samba AD lab scripts (up.sh, down.sh, seed.sh).
# Sourced, never run: the caller has already done `set -euo pipefail`.

# Lab state lives outside the repo so that a purge or a reprovision never dirties the work tree.
LAB_DIR=${LAPS_LAB_DIR:-/var/tmp/laps-lab}
DC_DIR=$LAB_DIR/dc
SMB_CONF=$DC_DIR/etc/smb.conf
SAM_LDB=$DC_DIR/private/sam.ldb
RUN_DIR=$DC_DIR/run
TLS_DIR=$LAB_DIR/tls
SECRETS_DIR=$LAB_DIR/secrets
KRB5_CONF=$LAB_DIR/krb5.conf
RESOLV_CONF=$LAB_DIR/resolv.conf
EXPECTED_JSON=$LAB_DIR/expected.json

REALM=LAB.TEST
NETBIOS_DOMAIN=LAB
DNS_DOMAIN=lab.test
BASE_DN=DC=lab,DC=test
DC_HOST=dc1
DC_DN="CN=DC1,OU=Domain Controllers,$BASE_DN"

# The ports the lab's tests use; "up" means all of them accept, "down" means none does.
LAB_PORTS=(53 88 389 636)

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$SCRIPT_DIR/../.." && pwd)

log() { printf '[lab] %s\n' "$*" >&2; }
die() {
  printf '[lab] error: %s\n' "$*" >&2
  exit 1
}

# Seconds since the epoch with milliseconds, for the timings the scripts print.
now_ms() { date +%s%3N; }
elapsed() { printf '%d.%03ds' $((($(now_ms) - $1) / 1000)) $((($(now_ms) - $1) % 1000)); }

# Polls "$@" every 0.1 s, at most $1 times: true as soon as it succeeds, false if it never does.
wait_until() {
  local tries=$1 i
  shift
  for ((i = 0; i < tries; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}
not() { ! "$@"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

all_ports_open() {
  local p
  for p in "${LAB_PORTS[@]}"; do port_open "$p" || return 1; done
}

any_port_open() {
  local p
  for p in "${LAB_PORTS[@]}"; do port_open "$p" && return 0; done
  return 1
}

# True if $1 is a live samba/samba-dcerpcd process of THIS lab. A pid file can be stale and its pid
# reused, and other Samba instances may run on the machine (another lab in a network namespace),
# so check the process name and that it holds a file open under our dc/ directory. samba rewrites
# its argv (process titles), so the command line cannot be used for this.
is_lab_pid() {
  local pid=$1 comm fd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == samba* ]] || return 1
  for fd in "/proc/$pid/fd/"*; do
    [[ $(readlink "$fd" 2>/dev/null) == "$DC_DIR/"* ]] && return 0
  done
  return 1
}

any_alive() {
  local pid
  for pid in "$@"; do kill -0 "$pid" 2>/dev/null && return 0; done
  return 1
}

# One lab script at a time (two concurrent "lab:up" runs would both provision). The lock is
# inherited by child scripts through LAPS_LAB_LOCK_HELD; samba itself is started with fd 9 closed,
# or the daemon would hold the lock for ever.
lab_lock() {
  [[ -n ${LAPS_LAB_LOCK_HELD:-} ]] && return
  mkdir -p "$LAB_DIR"
  exec 9>>"$LAB_DIR/.lock" # append: opening it must not even touch its mtime
  if ! flock -n 9; then
    log "waiting for another lab script (lock $LAB_DIR/.lock)"
    flock -w 600 9 || die "another lab script still holds $LAB_DIR/.lock after 10 minutes"
  fi
  export LAPS_LAB_LOCK_HELD=1
}

pid_from_file() { [[ -f $1 ]] && tr -dc '0-9' <"$1"; }

lab_running() {
  local pid
  pid=$(pid_from_file "$RUN_DIR/samba.pid") || return 1
  is_lab_pid "$pid"
}

# Stops the lab's samba by its pid files only, then waits until the lab's ports close.
stop_samba() {
  local f pid pids=()
  for f in samba.pid samba-dcerpcd.pid; do
    pid=$(pid_from_file "$RUN_DIR/$f") || continue
    if is_lab_pid "$pid"; then pids+=("$pid"); fi
  done
  if ((${#pids[@]} == 0)); then
    log "samba is not running"
  else
    log "stopping samba (pid ${pids[*]})"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    # samba's master takes its worker processes down with it; allow 20 s, then insist.
    wait_until 200 not any_alive "${pids[@]}" || true
    for pid in "${pids[@]}"; do
      if is_lab_pid "$pid"; then
        log "pid $pid ignored SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
  fi
  wait_until 200 not any_port_open && return 0
  die "samba stopped but some of the ports ${LAB_PORTS[*]} on 127.0.0.1 still accept connections"
}

# --- The lab's GKDI server (test/fixtures/gkdi-server): Samba has no MS-GKDI server ----------
GKDI_PORT=49735
GKDI_PID_FILE=$LAB_DIR/gkdi-server.pid
GKDI_LOG=$LAB_DIR/gkdi-server.log
GKDI_MAIN=$REPO_DIR/test/fixtures/gkdi-server/main.ts

# True if $1 is a live GKDI server of this lab, started from any checkout (a pid file can be
# stale, its pid reused): its command line names the fixture and this lab's pid file.
is_gkdi_pid() {
  local pid=$1 cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"test/fixtures/gkdi-server/main.ts"*"--pid-file $GKDI_PID_FILE"* ]]
}

# True if the running GKDI server was started from this checkout.
gkdi_from_here() {
  local pid
  pid=$(pid_from_file "$GKDI_PID_FILE") || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$GKDI_MAIN"
}

gkdi_running() {
  local pid
  pid=$(pid_from_file "$GKDI_PID_FILE") || return 1
  is_gkdi_pid "$pid"
}

stop_gkdi() {
  local pid
  pid=$(pid_from_file "$GKDI_PID_FILE") || return 0
  if is_gkdi_pid "$pid"; then
    log "stopping the GKDI server (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    wait_until 100 not is_gkdi_pid "$pid" || true
    if is_gkdi_pid "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$GKDI_PID_FILE"
}
