/* mountns.c - mount namespaces: MS_MOVE, MS_UNBINDABLE, shared subtrees within one
 * namespace and across namespaces, umount and remount rules.
 *
 * Each test works in a private mount namespace of its own, on a tmpfs mounted at
 * <tmp>/m ("B").  show() prints the part of /proc/self/mountinfo at or under B:
 * mount points relative to B, mount and peer-group ids renamed in order of
 * appearance (m1.., g1..), so the host's own mounts and numbering never show. */
#include "conform.h"
#include <sys/mount.h>
#include <sys/statvfs.h>

#ifndef MS_MOVE
#define MS_MOVE 8192
#endif

static char B[128];

static const char *bp(const char *rel)
{
    static char b[4][256];
    static int k;
    char *o = b[k++ % 4];
    if (!rel || !*rel) snprintf(o, 256, "%s", B);
    else snprintf(o, 256, "%s/%s", B, rel);
    return o;
}

/* mkdir -p below B */
static void mkdirs(const char *rel)
{
    char p[256];
    snprintf(p, sizeof p, "%s", bp(rel));
    for (char *s = p + strlen(B) + 1; *s; s++)
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    mkdir(p, 0755);
}

static int exists(const char *rel)
{
    struct stat st;
    return stat(bp(rel), &st) == 0;
}

static long mnt_tmpfs(const char *rel)
{
    mkdirs(rel);
    const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    return mount(name, bp(rel), "tmpfs", 0, "size=64k");
}

/* ---- the filtered mountinfo ------------------------------------------------ */

struct minfo {
    int id, parent;
    char root[128], point[256], opts[16], prop[128], fstype[32], source[64];
    int depth;
};

static int by_point(const void *a, const void *b)
{
    const struct minfo *x = a, *y = b;
    int c = strcmp(x->point, y->point);
    return c ? c : x->depth - y->depth;
}

static int read_mounts(struct minfo *out, int max)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    CHECK(f != NULL);
    char line[1024];
    int n = 0;
    size_t bl = strlen(B);
    while (n < max && fgets(line, sizeof line, f)) {
        struct minfo m = { 0 };
        char opts[256], rest[128];
        int used = 0;
        if (sscanf(line, "%d %d %*s %127s %255s %255s %n", &m.id, &m.parent, m.root, m.point, opts, &used) < 5) continue;
        if (strncmp(m.point, B, bl) != 0 || (m.point[bl] != 0 && m.point[bl] != '/')) continue;
        memmove(m.point, m.point[bl] ? m.point + bl + 1 : ".", strlen(m.point[bl] ? m.point + bl + 1 : ".") + 1);
        snprintf(m.opts, sizeof m.opts, "%.2s", opts);
        snprintf(rest, sizeof rest, "%s", line + used);
        char *dash = strstr(rest, "- ");
        if (!dash) continue;
        *dash = 0;
        snprintf(m.prop, sizeof m.prop, "%s", rest);
        size_t pl = strlen(m.prop);
        while (pl > 0 && m.prop[pl - 1] == ' ') m.prop[--pl] = 0;
        sscanf(dash + 2, "%31s %63s", m.fstype, m.source);
        out[n++] = m;
    }
    fclose(f);
    /* stacked mounts on one point: lower ones first */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (out[j].id == out[i].parent && strcmp(out[j].point, out[i].point) == 0) out[i].depth++;
    for (int pass = 0; pass < n; pass++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (out[j].id == out[i].parent && strcmp(out[j].point, out[i].point) == 0 && out[i].depth <= out[j].depth)
                    out[i].depth = out[j].depth + 1;
    qsort(out, (size_t)n, sizeof out[0], by_point);
    return n;
}

