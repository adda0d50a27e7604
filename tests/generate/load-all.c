// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * load-all: loads BPF objects through the kernel's verifier and attaches their programs, many
 * objects in one process (much faster than one loader process per object), and gives every program
 * its own verdict even when an object holds hundreds of them.
 *
 *   load-all [--btf FILE] [--no-attach] [--per-program] OBJECT.bpf.o...
 *   load-all --hold TRACEFS
 *
 * --btf names a copy of /sys/kernel/btf/vmlinux for CO-RE relocation: libbpf reads the kernel's BTF
 * once per object, and sysfs hands it out a page per read() call, which is most of the time otherwise.
 * --no-attach stops after the verifier: detaching a tracepoint's last program waits for RCU grace
 * periods under a global mutex (tens of milliseconds each), so attaching is the slow part.
 * --per-program prints a line per program instead of one per object.
 * --hold opens a disabled perf event on every tracepoint TRACEFS lists and then waits forever: while
 * a tracepoint has one, attaching and detaching a program there only adds and removes it from a list
 * — it is the last perf event to close that unregisters the tracepoint and waits for the grace
 * periods. The verification VM runs it in the background while it loads and is switched off after.
 *
 * libbpf loads an object's programs all or nothing: one rejected program fails bpf_object__load.
 * So when a load fails, the program libbpf names in its warning gets that verdict and the object is
 * opened again without it; should libbpf name none (a map it could not create, say), every program
 * left is loaded on its own. Programs that load are then attached one by one and detached all
 * together from many threads (see destroy_links).
 *
 * Prints JSON lines:
 *   {"object":"…","program":"…","ok":true}
 *   {"object":"…","program":"…","ok":false,"stage":"open|load|attach","error":"…","log":"…"}
 * where log is the tail of libbpf's warnings (the verifier's log on a load failure). Without
 * --per-program there is one line per object with no "program": ok when every program is, else the
 * first failure. An object that cannot be opened gets one line with "program":"" either way.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>

/* libbpf's warnings of the current attempt; when full, the older half is dropped (the end says why). */
static char log_buf[1 << 16];
static size_t log_len;
/* Kept of a failure's log: the verifier's last lines name the rejected access. */
#define LOG_TAIL 3000

static int collect(enum libbpf_print_level level, const char *format, va_list args)
{
	char line[8192];
	int n;

	/* Debug output is a line per section and relocation: of an object of hundreds of programs, megabytes. */
	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(line, sizeof(line), format, args);
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (log_len + n >= sizeof(log_buf)) {
		size_t keep = sizeof(log_buf) / 2;

		memmove(log_buf, log_buf + log_len - keep, keep);
		log_len = keep;
	}
	memcpy(log_buf + log_len, line, n);
	log_len += n;
	log_buf[log_len] = '\0';
	return 0;
}

