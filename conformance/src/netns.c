/* netns.c - network namespaces as programs see them: the loopback device through
 * if_nameindex/getifaddrs (glibc's netlink users), device ioctls and raw
 * NETLINK_ROUTE sockets.  Everything runs in a fresh network namespace, whose
 * only device is lo, so nothing of the host's interfaces is printed. */
#include "conform.h"
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* Run fn in a forked child that first unshares its network namespace. */
static void in_new_netns(void (*fn)(void))
{
    pid_t c = xfork();
    if (c == 0) {
        if (unshare(CLONE_NEWNET) != 0) die("unshare(CLONE_NEWNET): errno=%s", ename(errno));
        fn();
        _exit(0);
    }
    wait_clean("subprocess", c);
}

static const char *flagstr(unsigned f)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        { IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" }, { IFF_LOOPBACK, "LOOPBACK" },
        { IFF_RUNNING, "RUNNING" }, { IFF_NOARP, "NOARP" }, { IFF_PROMISC, "PROMISC" },
        { IFF_MULTICAST, "MULTICAST" }, { 0x10000, "LOWER_UP" },
    };
    static char b[128];
    b[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit) {
            strcat(b, b[0] ? "," : "");
            strcat(b, names[i].name);
            f &= ~names[i].bit;
        }
    if (f) snprintf(b + strlen(b), sizeof b - strlen(b), "%s%#x", b[0] ? "," : "", f);
    return b[0] ? b : "none";
}

/* ---- ioctls --------------------------------------------------------------- */

static int lo_flags(int s)
{
    struct ifreq ifr = { 0 };
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) return -errno;
    return (unsigned short)ifr.ifr_flags;
}

static int set_lo_flags(int s, int flags)
{
    struct ifreq ifr = { 0 };
    strcpy(ifr.ifr_name, "lo");
    ifr.ifr_flags = (short)flags;
    return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/* interfaces with an IPv4 address, as SIOCGIFCONF lists them */
static void print_ifconf(int s, const char *when)
{
    struct ifreq reqs[8];
    struct ifconf ifc = { .ifc_len = sizeof reqs, .ifc_req = reqs };
    if (ioctl(s, SIOCGIFCONF, &ifc) != 0) {
        say("%s: SIOCGIFCONF: errno=%s", when, ename(errno));
        return;
    }
    int n = ifc.ifc_len / (int)sizeof(struct ifreq);
    say("%s: SIOCGIFCONF: %d entries", when, n);
    for (int i = 0; i < n; i++) {
        struct sockaddr_in *a = (struct sockaddr_in *)&reqs[i].ifr_addr;
        say("  %s %s", reqs[i].ifr_name, inet_ntoa(a->sin_addr));
    }
}

/* ---- raw netlink ------------------------------------------------------------ */

static int nl_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    CHECK(fd >= 0);
    return fd;
}

/* send one request: header, an ifinfomsg (or the first len bytes of one) and no attributes */
static long nl_send(int fd, int type, int flags, int seq, int index, unsigned ifflags, unsigned change, int len)
{
    struct { struct nlmsghdr h; struct ifinfomsg i; char attrs[64]; } r;
    memset(&r, 0, sizeof r);
    r.h.nlmsg_len = (unsigned)len;
    r.h.nlmsg_type = (unsigned short)type;
    r.h.nlmsg_flags = (unsigned short)flags;
    r.h.nlmsg_seq = (unsigned)seq;
    r.i.ifi_index = index;
    r.i.ifi_flags = ifflags;
    r.i.ifi_change = change;
    struct sockaddr_nl to = { .nl_family = AF_NETLINK };
    return sendto(fd, &r, len < (int)sizeof(struct nlmsghdr) ? (int)sizeof(struct nlmsghdr) : len, 0, (struct sockaddr *)&to, sizeof to);
}

