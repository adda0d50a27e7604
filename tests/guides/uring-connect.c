/*
 * uring-connect: connects to 127.0.0.1:PORT through io_uring (IORING_OP_CONNECT), so the kernel connects
 * without a connect system call and without libc's connect(), and prints the completion's result
 * (-111, ECONNREFUSED, for a closed port). The probe test runs it to provoke what the probes miss.
 * Build: cc -O2 -Wall uring-connect.c -o uring-connect -luring
 */
#include <arpa/inet.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int fd, err;

	if (argc != 2) {
		fprintf(stderr, "usage: uring-connect PORT\n");
		return 2;
	}
	sa.sin_port = htons(atoi(argv[1]));
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("uring-connect: socket");
		return 1;
	}
	err = io_uring_queue_init(4, &ring, 0);
	if (err < 0) {
		fprintf(stderr, "uring-connect: io_uring_queue_init: %s\n", strerror(-err));
		return 1;
	}
	io_uring_prep_connect(io_uring_get_sqe(&ring), fd, (struct sockaddr *)&sa, sizeof(sa));
	io_uring_submit(&ring);
	err = io_uring_wait_cqe(&ring, &cqe);
	if (err < 0) {
		fprintf(stderr, "uring-connect: waiting for the completion: %s\n", strerror(-err));
		return 1;
	}
	printf("%d\n", cqe->res);
	return 0;
}