static void clear_log(void)
{
	log_len = 0;
	log_buf[0] = '\0';
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

static void print_line(const char *object, const char *program, const char *stage, int err, const char *log)
{
	fputs("{\"object\":", stdout);
	put_json_string(object);
	if (program) {
		fputs(",\"program\":", stdout);
		put_json_string(program);
	}
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

enum state { PENDING, PASSED, FAILED };

struct verdict {
	char *name;
	enum state state;
	const char *stage;
	int err;
	char *log;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Time spent attaching and detaching the current object's programs, for the progress line. */
static double attach_seconds;

static const char *btf_path;
static int attach = 1;
static int per_program;

static void fail(struct verdict *v, const char *stage, int err)
{
	size_t from = log_len > LOG_TAIL ? log_len - LOG_TAIL : 0;

	v->state = FAILED;
	v->stage = stage;
	v->err = err;
	v->log = strdup(log_buf + from);
}

static struct bpf_object *open_object(const char *path)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path);

	return bpf_object__open_file(path, &opts);
}

/* The program libbpf's last "prog 'NAME': …" warning names, among those still pending; -1 if none. */
static int culprit(struct verdict *v, int n)
{
	const char *at = NULL, *p = log_buf;
	int i;

	while ((p = strstr(p, "prog '")))
		at = p++;
	if (!at)
		return -1;
	at += strlen("prog '");
	for (i = 0; i < n; i++) {
		size_t len = strlen(v[i].name);

		if (v[i].state == PENDING && strncmp(at, v[i].name, len) == 0 && at[len] == '\'')
			return i;
	}
	return -1;
}

/* Programs attached at once before they are all detached. */
#define LINKS_AT_ONCE 128

struct detacher {
	struct bpf_link **links;
	int from, to;
};

static void *detach_range(void *arg)
{
	struct detacher *d = arg;
	int i;

	for (i = d->from; i < d->to; i++) {
		if (d->links[i])
			bpf_link__destroy(d->links[i]);
		d->links[i] = NULL;
	}
	return NULL;
}

/*
 * Detaches every link, from many threads at once: closing a program's perf event waits for an RCU
 * grace period, and waiters at the same time share one.
 */
static void destroy_links(struct bpf_link **links, int n)
{
	enum { THREADS = 64 };
	pthread_t threads[THREADS];
	struct detacher parts[THREADS];
	int t, started = 0;

	for (t = 0; t < THREADS; t++) {
		parts[t] = (struct detacher){ links, n * t / THREADS, n * (t + 1) / THREADS };
		if (parts[t].from == parts[t].to)
			continue;
		if (pthread_create(&threads[started], NULL, detach_range, &parts[t]) == 0)
			started++;
		else
			detach_range(&parts[t]);
	}
	for (t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
}

/*
 * Loads the pending programs of `path` (only program `only` when it is not -1) and attaches them.
 * Returns 0 when they loaded (each then PASSED, or FAILED at attach); 1 when the load failed and the
 * program to blame (`only`, or the one libbpf named) is now FAILED; -1 when it failed and libbpf
 * named no pending program.
 */
static int load_pending(const char *path, struct verdict *v, int n, int only)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int err, i = 0;

	clear_log();
	obj = open_object(path);
	if (!obj) {
		if (only < 0)
			return -1;
		fail(&v[only], "open", -errno);
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		bpf_program__set_autoload(prog, v[i].state == PENDING && (only < 0 || only == i));
		i++;
	}
	err = bpf_object__load(obj);
	if (err) {
		int guilty = only >= 0 ? only : culprit(v, n);

		if (guilty >= 0)
			fail(&v[guilty], "load", err);
		bpf_object__close(obj);
		return guilty >= 0 ? 1 : -1;
	}
	double attach_started = now();
	struct bpf_link **links = calloc(n, sizeof(*links));
	int attached = 0;

	i = 0;
	bpf_object__for_each_program(prog, obj) {
		if (bpf_program__autoload(prog) && attach) {
			clear_log();
			links[i] = bpf_program__attach(prog);
			if (!links[i]) {
				fail(&v[i++], "attach", -errno);
				continue;
			}
			/* A link holds two files (perf event, link): detach now and then, not all at the end. */
			if (++attached % LINKS_AT_ONCE == 0)
				destroy_links(links, i + 1);
		}
		if (bpf_program__autoload(prog))
			v[i].state = PASSED;
		i++;
	}
	destroy_links(links, n);
	free(links);
	attach_seconds += now() - attach_started;
	bpf_object__close(obj);
	return 0;
}

static void load_object(const char *path)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct verdict *v;
	int n = 0, i, first_failure = -1, status, rounds = 0;
	double started = now();

	attach_seconds = 0;
	clear_log();
	obj = open_object(path);
	if (!obj) {
		print_line(path, "", "open", errno, log_buf);
		return;
	}
	bpf_object__for_each_program(prog, obj)
		n++;
	v = calloc(n ? n : 1, sizeof(*v));
	i = 0;
	bpf_object__for_each_program(prog, obj)
		v[i++].name = strdup(bpf_program__name(prog));
	bpf_object__close(obj);

	/* Each round that fails takes the program libbpf blamed out, so this ends within n rounds. */
	while ((status = load_pending(path, v, n, -1)) == 1)
		rounds++;
	/* libbpf blamed no program (a map it could not create, say): each one left gets a load of its own. */
	if (status < 0)
		for (i = 0; i < n; i++)
			if (v[i].state == PENDING)
				load_pending(path, v, n, i);
	fprintf(stderr, "load-all: %s: %d programs in %.2f s (%d failed loads; attaching and detaching %.2f s)\n",
		path, n, now() - started, rounds, attach_seconds);

	for (i = 0; i < n; i++) {
		if (per_program)
			print_line(path, v[i].name, v[i].state == FAILED ? v[i].stage : NULL, v[i].err, v[i].log ? v[i].log : "");
		else if (v[i].state == FAILED && first_failure < 0)
			first_failure = i;
	}
	if (!per_program) {
		struct verdict *f = first_failure >= 0 ? &v[first_failure] : NULL;

		print_line(path, NULL, f ? f->stage : NULL, f ? f->err : 0, f ? f->log : "");
	}
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].log);
	}
	free(v);
}

/* --hold: a disabled perf event on every tracepoint `tracefs` lists, then sleep until killed. */
static int hold(const char *tracefs)
{
	char path[4096], line[512];
	int held = 0, listed = 0;
	FILE *events;

	snprintf(path, sizeof(path), "%s/available_events", tracefs);
	events = fopen(path, "r");
	if (!events) {
		fprintf(stderr, "load-all: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), events)) {
		struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr), .disabled = 1 };
		char *colon = strchr(line, ':');
		FILE *id;

		line[strcspn(line, "\n")] = '\0';
		if (!colon)
			continue;
		*colon = '/';
		listed++;
		snprintf(path, sizeof(path), "%s/events/%s/id", tracefs, line);
		id = fopen(path, "r");
		if (!id)
			continue;
		if (fscanf(id, "%llu", (unsigned long long *)&attr.config) == 1 &&
		    syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC) >= 0)
			held++;
		fclose(id);
	}
	fclose(events);
	printf("holding %d of %d tracepoints\n", held, listed);
	fflush(stdout);
	for (;;)
		pause();
}

/*
 * Thousands of files: --hold keeps one per tracepoint, and an object of 200 programs has a file per
 * program and per map (three each, paired with sys_exit), more than the usual 1024.
 */
static void raise_file_limit(void)
{
	struct rlimit files = { 1 << 16, 1 << 16 };

	if (setrlimit(RLIMIT_NOFILE, &files) == 0 || getrlimit(RLIMIT_NOFILE, &files) != 0)
		return;
	files.rlim_cur = files.rlim_max;
	setrlimit(RLIMIT_NOFILE, &files);
}

int main(int argc, char **argv)
{
	int i;

	raise_file_limit();
	if (argc == 3 && strcmp(argv[1], "--hold") == 0)
		return hold(argv[2]);

	libbpf_set_print(collect);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--btf") == 0 && i + 1 < argc)
			btf_path = argv[++i];
		else if (strcmp(argv[i], "--no-attach") == 0)
			attach = 0;
		else if (strcmp(argv[i], "--per-program") == 0)
			per_program = 1;
		else
			break;
	}
	for (; i < argc; i++)
		load_object(argv[i]);
	return 0;
}