/* a value's name from a table ending in { 0, NULL }, or the value printed with fmt */
struct named { int v; const char *name; };
static const char *name_of(const struct named *t, int v, const char *fmt)
{
    for (; t->name; t++)
        if (t->v == v) return t->name;
    static char b[4][32];
    static int k;
    char *o = b[k++ % 4];
    snprintf(o, 32, fmt, v);
    return o;
}

static const struct named msg_types[] = {
    { NLMSG_NOOP, "NLMSG_NOOP" }, { NLMSG_ERROR, "NLMSG_ERROR" }, { NLMSG_DONE, "NLMSG_DONE" },
    { RTM_NEWLINK, "RTM_NEWLINK" }, { RTM_DELLINK, "RTM_DELLINK" }, { RTM_GETLINK, "RTM_GETLINK" },
    { RTM_SETLINK, "RTM_SETLINK" }, { RTM_NEWADDR, "RTM_NEWADDR" }, { RTM_GETADDR, "RTM_GETADDR" }, { 0, NULL },
};

static const char *nl_type(int t)
{
    return name_of(msg_types, t, "type %d");
}

/* the attributes of a link that do not depend on the kernel's build */
static void print_link(struct nlmsghdr *h)
{
    struct ifinfomsg *i = NLMSG_DATA(h);
    say("    link index=%d type=%d flags=%s change=%#x", i->ifi_index, i->ifi_type, flagstr(i->ifi_flags), i->ifi_change);
    int len = (int)IFLA_PAYLOAD(h);
    for (struct rtattr *a = IFLA_RTA(i); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        void *d = RTA_DATA(a);
        int n = (int)RTA_PAYLOAD(a);
        switch (a->rta_type) {
        case IFLA_IFNAME: say("    IFLA_IFNAME %.*s", n, (char *)d); break;
        case IFLA_MTU: say("    IFLA_MTU %u", *(unsigned *)d); break;
        case IFLA_TXQLEN: say("    IFLA_TXQLEN %u", *(unsigned *)d); break;
        case IFLA_OPERSTATE: say("    IFLA_OPERSTATE %u", *(unsigned char *)d); break;
        case IFLA_QDISC: say("    IFLA_QDISC %.*s", n, (char *)d); break;
        case IFLA_CARRIER: say("    IFLA_CARRIER %u", *(unsigned char *)d); break;
        case IFLA_ADDRESS: say("    IFLA_ADDRESS %d bytes", n); break;
        case IFLA_BROADCAST: say("    IFLA_BROADCAST %d bytes", n); break;
        case IFLA_STATS: say("    IFLA_STATS rx_packets=%u", ((struct rtnl_link_stats *)d)->rx_packets); break;
        }
    }
}

static void print_addr(struct nlmsghdr *h)
{
    struct ifaddrmsg *i = NLMSG_DATA(h);
    say("    addr family=%d prefixlen=%d flags=%#x scope=%d index=%d", i->ifa_family, i->ifa_prefixlen, i->ifa_flags, i->ifa_scope, i->ifa_index);
    int len = (int)IFA_PAYLOAD(h);
    for (struct rtattr *a = IFA_RTA(i); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
        char buf[64];
        switch (a->rta_type) {
        case IFA_ADDRESS:
        case IFA_LOCAL:
            inet_ntop(i->ifa_family, RTA_DATA(a), buf, sizeof buf);
            say("    %s %s", a->rta_type == IFA_ADDRESS ? "IFA_ADDRESS" : "IFA_LOCAL", buf);
            break;
        case IFA_LABEL: say("    IFA_LABEL %s", (char *)RTA_DATA(a)); break;
        case IFA_FLAGS: say("    IFA_FLAGS %#x", *(unsigned *)RTA_DATA(a)); break;
        case IFA_CACHEINFO: {
            struct ifa_cacheinfo *c = RTA_DATA(a);
            say("    IFA_CACHEINFO preferred=%#x valid=%#x", c->ifa_prefered, c->ifa_valid);
            break;
        }
        }
    }
}

