/* loader: what the kernel's ELF loader and the memory map give a program, checked from the
 * inside so that the static and the dynamically linked build print the same lines: the
 * auxiliary vector (AT_PHDR, AT_PHNUM, AT_PHENT, AT_ENTRY, AT_BASE against the program's own
 * headers and the loaded objects), RELRO made read-only, file mappings (MAP_PRIVATE and
 * MAP_SHARED at page offsets, copy-on-write, EACCES/EINVAL/SIGBUS cases) and dlopen of
 * libm.so.6 (which needs the riscv64 sysroot at /lib for both builds).
 *   loader            all of the above (file mappings in a mkdtemp directory under /tmp)
 *   loader map FILE   MAP_SHARED and MAP_PRIVATE views of an existing file of >= 3 pages
 * Prints no addresses, pids or paths. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096

extern const ElfW(Ehdr) __ehdr_start;
extern char _start[];

static const char *yes(int c) { return c ? "yes" : "NO"; }

/* the load address of the object whose name ends in `suffix` ("" for the program) */
struct find { const char *suffix; uintptr_t addr; int found; };
static int find_cb(struct dl_phdr_info *i, size_t size, void *data)
{
    struct find *f = data;
    size_t n = strlen(i->dlpi_name), m = strlen(f->suffix);
    (void)size;
    if ((m == 0 && n == 0 && !f->found) || (m > 0 && n >= m && strcmp(i->dlpi_name + n - m, f->suffix) == 0)) {
        f->addr = i->dlpi_addr;
        f->found = 1;
    }
    return 0;
}

static void auxv(void)
{
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
    struct find prog = {"", 0, 0}, ld = {"ld-linux-riscv64-lp64d.so.1", 0, 0};
    uintptr_t bias;
    int i, loads = 0, covers_entry = 0;

    printf("AT_PHENT is sizeof(Elf64_Phdr): %s\n", yes(getauxval(AT_PHENT) == sizeof(ElfW(Phdr))));
    printf("AT_PHNUM is e_phnum: %s\n", yes(getauxval(AT_PHNUM) == __ehdr_start.e_phnum));
    printf("AT_PHDR is the ELF header plus e_phoff: %s\n", yes((uintptr_t)ph == (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff));
    printf("AT_ENTRY is _start: %s\n", yes(getauxval(AT_ENTRY) == (uintptr_t)_start));
    dl_iterate_phdr(find_cb, &prog);
    dl_iterate_phdr(find_cb, &ld);
    bias = prog.addr;
    for (i = 0; i < (int)getauxval(AT_PHNUM); i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        loads++;
        if (getauxval(AT_ENTRY) >= bias + ph[i].p_vaddr && getauxval(AT_ENTRY) < bias + ph[i].p_vaddr + ph[i].p_memsz)
            covers_entry = (ph[i].p_flags & PF_X) != 0;
    }
    printf("program headers in memory: %s PT_LOADs, the entry in an executable one: %s\n", loads >= 2 ? ">= 2" : "< 2", yes(covers_entry));
    /* AT_BASE: where the kernel put the interpreter; 0 without one */
    printf("AT_BASE is the dynamic loader's address, or 0 without one: %s\n", yes(ld.found ? getauxval(AT_BASE) == ld.addr : getauxval(AT_BASE) == 0));
    printf("AT_RANDOM gives 16 readable bytes: %s\n", yes(getauxval(AT_RANDOM) != 0));
    printf("AT_EXECFN names the program: %s\n", yes(getauxval(AT_EXECFN) != 0 && strrchr((char *)getauxval(AT_EXECFN), '/') != NULL));
}

static void relro_marker(void) {}

static sigjmp_buf jb;
static volatile int caught;
static void on_fault(int sig) { caught = sig; siglongjmp(jb, 1); }

/* 1 when writing one byte at p raises SIGSEGV (the old byte is restored otherwise) */
static int write_faults(volatile char *p)
{
    struct sigaction sa = {0}, old_segv, old_bus;
    int r;
    sa.sa_handler = on_fault;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    caught = 0;
    if (sigsetjmp(jb, 1) == 0) {
        char c = *p;
        *p = c;
        r = 0;
    } else {
        r = caught;
    }
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    return r;
}

static int read_faults(volatile char *p)
{
    struct sigaction sa = {0}, old_segv, old_bus;
    int r;
    sa.sa_handler = on_fault;
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGBUS, &sa, &old_bus);
    caught = 0;
    if (sigsetjmp(jb, 1) == 0) {
        (void)*p;
        r = 0;
    } else {
        r = caught;
    }
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    return r;
}

/* pointers a PIE must relocate at start-up: .data.rel.ro, a RELRO page or more in both builds */
static void (*const reloc_table[1024])(void) = {[0 ... 1023] = relro_marker};

