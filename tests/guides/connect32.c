/*
 * connect32: a 32-bit x86 program without libc that connects to 127.0.0.1:8081 twice, as a 32-bit
 * process on a 64-bit kernel can: with the connect system call (i386 number 362) and with
 * socketcall(SYS_CONNECT) (number 102). The probe tests run it to provoke what each probe misses.
 * Build: clang -m32 -O2 -ffreestanding -nostdlib -static -fno-pie connect32.c -o connect32
 */
#define SYS_exit 1
#define SYS_socketcall 102
#define SYS_socket 359
#define SYS_connect 362
#define SOCKETCALL_CONNECT 3

static long syscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return ret;
}

void _start(void)
{
	/* struct sockaddr_in for 127.0.0.1:8081, in network byte order. */
	struct { unsigned short family; unsigned char port[2], addr[4], zero[8]; } sa = { 2, { 0x1f, 0x91 }, { 127, 0, 0, 1 }, { 0 } };
	long args[3];

	syscall3(SYS_connect, syscall3(SYS_socket, 2, 1, 0), (long)&sa, sizeof(sa));
	args[0] = syscall3(SYS_socket, 2, 1, 0);
	args[1] = (long)&sa;
	args[2] = sizeof(sa);
	syscall3(SYS_socketcall, SOCKETCALL_CONNECT, (long)args, 0);
	syscall3(SYS_exit, 0, 0, 0);
	for (;;)
		;
}
