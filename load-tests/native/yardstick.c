/*
 * The yardstick: the least a TCP-to-multicast relay must do, in C, on one thread.
 *
 * epoll over every feed's listener and connection; for each readable connection one read() of everything buffered
 * (up to the buffer's free space), then every complete relay-v1 DATA frame of that read sent with one sendmmsg(),
 * each iovec pointing straight into the read buffer at the frame's payload; a HEARTBEAT is consumed; anything else
 * (a bad length, another type) closes the connection. No copy, no queue, no second thread, no checks beyond the
 * framing: the physical limit the relay's figures are divided by (load-tests/README.md).
 *
 *   yardstick --interface-address 127.0.0.1 --ports 16666,16667 [--ttl 1] [--loop 1]
 *
 * Prints "ready" once listening, one "closed port=P frames=N datagrams=N heartbeats=N errors=N" line per closed
 * connection (the Java baseline prints the same), and stops on SIGTERM or SIGINT.
 *
 * Build: gcc -O2 -Wall -Wextra -o yardstick yardstick.c (load-tests/run.sh does it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_FEEDS 16
#define MAX_EVENTS 64
#define READ_BUFFER_BYTES (256 * 1024)
/* The most frames one read can hold: the smallest DATA frame is 28 bytes. */
#define MAX_BATCH (READ_BUFFER_BYTES / 28 + 1)
#define TYPE_DATA 1
#define TYPE_HEARTBEAT 2
#define DATA_HEADER 28
#define HEARTBEAT_LENGTH 20

struct connection {
    int fd;
    int port;
    size_t used;
    unsigned long long frames, datagrams, heartbeats, errors;
    unsigned char buffer[READ_BUFFER_BYTES];
};

static volatile sig_atomic_t stopping;
static struct mmsghdr messages[MAX_BATCH];
static struct iovec iovecs[MAX_BATCH];
static struct sockaddr_in addresses[MAX_BATCH];

static void on_signal(int signal) {
    (void)signal;
    stopping = 1;
}

