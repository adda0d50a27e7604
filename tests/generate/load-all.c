// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * load-all: loads many BPF objects through the kernel's verifier and attaches their programs, one
 * object at a time, in one process (much faster than one loader process per program).
 *
 *   load-all [--btf FILE] [--no-attach] OBJECT.bpf.o...
 *
 * --btf names a copy of /sys/kernel/btf/vmlinux for CO-RE relocation: libbpf reads the kernel's BTF
 * once per object, and sysfs hands it out a page per read() call, which is most of the time otherwise.
 * --no-attach stops after the verifier: detaching a tracepoint's last program waits for RCU grace
 * periods under a global mutex (tens of milliseconds each), so attaching is the slow part.
 *
 * Prints one JSON line per object:
 *   {"object":"…","ok":true}
 *   {"object":"…","ok":false,"stage":"open|load|attach","error":"…","log":"…"}
 * where log is the tail of libbpf's output (the verifier's log on a load failure).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

static char log_buf[1 << 16];
static size_t log_len;

static int collect(enum libbpf_print_level level, const char *format, va_list args)
{
	int n;

	if (log_len >= sizeof(log_buf) - 1)
		return 0;
	n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, format, args);
	if (n > 0)
		log_len = log_len + n < sizeof(log_buf) - 1 ? log_len + n : sizeof(log_buf) - 1;
	return 0;
}

static void put_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void report(const char *object, const char *stage, int err)
{
	const size_t tail = 3000;
	const char *log = log_len > tail ? log_buf + log_len - tail : log_buf;

	fputs("{\"object\":", stdout);
	put_json_string(object);
	if (!stage) {
		puts(",\"ok\":true}");
		return;
	}
	printf(",\"ok\":false,\"stage\":\"%s\",\"error\":", stage);
	put_json_string(strerror(err < 0 ? -err : err));
	fputs(",\"log\":", stdout);
	put_json_string(log);
	puts("}");
}

static const char *btf_path;
static int attach = 1;

static void load_one(const char *path)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *links[512] = {};
	int n_links = 0, err, i;

	log_len = 0;
	log_buf[0] = '\0';
	obj = bpf_object__open_file(path, &opts);
	if (!obj) {
		report(path, "open", errno);
		return;
	}
	err = bpf_object__load(obj);
	if (err) {
		report(path, "load", err);
		bpf_object__close(obj);
		return;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!attach)
			break;
		struct bpf_link *link = bpf_program__attach(prog);

		if (!link) {
			err = -errno;
			break;
		}
		if (n_links < 512)
			links[n_links++] = link;
	}
	report(path, err ? "attach" : NULL, err);
	for (i = 0; i < n_links; i++)
		bpf_link__destroy(links[i]);
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	int i;

	libbpf_set_print(collect);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--btf") == 0 && i + 1 < argc)
			btf_path = argv[++i];
		else if (strcmp(argv[i], "--no-attach") == 0)
			attach = 0;
		else
			break;
	}
	for (; i < argc; i++)
		load_one(argv[i]);
	return 0;
}
