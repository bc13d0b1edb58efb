#!/usr/bin/env bash
# Stops what start.sh started, by the PIDs it recorded, last started first; safe to run
# when nothing runs.
set -uo pipefail
root="${LETTA_E2E_HOME:-/var/tmp/letta-rs-e2e}"
run="$root/run"
pgbin="$root/venv/lib/python3.11/site-packages/pgserver/pginstall/bin"
[ -f "$run/pids" ] || exit 0
while read -r kind what name; do
  case "$kind" in
    pid) kill "$what" 2>/dev/null && echo "stopped ${name:-$what}" ;;
    pg_ctl)
      if [ "$(id -u)" = 0 ]; then runuser -u letta-e2e-pg -- "$pgbin/pg_ctl" -D "$what" -m fast stop >/dev/null 2>&1
      else "$pgbin/pg_ctl" -D "$what" -m fast stop >/dev/null 2>&1; fi && echo "stopped postgres" ;;
  esac
done < <(tac "$run/pids")
rm -f "$run/pids"
exit 0