/* Receive until NLMSG_DONE, an error or nothing more is queued, printing each message
 * (with details when verbose); the number of receives is not printed (it is batching). */
static void nl_show(int fd, int verbose)
{
    for (;;) {
        static char buf[32768];
        struct sockaddr_nl from;
        struct iovec iov = { buf, sizeof buf };
        struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
        long n = recvmsg(fd, &m, MSG_DONTWAIT);
        if (n < 0) {
            say("  recvmsg: errno=%s", ename(errno));
            return;
        }
        int end = 0;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned long)n); h = NLMSG_NEXT(h, n)) {
            say("  %s flags=%#x seq=%u from kernel=%s", nl_type(h->nlmsg_type), h->nlmsg_flags, h->nlmsg_seq,
                yesno(from.nl_pid == 0 && m.msg_namelen == sizeof from));
            if (h->nlmsg_type == NLMSG_ERROR) {
                struct nlmsgerr *e = NLMSG_DATA(h);
                say("    error=%s request len=%u type=%s carried=%u bytes", ename(-e->error), e->msg.nlmsg_len,
                    nl_type(e->msg.nlmsg_type), h->nlmsg_len - (unsigned)NLMSG_LENGTH(sizeof(int)));
                end = 1;
            } else if (h->nlmsg_type == NLMSG_DONE) {
                end = 1;
            } else if (verbose && h->nlmsg_type == RTM_NEWLINK) {
                print_link(h);
            } else if (verbose && h->nlmsg_type == RTM_NEWADDR) {
                print_addr(h);
            }
            if (!(h->nlmsg_flags & NLM_F_MULTI) && h->nlmsg_type != NLMSG_ERROR) end = 1;
        }
        if (end) return;
    }
}

/* ---- tests ---------------------------------------------------------------- */

static void nameindex_body(void)
{
    struct if_nameindex *ni = if_nameindex();
    if (!ni) {
        say("if_nameindex: errno=%s", ename(errno));
    } else {
        for (struct if_nameindex *p = ni; p->if_index; p++) say("if_nameindex: %u %s", p->if_index, p->if_name);
        if_freenameindex(ni);
    }
    errno = 0;
    say("if_nametoindex(lo): %u", if_nametoindex("lo"));
    unsigned x = if_nametoindex("eth0");
    say("if_nametoindex(eth0): %u errno=%s", x, ename(errno));
    char name[IF_NAMESIZE];
    say("if_indextoname(1): %s", if_indextoname(1, name) ? name : ename(errno));
    say("if_indextoname(2): %s", if_indextoname(2, name) ? name : ename(errno));
}

static void test_ns_net_if_nameindex(void)
{
    say("initial namespace: if_nametoindex(lo) == 1: %s", yesno(if_nametoindex("lo") == 1));
    in_new_netns(nameindex_body);
}

