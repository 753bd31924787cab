# The daemon's part of scripts/checks/systemd-nspawn.sh, sourced once the package is installed
# and inferd.socket listens. Uses that script's helpers (inside, status_of, expect, fail).

# Waits up to $1 seconds for the command after it to succeed.
eventually() {
    local seconds=$1
    shift
    for _ in $(seq $((seconds * 10))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}
main_pid() { unit_property inferd.service MainPID; }
restarts() { unit_property inferd.service NRestarts; }
served_models() { # name:version:state:file lines from POST /v2/repository/index (parsed on the host)
    inside curl -s --max-time 10 --unix-socket /run/inferd.sock -X POST http://localhost/v2/repository/index |
        python3 -c 'import json, sys; [print(":".join([m["name"], m.get("version") or "", m["state"], m["file"]])) for m in json.load(sys.stdin)]'
}

# 1. Socket activation: the first connection starts the service.
expect "first query through /run/inferd.sock (GET /v2/health/live)" 200 "$(status_of GET /v2/health/live)"
expect "inferd.service after the first query" active "$(inside systemctl is-active inferd.service || true)"
expect "inferd.service runs as" inferd "$(inside ps -o user= -p "$(main_pid)")"
# inferctl's default socket is the one the package's socket unit listens on: no --socket needed.
expect "inferctl models without --socket lists cnn" cnn \
    "$(inside inferctl models 2>&1 | grep -o '^ *cnn\b' | tr -d ' ' | head -1 || true)"

# 1b. Idle RSS (issue 5: at most 20 MB) of the daemon as installed, every shipped model loaded
# (READY=1 came before the query above was answered).
sleep 1
rss_kib=$(inside awk '/^VmRSS:/ {print $2}' "/proc/$(main_pid)/status")
[ "${rss_kib:-0}" -gt 0 ] && [ "$((rss_kib * 1024))" -le 20000000 ] ||
    fail "idle RSS of inferd is ${rss_kib:-?} KiB; expected at most 20 MB (packaging/hot-text.ld stale or not applied?)"
echo "ok: idle RSS of inferd with the shipped models: $rss_kib KiB (at most 20 MB = 19,531 KiB)"

# 2. STATUS= reaches systemctl status.
status_text=$(unit_property inferd.service StatusText)
[ -n "$status_text" ] || fail "inferd.service has no StatusText"
inside systemctl status --no-pager inferd.service | grep -qF "Status: \"$status_text\"" ||
    fail "systemctl status does not show Status: \"$status_text\""
echo "ok: systemctl status inferd shows Status: \"$status_text\""

# 3. Structured journald fields: a refused request for the cnn is logged with MODEL=cnn and REQUEST_ID=.
expect "POST /v2/models/cnn/infer without inputs" 400 \
    "$(status_of POST /v2/models/cnn/infer -H 'Content-Type: application/json' -d '{"inputs":[]}')"
# The newest entry of inferd.service carrying REQUEST_ID=, as NAME=value lines (parsed on the host).
request_entry() {
    inside journalctl -u inferd.service -o json --no-pager |
        python3 -c 'import json, sys
entries = [e for e in map(json.loads, sys.stdin) if "REQUEST_ID" in e]
print("\n".join(f"{k}={v}" for k, v in sorted(entries[-1].items())) if entries else "")'
}
journal_has_fields() {
    local entry
    entry=$(request_entry)
    for field in MODEL=cnn REQUEST_ID= CODE_FILE= CODE_LINE= CODE_FUNC= PRIORITY= SYSLOG_IDENTIFIER=; do
        grep -q "^$field" <<<"$entry" || return 1
    done
}
eventually 10 journal_has_fields || {
    inside journalctl -u inferd.service -o verbose --no-pager | tail -40
    fail "no journal entry of inferd.service with MODEL=cnn, REQUEST_ID=, CODE_FILE=, CODE_LINE=, CODE_FUNC=, PRIORITY=, SYSLOG_IDENTIFIER="
}
echo "ok: journalctl -u inferd -o verbose: the failed request's entry has $(request_entry |
    grep -E '^(MODEL|REQUEST_ID|CODE_FILE|CODE_LINE|CODE_FUNC|PRIORITY|SYSLOG_IDENTIFIER)=' | tr '\n' ' ')"

# 4. systemctl reload picks up the models directory without restarting inferd: an unloadable file
#    is reported (UNAVAILABLE, with a reason) and dropped again; a shipped model whose file is
#    removed stops being served and is served again once the file is back.
pid_before=$(main_pid)
entry_of() { served_models | awk -F: -v f="$1" '$4 == f'; }
inside sh -c 'echo "not a weight file" >/var/lib/inferd/models/broken.inferd'
inside systemctl reload inferd.service
broken_reported() { entry_of /var/lib/inferd/models/broken.inferd | grep -q ":UNAVAILABLE:"; }
eventually 15 broken_reported || fail "after adding broken.inferd and systemctl reload, the index shows: $(served_models)"
echo "ok: systemctl reload with an unloadable broken.inferd: index entry $(entry_of /var/lib/inferd/models/broken.inferd)"
inside rm /var/lib/inferd/models/broken.inferd
inside systemctl reload inferd.service
broken_gone() { [ -z "$(entry_of /var/lib/inferd/models/broken.inferd)" ]; }
eventually 15 broken_gone || fail "after removing broken.inferd and systemctl reload, the index still lists it"
echo "ok: systemctl reload after removing broken.inferd: no longer listed"