/* rename "shared:N master:N propagate_from:N" ids through the table of groups seen so far */
static void norm_prop(const char *in, char *out, size_t cap, int *groups, int *ngroups)
{
    out[0] = 0;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", in);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *colon = strchr(tok, ':');
        char word[160];
        if (colon) {
            int g = atoi(colon + 1), k;
            for (k = 0; k < *ngroups && groups[k] != g; k++) {}
            if (k == *ngroups) groups[(*ngroups)++] = g;
            *colon = 0;
            snprintf(word, sizeof word, "%s:g%d", tok, k + 1);
        } else snprintf(word, sizeof word, "%s", tok);
        if (out[0]) strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, word, cap - strlen(out) - 1);
    }
    if (!out[0]) snprintf(out, cap, "private");
}

static void show(const char *who)
{
    struct minfo m[64];
    int n = read_mounts(m, 64);
    int groups[64], ng = 0;
    say("%s: mounts under B:", who);
    for (int i = 0; i < n; i++) {
        int p;
        for (p = 0; p < n && m[p].id != m[i].parent; p++) {}
        char parent[16], prop[160];
        if (p < n) snprintf(parent, sizeof parent, "m%d", p + 1);
        else snprintf(parent, sizeof parent, "-");
        norm_prop(m[i].prop, prop, sizeof prop, groups, &ng);
        say("  m%d on %s parent=%s root=%s %s %s %s %s", i + 1, m[i].point, parent, m[i].root, m[i].opts, prop, m[i].fstype, m[i].source);
    }
}

/* is B/rel a mount point here? */
static int mounted(const char *rel)
{
    struct minfo m[64];
    int n = read_mounts(m, 64);
    for (int i = 0; i < n; i++)
        if (strcmp(m[i].point, rel && *rel ? rel : ".") == 0) return 1;
    return 0;
}

