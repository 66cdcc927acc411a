/* spie: a static-pie program without a C library (Debian's cross glibc has no rcrt1.o, so
 * gcc -static-pie cannot link against it): it applies its own R_RISCV_RELATIVE relocations,
 * as glibc's _dl_relocate_static_pie does, then prints through a table of relocated pointers. */
#include <elf.h>
#include <stddef.h>

extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
extern Elf64_Dyn _DYNAMIC[] __attribute__((visibility("hidden")));

static long sys(long n, long a, long b, long c)
{
    register long a7 __asm__("a7") = n, a0 __asm__("a0") = a, a1 __asm__("a1") = b, a2 __asm__("a2") = c;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
    return a0;
}

static const char *const words[] = {"static-pie: ", "relocated ", "pointers ", "work\n"};

static size_t len(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

__attribute__((used)) void cstart(long *sp)
{
    unsigned long base = (unsigned long)&__ehdr_start, rela = 0, relasz = 0, *auxv;
    long argc = sp[0];
    Elf64_Dyn *d;
    for (d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
        if (d->d_tag == DT_RELA) rela = d->d_un.d_ptr;
        if (d->d_tag == DT_RELASZ) relasz = d->d_un.d_val;
    }
    for (Elf64_Rela *r = (Elf64_Rela *)(base + rela); (unsigned long)r < base + rela + relasz; r++)
        if (ELF64_R_TYPE(r->r_info) == R_RISCV_RELATIVE)
            *(unsigned long *)(base + r->r_offset) = base + r->r_addend;
    for (int i = 0; i < 4; i++) sys(64, 1, (long)words[i], (long)len(words[i]));
    /* the auxiliary vector: AT_BASE is 0 (no interpreter), AT_PHDR is in this image */
    auxv = (unsigned long *)(sp + 1 + argc + 1);
    while (*auxv) auxv++;
    auxv++;
    int ok = 1;
    for (; auxv[0] != 0; auxv += 2) {
        if (auxv[0] == 7 && auxv[1] != 0) ok = 0;
        if (auxv[0] == 3 && auxv[1] != base + __ehdr_start.e_phoff) ok = 0;
        if (auxv[0] == 9 && auxv[1] != base + __ehdr_start.e_entry) ok = 0;
    }
    const char *m = ok ? "auxv: AT_BASE 0, AT_PHDR and AT_ENTRY in the image\n" : "auxv: WRONG\n";
    sys(64, 1, (long)m, (long)len(m));
    sys(94, 0, 0, 0);
}

__asm__(".globl _start\n_start:\n mv a0, sp\n call cstart\n");
