#!/usr/bin/env bash
# npm run lab:up — a seeded Samba AD DC (realm LAB.TEST) on 127.0.0.1 for the lab tests.
# Idempotent: every step checks before it acts, so a second run on a running lab only looks.
# Env: LAPS_LAB_DIR (default /var/tmp/laps-lab), LAPS_LAB_STRICT=1 keeps Samba's strict LDAP
# binding rules (GSSAPI over TLS then needs TLS channel bindings).
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T0=$(now_ms)

# Debian packages the lab needs, from bookworm-backports: Debian 12's own Samba is 4.17.
# bind9-dnsutils (dig) must come from backports too: samba pulls in the backports bind9-libs.
PACKAGES=(samba samba-ad-dc samba-ad-provision samba-dsdb-modules winbind krb5-user smbclient
  ldb-tools python3-samba ldap-utils libsasl2-modules-gssapi-mit libkrb5-dev bind9-dnsutils openssl)
MIN_SAMBA=2:4.22

missing_packages() {
  local pkg status
  for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || printf '%s\n' "$pkg"
  done
  # An older Samba (Debian 12's own 4.17) is installed but not good enough.
  local v
  v=$(dpkg-query -W -f='${Version}' samba 2>/dev/null || true)
  if [[ -n $v ]] && dpkg --compare-versions "$v" lt "$MIN_SAMBA"; then echo samba; fi
}

