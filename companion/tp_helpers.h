/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * tp_helpers.h: what every generated loader shares. It checks that this machine can run the program
 * (root, tracefs, the tracepoints, BTF) and prints record fields the way people read them: strings
 * quoted, addresses as 127.0.0.1:80, device numbers as 8:0, failed syscalls as -ECONNREFUSED.
 * Plain C and libc; each loader includes it once.
 */
#ifndef TP_HELPERS_H
#define TP_HELPERS_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <linux/types.h>

/* A tracepoint a program attaches to, and where it is known to exist. */
struct tp_event {
	const char *category;
	const char *name;
	const char *captured_on; /* ids of the captured kernels that have it */
	const char *module;      /* the module that defines it, or NULL for the kernel itself */
};

#define tp_min(a, b) ((a) < (b) ? (a) : (b))

/* Where tracefs is mounted, or NULL. */
static inline const char *tp_tracefs(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0)
		return "/sys/kernel/tracing";
	if (access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return "/sys/kernel/debug/tracing";
	return NULL;
}

/* Whether a name is safe to print inside a shell command: letters, digits, _ and -, not starting with -. */
static inline int tp_plain_name(const char *s)
{
	const char *p;

	if (!*s || *s == '-')
		return 0;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

/*
 * Checks, before libbpf tries, what would make loading fail with a less helpful message:
 * not root, tracefs not mounted, a tracepoint this kernel lacks, no BTF for a vmlinux.h program.
 * Prints what to do and returns -1 on the first problem.
 */
static inline int tp_check_environment(const struct tp_event *events, size_t count, int needs_btf)
{
	struct utsname kernel;
	const char *tracefs;
	char path[512];
	size_t i;

	if (uname(&kernel))
		strcpy(kernel.release, "(unknown)");
	if (geteuid() != 0) {
		fprintf(stderr, "Run this program as root (with sudo): it reads the tracepoints under tracefs, which only root may open, and loads BPF programs.\n");
		return -1;
	}
	tracefs = tp_tracefs();
	if (!tracefs) {
		fprintf(stderr, "tracefs is not mounted, so the tracepoints cannot be found. Mount it with:\n"
				"  sudo mount -t tracefs nodev /sys/kernel/tracing\n");
		return -1;
	}
	for (i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "%s/events/%s/%s", tracefs, events[i].category, events[i].name);
		if (access(path, F_OK) == 0)
			continue;
		fprintf(stderr, "This kernel (%s) has no tracepoint %s:%s (%s is missing).\n", kernel.release,
			events[i].category, events[i].name, path);
		if (events[i].module && tp_plain_name(events[i].module))
			fprintf(stderr, "It is defined by the module %s: load it first with  sudo modprobe %s\n",
				events[i].module, events[i].module);
		fprintf(stderr, "Captured kernels that have it: %s. List this kernel's with  sudo cat %s/available_events\n",
			events[i].captured_on, tracefs);
		return -1;
	}
	if (needs_btf && access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		fprintf(stderr, "This kernel (%s) has no BTF (/sys/kernel/btf/vmlinux), which this program's vmlinux.h types need.\n"
				"Generate it again with the portable context (--context portable), which reads the format file's offsets.\n",
			kernel.release);
		return -1;
	}
	return 0;
}

