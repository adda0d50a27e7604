// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * attach: loads BPF object files, attaches each of their programs where its SEC() name says
 * (tracepoint, raw_tp, tp_btf, kprobe, fentry, uprobe, ksyscall: libbpf knows them all),
 * and keeps them attached until Ctrl-C. The programs print with bpf_printk; read trace_pipe.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#define MAX 16

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

int main(int argc, char **argv)
{
	struct bpf_object *objs[MAX] = {};
	struct bpf_link *links[MAX];
	struct bpf_program *prog;
	int i, n = 0, err = 0;

	if (argc < 2 || argc > MAX + 1) {
		fprintf(stderr, "usage: sudo %s PROGRAM.bpf.o...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc && !err; i++) {
		objs[i - 1] = bpf_object__open_file(argv[i], NULL);
		if (!objs[i - 1]) {
			err = -errno;
			fprintf(stderr, "cannot open %s: %s\n", argv[i], strerror(-err));
			break;
		}
		err = bpf_object__load(objs[i - 1]);
		if (err) {
			fprintf(stderr, "the kernel refused %s: %s\n", argv[i], strerror(-err));
			break;
		}
		bpf_object__for_each_program(prog, objs[i - 1]) {
			if (n == MAX) {
				err = -E2BIG;
				fprintf(stderr, "more than %d programs\n", MAX);
				break;
			}
			links[n] = bpf_program__attach(prog);
			if (!links[n]) {
				err = -errno;
				fprintf(stderr, "cannot attach %s (SEC(\"%s\")): %s\n", bpf_program__name(prog),
					bpf_program__section_name(prog), strerror(-err));
				break;
			}
			printf("attached %s at %s\n", bpf_program__name(prog), bpf_program__section_name(prog));
			n++;
		}
	}
	if (!err) {
		printf("Ctrl-C detaches. Its bpf_printk lines: sudo cat /sys/kernel/tracing/trace_pipe\n");
		fflush(stdout);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		while (!stop)
			sleep(1);
	}
	while (n > 0)
		bpf_link__destroy(links[--n]);
	for (i = 0; i < MAX; i++)
		bpf_object__close(objs[i]);
	return err ? 1 : 0;
}