/* a private mount namespace with a tmpfs at B */
static void setup(void)
{
    snprintf(B, sizeof B, "%s", tmp_path("m"));
    mkdir(B, 0755);
    if (unshare(CLONE_NEWNS) != 0) die("unshare(CLONE_NEWNS): errno=%s", ename(errno));
    CHECK(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    CHECK(mount("conform", B, "tmpfs", 0, "size=256k") == 0);
}

static void in_child(void (*fn)(void))
{
    pid_t c = xfork();
    if (c == 0) {
        setup();
        fn();
        _exit(0);
    }
    wait_clean("subprocess", c);
}

static long move(const char *from, const char *to)
{
    return mount(from ? bp(from) : "/", bp(to), NULL, MS_MOVE, NULL);
}

/* ---- MS_MOVE ------------------------------------------------------------------ */

static void move_body(void)
{
    mkdirs("a");
    mkdirs("b");
    write_file(bp("file"), "f", 0644);
    say("mount tmpfs on a: %s", res(mnt_tmpfs("a")));
    write_file(bp("a/x"), "x", 0644);
    say("MS_MOVE a -> b: %s", res(move("a", "b")));
    say("b/x: %s, a/x: %s, a mounted: %s, b mounted: %s", yesno(exists("b/x")), yesno(exists("a/x")), yesno(mounted("a")), yesno(mounted("b")));
    show("after move");

    mkdirs("b/d");
    say("MS_MOVE of a plain directory (b/d): %s", res(move("b/d", "a")));
    say("MS_MOVE b into itself (b/d): %s", res(move("b", "b/d")));
    say("MS_MOVE from a missing path: %s", res(move("nothing", "a")));
    say("MS_MOVE to a missing path: %s", res(move("b", "nothing")));
    say("MS_MOVE a directory mount onto a file: %s", res(move("b", "file")));
    /* EINVAL when / has no parent mount, ELOOP when it has one (a host root after switch_root) */
    say("MS_MOVE of / refused: %s", yesno(mount("/", bp("a"), NULL, MS_MOVE, NULL) != 0));
    say("MS_MOVE with an empty source: %s", res(mount("", bp("a"), NULL, MS_MOVE, NULL)));

    say("mount tmpfs on b/d: %s", res(mnt_tmpfs("b/d")));
    write_file(bp("b/d/inner"), "i", 0644);
    CHECK(chdir(bp("b/d")) == 0);
    say("MS_MOVE b (with b/d below) -> a: %s", res(move("b", "a")));
    say("a/d/inner: %s, a/d mounted: %s, b/d mounted: %s", yesno(exists("a/d/inner")), yesno(mounted("a/d")), yesno(mounted("b/d")));
    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    say("getcwd follows the move: %s", strcmp(cwd, bp("a/d")) == 0 ? "yes" : cwd);
    CHECK(chdir("/") == 0);
    show("after moving a tree");

    say("mount tmpfs on a again (stacked): %s", res(mnt_tmpfs("a")));
    say("MS_MOVE a -> b moves the top one: %s", res(move("a", "b")));
    say("a/d/inner: %s, b/d/inner: %s", yesno(exists("a/d/inner")), yesno(exists("b/d/inner")));
    show("after moving a stacked mount");

    /* a mount whose parent is shared stays where it is */
    say("make B shared: %s", res(mount(NULL, B, NULL, MS_SHARED, NULL)));
    mkdirs("c");
    say("MS_MOVE b -> c under a shared parent: %s", res(move("b", "c")));
    say("make B private: %s", res(mount(NULL, B, NULL, MS_PRIVATE, NULL)));

    /* a tree with an unbindable mount cannot go under a shared mount */
    say("mount tmpfs on s: %s", res(mnt_tmpfs("s")));
    say("make s shared: %s", res(mount(NULL, bp("s"), NULL, MS_SHARED, NULL)));
    say("make b unbindable: %s", res(mount(NULL, bp("b"), NULL, MS_UNBINDABLE, NULL)));
    mkdirs("s/in");
    say("MS_MOVE unbindable b -> s/in (shared): %s", res(move("b", "s/in")));
    say("make b private: %s", res(mount(NULL, bp("b"), NULL, MS_PRIVATE, NULL)));

    /* moving under a shared mount makes the tree shared and propagates it to the peers */
    mkdirs("t");
    say("bind s -> t (a peer of s): %s", res(mount(bp("s"), bp("t"), NULL, MS_BIND, NULL)));
    say("MS_MOVE b -> s/in: %s", res(move("b", "s/in")));
    say("t/in mounted: %s, t/in/d/inner: %s", yesno(mounted("t/in")), yesno(exists("t/in/d/inner")));
    show("after moving under a shared mount");

    /* a shared mount bound into itself, then a peer moved under it: each peer gets one copy */
    say("mount tmpfs on self: %s", res(mnt_tmpfs("self")));
    say("make self shared: %s", res(mount(NULL, bp("self"), NULL, MS_SHARED, NULL)));
    mkdirs("self/sub");
    mkdirs("self/sub2");
    mkdirs("peer");
    say("bind self -> self/sub: %s", res(mount(bp("self"), bp("self/sub"), NULL, MS_BIND, NULL)));
    say("bind self -> peer: %s", res(mount(bp("self"), bp("peer"), NULL, MS_BIND, NULL)));
    say("MS_MOVE peer -> self/sub2: %s", res(move("peer", "self/sub2")));
    show("after moving a peer under its own group");
}

static void test_ns_mnt_move(void)
{
    in_child(move_body);
}

/* ---- MS_UNBINDABLE ------------------------------------------------------------ */

static void unbindable_body(void)
{
    say("mount tmpfs on s: %s", res(mnt_tmpfs("s")));
    say("mount tmpfs on s/n: %s", res(mnt_tmpfs("s/n")));
    say("mount tmpfs on s/u: %s", res(mnt_tmpfs("s/u")));
    mkdirs("s/u/sub");
    write_file(bp("s/n/file"), "n", 0644);
    say("make s/u unbindable: %s", res(mount(NULL, bp("s/u"), NULL, MS_UNBINDABLE, NULL)));
    show("unbindable s/u");
    mkdirs("x");
    say("bind s/u -> x: %s", res(mount(bp("s/u"), bp("x"), NULL, MS_BIND, NULL)));
    say("bind s/u/sub -> x: %s", res(mount(bp("s/u/sub"), bp("x"), NULL, MS_BIND, NULL)));
    say("bind s -> x (not recursive): %s", res(mount(bp("s"), bp("x"), NULL, MS_BIND, NULL)));
    say("x/n mounted: %s, x/n/file: %s", yesno(mounted("x/n")), yesno(exists("x/n/file")));
    show("after a plain bind");
    say("umount x: %s", res(umount(bp("x"))));
    say("bind s -> x with MS_REC: %s", res(mount(bp("s"), bp("x"), NULL, MS_BIND | MS_REC, NULL)));
    say("x/n mounted: %s, x/n/file: %s, x/u mounted: %s, x/u/sub (the directory beneath): %s", yesno(mounted("x/n")),
        yesno(exists("x/n/file")), yesno(mounted("x/u")), yesno(exists("x/u/sub")));
    show("after a recursive bind");
    say("umount x (has a submount): %s", res(umount(bp("x"))));
    say("umount2 x MNT_DETACH: %s", res(umount2(bp("x"), MNT_DETACH)));
    say("x/n mounted: %s", yesno(mounted("x/n")));

    say("make s unbindable with MS_REC: %s", res(mount(NULL, bp("s"), NULL, MS_UNBINDABLE | MS_REC, NULL)));
    say("bind s/n -> x: %s", res(mount(bp("s/n"), bp("x"), NULL, MS_BIND, NULL)));
    show("all unbindable");

    pid_t c = xfork();
    if (c == 0) {
        say("child: unshare(CLONE_NEWNS): %s", res(unshare(CLONE_NEWNS)));
        show("child (unbindable mounts are copied)");
        _exit(0);
    }
    xwait(c, 0);
    say("make s/n shared: %s", res(mount(NULL, bp("s/n"), NULL, MS_SHARED, NULL)));
    say("make s private with MS_REC: %s", res(mount(NULL, bp("s"), NULL, MS_PRIVATE | MS_REC, NULL)));
    say("bind s/u -> x: %s", res(mount(bp("s/u"), bp("x"), NULL, MS_BIND, NULL)));
    show("private again");
}

static void test_ns_mnt_unbindable(void)
{
    in_child(unbindable_body);
}

/* ---- shared subtrees within one namespace ----------------------------------------- */

static void bind_prop_body(void)
{
    say("mount tmpfs on a: %s", res(mnt_tmpfs("a")));
    say("MS_SHARED|MS_PRIVATE: %s", res(mount(NULL, bp("a"), NULL, MS_SHARED | MS_PRIVATE, NULL)));
    say("MS_PRIVATE|MS_RDONLY: %s", res(mount(NULL, bp("a"), NULL, MS_PRIVATE | MS_RDONLY, NULL)));
    mkdirs("a/dir");
    say("MS_SHARED on a directory that is no mount: %s", res(mount(NULL, bp("a/dir"), NULL, MS_SHARED, NULL)));
    say("MS_SLAVE on a private mount: %s", res(mount(NULL, bp("a"), NULL, MS_SLAVE, NULL)));
    show("slave of nothing");
    say("make a shared: %s", res(mount(NULL, bp("a"), NULL, MS_SHARED, NULL)));
    mkdirs("b");
    mkdirs("c");
    say("bind a -> b: %s", res(mount(bp("a"), bp("b"), NULL, MS_BIND, NULL)));
    say("bind a -> c: %s", res(mount(bp("a"), bp("c"), NULL, MS_BIND, NULL)));
    say("make c a slave: %s", res(mount(NULL, bp("c"), NULL, MS_SLAVE, NULL)));
    say("mount tmpfs on a/x: %s", res(mnt_tmpfs("a/x")));
    say("b/x mounted: %s, c/x mounted: %s", yesno(mounted("b/x")), yesno(mounted("c/x")));
    say("mount tmpfs on c/y: %s", res(mnt_tmpfs("c/y")));
    say("a/y mounted: %s, b/y mounted: %s", yesno(mounted("a/y")), yesno(mounted("b/y")));
    write_file(bp("c/y/mine"), "c", 0644);
    say("mount tmpfs on a/y (c/y is taken there): %s", res(mnt_tmpfs("a/y")));
    say("b/y mounted: %s, c/y still shows c's own mount: %s", yesno(mounted("b/y")), yesno(exists("c/y/mine")));
    say("mount tmpfs on b/z: %s", res(mnt_tmpfs("b/z")));
    say("a/z mounted: %s, c/z mounted: %s", yesno(mounted("a/z")), yesno(mounted("c/z")));
    show("peers and a slave");
    say("make c shared too (slave and shared): %s", res(mount(NULL, bp("c"), NULL, MS_SHARED, NULL)));
    mkdirs("d");
    say("bind c -> d: %s", res(mount(bp("c"), bp("d"), NULL, MS_BIND, NULL)));
    say("mount tmpfs on a/w: %s", res(mnt_tmpfs("a/w")));
    say("c/w mounted: %s, d/w mounted: %s", yesno(mounted("c/w")), yesno(mounted("d/w")));
    show("a shared slave");
    say("umount a/x: %s", res(umount(bp("a/x"))));
    say("b/x mounted: %s, c/x mounted: %s, d/x mounted: %s", yesno(mounted("b/x")), yesno(mounted("c/x")), yesno(mounted("d/x")));
    say("make b private: %s", res(mount(NULL, bp("b"), NULL, MS_PRIVATE, NULL)));
    say("mount tmpfs on a/v: %s", res(mnt_tmpfs("a/v")));
    say("b/v mounted: %s, c/v mounted: %s", yesno(mounted("b/v")), yesno(mounted("c/v")));
    say("make a private (c's master group loses a member): %s", res(mount(NULL, bp("a"), NULL, MS_PRIVATE, NULL)));
    show("after making a and b private");
    mkdirs("sub/e");
    say("bind a/dir -> sub/e (root is a subdirectory): %s", res(mount(bp("a/dir"), bp("sub/e"), NULL, MS_BIND, NULL)));
    show("bind of a subdirectory");
}

static void test_ns_mnt_bind_propagation(void)
{
    in_child(bind_prop_body);
}

/* ---- shared subtrees across namespaces ----------------------------------------- */

/* A process in a mount namespace of its own that runs commands from the test,
 * one at a time, so that only one process prints at any moment. */
struct agent {
    const char *name;
    pid_t pid;
    struct chan cmd, ack;
};

static void agent_do(const char *who, const char *op, const char *arg)
{
    if (strcmp(op, "mount") == 0) say("%s: mount tmpfs on %s: %s", who, arg, res(mnt_tmpfs(arg)));
    else if (strcmp(op, "umount") == 0) say("%s: umount %s: %s", who, arg, res(umount(bp(arg))));
    else if (strcmp(op, "look") == 0) say("%s: %s mounted: %s", who, arg, yesno(mounted(arg)));
    else if (strcmp(op, "slave") == 0) say("%s: make %s a slave: %s", who, arg, res(mount(NULL, bp(arg), NULL, MS_SLAVE, NULL)));
    else if (strcmp(op, "private") == 0) say("%s: make %s private: %s", who, arg, res(mount(NULL, bp(arg), NULL, MS_PRIVATE, NULL)));
    else if (strcmp(op, "shared") == 0) say("%s: make %s shared: %s", who, arg, res(mount(NULL, bp(arg), NULL, MS_SHARED, NULL)));
    else if (strcmp(op, "show") == 0) show(who);
    else if (strcmp(op, "quit") == 0) _exit(0);
    else die("unknown agent op %s", op);
}

static void agent_start(struct agent *a, const char *name)
{
    a->name = name;
    chan_open(&a->cmd);
    chan_open(&a->ack);
    a->pid = xfork();
    if (a->pid == 0) {
        say("%s: unshare(CLONE_NEWNS): %s", name, res(unshare(CLONE_NEWNS)));
        chan_send(&a->ack, 1);
        for (;;) {
            char line[128];
            long n = read(a->cmd.r, line, sizeof line - 1);
            if (n <= 0) die("%s: no command", name);
            line[n] = 0;
            char *sp = strchr(line, ' ');
            if (sp) *sp = 0;
            agent_do(name, line, sp ? sp + 1 : "");
            chan_send(&a->ack, 1);
        }
    }
    chan_recv(&a->ack);
}

/* run one command in agent a (NULL: in this process) and wait for it */
static void run(struct agent *a, const char *op, const char *arg)
{
    if (!a) {
        agent_do("parent", op, arg);
        return;
    }
    char line[128];
    int n = snprintf(line, sizeof line, "%s %s", op, arg);
    CHECK(write(a->cmd.w, line, (size_t)n) == n);
    chan_recv(&a->ack);
}

static void cross_ns_body(void)
{
    say("make B shared: %s", res(mount(NULL, B, NULL, MS_SHARED, NULL)));
    run(NULL, "mount", "priv");
    struct agent slave, peer;
    agent_start(&slave, "slave");
    agent_start(&peer, "peer");
    run(&slave, "slave", "");
    run(NULL, "private", "priv");
    run(NULL, "show", "");
    run(&slave, "show", "");
    run(&peer, "show", "");
    /* one process acts, then the two others look */
    struct agent *procs[] = { NULL, &slave, &peer };
    static const struct { int by; const char *op, *arg; } steps[] = {
        { 0, "mount", "p1" }, { 1, "mount", "s1" }, { 2, "mount", "c1" },
        { 0, "umount", "p1" }, { 2, "umount", "c1" }, { 0, "mount", "priv/x" },
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        run(procs[steps[i].by], steps[i].op, steps[i].arg);
        for (int j = 0; j < 3; j++)
            if (j != steps[i].by) run(procs[j], "look", steps[i].arg);
    }
    for (int j = 0; j < 3; j++) run(procs[j], "show", "");
    CHECK(write(slave.cmd.w, "quit", 4) == 4);
    CHECK(write(peer.cmd.w, "quit", 4) == 4);
    xwait(slave.pid, 0);
    xwait(peer.pid, 0);
}

static void test_ns_mnt_propagation_ns(void)
{
    in_child(cross_ns_body);
}

/* ---- umount and remount ------------------------------------------------------------ */

static int writable(const char *rel)
{
    char p[300];
    snprintf(p, sizeof p, "%s/w", bp(rel));
    int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return -errno;
    close(fd);
    unlink(p);
    return 0;
}

static void umount_body(void)
{
    say("mount tmpfs on a: %s", res(mnt_tmpfs("a")));
    say("mount tmpfs on a/in: %s", res(mnt_tmpfs("a/in")));
    say("umount a (a submount): %s", res(umount(bp("a"))));
    mkdirs("a/plain");
    say("umount a/plain (not a mount): %s", res(umount(bp("a/plain"))));
    say("umount a/in/.. (that is a): %s", res(umount(bp("a/in/.."))));
    CHECK(chdir(bp("a/in")) == 0);
    say("umount a/in (the cwd is in it): %s", res(umount(bp("a/in"))));
    CHECK(chdir("/") == 0);
    int fd = open(bp("a/in"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    say("umount a/in (an open directory in it): %s", res(umount(bp("a/in"))));
    close(fd);
    say("umount a/in: %s", res(umount(bp("a/in"))));
    mkdirs("a/in2");
    say("mount tmpfs on a/in2: %s", res(mnt_tmpfs("a/in2")));
    say("rmdir a/in2 (a mount point): %s", res(rmdir(bp("a/in2"))));
    say("umount2 a MNT_DETACH (takes a/in2 along): %s", res(umount2(bp("a"), MNT_DETACH)));
    say("a mounted: %s, a/in2 mounted: %s", yesno(mounted("a")), yesno(mounted("a/in2")));
    say("umount2 with a bad flag: %s", res(umount2(bp("."), 0x100)));

    /* read-only: a bind ignores MS_RDONLY; MS_REMOUNT|MS_BIND changes only that mount;
     * MS_REMOUNT changes the filesystem under every mount of it */
    say("mount tmpfs on r: %s", res(mnt_tmpfs("r")));
    mkdirs("r2");
    mkdirs("r3");
    say("bind r -> r2 with MS_RDONLY: %s", res(mount(bp("r"), bp("r2"), NULL, MS_BIND | MS_RDONLY, NULL)));
    say("write in r2: %s", ename(-writable("r2")));
    say("MS_REMOUNT|MS_BIND|MS_RDONLY r2: %s", res(mount(NULL, bp("r2"), NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL)));
    say("write in r2: %s, in r: %s", ename(-writable("r2")), ename(-writable("r")));
    say("bind r -> r3: %s", res(mount(bp("r"), bp("r3"), NULL, MS_BIND, NULL)));
    say("MS_REMOUNT|MS_RDONLY r: %s", res(mount(NULL, bp("r"), NULL, MS_REMOUNT | MS_RDONLY, NULL)));
    say("write in r: %s, in r3: %s", ename(-writable("r")), ename(-writable("r3")));
    show("read-only");
    say("MS_REMOUNT r (read-write again): %s", res(mount(NULL, bp("r"), NULL, MS_REMOUNT, NULL)));
    say("write in r: %s, in r2: %s, in r3: %s", ename(-writable("r")), ename(-writable("r2")), ename(-writable("r3")));
    show("read-write");
    struct stat a, b;
    CHECK(stat(B, &a) == 0 && stat(bp("r"), &b) == 0);
    say("a tmpfs mount has its own device: %s", yesno(a.st_dev != b.st_dev));
}

static void test_ns_mnt_umount_remount(void)
{
    in_child(umount_body);
}

/* ---- pivot_root and chroot ----------------------------------------------------------- */

/* every mount this process sees: mount point, fstype, source, propagation */
static void show_all(const char *who)
{
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (!f) {
        say("%s: /proc/self/mountinfo: errno=%s", who, ename(errno));
        return;
    }
    char line[1024];
    say("%s: all mounts:", who);
    while (fgets(line, sizeof line, f)) {
        char point[256], fstype[32], source[64];
        char *dash = strstr(line, " - ");
        if (!dash || sscanf(line, "%*d %*d %*s %*s %255s", point) != 1 || sscanf(dash + 3, "%31s %63s", fstype, source) != 2) continue;
        say("  %s %s %s", point, fstype, source);
    }
    fclose(f);
}

static void pivot_body(void)
{
    say("mount tmpfs on new: %s", res(mnt_tmpfs("new")));
    mkdirs("new/old");
    mkdirs("new/proc");
    mkdirs("new/dir/sub");
    mkdirs("elsewhere");
    write_file(bp("new/marker"), "m", 0644);
    say("pivot_root(new/dir, new/old) (not a mount): %s", res(syscall(SYS_pivot_root, bp("new/dir"), bp("new/old"))));
    say("pivot_root(new, elsewhere) (put_old outside): %s", res(syscall(SYS_pivot_root, bp("new"), bp("elsewhere"))));
    say("pivot_root(/, new/old) (already the root): %s", res(syscall(SYS_pivot_root, "/", bp("new/old"))));
    say("pivot_root(new/marker, new/old): %s", res(syscall(SYS_pivot_root, bp("new/marker"), bp("new/old"))));
    say("pivot_root(new, missing): %s", res(syscall(SYS_pivot_root, bp("new"), bp("new/missing"))));
    say("make B shared: %s", res(mount(NULL, B, NULL, MS_SHARED, NULL)));
    say("pivot_root(new, new/old) with new's parent shared: %s", res(syscall(SYS_pivot_root, bp("new"), bp("new/old"))));
    say("make B private: %s", res(mount(NULL, B, NULL, MS_PRIVATE, NULL)));
    CHECK(chdir(bp("new")) == 0);
    say("pivot_root(\".\", \"old\"): %s", res(syscall(SYS_pivot_root, ".", "old")));
    char cwd[256];
    say("getcwd: %s", getcwd(cwd, sizeof cwd) ? cwd : ename(errno));
    struct stat st;
    say("/marker: %s", yesno(stat("/marker", &st) == 0));
    char oldb[300];
    snprintf(oldb, sizeof oldb, "/old%s/new/marker", B);
    say("the old root's path to the new root is empty: %s", yesno(stat(oldb, &st) != 0));
    say("mount proc on /proc: %s", res(mount("proc", "/proc", "proc", 0, NULL)));
    say("umount /old: %s", res(umount("/old")));
    say("umount2 /old MNT_DETACH: %s", res(umount2("/old", MNT_DETACH)));
    show_all("after pivot_root");

    /* the runtimes' way: pivot_root(".", ".") stacks the old root on the new one, and
     * umount2(".", MNT_DETACH) takes the top one */
    pid_t c = xfork();
    if (c == 0) {
        CHECK(unshare(CLONE_NEWNS) == 0);
        CHECK(mkdir("/again", 0755) == 0);
        CHECK(mount("again", "/again", "tmpfs", 0, NULL) == 0);
        CHECK(mkdir("/again/proc", 0755) == 0);
        CHECK(chdir("/again") == 0);
        say("child: pivot_root(\".\", \".\"): %s", res(syscall(SYS_pivot_root, ".", ".")));
        say("child: umount2(\".\", MNT_DETACH): %s", res(umount2(".", MNT_DETACH)));
        say("child: mount proc on /proc: %s", res(mount("proc", "/proc", "proc", 0, NULL)));
        show_all("child");
        _exit(0);
    }
    xwait(c, 0);
    CHECK(mkdir("/dir/sub/inner", 0755) == 0);
    /* "unmounting" the root without MNT_DETACH makes its filesystem read-only */
    say("umount / (the root): %s", res(umount("/")));
    say("mkdir after that: %s", res(mkdir("/y", 0755)));
    say("MS_REMOUNT / read-write: %s", res(mount(NULL, "/", NULL, MS_REMOUNT, NULL)));
    say("mkdir: %s", res(mkdir("/y", 0755)));
    CHECK(chdir("/dir") == 0);
    say("chroot(/dir/sub): %s", res(chroot("/dir/sub")));
    say("getcwd outside the root: %s", getcwd(cwd, sizeof cwd) ? cwd : ename(errno));
    say("stat(\"inner\") from the old cwd: %s", yesno(stat("sub/inner", &st) == 0));
    say("chdir(\"/\"): %s", res(chdir("/")));
    say("getcwd: %s", getcwd(cwd, sizeof cwd) ? cwd : ename(errno));
    say("chdir(\"..\") stays at the root: %s", res(chdir("..")));
    say("/inner visible: %s", yesno(stat("/inner", &st) == 0));
    say("unshare(CLONE_NEWUSER) when chrooted: %s", res(unshare(CLONE_NEWUSER)));
}

static void test_ns_mnt_pivot_root(void)
{
    in_child(pivot_body);
}

const struct conform_test mountns_tests[] = {
    T(ns_mnt_move, "MS_MOVE: a mount and its submounts move, cwd follows; EINVAL/ELOOP/ENOENT rules; shared parents and destinations"),
    T(ns_mnt_unbindable, "MS_UNBINDABLE: bind refused, skipped by a recursive bind, copied by unshare as private, shown in mountinfo"),
    T(ns_mnt_bind_propagation, "shared, slave and private bind mounts in one namespace: what propagates where; mountinfo fields"),
    T(ns_mnt_propagation_ns, "a shared mount across namespaces: peer and slave copies receive mounts and unmounts, a slave does not send"),
    T(ns_mnt_umount_remount, "umount EBUSY (submounts, cwd, open files), MNT_DETACH, rmdir of a mount point; bind/remount read-only"),
    T(ns_mnt_pivot_root, "pivot_root: EINVAL/EBUSY rules, the new root, the old one detached; chroot, getcwd outside the root"),
    { NULL, NULL, NULL },
};