# Adds a deb822 source for bookworm-backports that reuses the mirror and keyring of the
# machine's existing bookworm source, unless some source already lists bookworm-backports.
ensure_backports_source() {
  # Only files apt reads (*.list, *.sources), and only lines that are not comments.
  if grep -qsE '^[^#]*[[:space:]]bookworm-backports([[:space:]]|$)' /etc/apt/sources.list \
    /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
    return
  fi
  local uri='' keyring=''
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    # Paragraph mode: the first stanza whose Suites include plain "bookworm".
    read -r uri keyring < <(awk -v RS= '
      /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t\n]|$)/ {
        u = ""; k = ""
        n = split($0, L, "\n")
        for (i = 1; i <= n; i++) {
          if (L[i] ~ /^URIs:/) { split(L[i], f, /[ \t]+/); u = f[2] }
          if (L[i] ~ /^Signed-By:/) { split(L[i], f, /[ \t]+/); k = f[2] }
        }
        print u, k; exit
      }' /etc/apt/sources.list.d/debian.sources) || true
  fi
  if [[ -z $uri && -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $0 ~ /[ \t]bookworm[ \t]/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list)
  fi
  uri=${uri:-http://deb.debian.org/debian}
  keyring=${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}
  log "adding apt source bookworm-backports ($uri)"
  cat >/etc/apt/sources.list.d/bookworm-backports.sources <<EOF
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: $keyring
EOF
}

ensure_packages() {
  local missing
  missing=$(missing_packages | sort -u | tr '\n' ' ')
  [[ -z $missing ]] && return
  if ((EUID != 0)); then
    die "missing Debian packages: $missing
  Installing them needs root. Run 'sudo npm run lab:up', or as root:
  apt-get install -t bookworm-backports $missing"
  fi
  local t
  t=$(now_ms)
  ensure_backports_source
  log "installing $missing(from bookworm-backports)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t bookworm-backports \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${PACKAGES[@]}" >/dev/null
  log "packages installed in $(elapsed "$t")"
}

# 16 random alphanumerics plus a fixed tail, so Samba's password complexity rule always holds.
random_password() { printf '%s-Lab7' "$(head -c 64 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 16)"; }

write_secret() { # name value: mode 0600, no trailing newline (tests read the file verbatim)
  (umask 077 && printf '%s' "$2" >"$SECRETS_DIR/$1")
}

provision() {
  [[ -f $DC_DIR/.provisioned ]] && return
  # A half-made dc/ (an interrupted run) is thrown away and made again: provision takes seconds.
  if lab_running; then stop_samba; fi
  rm -rf "$DC_DIR" "$EXPECTED_JSON"
  mkdir -p "$DC_DIR"/{run,log,ncalrpc,ntp_signd} "$SECRETS_DIR"
  chmod 0750 "$DC_DIR/ntp_signd" # samba exits if the ntp_signd socket dir is group/world writable
  chmod 0700 "$SECRETS_DIR"
  [[ -s $SECRETS_DIR/administrator ]] || write_secret administrator "$(random_password)"
  local t
  t=$(now_ms)
  # Loopback only, no NetBIOS; pid/log/socket dirs inside dc/ so nothing touches /var or /run.
  # --host-ip is not given: provision ignores 127.0.0.1 anyway (no A record for dc1 is made).
  if ! samba-tool domain provision --realm="$REALM" --domain="$NETBIOS_DOMAIN" --server-role=dc \
    --dns-backend=SAMBA_INTERNAL --host-name="$DC_HOST" --targetdir="$DC_DIR" \
    --adminpass="$(cat "$SECRETS_DIR/administrator")" \
    --option="interfaces=lo" --option="bind interfaces only=yes" \
    --option="pid directory=$RUN_DIR" --option="log file=$DC_DIR/log/samba.log" \
    --option="ncalrpc dir=$DC_DIR/ncalrpc" --option="ntp signd socket directory=$DC_DIR/ntp_signd" \
    --option="server services=-nbt -wrepl" --option="disable netbios=yes" \
    --option="tls enabled=yes" --option="tls keyfile=$TLS_DIR/dc1.key" \
    --option="tls certfile=$TLS_DIR/dc1.pem" --option="tls cafile=$TLS_DIR/ca.pem" \
    >"$DC_DIR/log/provision.log" 2>&1; then
    tail -20 "$DC_DIR/log/provision.log" >&2
    die "samba-tool domain provision failed (log: $DC_DIR/log/provision.log)"
  fi
  touch "$DC_DIR/.provisioned"
  log "provisioned $REALM in $(elapsed "$t")"
}

# Samba's self-signed certificate has no subjectAltName for 127.0.0.1, so clients could not
# verify it: make a small CA and a server certificate that names every way the tests reach the DC.
# Returns 0 if it made them (a running samba must restart to load them).
ensure_tls() {
  [[ -s $TLS_DIR/ca.pem && -s $TLS_DIR/dc1.pem && -s $TLS_DIR/dc1.key ]] && return 1
  mkdir -p "$TLS_DIR"
  (
    cd "$TLS_DIR"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -keyout ca.key -out ca.pem \
      -subj '/CN=LAPS Console Lab CA' -addext 'basicConstraints=critical,CA:TRUE' \
      -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -sha256 -keyout dc1.key -out dc1.csr \
      -subj "/CN=$DC_HOST.$DNS_DOMAIN" 2>/dev/null
    cat >dc1.ext <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:$DC_HOST.$DNS_DOMAIN,DNS:$DC_HOST,DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
    # 825 days: the longest validity some TLS clients accept for a server certificate.
    openssl x509 -req -sha256 -days 825 -in dc1.csr -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" \
      -extfile dc1.ext -out dc1.pem 2>/dev/null
    rm -f dc1.csr dc1.ext
    chmod 0644 ca.pem dc1.pem # samba insists the key is 0600; the certificates are public
  )
  openssl verify -CAfile "$TLS_DIR/ca.pem" "$TLS_DIR/dc1.pem" >/dev/null || die "lab certificate does not verify"
  log "made lab CA and server certificate in $TLS_DIR"
}

# Writes $1 (mode $2, default 0644) from stdin only if the content differs; 0 if it changed.
write_if_changed() {
  local tmp status=0
  # The scratch copy lives in $TMPDIR, so an unchanged file leaves even its directory untouched;
  # mktemp makes it 0600, so a secret is never readable on the way.
  tmp=$(mktemp)
  cat >"$tmp"
  if [[ -f $1 ]] && cmp -s "$tmp" "$1"; then
    status=1
  else
    install -m "${2:-0644}" "$tmp" "$1"
  fi
  rm -f "$tmp"
  return "$status"
}

ensure_client_files() {
  # rdns/canonicalize off: clients ask for exactly the host they were given (ldap/127.0.0.1).
  write_if_changed "$KRB5_CONF" <<EOF || true
[libdefaults]
    default_realm = $REALM
    dns_lookup_realm = false
    dns_lookup_kdc = false
    rdns = false
    dns_canonicalize_hostname = false
[realms]
    $REALM = {
        kdc = 127.0.0.1
        admin_server = 127.0.0.1
    }
[domain_realm]
    .$DNS_DOMAIN = $REALM
    $DNS_DOMAIN = $REALM
EOF
  # Tests bind-mount this over /etc/resolv.conf inside `unshare -m` for DC discovery.
  printf 'nameserver 127.0.0.1\nsearch %s\n' "$DNS_DOMAIN" | write_if_changed "$RESOLV_CONF" || true
}

# A Windows DC accepts GSSAPI over LDAPS without TLS channel bindings unless
# LdapEnforceChannelBinding=2; Samba 4.22's default refuses it. Match Windows unless
# LAPS_LAB_STRICT=1. Returns 0 if smb.conf changed (so a running samba must restart).
ensure_strong_auth_option() {
  local want='' have
  [[ ${LAPS_LAB_STRICT:-0} == 1 ]] || want=allow_sasl_without_tls_channel_bindings
  have=$(sed -n 's/^[[:space:]]*ldap server require strong auth[[:space:]]*=[[:space:]]*//p' "$SMB_CONF")
  [[ $have == "$want" ]] && return 1
  sed -i '/^[[:space:]]*ldap server require strong auth[[:space:]]*=/d' "$SMB_CONF"
  if [[ -n $want ]]; then
    sed -i "/^\[global\]/a\\	ldap server require strong auth = $want" "$SMB_CONF"
  fi
  log "smb.conf: ldap server require strong auth = ${want:-(Samba default, strict)}"
}

start_samba() {
  local t
  t=$(now_ms)
  if any_port_open; then
    die "a port of ${LAB_PORTS[*]} on 127.0.0.1 is already in use by something else"
  fi
  # smbd and winbindd use the compiled-in /run/samba whatever smb.conf says: give samba a private
  # tmpfs /run in its own mount namespace, so it never meets the host's (or another lab's) sockets.
  # shellcheck disable=SC2016 # $1 is expanded by the inner sh
  unshare --mount --propagation private -- sh -c \
    'mount -t tmpfs -o mode=0755 tmpfs /run && mkdir -p /run/samba && exec samba -s "$1" -D' \
    sh "$SMB_CONF" 9>&-
  wait_for_ports
  log "samba up in $(elapsed "$t") (pid $(cat "$RUN_DIR/samba.pid"))"
}

wait_for_ports() {
  wait_until 600 all_ports_open && return
  die "samba did not open ports ${LAB_PORTS[*]} in 60 s (logs: $DC_DIR/log)"
}

# Local ldb access to the running DC's database (as root): fast, no network, no Python.
ldb_search() { ldbsearch -H "$SAM_LDB" --configfile="$SMB_CONF" "$@" 2>/dev/null; }
ldb_modify() { ldbmodify -H "$SAM_LDB" --configfile="$SMB_CONF" "$@" >/dev/null; }

# GSSAPI against ldap(s)://127.0.0.1 asks for ldap/127.0.0.1 (rdns is off), so the DC needs it.
ensure_spn() {
  if ldb_search -b "$DC_DN" -s base '(servicePrincipalName=ldap/127.0.0.1)' dn | grep -q '^dn:'; then return; fi
  ldb_modify <<EOF
dn: $DC_DN
changetype: modify
add: servicePrincipalName
servicePrincipalName: ldap/127.0.0.1
EOF
  log "added SPN ldap/127.0.0.1 to DC1\$"
}

ensure_schema() {
  local schema="CN=Schema,CN=Configuration,$BASE_DN" n f
  n=$(ldb_search -b "$schema" -s one \
    '(|(lDAPDisplayName=msLAPS-*)(lDAPDisplayName=ms-Mcs-AdmPwd*))' dn | grep -c '^dn:' || true)
  case $n in
  9) ;;
  0)
    ldb_modify --option="dsdb:schema update allowed=true" \
      <(sed "s/@BASE_DN@/$BASE_DN/g" "$SCRIPT_DIR/ldif/laps-schema-attrs.ldif")
    log "added the 9 LAPS schema attributes"
    ;;
  *) die "the LAPS schema is half there ($n of 9 attributes): run 'npm run lab:down -- --purge'" ;;
  esac
  if ! ldb_search -b "CN=Computer,$schema" -s base '(mayContain=msLAPS-Password)' dn | grep -q '^dn:'; then
    ldb_modify --option="dsdb:schema update allowed=true" \
      <(sed "s/@BASE_DN@/$BASE_DN/g" "$SCRIPT_DIR/ldif/laps-schema-class.ldif")
    log "computer class may now contain the LAPS attributes"
  fi
  f="CN=ms-LAPS-Encrypted-Password-Attributes,CN=Extended-Rights,CN=Configuration,$BASE_DN"
  if ! ldb_search -b "$f" -s base dn | grep -q '^dn:'; then
    ldb_modify <(sed "s/@BASE_DN@/$BASE_DN/g" "$SCRIPT_DIR/ldif/laps-extended-right.ldif")
    log "added the ms-LAPS-Encrypted-Password-Attributes extended right"
  fi
}

