#!/bin/sh
# /atlas/then of the VM probes-vm.test.ts boots (see scripts/capture/debian/init.sh): attaches each
# /probes/<name>.bpf.o with the static /probes/attach, makes a connect() to 127.0.0.1:8081 with
# busybox nc, then two with the 32-bit /probes/connect32, and leaves for the host in $OUT/probes/:
#   trace_pipe                     everything /sys/kernel/tracing/trace_pipe gave meanwhile
#   <name>.{stdout,stderr,status}  the loader's output and exit status
#   <name>.pid, <name>.pid32       the pids of the nc and of the connect32 that connected
#   <name>.status32                connect32's exit status (0: the kernel ran the 32-bit program)
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
	sh -c "echo \$\$ >$out.pid32; exec /probes/connect32"
	echo $? >"$out.status32"
	sleep 1
	kill -INT $loader 2>/dev/null
	wait $loader
	echo $? >"$out.status"
done
sleep 1
kill $pipe