static void lo_up_body(void)
{
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(s >= 0);
    int nl = nl_open();
    say("lo flags: %s", flagstr(lo_flags(s)));
    print_ifconf(s, "down");
    say("RTM_GETLINK lo:");
    nl_send(nl, RTM_GETLINK, NLM_F_REQUEST, 1, 1, 0, 0, NLMSG_LENGTH(sizeof(struct ifinfomsg)));
    nl_show(nl, 1);

    pid_t c = xfork();
    if (c == 0) {
        /* without CAP_NET_ADMIN neither the ioctl nor netlink may change the device */
        CHECK(setresuid(65534, 65534, 65534) == 0);
        say("unprivileged SIOCSIFFLAGS(UP): %s", res(set_lo_flags(s, IFF_UP | IFF_LOOPBACK)));
        int nl2 = nl_open();
        nl_send(nl2, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 2, 1, IFF_UP, IFF_UP, NLMSG_LENGTH(sizeof(struct ifinfomsg)));
        say("unprivileged RTM_NEWLINK(UP):");
        nl_show(nl2, 0);
        _exit(0);
    }
    xwait(c, 0);

    say("SIOCSIFFLAGS(UP): %s", res(set_lo_flags(s, lo_flags(s) | IFF_UP)));
    say("lo flags: %s", flagstr(lo_flags(s)));
    print_ifconf(s, "up");
    say("RTM_GETLINK lo:");
    nl_send(nl, RTM_GETLINK, NLM_F_REQUEST, 3, 1, 0, 0, NLMSG_LENGTH(sizeof(struct ifinfomsg)));
    nl_show(nl, 1);
    say("RTM_GETADDR dump:");
    nl_send(nl, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 4, 0, 0, 0, NLMSG_LENGTH(sizeof(struct ifaddrmsg)));
    nl_show(nl, 1);

    say("RTM_NEWLINK(down) with NLM_F_ACK:");
    nl_send(nl, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 5, 1, 0, IFF_UP, NLMSG_LENGTH(sizeof(struct ifinfomsg)));
    nl_show(nl, 0);
    say("lo flags: %s", flagstr(lo_flags(s)));
    print_ifconf(s, "down again");
    say("RTM_GETADDR dump:");
    nl_send(nl, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 6, 0, 0, 0, NLMSG_LENGTH(sizeof(struct ifaddrmsg)));
    nl_show(nl, 1);
    say("RTM_SETLINK(up):");
    nl_send(nl, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, 7, 1, IFF_UP, IFF_UP, NLMSG_LENGTH(sizeof(struct ifinfomsg)));
    nl_show(nl, 0);
    say("lo flags: %s", flagstr(lo_flags(s)));
    struct ifreq ifr = { 0 };
    strcpy(ifr.ifr_name, "eth9");
    say("SIOCGIFFLAGS(eth9): %s", res(ioctl(s, SIOCGIFFLAGS, &ifr)));
    say("SIOCSIFFLAGS(eth9): %s", res(ioctl(s, SIOCSIFFLAGS, &ifr)));
    strcpy(ifr.ifr_name, "lo");
    long r = ioctl(s, SIOCGIFMTU, &ifr);
    say("SIOCGIFMTU(lo): %s %d", res(r), ifr.ifr_mtu);
    r = ioctl(nl, SIOCGIFINDEX, &ifr);
    say("SIOCGIFINDEX(lo) on the netlink socket: %s %d", res(r), ifr.ifr_ifindex);
    strcpy(ifr.ifr_name, "lo:1");
    r = ioctl(s, SIOCGIFTXQLEN, &ifr);
    say("SIOCGIFTXQLEN(lo:1): %s %d", res(r), ifr.ifr_qlen);
    close(nl);
    close(s);
}

static void test_ns_net_lo_up(void)
{
    in_new_netns(lo_up_body);
}

static const struct named families[] = { { AF_PACKET, "AF_PACKET" }, { AF_INET, "AF_INET" }, { AF_INET6, "AF_INET6" }, { 0, NULL } };

static const char *addrstr(struct sockaddr *sa)
{
    static char b[4][64];
    static int k;
    char *o = b[k++ % 4];
    if (!sa) return "-";
    if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)sa)->sin_addr, o, 64);
    else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)sa)->sin6_addr, o, 64);
    else if (sa->sa_family == AF_PACKET) {
        struct sockaddr_ll *l = (struct sockaddr_ll *)sa;
        snprintf(o, 64, "ll(index=%d hatype=%d halen=%d)", l->sll_ifindex, l->sll_hatype, l->sll_halen);
    } else snprintf(o, 64, "family %d", sa->sa_family);
    return o;
}