# --- DNS for DC discovery tests, served by Samba's own DNS on 127.0.0.1:53 ------------------
# dc1 gets an A record (provision drops 127.0.0.1), dc0 is a DC that is down (127.0.0.2, where
# nothing listens), and dc0's SRV record has a lower priority number than dc1's, so a client
# following RFC 2782 tries the dead dc0 first and must fall back to dc1.
SRV_NAME=_ldap._tcp.dc._msdcs.$DNS_DOMAIN
DC1_SRV_PRIORITY=10
DC0_SRV_PRIORITY=0

dig_short() { dig +short +time=2 +tries=2 @127.0.0.1 "$@"; }

samba_dns() { # samba-tool dns <verb> 127.0.0.1 ... authenticated as Administrator
  samba-tool dns "$1" 127.0.0.1 "${@:2}" -s "$SMB_CONF" -A "$DC_DIR/administrator.auth" >/dev/null
}

ensure_dns() {
  # samba-tool reads the credentials from a file, so the password is not on a command line.
  printf 'username=Administrator\npassword=%s\ndomain=%s\n' "$(cat "$SECRETS_DIR/administrator")" \
    "$NETBIOS_DOMAIN" | write_if_changed "$DC_DIR/administrator.auth" 0600 || true
  local srv changed=0
  if [[ $(dig_short dc1."$DNS_DOMAIN" A) != 127.0.0.1 ]]; then
    samba_dns add "$DNS_DOMAIN" dc1 A 127.0.0.1
    changed=1
  fi
  if [[ $(dig_short dc0."$DNS_DOMAIN" A) != 127.0.0.2 ]]; then
    samba_dns add "$DNS_DOMAIN" dc0 A 127.0.0.2
    changed=1
  fi
  # The _msdcs records live in their own zone, _msdcs.lab.test, as on Windows.
  srv=$(dig_short "$SRV_NAME" SRV)
  if grep -qx "0 100 389 dc1.$DNS_DOMAIN." <<<"$srv"; then
    # samba-tool's SRV data is "target port priority weight", not the zone-file order.
    samba_dns update "_msdcs.$DNS_DOMAIN" _ldap._tcp.dc SRV \
      "dc1.$DNS_DOMAIN 389 0 100" "dc1.$DNS_DOMAIN 389 $DC1_SRV_PRIORITY 100"
    changed=1
  fi
  if ! grep -qx "$DC0_SRV_PRIORITY 100 389 dc0.$DNS_DOMAIN." <<<"$srv"; then
    samba_dns add "_msdcs.$DNS_DOMAIN" _ldap._tcp.dc SRV "dc0.$DNS_DOMAIN 389 $DC0_SRV_PRIORITY 100"
    changed=1
  fi
  # Check what a resolver really gets back, whether or not anything changed.
  srv=$(dig_short "$SRV_NAME" SRV | sort)
  local want
  want=$(printf '%s 100 389 dc0.%s.\n%s 100 389 dc1.%s.\n' \
    "$DC0_SRV_PRIORITY" "$DNS_DOMAIN" "$DC1_SRV_PRIORITY" "$DNS_DOMAIN" | sort)
  [[ $srv == "$want" ]] || die "unexpected SRV records for $SRV_NAME:
$srv"
  [[ $(dig_short dc1."$DNS_DOMAIN" A) == 127.0.0.1 && $(dig_short dc0."$DNS_DOMAIN" A) == 127.0.0.2 ]] ||
    die "A records for dc0/dc1.$DNS_DOMAIN are not as expected"
  ((changed == 0)) || log "DNS: $SRV_NAME -> dc0 (priority $DC0_SRV_PRIORITY), dc1 (priority $DC1_SRV_PRIORITY)"
}

