#!/bin/sh
# atlas-capture.sh: capture this kernel's tracepoints for Tracepoint Atlas.
#
#   sudo sh atlas-capture.sh        writes ./atlas-<uname -r>.tar.gz and prints its path and size
#   sh atlas-capture.sh ROOT        the same from a copied tree laid out like / (tests, fixtures)
#
# POSIX sh (dash, busybox ash, mksh) and POSIX tools only. It reads, and copies into the archive:
# uname -r and -m, /proc/version, /etc/os-release, tracefs available_events and every
# events/*/*/format, /sys/kernel/btf/vmlinux and the split BTF of each loaded module that defines
# trace events, /proc/modules and the kallsyms lines naming trace events (kernel addresses zeroed),
# and which of tracefs/debugfs it read. It writes nothing but that archive; its scratch directory is
# private and always removed. Nothing is uploaded: you decide what to do with the archive.
# The archive's layout is read by src/lib/capture/archive.ts; change both together.

FORMAT_VERSION=1
say() { printf 'atlas-capture: %s\n' "$*"; }
die() {
	printf 'atlas-capture: error: %s\n' "$*" >&2
	exit 1
}

if [ $# -gt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
	printf 'usage: sudo sh atlas-capture.sh [ROOT]\n  ROOT: a copied tree laid out like / to read instead of this machine\n' >&2
	[ $# -gt 1 ] && exit 2
	exit 0
fi
ROOT=${1:-}
if [ -n "$ROOT" ]; then
	[ -d "$ROOT" ] || die "$ROOT is not a directory; give a tree laid out like / (ROOT/sys/kernel/tracing/...), or nothing to read this machine"
elif [ "$(id -u)" != 0 ]; then
	die "tracefs, BTF and the module list need root: run it as root, e.g.  sudo sh atlas-capture.sh"
fi

# Everything is written under $WORK (private, removed on any exit) until the archive is complete.
ARCHIVE=
DONE=
WORK=
cleanup() {
	[ -n "$WORK" ] && rm -rf "$WORK"
	[ -z "$DONE" ] && [ -n "$ARCHIVE" ] && rm -f "$ARCHIVE"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
umask 077
WORK=$(mktemp -d "${TMPDIR:-/tmp}/atlas-capture.XXXXXX") || die "cannot make a scratch directory in ${TMPDIR:-/tmp}; set TMPDIR to a writable directory"
OUT=$WORK/capture
mkdir "$OUT" "$OUT/events" "$OUT/btf" || die "cannot write in $WORK"

# uname -r / -m, or their /proc twins inside ROOT.
if [ -n "$ROOT" ]; then
	RELEASE=$(cat "$ROOT/proc/sys/kernel/osrelease" 2>/dev/null)
	MACHINE=$(cat "$ROOT/proc/sys/kernel/arch" 2>/dev/null)
else
	RELEASE=$(uname -r)
	MACHINE=$(uname -m)
fi
[ -n "$RELEASE" ] || die "cannot read the kernel release (uname -r, or ROOT/proc/sys/kernel/osrelease)"
[ -n "$MACHINE" ] || die "cannot read the machine name (uname -m, or ROOT/proc/sys/kernel/arch)"
printf '%s\n' "$RELEASE" >"$OUT/uname-r"
printf '%s\n' "$MACHINE" >"$OUT/uname-m"
cat "$ROOT/proc/version" >"$OUT/proc-version" 2>/dev/null || die "cannot read $ROOT/proc/version"
printf '%s\n' "$FORMAT_VERSION" >"$OUT/atlas-capture-version"

# The archive's name carries the release, with anything but [A-Za-z0-9._+-] made "_": a release
# is the kernel builder's free text and must not become a path.
SAFE_RELEASE=$(printf '%s' "$RELEASE" | tr -c 'A-Za-z0-9._+-' '_' | cut -c1-120)
ARCHIVE_NAME=atlas-$SAFE_RELEASE.tar.gz

# tracefs: already mounted, reachable through debugfs (older kernels), or mounted here.
find_tracing() {
	if [ -r "$ROOT/sys/kernel/tracing/available_events" ]; then
		TRACING=$ROOT/sys/kernel/tracing
		TRACE_FS=tracefs
	elif [ -r "$ROOT/sys/kernel/debug/tracing/available_events" ]; then
		TRACING=$ROOT/sys/kernel/debug/tracing
		TRACE_FS=debugfs
	else
		return 1
	fi
}
if ! find_tracing; then
	[ -n "$ROOT" ] && die "no tracefs in $ROOT: expected $ROOT/sys/kernel/tracing/available_events or $ROOT/sys/kernel/debug/tracing/available_events"
	if mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
		say "mounted tracefs at /sys/kernel/tracing (left mounted; umount /sys/kernel/tracing undoes it)"
	elif mount -t debugfs nodev /sys/kernel/debug 2>/dev/null; then
		say "mounted debugfs at /sys/kernel/debug (left mounted; umount /sys/kernel/debug undoes it)"
	fi
	find_tracing || die "no tracefs: /sys/kernel/tracing and /sys/kernel/debug/tracing have no available_events and mounting tracefs failed; this kernel may be built without CONFIG_EVENT_TRACING"
fi
say "reading trace events from $TRACING ($TRACE_FS)"
printf '%s\n' "$TRACE_FS" >"$OUT/trace-source"

# tracefs files report size 0, so each is read to its end, not copied by size. Names come from
# globs, never from parsing a file, so any byte a directory name holds stays inside its quoted path;
# awk gets them through ENVIRON, which (unlike -v) interprets no backslashes. One mkdir and one awk
# per category: a process per event takes a minute on a busy machine.
cat "$TRACING/available_events" >"$OUT/available_events" || die "cannot read $TRACING/available_events"
COUNT=0
for category in "$TRACING"/events/*/; do
	category=${category%/}
	category=${category##*/}
	SRC=$TRACING/events/$category/
	DST=$OUT/events/$category/
	set -- "$SRC"*/format
	[ -r "$1" ] || continue
	n=$#
	COUNT=$((COUNT + n))
	while [ "$n" -gt 0 ]; do # rotate "$@": each format path becomes its event's directory in $DST
		event=${1%/format}
		shift
		set -- "$@" "$DST${event##*/}"
		n=$((n - 1))
	done
	mkdir "$DST" "$@" || die "cannot write in $WORK"
	SRC=$SRC DST=$DST awk 'FNR == 1 { if (out != "") close(out); out = ENVIRON["DST"] substr(FILENAME, length(ENVIRON["SRC"]) + 1) } { print > out }' \
		"$SRC"*/format || die "cannot copy the format files of $SRC"
done
[ "$COUNT" -gt 0 ] || die "$TRACING/events has no format files: this kernel has no trace events"
say "copied $COUNT format files"

# Which module defines which event: kallsyms tags each __event_<name> with its [module]. Only
# those lines are kept, with the address zeroed (it would reveal this boot's kernel layout).
: >"$OUT/kallsyms-events"
if [ -r "$ROOT/proc/kallsyms" ]; then
	awk 'NF >= 4 && ($3 ~ /^__event_/ || $3 ~ /^str__.*__trace_system_name$/) { print "0", $2, $3, $4 }' \
		"$ROOT/proc/kallsyms" >"$OUT/kallsyms-events" || die "cannot read $ROOT/proc/kallsyms"
else
	say "no /proc/kallsyms: every event is taken as built in"
fi
: >"$OUT/proc-modules"
if [ -r "$ROOT/proc/modules" ]; then
	awk 'NF >= 6 { $6 = "0x0" } { print }' "$ROOT/proc/modules" >"$OUT/proc-modules" || die "cannot read $ROOT/proc/modules"
fi

for f in /etc/os-release /usr/lib/os-release; do
	if [ -r "$ROOT$f" ]; then
		cat "$ROOT$f" >"$OUT/os-release" || die "cannot read $ROOT$f"
		break
	fi
done

# BTF: vmlinux, and the split BTF of each module that defines trace events.
BTF=$ROOT/sys/kernel/btf
if [ -r "$BTF/vmlinux" ]; then
	cat "$BTF/vmlinux" >"$OUT/btf/vmlinux" || die "cannot read $BTF/vmlinux"
	MODULE_BTF=0
	set -f # module names are checked below, before they could glob
	for module in $(awk '$3 ~ /^__event_/ { m = $4; gsub(/[][]/, "", m); print m }' "$OUT/kallsyms-events" | sort -u); do
		case $module in *[!A-Za-z0-9_-]*) continue ;; esac
		[ -r "$BTF/$module" ] || continue
		cat "$BTF/$module" >"$OUT/btf/$module" || die "cannot read $BTF/$module"
		MODULE_BTF=$((MODULE_BTF + 1))
	done
	set +f
	say "copied BTF of vmlinux and $MODULE_BTF modules"
else
	say "no BTF ($BTF/vmlinux is missing): format files only, so events get no context struct"
fi

tar -cf "$WORK/capture.tar" -C "$OUT" . || die "tar failed"
ARCHIVE=$PWD/$ARCHIVE_NAME
umask 022 # the archive holds nothing secret, and the user who ran sudo must be able to read it
gzip -c "$WORK/capture.tar" >"$ARCHIVE" || die "cannot write $ARCHIVE"
DONE=1
if [ -n "${SUDO_UID:-}" ] && [ -n "${SUDO_GID:-}" ]; then chown "$SUDO_UID:$SUDO_GID" "$ARCHIVE" 2>/dev/null; fi
say "wrote $ARCHIVE ($(wc -c <"$ARCHIVE" | awk '{ printf "%d bytes, %.1f MB", $1, $1 / 1048576 }'))"
