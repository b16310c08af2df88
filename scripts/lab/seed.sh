#!/usr/bin/env bash
# npm run lab:seed — (re)seed the running lab: OUs, users, LAPS ACLs and 500+ computers, all reset
# to freshly generated values, and rewrite expected.json (the tests' oracle) and the lab profiles.
set -euo pipefail
# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

((EUID == 0)) || die "seeding needs root (it reads the lab's secrets and its sam.ldb): run 'sudo npm run lab:seed'"
[[ -f $DC_DIR/.provisioned ]] || die "no lab at $LAB_DIR: run 'npm run lab:up' first"
if ! lab_running || ! port_open 636; then die "the lab's samba is not running: run 'npm run lab:up'"; fi
lab_lock
TSX=$REPO_DIR/node_modules/.bin/tsx
[[ -x $TSX ]] || die "$TSX not found: run 'npm ci' in $REPO_DIR first"

t=$(now_ms)
LAPS_LAB_DIR=$LAB_DIR "$TSX" "$SCRIPT_DIR/seed.ts"
log "seeded in $(elapsed "$t")"
