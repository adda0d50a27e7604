// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * attach: loads a BPF object file, attaches each of its programs where its SEC() name says
 * (tracepoint, raw_tp, tp_btf, kprobe, fentry, uprobe, ksyscall: libbpf knows them all),
 * and keeps them attached until Ctrl-C. The programs print with bpf_printk; read trace_pipe.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

int main(int argc, char **argv)
{
	struct bpf_link *links[16];
	struct bpf_program *prog;
	struct bpf_object *obj;
	int n = 0, err;

	if (argc != 2) {
		fprintf(stderr, "usage: sudo %s PROGRAM.bpf.o\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "the kernel refused %s: %s\n", argv[1], strerror(-err));
		goto out;
	}
	bpf_object__for_each_program(prog, obj) {
		if (n == 16 || !(links[n] = bpf_program__attach(prog))) {
			err = n == 16 ? -E2BIG : -errno;
			fprintf(stderr, "cannot attach %s (SEC(\"%s\")): %s\n", bpf_program__name(prog),
				bpf_program__section_name(prog), strerror(-err));
			goto out;
		}
		printf("attached %s at %s\n", bpf_program__name(prog), bpf_program__section_name(prog));
		n++;
	}
	printf("Ctrl-C detaches. Its bpf_printk lines: sudo cat /sys/kernel/tracing/trace_pipe\n");
	fflush(stdout);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop)
		sleep(1);
out:
	while (n > 0)
		bpf_link__destroy(links[--n]);
	bpf_object__close(obj);
	return err ? 1 : 0;
}
