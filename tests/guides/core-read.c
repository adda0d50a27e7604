// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * core-read OBJECT: loads core-read.bpf.o, attaches it, calls getppid() and prints what the program read
 * for this process: "pid=<getpid()> relocated=<tgid, CO-RE> fixed=<tgid at the header's offset>". The call is
 * made from a second thread, whose task has a pid (thread id) other than its tgid: a read that lands on the
 * neighbouring pid field cannot pass for the tgid.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>

struct tgid_reads {
	int relocated;
	int fixed;
};

static void *call_getppid(void *unused)
{
	(void)unused;
	syscall(SYS_getppid);
	return NULL;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_link *link;
	struct tgid_reads r;
	pthread_t thread;
	__u32 pid = getpid();
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: sudo %s core-read.bpf.o\n", argv[0]);
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || (err = bpf_object__load(obj))) {
		fprintf(stderr, "the kernel refused %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	link = bpf_program__attach(bpf_object__find_program_by_name(obj, "read_tgid"));
	if (!link) {
		fprintf(stderr, "cannot attach: %s\n", strerror(errno));
		return 1;
	}
	if (pthread_create(&thread, NULL, call_getppid, NULL) || pthread_join(thread, NULL)) {
		fprintf(stderr, "cannot run the thread that calls getppid()\n");
		return 1;
	}
	err = bpf_map__lookup_elem(bpf_object__find_map_by_name(obj, "reads"), &pid, sizeof(pid), &r, sizeof(r), 0);
	if (err) {
		fprintf(stderr, "the program read nothing for pid %u: %s\n", pid, strerror(-err));
		return 1;
	}
	printf("pid=%u relocated=%d fixed=%d\n", pid, r.relocated, r.fixed);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