/* Writes `len` bytes of `s`, NULs included, escaping quotes, backslashes and unprintable bytes ("ab\x00\x01"). */
static inline void tp_put_escaped_bytes(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

/* Writes at most `size` bytes of `s`, up to its NUL, escaped as tp_put_escaped_bytes does. */
static inline void tp_put_escaped(const char *s, size_t size)
{
	tp_put_escaped_bytes(s, strnlen(s, size));
}

static inline void tp_print_columns(void)
{
	printf("%-8s %-7s %-16s %s\n", "TIME", "PID", "COMM", "EVENT AND FIELDS");
}

/* The start of a line: wall-clock time, process id, command name, event. */
static inline void tp_print_header(__u32 pid, const char *comm, const char *event)
{
	char ts[16] = "";
	time_t now = time(NULL);
	struct tm tm;
	int width;

	if (localtime_r(&now, &tm))
		strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	printf("%-8s %-7u ", ts, pid);
	width = (int)strnlen(comm, 16);
	tp_put_escaped(comm, 16);
	printf("%*s %s", width < 16 ? 16 - width : 0, "", event);
}

static inline void tp_print_signed(const char *name, long long value)
{
	printf(" %s=%lld", name, value);
}

static inline void tp_print_unsigned(const char *name, unsigned long long value)
{
	printf(" %s=%llu", name, value);
}

static inline void tp_print_hex(const char *name, unsigned long long value)
{
	printf(" %s=0x%llx", name, value);
}

static inline void tp_print_octal(const char *name, unsigned long long value)
{
	printf(" %s=0%llo", name, value);
}

static inline void tp_print_bool(const char *name, unsigned long long value)
{
	printf(" %s=%s", name, value ? "true" : "false");
}

/* A value's name in a table from the kernel's print fmt (__print_symbolic, __print_flags). */
struct tp_name {
	unsigned long long value;
	const char *name;
};

/*
 * Text a print fmt prints right before or after a field's names, chosen by the field's value (7.2's openat
 * prints O_RDONLY| before O_CLOEXEC when the access mode bits are 0): a function of the generated header, or NULL.
 */
typedef const char *(*tp_affix)(unsigned long long value);

/* name=NET_RX (3) as __print_symbolic shows it; a value the table does not name stays a number: name=1234. */
static inline void tp_print_symbolic(const char *name, unsigned long long value, int is_signed, const struct tp_name *table, size_t count, tp_affix before, tp_affix after)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (table[i].value == value)
			break;
	printf(" %s=%s", name, before ? before(value) : "");
	if (i < count)
		printf("%s%s (", table[i].name, after ? after(value) : "");
	printf(is_signed ? "%lld" : "%llu", value);
	if (i < count)
		putchar(')');
	else if (after)
		printf("%s", after(value));
}

/*
 * name=O_WRONLY|O_CREAT (0x41) as __print_flags shows it: the names of the entries whose bits are all set,
 * in table order, then the bits no entry names, in hex (name=O_WRONLY|0x80000 (0x80001)). The print fmt may
 * keep only `mask`'s bits and name a value of 0 (sched_switch's prev_state=R); the number in brackets is
 * always the whole value.
 */
static inline void tp_print_flags(const char *name, unsigned long long value, const struct tp_name *table, size_t count, const char *delimiter, unsigned long long mask, const char *zero, tp_affix before, tp_affix after)
{
	unsigned long long rest = value & mask;
	const char *sep = "";
	size_t i;

	printf(" %s=%s", name, before ? before(value) : "");
	if (rest == 0) {
		for (i = 0; i < count && !zero; i++)
			if (table[i].value == 0)
				zero = table[i].name;
		printf("%s%s (0x%llx)", zero ? zero : "0", after ? after(value) : "", value);
		return;
	}
	for (i = 0; i < count && rest; i++) {
		unsigned long long bits = table[i].value;

		if (bits == 0 || (rest & bits) != bits)
			continue;
		printf("%s%s", sep, table[i].name);
		sep = delimiter;
		rest &= ~bits;
	}
	if (rest)
		printf("%s0x%llx", sep, rest);
	printf("%s (0x%llx)", after ? after(value) : "", value);
}

/* A device number as the kernel keeps it inside trace events: major << 20 | minor. */
static inline void tp_print_dev(const char *name, __u32 dev)
{
	printf(" %s=%u:%u", name, dev >> 20, dev & 0xfffff);
}