static uint16_t be16(const unsigned char *p) {
    return (uint16_t)((p[0] << 8) | p[1]);
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

/*
 * Sends messages[0..count) with as few sendmmsg calls as the kernel allows; returns how many went. A datagram the
 * kernel refuses (sendmmsg fails on the first message of a call) is skipped and not counted, and the rest still go.
 */
static int send_all(int sender, int count) {
    int sent = 0;
    int next = 0;
    while (next < count) {
        int result = sendmmsg(sender, messages + next, (unsigned)(count - next), 0);
        if (result < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("sendmmsg");
            next++;
            continue;
        }
        sent += result;
        next += result;
    }
    return sent;
}

/*
 * Reads what is buffered and forwards every complete frame; returns 0 to keep the connection, -1 to close it. The
 * frames before a bad one are still sent: they were taken off TCP and counted.
 */
static int on_readable(struct connection *c, int sender) {
    ssize_t n = read(c->fd, c->buffer + c->used, sizeof(c->buffer) - c->used);
    if (n == 0) {
        return -1;
    }
    if (n < 0) {
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    }
    size_t available = c->used + (size_t)n;
    size_t offset = 0;
    int count = 0;
    int verdict = 0;
    while (available - offset >= 4) {
        const unsigned char *frame = c->buffer + offset;
        size_t length = be16(frame);
        unsigned type = frame[2];
        if ((type == TYPE_DATA && length < DATA_HEADER) || (type == TYPE_HEARTBEAT && length != HEARTBEAT_LENGTH)
            || (type != TYPE_DATA && type != TYPE_HEARTBEAT)) {
            c->errors++;
            verdict = -1;
            break;
        }
        if (available - offset < length) {
            break;
        }
        if (type == TYPE_DATA) {
            struct sockaddr_in *to = &addresses[count];
            to->sin_family = AF_INET;
            memcpy(&to->sin_addr.s_addr, frame + 4, 4);
            memcpy(&to->sin_port, frame + 8, 2);
            iovecs[count].iov_base = (void *)(frame + DATA_HEADER);
            iovecs[count].iov_len = length - DATA_HEADER;
            messages[count].msg_hdr.msg_name = to;
            messages[count].msg_hdr.msg_namelen = sizeof(*to);
            messages[count].msg_hdr.msg_iov = &iovecs[count];
            messages[count].msg_hdr.msg_iovlen = 1;
            count++;
            c->frames++;
        } else {
            c->heartbeats++;
        }
        offset += length;
    }
    if (count > 0) {
        int sent = send_all(sender, count);
        c->datagrams += (unsigned long long)sent;
        c->errors += (unsigned long long)(count - sent);
    }
    c->used = available - offset;
    if (c->used > 0 && offset > 0) {
        memmove(c->buffer, c->buffer + offset, c->used);
    }
    return verdict;
}

static int parse_ports(char *list, int *ports) {
    int count = 0;
    for (char *token = strtok(list, ","); token != NULL && count < MAX_FEEDS; token = strtok(NULL, ",")) {
        ports[count++] = atoi(token);
    }
    return count;
}

int main(int argc, char **argv) {
    const char *interface_address = "127.0.0.1";
    int ports[MAX_FEEDS];
    int feed_count = 0;
    int ttl = 1;
    int loop = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--interface-address") == 0) {
            interface_address = argv[i + 1];
        } else if (strcmp(argv[i], "--ports") == 0) {
            feed_count = parse_ports(argv[i + 1], ports);
        } else if (strcmp(argv[i], "--ttl") == 0) {
            ttl = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--loop") == 0) {
            loop = atoi(argv[i + 1]);
        } else {
            fprintf(stderr, "unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (feed_count == 0) {
        fprintf(stderr, "usage: yardstick --interface-address A --ports P[,P...] [--ttl N] [--loop 0|1]\n");
        return 2;
    }
    /*
     * SIGTERM and SIGINT are blocked except inside epoll_pwait, so one that arrives while frames are being forwarded
     * ends the next wait at once instead of being handled just before a wait that would then block for good.
     */
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t stop_signals;
    sigset_t wait_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_signals, &wait_mask);
    sigdelset(&wait_mask, SIGTERM);
    sigdelset(&wait_mask, SIGINT);

    struct in_addr source;
    if (inet_pton(AF_INET, interface_address, &source) != 1) {
        fprintf(stderr, "bad interface address %s\n", interface_address);
        return 2;
    }
    int sender = socket(AF_INET, SOCK_DGRAM, 0);
    if (sender < 0) {
        die("socket");
    }
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_addr = source};
    if (bind(sender, (struct sockaddr *)&local, sizeof(local)) < 0) {
        die("bind udp");
    }
    if (setsockopt(sender, IPPROTO_IP, IP_MULTICAST_IF, &source, sizeof(source)) < 0
        || setsockopt(sender, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0
        || setsockopt(sender, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) < 0) {
        die("setsockopt multicast");
    }

    int epoll = epoll_create1(0);
    if (epoll < 0) {
        die("epoll_create1");
    }
    int listeners[MAX_FEEDS];
    for (int i = 0; i < feed_count; i++) {
        int listener = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)ports[i])};
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 || listen(listener, 16) < 0) {
            die("listen");
        }
        listeners[i] = listener;
        struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
        event.data.u64 = (uint64_t)i;
        epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event);
    }
    printf("ready\n");
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    while (!stopping) {
        int ready = epoll_pwait(epoll, events, MAX_EVENTS, -1, &wait_mask);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int e = 0; e < ready; e++) {
            if (events[e].data.u64 < MAX_FEEDS) {
                int feed = (int)events[e].data.u64;
                int fd = accept(listeners[feed], NULL, NULL);
                if (fd < 0) {
                    continue;
                }
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                struct connection *c = calloc(1, sizeof(*c));
                if (c == NULL) {
                    die("calloc");
                }
                c->fd = fd;
                c->port = ports[feed];
                struct epoll_event event = {.events = EPOLLIN};
                event.data.ptr = c;
                epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
                continue;
            }
            struct connection *c = events[e].data.ptr;
            if (on_readable(c, sender) < 0) {
                printf("closed port=%d frames=%llu datagrams=%llu heartbeats=%llu errors=%llu\n", c->port,
                    c->frames, c->datagrams, c->heartbeats, c->errors);
                fflush(stdout);
                epoll_ctl(epoll, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                free(c);
            }
        }
    }
    return 0;
}
