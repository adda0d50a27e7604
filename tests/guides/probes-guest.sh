#!/bin/sh
# /atlas/then of the VM probes-vm.test.ts boots (see scripts/capture/debian/init.sh): attaches each
# /probes/<name>.bpf.o with the static /probes/attach, makes a connect() to 127.0.0.1:8081 with
# busybox nc, and leaves for the host in $OUT/probes/:
#   trace_pipe                     everything /sys/kernel/tracing/trace_pipe gave meanwhile
#   <name>.{stdout,stderr,status}  the loader's output and exit status
#   <name>.pid                     the pid of the nc that connected
T=$1
OUT=$2
say() { echo "atlas: $*"; }

/bin/busybox --install -s /bin 2>/dev/null
ulimit -l unlimited
ip link set lo up
mkdir -p $OUT/probes
cat $T/trace_pipe >$OUT/probes/trace_pipe &
pipe=$!
for object in /probes/*.bpf.o; do
	name=$(basename "$object" .bpf.o)
	out=$OUT/probes/$name
	say "step probe $name"
	/probes/attach "$object" >"$out.stdout" 2>"$out.stderr" &
	loader=$!
	i=0
	while ! grep -q Ctrl-C "$out.stdout" && kill -0 $loader 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sh -c "echo \$\$ >$out.pid; exec nc 127.0.0.1 8081" >/dev/null 2>&1
	sleep 1
	kill -INT $loader 2>/dev/null
	wait $loader
	echo $? >"$out.status"
done
sleep 1
kill $pipe