static inline const char *tp_errno_name(long long err)
{
	switch (err) {
#define TP_ERRNO(e) case e: return #e;
	TP_ERRNO(EPERM) TP_ERRNO(ENOENT) TP_ERRNO(ESRCH) TP_ERRNO(EINTR) TP_ERRNO(EIO) TP_ERRNO(ENXIO)
	TP_ERRNO(E2BIG) TP_ERRNO(ENOEXEC) TP_ERRNO(EBADF) TP_ERRNO(ECHILD) TP_ERRNO(EAGAIN) TP_ERRNO(ENOMEM)
	TP_ERRNO(EACCES) TP_ERRNO(EFAULT) TP_ERRNO(EBUSY) TP_ERRNO(EEXIST) TP_ERRNO(EXDEV) TP_ERRNO(ENODEV)
	TP_ERRNO(ENOTDIR) TP_ERRNO(EISDIR) TP_ERRNO(EINVAL) TP_ERRNO(ENFILE) TP_ERRNO(EMFILE) TP_ERRNO(ENOTTY)
	TP_ERRNO(ETXTBSY) TP_ERRNO(EFBIG) TP_ERRNO(ENOSPC) TP_ERRNO(ESPIPE) TP_ERRNO(EROFS) TP_ERRNO(EMLINK)
	TP_ERRNO(EPIPE) TP_ERRNO(EDOM) TP_ERRNO(ERANGE) TP_ERRNO(EDEADLK) TP_ERRNO(ENAMETOOLONG)
	TP_ERRNO(ENOLCK) TP_ERRNO(ENOSYS) TP_ERRNO(ENOTEMPTY) TP_ERRNO(ELOOP) TP_ERRNO(ENOMSG) TP_ERRNO(ENODATA)
	TP_ERRNO(ETIME) TP_ERRNO(EOVERFLOW) TP_ERRNO(EILSEQ) TP_ERRNO(ENOTSOCK) TP_ERRNO(EDESTADDRREQ)
	TP_ERRNO(EMSGSIZE) TP_ERRNO(EPROTOTYPE) TP_ERRNO(ENOPROTOOPT) TP_ERRNO(EPROTONOSUPPORT)
	TP_ERRNO(EOPNOTSUPP) TP_ERRNO(EAFNOSUPPORT) TP_ERRNO(EADDRINUSE) TP_ERRNO(EADDRNOTAVAIL)
	TP_ERRNO(ENETDOWN) TP_ERRNO(ENETUNREACH) TP_ERRNO(ECONNABORTED) TP_ERRNO(ECONNRESET) TP_ERRNO(ENOBUFS)
	TP_ERRNO(EISCONN) TP_ERRNO(ENOTCONN) TP_ERRNO(ETIMEDOUT) TP_ERRNO(ECONNREFUSED) TP_ERRNO(EHOSTUNREACH)
	TP_ERRNO(EALREADY) TP_ERRNO(EINPROGRESS) TP_ERRNO(ESTALE) TP_ERRNO(EDQUOT) TP_ERRNO(ECANCELED)
	TP_ERRNO(EOWNERDEAD) TP_ERRNO(ENOTRECOVERABLE)
#undef TP_ERRNO
	/* Kernel-internal codes that reach user space through tracepoints. */
	case 512: return "ERESTARTSYS";
	case 513: return "ERESTARTNOINTR";
	case 514: return "ERESTARTNOHAND";
	case 516: return "ERESTART_RESTARTBLOCK";
	default: return NULL;
	}
}

/* A syscall's return value: a negative errno by name (-ENOENT), anything else as a number. */
static inline void tp_print_errno(const char *name, long long value)
{
	const char *errname = value < 0 && value >= -4095 ? tp_errno_name(-value) : NULL;

	if (errname)
		printf(" %s=-%s", name, errname);
	else
		printf(" %s=%lld", name, value);
}

static inline void tp_print_string(const char *name, const char *s, size_t size)
{
	printf(" %s=\"", name);
	tp_put_escaped(s, size);
	putchar('"');
}

/* A string read from user memory: `len` bytes with its NUL, or 0 when the pointer could not be read. */
static inline void tp_print_user_string(const char *name, const char *s, size_t size, __u32 len)
{
	if (!len) {
		printf(" %s=(unreadable)", name);
		return;
	}
	tp_print_string(name, s, tp_min(len, size));
}

/* The first entries of an argv array, read into `count` slots of `size` bytes; an empty slot ends it. */
static inline void tp_print_argv(const char *name, const char *slots, size_t count, size_t size)
{
	size_t i;

	printf(" %s=[", name);
	for (i = 0; i < count && slots[i * size]; i++) {
		printf("%s\"", i ? ", " : "");
		tp_put_escaped(slots + i * size, size);
		putchar('"');
	}
	putchar(']');
}

