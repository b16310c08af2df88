#!/usr/bin/env bash
# npm run lab:down [-- --purge] — stop the lab's samba (by its pid files only: other Samba
# instances may run on this machine), wait until its ports close; --purge also deletes the
# lab directory (${LAPS_LAB_DIR:-/var/tmp/laps-lab}), so the next lab:up provisions afresh.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=0
for arg in "$@"; do
  case $arg in
  --purge) purge=1 ;;
  -h | --help)
    echo "usage: npm run lab:down [-- --purge]"
    exit 0
    ;;
  *) die "unknown argument: $arg (usage: npm run lab:down [-- --purge])" ;;
  esac
done

[[ -d $LAB_DIR ]] || {
  log "no lab at $LAB_DIR"
  exit 0
}
lab_lock
stop_gkdi
stop_samba
if ((purge)); then
  # Refuse to delete anything that does not look like a lab directory (a mistyped LAPS_LAB_DIR).
  [[ -d $DC_DIR || -f $EXPECTED_JSON || -d $TLS_DIR || -f $LAB_DIR/.lock ]] || die "$LAB_DIR does not look like a lab directory; not deleting it"
  rm -rf -- "$LAB_DIR"
  log "purged $LAB_DIR"
fi