static void print_ifaddrs(const char *when)
{
    struct ifaddrs *all;
    if (getifaddrs(&all) != 0) {
        say("%s: getifaddrs: errno=%s", when, ename(errno));
        return;
    }
    say("%s: getifaddrs:", when);
    for (struct ifaddrs *p = all; p; p = p->ifa_next) {
        say("  %s %s flags=%s addr=%s netmask=%s broad/dst=%s data=%s", p->ifa_name,
            p->ifa_addr ? name_of(families, p->ifa_addr->sa_family, "%d") : "-", flagstr(p->ifa_flags), addrstr(p->ifa_addr),
            addrstr(p->ifa_netmask), addrstr(p->ifa_broadaddr), p->ifa_data ? "stats" : "-");
        if (p->ifa_data) {
            struct rtnl_link_stats *st = p->ifa_data;
            say("    rx_packets=%u tx_packets=%u", st->rx_packets, st->tx_packets);
        }
    }
    freeifaddrs(all);
}

static void getifaddrs_body(void)
{
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    CHECK(s >= 0);
    print_ifaddrs("down");
    CHECK(set_lo_flags(s, lo_flags(s) | IFF_UP) == 0);
    print_ifaddrs("up");
    CHECK(set_lo_flags(s, lo_flags(s) & ~IFF_UP) == 0);
    print_ifaddrs("down again");
    close(s);
}

static void test_ns_net_getifaddrs(void)
{
    in_new_netns(getifaddrs_body);
}

static void socket_body(void)
{
    say("SOCK_STREAM: %s", res(socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE)));
    say("SOCK_SEQPACKET: %s", res(socket(AF_NETLINK, SOCK_SEQPACKET, NETLINK_ROUTE)));
    say("protocol 1 (unused): %s", res(socket(AF_NETLINK, SOCK_RAW, 1)));
    say("protocol 32: %s", res(socket(AF_NETLINK, SOCK_RAW, 32)));
    say("protocol -1: %s", res(socket(AF_NETLINK, SOCK_RAW, -1)));
    int d = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
    say("SOCK_DGRAM: %s", res(d));
    int sv[2];
    say("socketpair: %s", res(socketpair(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, sv)));

    int a = nl_open(), b = nl_open(), c = nl_open();
    struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
    socklen_t sl = sizeof sa;
    say("getsockname before bind: %s pid=%u len=%u", res(getsockname(a, (struct sockaddr *)&sa, &sl)), sa.nl_pid, sl);
    sl = sizeof sa;
    say("getpeername: %s pid=%u len=%u", res(getpeername(a, (struct sockaddr *)&sa, &sl)), sa.nl_pid, sl);
    sa.nl_pid = 0;
    say("bind, short address: %s", res(bind(a, (struct sockaddr *)&sa, sizeof sa - 1)));
    sa.nl_family = AF_UNIX;
    say("bind, AF_UNIX family: %s", res(bind(a, (struct sockaddr *)&sa, sizeof sa)));
    sa.nl_family = AF_NETLINK;
    say("bind pid 0: %s", res(bind(a, (struct sockaddr *)&sa, sizeof sa)));
    sl = sizeof sa;
    CHECK(getsockname(a, (struct sockaddr *)&sa, &sl) == 0);
    say("assigned port id == getpid(): %s", yesno(sa.nl_pid == (unsigned)getpid()));
    say("bind again, same pid: %s", res(bind(a, (struct sockaddr *)&sa, sizeof sa)));
    struct sockaddr_nl other = { .nl_family = AF_NETLINK, .nl_pid = 12345 };
    say("bind again, other pid: %s", res(bind(a, (struct sockaddr *)&other, sizeof other)));
    say("second socket, bind to the same pid: %s", res(bind(b, (struct sockaddr *)&sa, sizeof sa)));
    other.nl_pid = 0;
    say("second socket, bind pid 0: %s", res(bind(b, (struct sockaddr *)&other, sizeof other)));
    sl = sizeof other;
    CHECK(getsockname(b, (struct sockaddr *)&other, &sl) == 0);
    say("second port id negative: %s", yesno((int)other.nl_pid < 0));
    other.nl_pid = 4242;
    say("third socket, bind to 4242: %s", res(bind(c, (struct sockaddr *)&other, sizeof other)));
    sl = sizeof other;
    CHECK(getsockname(c, (struct sockaddr *)&other, &sl) == 0);
    say("third port id: %u", other.nl_pid);

    static const struct { int opt; const char *name; } opts[] = {
        { SO_DOMAIN, "SO_DOMAIN" }, { SO_TYPE, "SO_TYPE" }, { SO_PROTOCOL, "SO_PROTOCOL" }, { SO_RCVBUF, "SO_RCVBUF" },
    };
    int v = 0;
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        socklen_t vl = sizeof v;
        long r = getsockopt(a, SOL_SOCKET, opts[i].opt, &v, &vl);
        say("%s: %s %d", opts[i].name, res(r), v);
    }
    say("listen: %s", res(listen(a, 1)));
    say("accept: %s", res(accept(a, NULL, NULL)));
    say("shutdown: %s", res(shutdown(a, SHUT_RDWR)));
    say("send of nothing: %s", res(send(a, "", 0, 0)));
    say("recv with nothing queued (MSG_DONTWAIT): %s", res(recv(a, &v, sizeof v, MSG_DONTWAIT)));
    close(a);
    close(b);
    close(c);
    close(d);
}

