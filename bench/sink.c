/*
 * The sinks of the media benchmarks in C (bench/rtpLoad.ts compiles and runs it; it
 * falls back to the Node sink process where no C compiler is found): UDP sockets
 * counting the media RTP packets of the SSRCs they watch, their bytes and, from the
 * sequence numbers, the packets they should have got (as the Node `Sink` does). It
 * reads datagrams in batches (recvmmsg, only the RTP header copied), so receiving
 * costs a fraction of what a Node socket does per packet and the sinks do not become
 * the bottleneck before the media worker.
 *
 * Commands, one a line on stdin; one answer line each on stdout, starting with <req>:
 *   open <req> <count>             -> <req> <id>:<port> ...
 *   watch <req> <id> <ssrc> ...    -> <req>
 *   flowing <req> <id> ...         -> <req> 1|0   (every watched stream >= READY packets)
 *   totals <req> <id> ...          -> <req> <cpuUs> <packets> <bytes> <expected> <streams>
 *   close <req> <id> ...           -> <req>
 * Errors: <req> error <text>. Exits at the end of stdin.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_SEQ_JUMP 3000
#ifndef READY
#define READY 20
#endif
#define BATCH 64
#define HEAD 12

struct stream {
  uint32_t ssrc;
  int64_t n;
  int highest; /* -1 until the first packet */
};

struct sink {
  int fd;
  struct stream *streams;
  int nstreams;
  int64_t packets, bytes, expected, other;
};

static struct sink *sinks;
static int nsinks, capsinks;
static int ep;

static struct sink *sink_of(long id) {
  if (id < 1 || id > nsinks || sinks[id - 1].fd < 0) return NULL;
  return &sinks[id - 1];
}

static void count(struct sink *s, const uint8_t *h, unsigned len) {
  if (len < HEAD || (h[1] >= 192 && h[1] <= 223)) {
    s->other++;
    return;
  }
  uint32_t ssrc = ((uint32_t)h[8] << 24) | ((uint32_t)h[9] << 16) | ((uint32_t)h[10] << 8) | h[11];
  struct stream *st = NULL;
  for (int i = 0; i < s->nstreams; i++)
    if (s->streams[i].ssrc == ssrc) {
      st = &s->streams[i];
      break;
    }
  if (!st) {
    s->other++;
    return;
  }
  s->packets++;
  s->bytes += len;
  st->n++;
  int seq = (h[2] << 8) | h[3];
  if (st->highest < 0) {
    st->highest = seq;
    s->expected++;
    return;
  }
  int ahead = (seq - st->highest + 65536) % 65536;
  if (ahead == 0 || ahead >= 65536 - MAX_SEQ_JUMP) return; /* duplicate or late */
  st->highest = seq;
  s->expected += ahead <= MAX_SEQ_JUMP ? ahead : 1; /* a restart opens a new run */
}

static void drain(struct sink *s) {
  static uint8_t bufs[BATCH][HEAD];
  static struct iovec iov[BATCH];
  static struct mmsghdr msgs[BATCH];
  for (;;) {
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = HEAD;
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    /* MSG_TRUNC: msg_len is the datagram's real length though only its header is copied. */
    int n = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
    if (n <= 0) return;
    for (int i = 0; i < n; i++) count(s, bufs[i], msgs[i].msg_len);
    if (n < BATCH) return;
  }
}

static int open_sink(int *port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int size = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof a;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(fd, (struct sockaddr *)&a, &alen) < 0) {
    close(fd);
    return -1;
  }
  if (nsinks == capsinks) {
    capsinks = capsinks ? capsinks * 2 : 64;
    sinks = realloc(sinks, sizeof *sinks * capsinks);
    if (!sinks) exit(2);
  }
  int id = ++nsinks;
  sinks[id - 1] = (struct sink){.fd = fd};
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)id};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  *port = ntohs(a.sin_port);
  return id;
}

