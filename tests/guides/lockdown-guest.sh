#!/bin/sh
# Run by the VM of probes-vm.test.ts after probes-guest.sh (lockdown only goes up, so it comes last): loads
# each /lockdown/<name>.bpf.o with the static /probes/attach under each lockdown mode in turn, raised
# through securityfs, and leaves for the host in $OUT/lockdown/:
#   <mode>.mode                         /sys/kernel/security/lockdown once the mode is set
#   <mode>.<name>.{stdout,stderr,status} the loader's output and exit status
#   lower.status                        the status of writing "none" back once in confidentiality
OUT=$2
say() { echo "atlas: $*"; }

L=/sys/kernel/security/lockdown
mkdir -p $OUT/lockdown
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
for mode in none integrity confidentiality; do
	[ $mode = none ] || echo $mode >$L
	cat $L >$OUT/lockdown/$mode.mode 2>&1
	for object in /lockdown/*.bpf.o; do
		name=$(basename "$object" .bpf.o)
		out=$OUT/lockdown/$mode.$name
		say "step lockdown $mode $name"
		# From its folder, as the guide runs it: the loader names the object as it was given.
		(cd /lockdown && exec /probes/attach "$name.bpf.o") >"$out.stdout" 2>"$out.stderr" &
		loader=$!
		i=0
		while ! grep -q Ctrl-C "$out.stdout" && kill -0 $loader 2>/dev/null && [ $i -lt 1200 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -INT $loader 2>/dev/null
		wait $loader
		echo $? >"$out.status"
	done
done
echo none >$L 2>/dev/null
echo $? >$OUT/lockdown/lower.status
exit 0
