# Boots a throwaway Debian with systemd as PID 1 under systemd-nspawn and runs commands in it.
# Sourced by scripts/checks/systemd-nspawn.sh. Needs root, debootstrap, systemd-container,
# overlayfs. The pristine root is cached; each boot gets a fresh overlay that is thrown away.

container_cache=${INFERD_TEST_ROOT:-/var/cache/inferd-test-root}
container_name=inferd-test-$$
container_work=""
container_nspawn=""
container_leader=""

# The Debian mirror apt already uses here (deb822 or one-line format), else deb.debian.org.
debian_mirror() {
    local uri
    uri=$(awk 'BEGIN { RS = "" } /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|\n|$)/ {
                   if (match($0, /URIs:[ \t]*[^ \t\n]+/)) { split(substr($0, RSTART, RLENGTH), a, /[ \t]+/); print a[2]; exit } }' \
              /etc/apt/sources.list.d/*.sources 2>/dev/null)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { if ($(i + 1) == "bookworm") { print $i; exit } } }' \
              /etc/apt/sources.list 2>/dev/null)
    echo "${uri:-http://deb.debian.org/debian}"
}

# Builds the cached minimal root once (debootstrap --variant=minbase with systemd).
ensure_base_root() {
    local base=$container_cache/base
    if [ -x "$base/lib/systemd/systemd" ] && [ -x "$base/usr/bin/curl" ] && [ -x "$base/bin/kill" ]; then
        echo "ok: cached Debian root $base"
        return
    fi
    local mirror started
    mirror=$(debian_mirror)
    started=$(date +%s)
    rm -rf "$container_cache/base.tmp"
    mkdir -p "$container_cache"
    debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,curl,procps \
        bookworm "$container_cache/base.tmp" "$mirror" >"$container_cache/debootstrap.log" 2>&1 ||
        { tail -20 "$container_cache/debootstrap.log"; echo "FAIL: debootstrap from $mirror"; return 1; }
    rm -rf "$base"
    mv "$container_cache/base.tmp" "$base"
    echo "ok: built Debian root $base from $mirror in $(($(date +%s) - started)) s"
}

# Boots the cached root on a fresh overlay; extra arguments go to systemd-nspawn (e.g. --bind-ro=).
boot_container() {
    container_work=$(mktemp -d /tmp/inferd-nspawn.XXXXXX)
    mkdir "$container_work/upper" "$container_work/work" "$container_work/root"
    # An overlay keeps the cached root pristine at no cost; where overlayfs cannot stack (e.g. /tmp
    # itself on overlayfs) a copy does the same in a few seconds.
    if ! mount -t overlay overlay -o "lowerdir=$container_cache/base,upperdir=$container_work/upper,workdir=$container_work/work" \
        "$container_work/root" 2>/dev/null; then
        echo "note: overlayfs unavailable here; copying the cached root"
        cp -a "$container_cache/base/." "$container_work/root/"
    fi
    local started=$(date +%s%N)
    systemd-nspawn -b -D "$container_work/root" --register=no --keep-unit -M "$container_name" \
        --console=passive "$@" >"$container_work/console.log" 2>&1 &
    container_nspawn=$!
    for _ in $(seq 100); do
        container_leader=$(pgrep -P "$container_nspawn" -x systemd || true)
        [ -n "$container_leader" ] && break
        sleep 0.1
    done
    [ -n "$container_leader" ] || { cat "$container_work/console.log"; echo "FAIL: container did not start"; return 1; }
    # /run/systemd/system and the manager's bus appear a moment after PID 1 starts; until then
    # systemctl answers nothing or "offline".
    local state=""
    for _ in $(seq 300); do
        state=$(inside systemctl is-system-running --wait 2>/dev/null || true)
        [ -n "$state" ] && [ "$state" != offline ] && break
        sleep 0.1
    done
    case "$state" in
    running | degraded) ;;
    *) cat "$container_work/console.log"; echo "FAIL: container boot ended in state '$state'"; return 1 ;;
    esac
    echo "ok: booted systemd in the container ($state) in $((($(date +%s%N) - started) / 1000000)) ms"
}

# Runs a command as root inside the container (all its namespaces, a clean environment).
inside() {
    nsenter -t "$container_leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"
}

# Powers the container off and removes the overlay; safe to call twice (it is the EXIT trap).
shutdown_container() {
    if [ -n "$container_nspawn" ] && kill -0 "$container_nspawn" 2>/dev/null; then
        [ -n "$container_leader" ] && inside systemctl poweroff --no-block >/dev/null 2>&1 || true
        for _ in $(seq 150); do kill -0 "$container_nspawn" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$container_nspawn" 2>/dev/null; then
            echo "warning: container did not power off in 15 s; killing systemd-nspawn"
            kill -KILL "$container_nspawn" 2>/dev/null || true
        fi
        wait "$container_nspawn" 2>/dev/null || true
        echo "ok: container powered off"
    fi
    container_nspawn=""
    if [ -n "$container_work" ]; then
        if mountpoint -q "$container_work/root"; then
            umount "$container_work/root" 2>/dev/null || umount -l "$container_work/root" 2>/dev/null || true
        fi
        rm -rf "$container_work"
        container_work=""
    fi
    # nspawn leaves its mount-propagation directory behind when the host's /run is not a tmpfs.
    rm -rf "/run/systemd/nspawn/propagate/$container_name"
}