/* Answers one command line (modified in place). */
static void command(char *line) {
  char *save = NULL;
  char *type = strtok_r(line, " \n", &save);
  char *req = strtok_r(NULL, " \n", &save);
  if (!type || !req) return;
  char *arg;
  if (strcmp(type, "open") == 0) {
    long count = (arg = strtok_r(NULL, " \n", &save)) ? strtol(arg, NULL, 10) : 0;
    printf("%s", req);
    for (long i = 0; i < count; i++) {
      int port;
      int id = open_sink(&port);
      if (id < 0) {
        printf(" error cannot open a socket: %s", strerror(errno));
        break;
      }
      printf(" %d:%d", id, port);
    }
    printf("\n");
  } else if (strcmp(type, "watch") == 0) {
    struct sink *s = (arg = strtok_r(NULL, " \n", &save)) ? sink_of(strtol(arg, NULL, 10)) : NULL;
    if (!s) {
      printf("%s error no such sink\n", req);
    } else {
      while ((arg = strtok_r(NULL, " \n", &save))) {
        uint32_t ssrc = (uint32_t)strtoul(arg, NULL, 10);
        int known = 0;
        for (int i = 0; i < s->nstreams; i++) known |= s->streams[i].ssrc == ssrc;
        if (known) continue;
        s->streams = realloc(s->streams, sizeof *s->streams * (s->nstreams + 1));
        if (!s->streams) exit(2);
        s->streams[s->nstreams++] = (struct stream){.ssrc = ssrc, .n = 0, .highest = -1};
      }
      printf("%s\n", req);
    }
  } else if (strcmp(type, "flowing") == 0) {
    int all = 1;
    while ((arg = strtok_r(NULL, " \n", &save))) {
      struct sink *s = sink_of(strtol(arg, NULL, 10));
      if (!s || s->nstreams == 0) all = 0;
      else
        for (int i = 0; i < s->nstreams; i++) all &= s->streams[i].n >= READY;
    }
    printf("%s %d\n", req, all);
  } else if (strcmp(type, "totals") == 0) {
    int64_t packets = 0, bytes = 0, expected = 0, streams = 0;
    while ((arg = strtok_r(NULL, " \n", &save))) {
      struct sink *s = sink_of(strtol(arg, NULL, 10));
      if (!s) continue;
      drain(s); /* what has arrived counts, as in the Node sinks */
      packets += s->packets;
      bytes += s->bytes;
      expected += s->expected;
      streams += s->nstreams;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long long cpu = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    printf("%s %lld %lld %lld %lld %lld\n", req, cpu, (long long)packets, (long long)bytes, (long long)expected,
           (long long)streams);
  } else if (strcmp(type, "close") == 0) {
    while ((arg = strtok_r(NULL, " \n", &save))) {
      struct sink *s = sink_of(strtol(arg, NULL, 10));
      if (!s) continue;
      close(s->fd); /* also leaves the epoll set */
      s->fd = -1;
      free(s->streams);
      s->streams = NULL;
      s->nstreams = 0;
    }
    printf("%s\n", req);
  } else {
    printf("%s error unknown command %s\n", req, type);
  }
  fflush(stdout);
}

int main(void) {
  ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return 1;
  struct epoll_event in = {.events = EPOLLIN, .data.u32 = 0};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &in) < 0) return 1;
  static char pending[1 << 20];
  size_t have = 0;
  struct epoll_event evs[256];
  for (;;) {
    int n = epoll_wait(ep, evs, 256, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    for (int i = 0; i < n; i++) {
      uint32_t id = evs[i].data.u32;
      if (id != 0) {
        struct sink *s = sink_of(id);
        if (s) drain(s);
        continue;
      }
      ssize_t r = read(STDIN_FILENO, pending + have, sizeof pending - have - 1);
      if (r <= 0) return 0; /* the benchmark went away */
      have += (size_t)r;
      char *start = pending, *nl;
      while ((nl = memchr(start, '\n', have - (size_t)(start - pending)))) {
        *nl = '\0';
        command(start);
        start = nl + 1;
      }
      have -= (size_t)(start - pending);
      memmove(pending, start, have);
      if (have == sizeof pending - 1) have = 0; /* a line that long is garbage */
    }
  }
}