# Samba's provision makes a KDS root key usable from 10 hours before provisioning; the seeded
# history goes back further, so add one usable since 2024-01-01 (the newest key is the one GetKey
# picks). Its msKds-UseStartTime is a FILETIME: 2024-01-01T00:00:00Z = 133485408000000000.
KDS_USE_START=2024-01-01T00:00:00+00:00
KDS_USE_START_NT=133485408000000000

ensure_kds_root_key() {
  local keys="CN=Master Root Keys,CN=Group Key Distribution Service,CN=Services,CN=Configuration,$BASE_DN"
  if ldb_search -b "$keys" -s one "(msKds-UseStartTime<=$KDS_USE_START_NT)" dn | grep -q '^dn:'; then return; fi
  samba-tool domain kds root-key create -H "$SAM_LDB" -s "$SMB_CONF" --use-start-time="$KDS_USE_START" >/dev/null
  log "created a KDS root key usable from $KDS_USE_START"
}

# The GKDI server the lab runs on 127.0.0.1:$GKDI_PORT (see test/fixtures/gkdi-server).
gkdi_listening() { gkdi_running && port_open "$GKDI_PORT"; }

ensure_gkdi_server() {
  if gkdi_running; then
    # Keep it unless it runs another checkout's code, or its code (the fixture or the core it
    # imports) changed since it started.
    if ! gkdi_from_here; then
      log "the GKDI server runs another checkout's code: restarting it from $REPO_DIR"
    elif [[ -n $(find "$REPO_DIR/test/fixtures/gkdi-server" "$REPO_DIR/main/core" -name '*.ts' \
      -newer "$GKDI_PID_FILE" -print -quit) ]]; then
      log "the GKDI server's code changed since it started: restarting it"
    else
      return
    fi
    stop_gkdi
  fi
  port_open "$GKDI_PORT" && die "127.0.0.1:$GKDI_PORT is in use by something that is not the lab's GKDI server"
  local t
  t=$(now_ms)
  rm -f "$GKDI_PID_FILE"
  # node --import tsx runs the TypeScript in one process, so the pid file names the server itself.
  (
    cd "$REPO_DIR"
    setsid nohup node --import tsx "$GKDI_MAIN" --port "$GKDI_PORT" --pid-file "$GKDI_PID_FILE" \
      >>"$GKDI_LOG" 2>&1 </dev/null 9>&- &
  )
  wait_until 300 gkdi_listening || die "the GKDI server did not start in 30 s (log: $GKDI_LOG)"
  log "GKDI server up on 127.0.0.1:$GKDI_PORT in $(elapsed "$t") (pid $(cat "$GKDI_PID_FILE"), log $GKDI_LOG)"
}

