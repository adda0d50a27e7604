#!/bin/sh
# PID 1 of the capture VM (busybox). Loads the modules listed in /atlas/load-order, attributing each
# new trace event to the module whose load made it appear, copies what the host's snapshot builder
# needs into /out, and writes /out as a tar onto the virtio disk /dev/vda.
#
# The host reads the console for lines starting with "atlas: ":
#   atlas: step <text>                 progress
#   atlas: loaded <module> <events>    a module loaded and added <events> trace events
#   atlas: load-failed <module> <why>  insmod failed (its events stay missing)
#   atlas: done <bytes> <sha256>       the tar on /dev/vda is complete
#   atlas: error <text>                the capture cannot go on
# /atlas/load-order has one "<module> <path> <defines-events: yes|no>" line per module, dependencies first;
# /atlas/channel-order lists the same way the modules that make /dev/vda appear (virtio).
# /atlas/modprobe (busybox) serves the kernel's own module requests (e.g. a crypto algorithm) from the
# staged modules once the built-in events are recorded; the rest of the time requests fail.
export PATH=/bin
say() { echo "atlas: $*"; }
fail() {
	say "error $*"
	poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null
if [ ! -r $T/available_events ]; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	T=/sys/kernel/debug/tracing
fi
[ -r $T/available_events ] || fail "no tracefs: this kernel has no available_events (CONFIG_EVENT_TRACING off?)"

OUT=/tmp/out
mkdir -p $OUT/events $OUT/btf
uname -r >$OUT/uname-r
uname -m >$OUT/uname-m
cat /proc/version >$OUT/proc-version
: >$OUT/event-origins
: >$OUT/modules-loaded

sort $T/available_events >/tmp/events.before
say "step $(wc -l </tmp/events.before) built-in events"
echo /atlas/modprobe >/proc/sys/kernel/modprobe

loaded_modules() { cut -d' ' -f1 /proc/modules | sort; }
# Diffing sorted lists (not the raw file, whose order shifts as modules add events) gives exactly the new ones.
while read -r module path defines_events; do
	loaded_modules >/tmp/modules.before
	if grep -q "^$module\$" /tmp/modules.before; then
		say "step $module was already loaded (requested by the kernel)"
		continue
	fi
	dmesg -c >/dev/null
	if insmod "/$path" 2>/tmp/insmod.err; then
		# A module the kernel pulled in meanwhile must not define events: they would be credited to $module.
		for other in $(loaded_modules | awk -v m="$module" 'NR == FNR { seen[$0] = 1; next } !seen[$0] && $0 != m' /tmp/modules.before -); do
			grep -q "^$other .* yes\$" /atlas/load-order && fail "loading $module also loaded $other, which defines trace events: their events cannot be told apart"
		done
		sort $T/available_events >/tmp/events.after
		awk -v m="$module" 'NR == FNR { seen[$0] = 1; next } !seen[$0] { print $0 " " m }' \
			/tmp/events.before /tmp/events.after >/tmp/new-events
		cat /tmp/new-events >>$OUT/event-origins
		mv /tmp/events.after /tmp/events.before
		if [ "$defines_events" = yes ] || [ -s /tmp/new-events ]; then echo "$module" >>$OUT/modules-loaded; fi
		say "loaded $module $(wc -l </tmp/new-events)"
	else
		# The kernel's log says why (which symbol, which device) better than insmod's errno does.
		say "load-failed $module $(dmesg | tail -n 3 | cat /tmp/insmod.err - | tr '\n' ' ')"
	fi
done </atlas/load-order

# Another user of this VM (scripts/verify) stages /atlas/then: it runs here, with the modules loaded,
# and fills $OUT instead of the capture.
if [ -x /atlas/then ]; then
	/atlas/then "$T" "$OUT" || fail "/atlas/then failed with status $?"
else
	say "step copying formats"
	cp $T/available_events $OUT/available_events
	sed "s|^\([^:]*\):\(.*\)$|$OUT/events/\1/\2|" $OUT/available_events | xargs mkdir -p
	# One awk process copies every format file: a busybox process per file costs minutes under emulation.
	awk -F: -v src=$T/events -v dst=$OUT/events '{
		from = src "/" $1 "/" $2 "/format"; to = dst "/" $1 "/" $2 "/format"
		while ((getline line < from) > 0) print line > to
		close(from); close(to)
	}' $OUT/available_events

	if [ -r /sys/kernel/btf/vmlinux ]; then
		cp /sys/kernel/btf/vmlinux $OUT/btf/vmlinux
		while read -r module; do
			[ -r "/sys/kernel/btf/$module" ] && cp "/sys/kernel/btf/$module" "$OUT/btf/$module"
		done <$OUT/modules-loaded
	fi
fi

say "step writing the result to the virtio disk"
while read -r module path defines_events; do
	insmod "/$path" 2>/dev/null
done </atlas/channel-order
for _ in $(seq 100); do
	[ -b /dev/vda ] && break
	sleep 0.1
done
[ -b /dev/vda ] || fail "no /dev/vda: the virtio disk did not appear (virtio_blk/virtio_pci missing?)"
tar -cf /tmp/out.tar -C $OUT .
dd if=/tmp/out.tar of=/dev/vda bs=1M conv=fsync 2>/dev/null || fail "writing /dev/vda failed"
sync
say "done $(wc -c </tmp/out.tar) $(sha256sum /tmp/out.tar | cut -d' ' -f1)"
poweroff -f