static inline void tp_print_ipv4(const char *name, const __u8 *addr)
{
	char text[INET_ADDRSTRLEN];

	printf(" %s=%s", name, inet_ntop(AF_INET, addr, text, sizeof(text)) ? text : "?");
}

static inline void tp_print_ipv6(const char *name, const __u8 *addr)
{
	char text[INET6_ADDRSTRLEN];

	printf(" %s=%s", name, inet_ntop(AF_INET6, addr, text, sizeof(text)) ? text : "?");
}

static inline void tp_print_mac(const char *name, const __u8 *a)
{
	printf(" %s=%02x:%02x:%02x:%02x:%02x:%02x", name, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* A socket address from its first `len` bytes: 127.0.0.1:80, [::1]:80, unix:/run/x.sock, unix:@abstract. */
static inline void tp_print_sockaddr(const char *name, const __u8 *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];
	sa_family_t family;

	if (len < sizeof(family)) {
		printf(" %s=(none)", name);
		return;
	}
	memcpy(&family, buf, sizeof(family));
	if (family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in in;

		memcpy(&in, buf, sizeof(in));
		inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
		printf(" %s=%s:%u", name, text, ntohs(in.sin_port));
	} else if (family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 in6;

		memcpy(&in6, buf, sizeof(in6));
		inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
		printf(" %s=[%s]:%u", name, text, ntohs(in6.sin6_port));
	} else if (family == AF_UNIX) {
		const char *path = (const char *)buf + sizeof(family);
		size_t n = len - sizeof(family);

		printf(" %s=unix:", name);
		if (n == 0) {
			fputs("(unnamed)", stdout);
		} else if (path[0] == '\0') {
			putchar('@'); /* an abstract socket: its name follows a NUL */
			tp_put_escaped(path + 1, n - 1);
		} else {
			tp_put_escaped(path, n);
		}
	} else {
		printf(" %s=(family %u, %zu bytes)", name, family, len);
	}
}

/* Bytes in hex, at most 64 of them. */
static inline void tp_print_bytes(const char *name, const void *data, size_t len)
{
	const __u8 *b = data;
	size_t i;

	printf(" %s=", name);
	for (i = 0; i < len && i < 64; i++)
		printf("%02x", b[i]);
	if (len > 64)
		printf("...(%zu bytes)", len);
	if (len == 0)
		fputs("(empty)", stdout);
}

/* A buffer's first `len` bytes, quoted and escaped; "..." and its whole length when `total` is more. */
static inline void tp_print_buffer(const char *name, const void *data, size_t len, unsigned long long total)
{
	printf(" %s=\"", name);
	tp_put_escaped_bytes(data, len);
	putchar('"');
	if (total > len)
		printf("...(%llu bytes)", total);
}

/* An array of `count` integers of `size` bytes each. */
static inline void tp_print_array(const char *name, const void *data, size_t count, size_t size, int is_signed)
{
	const __u8 *p = data;
	size_t i;

	printf(" %s=[", name);
	for (i = 0; i < count; i++, p += size) {
		unsigned long long u = 0;
		long long s = 0;

		switch (size) {
		case 1: { __u8 v; memcpy(&v, p, 1); u = v; s = (__s8)v; break; }
		case 2: { __u16 v; memcpy(&v, p, 2); u = v; s = (__s16)v; break; }
		case 4: { __u32 v; memcpy(&v, p, 4); u = v; s = (__s32)v; break; }
		default: { __u64 v; memcpy(&v, p, 8); u = v; s = (__s64)v; break; }
		}
		if (is_signed)
			printf("%s%lld", i ? ", " : "", s);
		else
			printf("%s%llu", i ? ", " : "", u);
	}
	putchar(']');
}

/* Whether `msg` (up to `end`) starts with one of `events`' names followed by ':' or the end of the line. */
static inline int tp_names_event(const char *msg, const char *end, const struct tp_event *events, size_t count)
{
	size_t i, n;

	for (i = 0; i < count; i++) {
		n = strlen(events[i].name);
		if ((size_t)(end - msg) >= n && !memcmp(msg, events[i].name, n) && (msg + n == end || msg[n] == ':' || msg[n] == '\n'))
			return 1;
	}
	return 0;
}

/*
 * Whether a trace_pipe line is a bpf_printk line of `events`: `comm-pid [cpu] flags time: bpf_trace_printk: <event>: …`
 * (older kernels print another tag, or none, before the message).
 */
static inline int tp_own_line(const char *line, size_t len, const struct tp_event *events, size_t count)
{
	const char *end = line + len, *p;

	for (p = line; p + 2 <= end; p++) {
		if (p[0] != ':' || p[1] != ' ')
			continue;
		if ((size_t)(end - (p + 2)) >= 18 && !memcmp(p + 2, "bpf_trace_printk: ", 18))
			return tp_names_event(p + 20, end, events, count);
		if (tp_names_event(p + 2, end, events, count))
			return 1;
	}
	return 0;
}

/*
 * The trace_pipe to read bpf_printk lines from. Reading a trace_pipe consumes its lines, so reading the
 * shared one would take other programs' lines away from them. Since 5.10, bpf_printk writes the event
 * bpf_trace:bpf_trace_printk, which a tracefs instance of our own can record: its trace_pipe is ours
 * alone. `instance` receives the instance folder to remove afterwards ("" when none was made).
 */
static inline int tp_open_printk_pipe(const char *tracefs, char *instance, size_t size)
{
	char path[512];
	int fd;

	snprintf(instance, size, "%s/instances/tracepoint_atlas_%d", tracefs, (int)getpid());
	snprintf(path, sizeof(path), "%s/events/bpf_trace/bpf_trace_printk/enable", instance);
	if (mkdir(instance, 0700) == 0) {
		fd = open(path, O_WRONLY);
		if (fd >= 0 && write(fd, "1", 1) == 1) {
			close(fd);
			snprintf(path, sizeof(path), "%s/trace_pipe", instance);
			return open(path, O_RDONLY | O_NONBLOCK);
		}
		if (fd >= 0)
			close(fd);
		rmdir(instance);
	}
	instance[0] = '\0';
	fprintf(stderr, "This kernel has no bpf_trace:bpf_trace_printk event for a trace instance of our own (it came in 5.10),\n"
			"so the shared trace_pipe is read: other programs reading it lose the lines read here.\n");
	snprintf(path, sizeof(path), "%s/trace_pipe", tracefs);
	return open(path, O_RDONLY | O_NONBLOCK);
}

/* For bpf_printk programs: copies the bpf_printk lines of `events` to stdout until *stop is set. */
static inline int tp_copy_trace_pipe(volatile sig_atomic_t *stop, const struct tp_event *events, size_t count)
{
	char instance[256], line[4096];
	const char *tracefs = tp_tracefs();
	struct pollfd pfd;
	size_t len = 0;

	pfd.fd = tp_open_printk_pipe(tracefs ? tracefs : "/sys/kernel/tracing", instance, sizeof(instance));
	pfd.events = POLLIN;
	if (pfd.fd < 0) {
		fprintf(stderr, "cannot open the trace_pipe of %s: %s\n", instance[0] ? instance : "tracefs", strerror(errno));
		if (instance[0])
			rmdir(instance);
		return -1;
	}
	while (!*stop) {
		ssize_t n;
		size_t start = 0, i;

		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(pfd.fd, line + len, sizeof(line) - len);
		if (n <= 0)
			continue;
		len += n;
		for (i = 0; i < len; i++) {
			/* A line longer than the buffer is judged by what fits. */
			if (line[i] != '\n' && !(start == 0 && i == sizeof(line) - 1))
				continue;
			if (tp_own_line(line + start, i + 1 - start, events, count))
				fwrite(line + start, 1, i + 1 - start, stdout);
			start = i + 1;
		}
		memmove(line, line + start, len - start);
		len -= start;
		fflush(stdout);
	}
	close(pfd.fd);
	if (instance[0] && rmdir(instance))
		fprintf(stderr, "could not remove the trace instance %s: %s\n", instance, strerror(errno));
	return 0;
}

#endif /* TP_HELPERS_H */
