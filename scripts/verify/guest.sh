#!/bin/sh
# /atlas/then of the verification VM (see scripts/capture/debian/init.sh, which runs it once the
# snapshot's trace-event modules are loaded): runs the headline programs end to end, then loads and
# attaches every object through this kernel's verifier, leaving the results in $OUT/verify for the host.
#
#   /verify/load-all                  static loader: one JSON line per program (tests/generate/load-all.c)
#   /verify/batches/<n>               object paths (hundreds of programs each), one per line, loaded by one load-all process
#   /verify/headline/<name>/prog      a generated loader, built statically
#   /verify/headline/<name>/trigger   sh script making its event fire; $1 is where it writes its pid
#
# Results:
#   $OUT/verify/load.jsonl                          load-all's lines, every batch
#   $OUT/verify/load.stderr                         anything load-all printed besides
#   $OUT/verify/headline/<name>/{stdout,stderr,status,trigger-pid,trigger-output}
T=$1
OUT=$2
say() { echo "atlas: $*"; }

/bin/busybox --install -s /bin 2>/dev/null
# Kernels before 5.11 charge BPF maps to RLIMIT_MEMLOCK.
ulimit -l unlimited
mkdir -p $OUT/verify/headline
ip link set lo up

for dir in /verify/headline/*/; do
	[ -x "$dir/prog" ] || continue
	name=$(basename "$dir")
	out=$OUT/verify/headline/$name
	mkdir -p "$out"
	say "step headline $name"
	"$dir/prog" >"$out/stdout" 2>"$out/stderr" &
	loader=$!
	# The loader prints its column header once it is attached; under emulation that takes seconds.
	i=0
	while [ ! -s "$out/stdout" ] && kill -0 $loader 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ -s "$out/stdout" ]; then
		sh "$dir/trigger" "$out/trigger-pid" >"$out/trigger-output" 2>&1
		# Records reach the loader through a buffer it polls every 100 ms.
		sleep 1
	fi
	kill -INT $loader 2>/dev/null
	wait $loader
	echo $? >"$out/status"
done

# libbpf reads the kernel's BTF for every object; sysfs hands it out a page per read (see load-all.c).
cp /sys/kernel/btf/vmlinux /tmp/vmlinux.btf
# A disabled perf event on every tracepoint, so that detaching a program is not the tracepoint's
# last and waits for no unregistering (see load-all.c). Never stopped: the VM is switched off after.
/verify/load-all --hold "$T" >/tmp/hold.out 2>&1 &
i=0
while [ ! -s /tmp/hold.out ] && [ $i -lt 3000 ]; do
	sleep 0.1
	i=$((i + 1))
done
say "step $(cat /tmp/hold.out)"
total=$(cat /verify/batches/* | wc -l)
say "step load-all: $total objects"
done_count=0
for batch in /verify/batches/*; do
	/verify/load-all --per-program --btf /tmp/vmlinux.btf $(cat "$batch") >>$OUT/verify/load.jsonl 2>>$OUT/verify/load.stderr
	done_count=$((done_count + $(wc -l <"$batch")))
	say "step loaded and attached $done_count of $total objects ($(wc -l <$OUT/verify/load.jsonl) programs)"
done