# The seed format scripts/lab/seed-plan.ts declares (SEED_FORMAT), and the one expected.json
# records ("seedFormat"; 0 when it records none, as a seed from before the field, or is unreadable).
seed_format_wanted() {
  sed -n 's/^export const SEED_FORMAT = \([0-9][0-9]*\);$/\1/p' "$SCRIPT_DIR/seed-plan.ts"
}
seed_format_seeded() {
  node -e 'let v = 0;
try { v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).seedFormat; } catch {}
console.log(Number.isSafeInteger(v) && v > 0 ? v : 0);' "$EXPECTED_JSON"
}

# Seed when there is no seed, or when it was made by code of an older seed format (a stale oracle).
ensure_seed() {
  local wanted have
  wanted=$(seed_format_wanted)
  [[ $wanted =~ ^[0-9]+$ ]] || die "no 'export const SEED_FORMAT = <n>;' line in $SCRIPT_DIR/seed-plan.ts"
  if [[ ! -s $EXPECTED_JSON ]]; then
    log "no seed yet: seeding"
  else
    have=$(seed_format_seeded)
    if ((have >= wanted)); then
      log "seed present (format $have, $EXPECTED_JSON); 'npm run lab:seed' resets it"
      return
    fi
    log "the seed is of format $have, older than the seed code's $wanted: reseeding"
  fi
  bash "$SCRIPT_DIR/seed.sh"
}

main() {
  ensure_packages
  ((EUID == 0)) || die "the lab needs root (private mount namespace, ports 53/88/389/636): run 'sudo npm run lab:up'"
  lab_lock
  provision
  local restart=0
  ensure_tls && restart=1
  ensure_client_files
  ensure_strong_auth_option && restart=1
  if ! lab_running; then
    start_samba
  elif ((restart)); then
    stop_samba
    start_samba
  else
    wait_for_ports # it may have been started a moment ago
  fi
  ensure_spn
  ensure_schema
  ensure_dns
  ensure_kds_root_key
  ensure_gkdi_server
  ensure_seed
  log "lab up in $(elapsed "$T0"): ldaps://127.0.0.1:636, CA $TLS_DIR/ca.pem, KRB5_CONFIG=$KRB5_CONF"
}

# Sourcing (for a test of one step) defines the functions without running anything.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