static void relro(void)
{
    const ElfW(Phdr) *ph = (const ElfW(Phdr) *)getauxval(AT_PHDR);
    struct find prog = {"", 0, 0};
    int i;
    dl_iterate_phdr(find_cb, &prog);
    for (i = 0; i < (int)getauxval(AT_PHNUM); i++) {
        if (ph[i].p_type == PT_GNU_RELRO && ph[i].p_memsz >= PG) {
            /* a whole page inside the RELRO range: read-only after start-up */
            uintptr_t a = (prog.addr + ph[i].p_vaddr + PG - 1) & ~(uintptr_t)(PG - 1);
            if (a + PG <= prog.addr + ph[i].p_vaddr + ph[i].p_memsz) {
                volatile int last = 1023;
                printf("relocated pointers: %s\n", yes(reloc_table[last] == relro_marker));
                printf("RELRO page: read %s, write %s\n", read_faults((char *)a) ? "faults" : "ok",
                       write_faults((char *)a) == SIGSEGV ? "SIGSEGV" : "allowed");
                return;
            }
        }
    }
    printf("RELRO page: none of a whole page\n");
}

static unsigned sum(const unsigned char *p, size_t n)
{
    unsigned s = 0;
    size_t i;
    for (i = 0; i < n; i++)
        s = s * 31 + p[i];
    return s;
}

/* MAP_SHARED read-only and MAP_PRIVATE views of an existing file, at page offsets */
static void views(const char *file)
{
    int fd = open(file, O_RDONLY);
    unsigned char buf[2 * PG];
    unsigned char *sh, *pr;
    if (fd < 0) {
        printf("open: %s\n", strerror(errno));
        return;
    }
    pread(fd, buf, sizeof buf, PG);
    sh = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, PG);
    pr = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
    if (sh == MAP_FAILED || pr == MAP_FAILED) {
        printf("mmap: %s\n", strerror(errno));
        return;
    }
    printf("MAP_SHARED read-only at offset 4096: %s, checksum %08x\n", yes(memcmp(sh, buf, sizeof buf) == 0), sum(sh, 2 * PG));
    printf("MAP_PRIVATE at offset 4096: %s\n", yes(memcmp(pr, buf, sizeof buf) == 0));
    pr[10] ^= 0xff;
    printf("a private write stays private: %s\n", yes(sh[10] != pr[10]));
    printf("mprotect(PROT_WRITE) of the read-only shared view: %s\n", mprotect(sh, PG, PROT_READ | PROT_WRITE) == 0 ? "allowed" : strerror(errno));
    printf("MAP_SHARED|PROT_WRITE of a read-only descriptor: %s\n", mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED ? strerror(errno) : "allowed");
    printf("offset not a page multiple: %s\n", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED ? strerror(errno) : "allowed");
    munmap(sh, 2 * PG);
    munmap(pr, 2 * PG);
    close(fd);
}

static void filemaps(void)
{
    char dir[] = "/tmp/loaderXXXXXX", file[64];
    unsigned char page[PG];
    unsigned char *m, *w;
    int fd, i;
    if (!mkdtemp(dir)) {
        printf("mkdtemp: %s\n", strerror(errno));
        return;
    }
    snprintf(file, sizeof file, "%s/data", dir);
    fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0644);
    for (i = 0; i < 3; i++) {
        memset(page, 'a' + i, PG);
        page[0] = (unsigned char)i;
        write(fd, page, PG);
    }
    write(fd, "tail", 4); /* a partial fourth page */
    views(file);

    /* the partial last page reads zeros past the end; the page after it is SIGBUS */
    m = mmap(NULL, 3 * PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
    printf("last page: %.4s then zeros: %s\n", (char *)m + PG, yes(m[PG + 4] == 0 && m[2 * PG - 1] == 0));
    printf("a page past the end of the file: %s\n", read_faults((char *)m + 2 * PG) == SIGBUS ? "SIGBUS" : "readable");
    munmap(m, 3 * PG);

    /* a writable shared mapping writes the file, and a forked child shares it */
    w = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PG);
    if (w == MAP_FAILED) {
        printf("writable MAP_SHARED: %s\n", strerror(errno));
    } else {
        pid_t pid;
        w[1] = 'X';
        pread(fd, page, 2, PG);
        printf("a shared write reaches the file: %s\n", yes(page[1] == 'X'));
        pid = fork();
        if (pid == 0) {
            w[2] = 'Y';
            _exit(0);
        }
        waitpid(pid, NULL, 0);
        pread(fd, page, 3, PG);
        printf("a forked child's shared write reaches the file: %s\n", yes(page[2] == 'Y' && w[2] == 'Y'));
        munmap(w, PG);
    }
    close(fd);
    unlink(file);
    rmdir(dir);
}

static void dl(void)
{
    void *h = dlopen("libm.so.6", RTLD_NOW);
    double (*f)(double);
    if (!h) {
        printf("dlopen libm.so.6: %s\n", dlerror());
        return;
    }
    f = (double (*)(double))dlsym(h, "cos");
    printf("dlopen libm.so.6, dlsym cos: cos(0.5) = %.6f\n", f ? f(0.5) : -1.0);
    printf("dlsym of a missing symbol: %s\n", dlsym(h, "no_such_symbol") == NULL ? "NULL" : "found");
    printf("dlclose: %d\n", dlclose(h));
    h = dlopen("libforkscope-missing.so", RTLD_NOW);
    printf("dlopen of a missing library: %s\n", h ? "found" : dlerror());
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && strcmp(argv[1], "map") == 0) {
        views(argv[2]);
        return 0;
    }
    auxv();
    relro();
    filemaps();
    dl();
    return 0;
}