shipped=$(inside sh -c 'ls /var/lib/inferd/models/*.inferd 2>/dev/null | head -1')
if [ -n "$shipped" ]; then
    name=$(entry_of "$shipped" | awk -F: '$3 == "READY" { print $1 }')
    [ -n "$name" ] || fail "$shipped is not served before the reload: $(served_models)"
    is_served() { entry_of "$shipped" | grep -q ":READY:"; }
    inside mv "$shipped" /root/
    inside systemctl reload inferd.service
    eventually 15 eval '! is_served' || fail "after removing $(basename "$shipped") and systemctl reload, $name is still served: $(served_models)"
    echo "ok: systemctl reload after removing $(basename "$shipped"): $name no longer served"
    inside mv "/root/$(basename "$shipped")" "$shipped"
    inside systemctl reload inferd.service
    eventually 15 is_served || fail "after restoring $(basename "$shipped") and systemctl reload, $name is not served: $(served_models)"
    echo "ok: systemctl reload after restoring it: $name served again"
else
    echo "note: the package ships no models/*.inferd, so no served model was swapped"
fi
expect "main PID across the reloads" "$pid_before" "$(main_pid)"

# 5. kill -9: Restart=on-failure brings inferd back, the socket kept listening, queries succeed.
pid_before=$(main_pid)
restarts_before=$(restarts)
inside kill -9 "$pid_before"
restarted() { [ "$(main_pid)" != "$pid_before" ] && [ "$(main_pid)" != 0 ] &&
    [ "$(inside systemctl is-active inferd.service)" = active ]; }
eventually 20 restarted || fail "inferd was not restarted after kill -9 (MainPID $(main_pid), $(inside systemctl is-active inferd.service))"
expect "GET /v2/health/live after kill -9 and restart" 200 "$(status_of GET /v2/health/live)"
echo "ok: kill -9 $pid_before: systemd restarted inferd as PID $(main_pid) (NRestarts $restarts_before -> $(restarts))"

# 6. Watchdog: with the test hooks on (a drop-in; the shipped unit never enables them) and
#    WatchdogSec=3s, a stalled worker stops the pings and systemd kills and restarts inferd.
inside mkdir -p /run/systemd/system/inferd.service.d
inside sh -c 'printf "[Service]\nExecStart=\nExecStart=/usr/bin/inferd --models /var/lib/inferd/models --test-hooks\nWatchdogSec=3s\n" \
    >/run/systemd/system/inferd.service.d/test-hooks.conf'
inside systemctl daemon-reload
inside systemctl restart inferd.service
expect "GET /v2/health/live with test hooks" 200 "$(status_of GET /v2/health/live)"
pid_before=$(main_pid)
restarts_before=$(restarts)
expect "POST /v2/debug/stall-worker as root" 200 "$(status_of POST '/v2/debug/stall-worker?worker=0&seconds=600')"
stalled=$(date +%s)
watchdog_restarted() { [ "$(restarts)" -gt "$restarts_before" ] && [ "$(main_pid)" != "$pid_before" ] &&
    [ "$(main_pid)" != 0 ]; }
eventually 30 watchdog_restarted || fail "the watchdog did not restart inferd within 30 s of the stall (NRestarts $(restarts))"
inside journalctl -u inferd.service --no-pager | grep -q "Watchdog timeout" ||
    fail "no 'Watchdog timeout' from systemd in the journal"
expect "GET /v2/health/live after the watchdog restart" 200 "$(status_of GET /v2/health/live)"
echo "ok: stalled worker: systemd logged 'Watchdog timeout' and restarted inferd within $(($(date +%s) - stalled)) s"
inside rm -r /run/systemd/system/inferd.service.d
inside systemctl daemon-reload
inside systemctl restart inferd.service

# 7. Access: the socket is 0660 root:inferd; a member of inferd gets in, anyone else is refused.
inside useradd --system --no-create-home --groups inferd member
inside useradd --system --no-create-home outsider
as_user() { local user=$1; shift; inside setpriv --reuid="$user" --regid="$user" --init-groups "$@"; }
expect "GET /v2/health/live as a member of group inferd" 200 \
    "$(as_user member curl -s -o /dev/null -w '%{http_code}' --max-time 10 --unix-socket /run/inferd.sock http://localhost/v2/health/live || true)"
refused=$(as_user outsider curl -sSv -o /dev/null --max-time 10 --unix-socket /run/inferd.sock http://localhost/v2/health/live 2>&1 || true)
grep -q "connect fail for /run/inferd.sock: Permission denied" <<<"$refused" ||
    fail "a user outside group inferd was not refused with EACCES: $refused"
echo "ok: a user outside group inferd is refused: $(grep -o 'connect fail for /run/inferd.sock: Permission denied' <<<"$refused")"

# 8. Hardening as the installed systemd sees it, and a clean stop (SIGTERM -> exit 0).
online=$(inside systemd-analyze security --no-pager inferd.service | sed -n 's/.*Overall exposure level for inferd.service: \([0-9.]*\).*/\1/p')
awk -v e="$online" 'BEGIN { exit !(e != "" && e <= 1.0) }' || fail "systemd-analyze security in the container: exposure '$online'"
echo "ok: systemd-analyze security inferd.service in the container: exposure $online"
inside systemctl stop inferd.service
expect "inferd.service result after systemctl stop" "success inactive 0" \
    "$(unit_property inferd.service Result) $(inside systemctl is-active inferd.service || true) $(unit_property inferd.service ExecMainStatus)"