static void test_ns_net_netlink_socket(void)
{
    in_new_netns(socket_body);
}

static void requests_body(void)
{
    int fd = nl_open();
    int ilen = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    say("RTM_GETLINK dump without bind:");
    say("  sendto: %s", res(nl_send(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 10, 0, 0, 0, ilen)));
    struct sockaddr_nl sa;
    socklen_t sl = sizeof sa;
    CHECK(getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
    say("  autobound to getpid(): %s", yesno(sa.nl_pid == (unsigned)getpid()));
    nl_show(fd, 0);
    say("RTM_GETLINK index 1 with NLM_F_ACK:");
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 11, 1, 0, 0, ilen);
    nl_show(fd, 0);
    nl_show(fd, 0);
    say("RTM_GETLINK index 7:");
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST, 12, 7, 0, 0, ilen);
    nl_show(fd, 0);
    say("RTM_GETLINK index 0, no name:");
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST, 13, 0, 0, 0, ilen);
    nl_show(fd, 0);
    say("RTM_GETLINK with a short header (rtgenmsg only):");
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST, 14, 1, 0, 0, NLMSG_LENGTH(4));
    nl_show(fd, 0);
    say("RTM_GETLINK with no payload:");
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST, 15, 1, 0, 0, NLMSG_LENGTH(0));
    nl_show(fd, 0);
    say("RTM_GETADDR, not a dump:");
    nl_send(fd, RTM_GETADDR, NLM_F_REQUEST, 16, 1, 0, 0, ilen);
    nl_show(fd, 0);
    say("message type 200:");
    nl_send(fd, 200, NLM_F_REQUEST, 17, 1, 0, 0, ilen);
    nl_show(fd, 0);
    say("NLMSG_NOOP with NLM_F_ACK:");
    nl_send(fd, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 18, 0, 0, 0, ilen);
    nl_show(fd, 0);
    say("RTM_GETLINK without NLM_F_REQUEST, with NLM_F_ACK:");
    nl_send(fd, RTM_GETLINK, NLM_F_ACK, 19, 1, 0, 0, ilen);
    nl_show(fd, 0);
    say("a header with length 8:");
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 20, 1, 0, 0, 8);
    nl_show(fd, 0);
    say("RTM_DELLINK lo:");
    nl_send(fd, RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, 21, 1, 0, 0, ilen);
    nl_show(fd, 0);
    say("RTM_NEWLINK index 9 (no such device):");
    nl_send(fd, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 22, 9, 0, 0, ilen);
    nl_show(fd, 0);
    say("RTM_NEWLINK lo with NLM_F_EXCL:");
    nl_send(fd, RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL, 23, 1, 0, 0, ilen);
    nl_show(fd, 0);

    say("a second dump while one runs:");
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 30, 0, 0, 0, ilen);
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 31, 0, 0, 0, ilen);
    nl_show(fd, 0);
    nl_show(fd, 0);
    nl_show(fd, 0);

    say("receive into 40 bytes:");
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST, 40, 1, 0, 0, ilen);
    char small[40];
    struct iovec iov = { small, sizeof small };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    long n = recvmsg(fd, &m, MSG_DONTWAIT);
    say("  recvmsg: %s MSG_TRUNC: %s length fits: %s", res(n), yesno(m.msg_flags & MSG_TRUNC), yesno(n == (long)sizeof small));
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST, 41, 1, 0, 0, ilen);
    n = recv(fd, small, sizeof small, MSG_DONTWAIT | MSG_TRUNC);
    say("  recv(MSG_TRUNC) returns the full length: %s", yesno(n > (long)sizeof small));
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST, 42, 1, 0, 0, ilen);
    n = recv(fd, small, sizeof small, MSG_DONTWAIT | MSG_PEEK);
    long n2 = recv(fd, small, sizeof small, MSG_DONTWAIT);
    say("  MSG_PEEK then recv: %s %s, nothing left: %s", res(n), res(n2), yesno(recv(fd, small, sizeof small, MSG_DONTWAIT) < 0 && errno == EAGAIN));

    int one = 1;
    say("NETLINK_CAP_ACK: %s", res(setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one)));
    nl_send(fd, RTM_GETLINK, NLM_F_REQUEST, 50, 7, 0, 0, ilen);
    nl_show(fd, 0);
    int v = 0;
    socklen_t vl = sizeof v;
    long r = getsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &v, &vl);
    say("getsockopt NETLINK_CAP_ACK: %s %d", res(r), v);
    say("setsockopt SOL_NETLINK 99: %s", res(setsockopt(fd, SOL_NETLINK, 99, &one, sizeof one)));

    /* two sockets talk to each other by port id (root may) */
    int peer = nl_open();
    struct sockaddr_nl pa = { .nl_family = AF_NETLINK, .nl_pid = 777 };
    CHECK(bind(peer, (struct sockaddr *)&pa, sizeof pa) == 0);
    say("sendto port 777: %s", res(sendto(fd, "hello", 5, 0, (struct sockaddr *)&pa, sizeof pa)));
    char buf[16] = { 0 };
    struct sockaddr_nl from;
    socklen_t fl = sizeof from;
    n = recvfrom(peer, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
    say("port 777 got: %s \"%s\" from the sender: %s", res(n), buf, yesno(from.nl_pid == (unsigned)getpid()));
    pa.nl_pid = 778;
    say("sendto port 778 (nobody): %s", res(sendto(fd, "hello", 5, 0, (struct sockaddr *)&pa, sizeof pa)));
    close(peer);
    close(fd);
}

static void test_ns_net_netlink_requests(void)
{
    in_new_netns(requests_body);
}

const struct conform_test netns_tests[] = {
    T(ns_net_if_nameindex, "if_nameindex/if_nametoindex/if_indextoname in a new network namespace: only lo"),
    T(ns_net_lo_up, "lo in a new netns: down, up by SIOCSIFFLAGS (EPERM unprivileged), netlink link/address view, down and up by netlink"),
    T(ns_net_getifaddrs, "getifaddrs in a new netns: lo alone while down; 127.0.0.1 and ::1 once up; IPv4 stays after down"),
    T(ns_net_netlink_socket, "AF_NETLINK sockets: types, protocols, bind/autobind port ids, options, unsupported calls"),
    T(ns_net_netlink_requests, "NETLINK_ROUTE requests: dumps, acks, errors with the request, truncation, EBUSY, CAP_ACK, unicast"),
    { NULL, NULL, NULL },
};
