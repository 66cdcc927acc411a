/*
 * insntest: RV64GC instruction edge cases, one printed line per check.
 *
 * Every operation is executed with inline asm on values loaded from volatile
 * variables, so the compiler can neither fold nor substitute anything: the
 * printed value is what the CPU computed.  The expected output is whatever
 * qemu-riscv64 prints (see test/expected/regen.sh).  Nothing printed depends
 * on addresses, pids or timing.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef uint64_t u64;
typedef uint32_t u32;

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Launder a value through a volatile so it is opaque to the optimizer. */
static u64 opaque(u64 v)
{
    volatile u64 x = v;
    return x;
}

/* ------------------------------------------------------------------ */
/* Integer register-register operations                               */

#define DEF_RR(fn, insn)                                                       \
    static u64 fn(u64 a, u64 b)                                                \
    {                                                                          \
        u64 r;                                                                 \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));       \
        return r;                                                              \
    }

DEF_RR(op_div, "div")
DEF_RR(op_divu, "divu")
DEF_RR(op_rem, "rem")
DEF_RR(op_remu, "remu")
DEF_RR(op_divw, "divw")
DEF_RR(op_divuw, "divuw")
DEF_RR(op_remw, "remw")
DEF_RR(op_remuw, "remuw")
DEF_RR(op_mul, "mul")
DEF_RR(op_mulh, "mulh")
DEF_RR(op_mulhsu, "mulhsu")
DEF_RR(op_mulhu, "mulhu")
DEF_RR(op_mulw, "mulw")
DEF_RR(op_sll, "sll")
DEF_RR(op_srl, "srl")
DEF_RR(op_sra, "sra")
DEF_RR(op_sllw, "sllw")
DEF_RR(op_srlw, "srlw")
DEF_RR(op_sraw, "sraw")
DEF_RR(op_addw, "addw")
DEF_RR(op_subw, "subw")
DEF_RR(op_add, "add")
DEF_RR(op_sub, "sub")
DEF_RR(op_slt, "slt")
DEF_RR(op_sltu, "sltu")

struct rr {
    const char *name;
    u64 (*fn)(u64, u64);
};

static void run_rr(const struct rr *ops, size_t nops, const u64 *as, size_t na,
                   const u64 *bs, size_t nb)
{
    for (size_t o = 0; o < nops; o++)
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < nb; j++) {
                u64 a = opaque(as[i]), b = opaque(bs[j]);
                printf("%-6s %016" PRIx64 " %016" PRIx64 " -> %016" PRIx64 "\n",
                       ops[o].name, a, b, ops[o].fn(a, b));
            }
}

static void test_divide(void)
{
    printf("== division\n");
    static const struct rr ops[] = {
        {"div", op_div},   {"divu", op_divu},   {"rem", op_rem},   {"remu", op_remu},
        {"divw", op_divw}, {"divuw", op_divuw}, {"remw", op_remw}, {"remuw", op_remuw},
    };
    static const u64 as[] = {0, 7, (u64)-7, 0x8000000000000000, 0x7fffffffffffffff,
                             0xffffffff80000000, 0x0000000080000000, 0x123456789abcdef0};
    static const u64 bs[] = {0, 1, (u64)-1, 2, (u64)-3, 0x100000000, 0xffffffff,
                             0x0000000080000000};
    run_rr(ops, ARRAY_LEN(ops), as, ARRAY_LEN(as), bs, ARRAY_LEN(bs));
}

static void test_multiply(void)
{
    printf("== multiplication\n");
    static const struct rr ops[] = {
        {"mul", op_mul}, {"mulh", op_mulh}, {"mulhsu", op_mulhsu},
        {"mulhu", op_mulhu}, {"mulw", op_mulw},
    };
    static const u64 vs[] = {0, 1, (u64)-1, 0x8000000000000000, 0x7fffffffffffffff,
                             0xffffffff, 0x80000000, 0x9e3779b97f4a7c15};
    run_rr(ops, ARRAY_LEN(ops), vs, ARRAY_LEN(vs), vs, ARRAY_LEN(vs));
}

#define SHI(insn, v, imm)                                                          \
    do {                                                                           \
        u64 a_ = opaque(v), r_;                                                    \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a_), "i"(imm));       \
        printf("%-6s %016" PRIx64 " %-2d -> %016" PRIx64 "\n", insn, a_, imm, r_); \
    } while (0)

static void test_shifts(void)
{
    printf("== shifts\n");
    static const struct rr ops[] = {
        {"sll", op_sll}, {"srl", op_srl}, {"sra", op_sra},
        {"sllw", op_sllw}, {"srlw", op_srlw}, {"sraw", op_sraw},
    };
    static const u64 vs[] = {0x8000000000000001, 0x0123456789abcdef, 0xfedcba9880000000};
    static const u64 amts[] = {0, 1, 31, 32, 33, 63, 64, (u64)-1, 0x123456789};
    run_rr(ops, ARRAY_LEN(ops), vs, ARRAY_LEN(vs), amts, ARRAY_LEN(amts));
    for (size_t i = 0; i < ARRAY_LEN(vs); i++) {
        u64 v = vs[i];
        SHI("slli", v, 0); SHI("slli", v, 1); SHI("slli", v, 31); SHI("slli", v, 32); SHI("slli", v, 63);
        SHI("srli", v, 0); SHI("srli", v, 1); SHI("srli", v, 31); SHI("srli", v, 32); SHI("srli", v, 63);
        SHI("srai", v, 0); SHI("srai", v, 1); SHI("srai", v, 31); SHI("srai", v, 32); SHI("srai", v, 63);
        SHI("slliw", v, 0); SHI("slliw", v, 1); SHI("slliw", v, 31);
        SHI("srliw", v, 0); SHI("srliw", v, 1); SHI("srliw", v, 31);
        SHI("sraiw", v, 0); SHI("sraiw", v, 1); SHI("sraiw", v, 31);
    }
}

#define IMM(insn, v, imm)                                                           \
    do {                                                                            \
        u64 a_ = opaque(v), r_;                                                     \
        __asm__ volatile(insn " %0, %1, %2" : "=r"(r_) : "r"(a_), "i"(imm));        \
        printf("%-6s %016" PRIx64 " %5d -> %016" PRIx64 "\n", insn, a_, imm, r_);   \
    } while (0)

#define UPPER(insn, imm)                                                            \
    do {                                                                            \
        u64 r_;                                                                     \
        __asm__ volatile(insn " %0, %1" : "=r"(r_) : "i"(imm));                     \
        printf("%-6s 0x%05x -> %016" PRIx64 "\n", insn, imm, r_);                   \
    } while (0)

#define AUIPC_DELTA(imm)                                                            \
    do {                                                                            \
        u64 r_, base_;                                                              \
        __asm__ volatile("1: auipc %0, %2\n\tauipc %1, 0\n\taddi %1, %1, -4"        \
                         : "=&r"(r_), "=&r"(base_) : "i"(imm));                     \
        printf("auipc  0x%05x -> pc + %016" PRIx64 "\n", imm, r_ - base_);          \
    } while (0)

static void test_arith32(void)
{
    printf("== 32-bit arithmetic, comparisons, upper immediates\n");
    static const struct rr ops[] = {
        {"addw", op_addw}, {"subw", op_subw}, {"add", op_add}, {"sub", op_sub},
        {"slt", op_slt},   {"sltu", op_sltu},
    };
    static const u64 vs[] = {0, 1, (u64)-1, 0x7fffffff, 0x80000000, 0xffffffff,
                             0x8000000000000000, 0x17fffffff};
    run_rr(ops, ARRAY_LEN(ops), vs, ARRAY_LEN(vs), vs, ARRAY_LEN(vs));
    static const u64 iv[] = {0, 0x7fffffff, 0xffffffff, 0x80000000, (u64)-5,
                             0x8000000000000000};
    for (size_t i = 0; i < ARRAY_LEN(iv); i++) {
        u64 v = iv[i];
        IMM("addiw", v, 1); IMM("addiw", v, -1); IMM("addiw", v, 2047); IMM("addiw", v, -2048);
        IMM("addiw", v, 0);
        IMM("addi", v, -2048);
        IMM("slti", v, -1); IMM("slti", v, 0); IMM("slti", v, -2048); IMM("slti", v, 2047);
        IMM("sltiu", v, -1); IMM("sltiu", v, 0); IMM("sltiu", v, 1); IMM("sltiu", v, -2048);
        IMM("andi", v, -16); IMM("ori", v, -2048); IMM("xori", v, -1);
    }
    UPPER("lui", 0x80000); UPPER("lui", 0xfffff); UPPER("lui", 0x7ffff); UPPER("lui", 0x00001);
    AUIPC_DELTA(0x80000); AUIPC_DELTA(0xfffff); AUIPC_DELTA(0x7ffff); AUIPC_DELTA(0x00001);
}

/* ------------------------------------------------------------------ */
/* Atomics                                                             */

#define DEF_AMO(fn, insn)                                                            \
    static u64 fn(volatile void *p, u64 v)                                           \
    {                                                                                \
        u64 r;                                                                       \
        __asm__ volatile(insn " %0, %2, (%1)" : "=&r"(r) : "r"(p), "r"(v) : "memory"); \
        return r;                                                                    \
    }

DEF_AMO(amoswap_w, "amoswap.w")
DEF_AMO(amoadd_w, "amoadd.w")
DEF_AMO(amoand_w, "amoand.w")
DEF_AMO(amoor_w, "amoor.w")
DEF_AMO(amoxor_w, "amoxor.w")
DEF_AMO(amomin_w, "amomin.w")
DEF_AMO(amomax_w, "amomax.w")
DEF_AMO(amominu_w, "amominu.w")
DEF_AMO(amomaxu_w, "amomaxu.w")
DEF_AMO(amoswap_d, "amoswap.d")
DEF_AMO(amoadd_d, "amoadd.d")
DEF_AMO(amoand_d, "amoand.d")
DEF_AMO(amoor_d, "amoor.d")
DEF_AMO(amoxor_d, "amoxor.d")
DEF_AMO(amomin_d, "amomin.d")
DEF_AMO(amomax_d, "amomax.d")
DEF_AMO(amominu_d, "amominu.d")
DEF_AMO(amomaxu_d, "amomaxu.d")
DEF_AMO(amoadd_w_aqrl, "amoadd.w.aqrl")
DEF_AMO(amoswap_d_aq, "amoswap.d.aq")
DEF_AMO(amoor_d_rl, "amoor.d.rl")

struct amo {
    const char *name;
    u64 (*fn)(volatile void *, u64);
};

static void test_amo(void)
{
    printf("== atomics\n");
    static const struct amo w_ops[] = {
        {"amoswap.w", amoswap_w}, {"amoadd.w", amoadd_w}, {"amoand.w", amoand_w},
        {"amoor.w", amoor_w},     {"amoxor.w", amoxor_w}, {"amomin.w", amomin_w},
        {"amomax.w", amomax_w},   {"amominu.w", amominu_w}, {"amomaxu.w", amomaxu_w},
        {"amoadd.w.aqrl", amoadd_w_aqrl},
    };
    static const u64 w_cases[][2] = {
        {0x80000001, 0x7fffffff},
        {0xfffffff0, 5},
        {0x12345678, 0xabcdef0080000001},
    };
    volatile u32 words[3];
    for (size_t o = 0; o < ARRAY_LEN(w_ops); o++)
        for (size_t c = 0; c < ARRAY_LEN(w_cases); c++) {
            words[0] = 0xa5a5a5a5;
            words[1] = (u32)w_cases[c][0];
            words[2] = 0x5a5a5a5a;
            u64 old = w_ops[o].fn(&words[1], opaque(w_cases[c][1]));
            printf("%-13s mem=%08" PRIx64 " v=%016" PRIx64 " -> old=%016" PRIx64
                   " mem=%08x neighbours=%s\n",
                   w_ops[o].name, w_cases[c][0], w_cases[c][1], old, words[1],
                   words[0] == 0xa5a5a5a5 && words[2] == 0x5a5a5a5a ? "intact" : "CLOBBERED");
        }
    static const struct amo d_ops[] = {
        {"amoswap.d", amoswap_d}, {"amoadd.d", amoadd_d}, {"amoand.d", amoand_d},
        {"amoor.d", amoor_d},     {"amoxor.d", amoxor_d}, {"amomin.d", amomin_d},
        {"amomax.d", amomax_d},   {"amominu.d", amominu_d}, {"amomaxu.d", amomaxu_d},
        {"amoswap.d.aq", amoswap_d_aq}, {"amoor.d.rl", amoor_d_rl},
    };
    static const u64 d_cases[][2] = {
        {0x8000000000000001, 0x7fffffffffffffff},
        {0xfffffffffffffff0, 5},
        {0x0123456789abcdef, 0xfedcba9876543210},
    };
    volatile u64 dw[3];
    for (size_t o = 0; o < ARRAY_LEN(d_ops); o++)
        for (size_t c = 0; c < ARRAY_LEN(d_cases); c++) {
            dw[0] = 0xa5a5a5a5a5a5a5a5;
            dw[1] = d_cases[c][0];
            dw[2] = 0x5a5a5a5a5a5a5a5a;
            u64 old = d_ops[o].fn(&dw[1], opaque(d_cases[c][1]));
            printf("%-13s mem=%016" PRIx64 " v=%016" PRIx64 " -> old=%016" PRIx64
                   " mem=%016" PRIx64 " neighbours=%s\n",
                   d_ops[o].name, d_cases[c][0], d_cases[c][1], old, dw[1],
                   dw[0] == 0xa5a5a5a5a5a5a5a5 && dw[2] == 0x5a5a5a5a5a5a5a5a ? "intact"
                                                                            : "CLOBBERED");
        }

    /* lr/sc */
    volatile u64 cell = 0x1111111122222222;
    u64 loaded, sc;
    __asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)"
                     : "=&r"(loaded), "=&r"(sc)
                     : "r"(&cell), "r"(opaque(0x3333333344444444))
                     : "memory");
    printf("lr.d/sc.d: loaded=%016" PRIx64 " sc=%" PRIu64 " mem=%016" PRIx64 "\n", loaded, sc,
           cell);
    volatile u32 wcell = 0x80000000;
    __asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)"
                     : "=&r"(loaded), "=&r"(sc)
                     : "r"(&wcell), "r"(opaque(0xffffffff00000007))
                     : "memory");
    printf("lr.w/sc.w: loaded=%016" PRIx64 " sc=%" PRIu64 " mem=%08x\n", loaded, sc, wcell);
    __asm__ volatile("lr.w.aq %0, (%2)\n\tsc.w.rl %1, %3, (%2)"
                     : "=&r"(loaded), "=&r"(sc)
                     : "r"(&wcell), "r"(opaque(0x12345678))
                     : "memory");
    printf("lr.w.aq/sc.w.rl: loaded=%016" PRIx64 " sc=%" PRIu64 " mem=%08x\n", loaded, sc,
           wcell);
    /* The previous sc consumed the reservation: a lone sc must fail. */
    __asm__ volatile("sc.d %0, %2, (%1)"
                     : "=&r"(sc)
                     : "r"(&cell), "r"(opaque(0x5555555555555555))
                     : "memory");
    printf("sc.d without lr: failed (nonzero): %s mem unchanged: %s\n", sc ? "yes" : "no",
           cell == 0x3333333344444444 ? "yes" : "no");
    __asm__ volatile("sc.w %0, %2, (%1)"
                     : "=&r"(sc)
                     : "r"(&wcell), "r"(opaque(0x66666666))
                     : "memory");
    printf("sc.w without lr: failed (nonzero): %s mem unchanged: %s\n", sc ? "yes" : "no",
           wcell == 0x12345678 ? "yes" : "no");
    /* A classic lr/sc retry loop. */
    volatile u64 counter = 40;
    for (int i = 0; i < 2; i++) {
        u64 tmp, fail;
        __asm__ volatile("1: lr.d %0, (%2)\n\taddi %0, %0, 1\n\tsc.d %1, %0, (%2)\n\t"
                         "bnez %1, 1b"
                         : "=&r"(tmp), "=&r"(fail)
                         : "r"(&counter)
                         : "memory");
    }
    printf("lr/sc increment loop: %" PRIu64 "\n", counter);
}

/* ------------------------------------------------------------------ */
/* Misaligned accesses                                                 */

#define LOAD(insn, base, off)                                                       \
    do {                                                                            \
        u64 r_;                                                                     \
        __asm__ volatile(insn " %0, %2(%1)" : "=r"(r_) : "r"(base), "i"(off)        \
                         : "memory");                                               \
        printf("%-3s at +%d -> %016" PRIx64 "\n", insn, off, r_);                   \
    } while (0)

#define STORE(insn, base, off, v)                                                   \
    __asm__ volatile(insn " %1, %2(%0)" : : "r"(base), "r"(opaque(v)), "i"(off)     \
                     : "memory")

static void dump_bytes(const char *what, volatile unsigned char *p, int n)
{
    printf("%s:", what);
    for (int i = 0; i < n; i++)
        printf(" %02x", p[i]);
    printf("\n");
}

static void test_misaligned(void)
{
    printf("== misaligned loads and stores\n");
    static unsigned char storage[64] __attribute__((aligned(16)));
    volatile unsigned char *buf = storage;
    for (int i = 0; i < 32; i++)
        buf[i] = (unsigned char)(0x80 + i * 7);
    unsigned char *b = (unsigned char *)opaque((u64)(uintptr_t)storage);
    LOAD("ld", b, 1); LOAD("ld", b, 3); LOAD("ld", b, 7); LOAD("ld", b, 12);
    LOAD("lw", b, 1); LOAD("lw", b, 2); LOAD("lw", b, 7);
    LOAD("lwu", b, 1); LOAD("lwu", b, 6);
    LOAD("lh", b, 1); LOAD("lh", b, 7);
    LOAD("lhu", b, 3);
    STORE("sd", b, 3, 0x1122334455667788);
    dump_bytes("after sd at +3 ", buf, 16);
    STORE("sw", b, 13, 0xdeadbeefcafef00d);
    dump_bytes("after sw at +13", buf + 8, 16);
    STORE("sh", b, 21, 0xfffffffffffffeed);
    dump_bytes("after sh at +21", buf + 16, 8);

    /* Across a page boundary. */
    unsigned char *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                             -1, 0);
    if (pg == MAP_FAILED) {
        printf("mmap failed\n");
        return;
    }
    for (int i = 0; i < 16; i++)
        pg[4096 - 8 + i] = (unsigned char)(0x10 + i);
    unsigned char *edge = (unsigned char *)opaque((u64)(uintptr_t)(pg + 4096 - 8));
    LOAD("ld", edge, 3); LOAD("lw", edge, 6); LOAD("lh", edge, 7);
    STORE("sd", edge, 5, 0xa1a2a3a4a5a6a7a8);
    dump_bytes("after page-crossing sd", (volatile unsigned char *)pg + 4096 - 8, 16);
    munmap(pg, 8192);
}

/* ------------------------------------------------------------------ */
/* Compressed instructions                                             */

#define RVC_BEGIN ".option push\n\t.option rvc\n\t"
#define RVC_END "\n\t.option pop"

/* One-operand compressed op on a0: a0 = op(a0). */
#define C1(text, v)                                                                 \
    do {                                                                            \
        u64 r_;                                                                     \
        __asm__ volatile(RVC_BEGIN "mv a0, %1\n\t" text "\n\tmv %0, a0" RVC_END      \
                         : "=r"(r_) : "r"(opaque(v)) : "a0");                       \
        printf("%-20s a0=%016" PRIx64 " -> %016" PRIx64 "\n", text, (u64)(v), r_);  \
    } while (0)

/* Two-operand compressed op: a0 = op(a0, a1). */
#define C2(text, v, w)                                                              \
    do {                                                                            \
        u64 r_;                                                                     \
        __asm__ volatile(RVC_BEGIN "mv a0, %1\n\tmv a1, %2\n\t" text "\n\tmv %0, a0" \
                         RVC_END                                                    \
                         : "=r"(r_) : "r"(opaque(v)), "r"(opaque(w)) : "a0", "a1"); \
        printf("%-20s a0=%016" PRIx64 " a1=%016" PRIx64 " -> %016" PRIx64 "\n", text, \
               (u64)(v), (u64)(w), r_);                                             \
    } while (0)

static void test_compressed(void)
{
    printf("== compressed instructions\n");
    u64 r, r2;
    __asm__ volatile(RVC_BEGIN "mv t0, sp\n\tc.addi16sp sp, -496\n\tsub %0, sp, t0\n\t"
                     "c.addi16sp sp, 496\n\tsub %1, sp, t0" RVC_END
                     : "=&r"(r), "=&r"(r2) : : "t0", "memory");
    printf("c.addi16sp sp, -496 then +496: delta %" PRId64 " then %" PRId64 "\n", (int64_t)r,
           (int64_t)r2);
    __asm__ volatile(RVC_BEGIN "mv t0, sp\n\tc.addi16sp sp, 16\n\tsub %0, sp, t0\n\t"
                     "c.addi16sp sp, -16" RVC_END
                     : "=&r"(r) : : "t0", "memory");
    printf("c.addi16sp sp, 16: delta %" PRId64 "\n", (int64_t)r);
    __asm__ volatile(RVC_BEGIN "c.addi4spn a0, sp, 1020\n\tsub %0, a0, sp\n\t"
                     "c.addi4spn a1, sp, 4\n\tsub %1, a1, sp" RVC_END
                     : "=&r"(r), "=&r"(r2) : : "a0", "a1");
    printf("c.addi4spn 1020: %" PRId64 ", c.addi4spn 4: %" PRId64 "\n", (int64_t)r, (int64_t)r2);

    C1("c.lui a0, 0xfffe0", 0);
    C1("c.lui a0, 0xfffff", 0);
    C1("c.lui a0, 31", 0);
    C1("c.lui a0, 1", 0x1234);
    C1("c.li a0, -32", 0x1234);
    C1("c.li a0, 31", 0x1234);
    C1("c.addi a0, -32", 5);
    C1("c.addi a0, 31", 0xffffffffffffffff);
    C1("c.addiw a0, -32", 0x80000000);
    C1("c.addiw a0, -1", 0x80000000);
    C1("c.addiw a0, 0", 0xffffffff);
    C1("c.addiw a0, 1", 0x7fffffff);
    C1("c.slli a0, 63", 3);
    C1("c.slli a0, 32", 0x89abcdef);
    C1("c.slli a0, 1", 0xc000000000000001);
    C1("c.srli a0, 63", 0x8000000000000000);
    C1("c.srli a0, 32", 0xfedcba9876543210);
    C1("c.srli a0, 1", 0xffffffffffffffff);
    C1("c.srai a0, 63", 0x8000000000000000);
    C1("c.srai a0, 32", 0xfedcba9876543210);
    C1("c.srai a0, 1", 0x8000000000000001);
    C1("c.andi a0, -32", 0xffff);
    C1("c.andi a0, -1", 0x8000000000000001);
    C1("c.andi a0, 31", 0xffffffffffffffff);
    C1("c.andi a0, 0", 0xffffffffffffffff);
    C1("c.nop", 0x42);
    C2("c.subw a0, a1", 0x80000000, 1);
    C2("c.subw a0, a1", 0, 0x100000001);
    C2("c.addw a0, a1", 0x7fffffff, 1);
    C2("c.addw a0, a1", 0xffffffff00000000, 0x00000000ffffffff);
    C2("c.sub a0, a1", 0, 1);
    C2("c.xor a0, a1", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0);
    C2("c.or a0, a1", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0);
    C2("c.and a0, a1", 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0);
    C2("c.mv a0, a1", 1, 0x8000000000000000);
    C2("c.add a0, a1", 0xffffffffffffffff, 2);

    /* Stack-relative loads and stores. */
    u64 ld, lw, after;
    __asm__ volatile(RVC_BEGIN "addi sp, sp, -64\n\t"
                     "c.sdsp %3, 24(sp)\n\tc.ldsp a0, 24(sp)\n\tc.lwsp a1, 24(sp)\n\t"
                     "c.swsp %4, 28(sp)\n\tc.ldsp a2, 24(sp)\n\t"
                     "mv %0, a0\n\tmv %1, a1\n\tmv %2, a2\n\taddi sp, sp, 64" RVC_END
                     : "=&r"(ld), "=&r"(lw), "=&r"(after)
                     : "r"(opaque(0x89abcdeff0000001)), "r"(opaque(0x1234567855667788))
                     : "a0", "a1", "a2", "memory");
    printf("c.sdsp/c.ldsp: %016" PRIx64 "\n", ld);
    printf("c.lwsp (sign-extends): %016" PRIx64 "\n", lw);
    printf("c.swsp high word then c.ldsp: %016" PRIx64 "\n", after);
    __asm__ volatile(RVC_BEGIN "addi sp, sp, -32\n\tfmv.d.x ft0, %2\n\tc.fsdsp ft0, 8(sp)\n\t"
                     "c.ldsp %0, 8(sp)\n\tc.fldsp ft1, 8(sp)\n\tfmv.x.d %1, ft1\n\t"
                     "addi sp, sp, 32" RVC_END
                     : "=&r"(ld), "=&r"(after)
                     : "r"(opaque(0x400921fb54442d18))
                     : "ft0", "ft1", "memory");
    printf("c.fsdsp/c.ldsp: %016" PRIx64 " c.fldsp: %016" PRIx64 "\n", ld, after);

    /* Register-relative loads and stores (rs1' and rd' in x8-x15). */
    static u64 area[4];
    area[0] = 0x0123456789abcdef;
    area[1] = 0xfedcba9880000000;
    __asm__ volatile(RVC_BEGIN "mv a1, %3\n\tc.ld a0, 0(a1)\n\tc.lw a2, 12(a1)\n\t"
                     "c.sd a0, 16(a1)\n\tc.sw a2, 24(a1)\n\tc.fld fa0, 8(a1)\n\t"
                     "c.fsd fa0, 24(a1)\n\tmv %0, a0\n\tmv %1, a2\n\tfmv.x.d %2, fa0" RVC_END
                     : "=&r"(ld), "=&r"(lw), "=&r"(after)
                     : "r"(area)
                     : "a0", "a1", "a2", "fa0", "memory");
    printf("c.ld: %016" PRIx64 " c.lw: %016" PRIx64 " c.fld: %016" PRIx64 "\n", ld, lw, after);
    printf("after c.sd/c.sw/c.fsd: %016" PRIx64 " %016" PRIx64 "\n", area[2], area[3]);

    /* Branches and jumps. */
    static const u64 conds[] = {0, 1, 0x8000000000000000};
    for (size_t i = 0; i < ARRAY_LEN(conds); i++) {
        u64 v = opaque(conds[i]);
        __asm__ volatile(RVC_BEGIN "li a0, 0\n\tmv a1, %1\n\t"
                         "c.beqz a1, 1f\n\tori a0, a0, 1\n"
                         "1:\n\tc.bnez a1, 2f\n\tori a0, a0, 2\n"
                         "2:\n\tc.j 3f\n\tori a0, a0, 4\n"
                         "4:\n\tori a0, a0, 16\n\tc.j 5f\n"
                         "3:\n\tori a0, a0, 8\n\tc.j 4b\n"
                         "5:\n\tmv %0, a0" RVC_END
                         : "=r"(r) : "r"(v) : "a0", "a1");
        printf("c.beqz/c.bnez/c.j with %016" PRIx64 ": path bits %02" PRIx64 "\n", v, r);
    }
    __asm__ volatile(RVC_BEGIN "li a0, 0\n\tlla a1, 1f\n\tc.jr a1\n\tli a0, 99\n"
                     "1:\n\tmv %0, a0" RVC_END
                     : "=r"(r) : : "a0", "a1");
    printf("c.jr: skipped instruction: %s\n", r == 0 ? "yes" : "no");
    __asm__ volatile(RVC_BEGIN "li a0, 1\n\tlla a1, 2f\n\tc.jalr a1\n"
                     "1:\n\tj 3f\n"
                     "2:\n\tlla a2, 1b\n\tsub a0, ra, a2\n\tc.jr ra\n"
                     "3:\n\tmv %0, a0" RVC_END
                     : "=r"(r) : : "a0", "a1", "a2", "ra");
    printf("c.jalr: link register = next instruction: %s\n", r == 0 ? "yes" : "no");
}

/* ------------------------------------------------------------------ */
/* Floating point                                                      */

static const char *flagstr(unsigned f)
{
    static char buf[32];
    if (!f)
        return "-";
    buf[0] = 0;
    if (f & 0x10) strcat(buf, "NV|");
    if (f & 0x08) strcat(buf, "DZ|");
    if (f & 0x04) strcat(buf, "OF|");
    if (f & 0x02) strcat(buf, "UF|");
    if (f & 0x01) strcat(buf, "NX|");
    buf[strlen(buf) - 1] = 0;
    return buf;
}

/* Double in ft0 (and ft1, ft2) -> integer register result. */
#define FX1(fn, tmpl)                                                               \
    static u64 fn(u64 a, unsigned *fl)                                              \
    {                                                                               \
        u64 r, f;                                                                   \
        __asm__ volatile("fmv.d.x ft0, %2\n\tfsflags x0\n\t" tmpl "\n\tfrflags %1"   \
                         : "=&r"(r), "=&r"(f) : "r"(a) : "ft0");                    \
        *fl = (unsigned)f;                                                          \
        return r;                                                                   \
    }

/* Float (NaN-boxed by fmv.w.x) in ft0 -> integer register result. */
#define FXS1(fn, tmpl)                                                              \
    static u64 fn(u64 a, unsigned *fl)                                              \
    {                                                                               \
        u64 r, f;                                                                   \
        __asm__ volatile("fmv.w.x ft0, %2\n\tfsflags x0\n\t" tmpl "\n\tfrflags %1"   \
                         : "=&r"(r), "=&r"(f) : "r"(a) : "ft0");                    \
        *fl = (unsigned)f;                                                          \
        return r;                                                                   \
    }

/* Binary double op: ft2 = op(ft0, ft1), result bits via fmv.x.d. */
#define FD2(fn, insn)                                                               \
    static u64 fn(u64 a, u64 b, unsigned *fl)                                       \
    {                                                                               \
        u64 r, f;                                                                   \
        __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflags x0\n\t" insn  \
                         " ft2, ft0, ft1\n\tfrflags %1\n\tfmv.x.d %0, ft2"          \
                         : "=&r"(r), "=&r"(f) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
        *fl = (unsigned)f;                                                          \
        return r;                                                                   \
    }

/* Binary float op; inputs NaN-boxed by fmv.w.x, result read with fmv.x.w. */
#define FS2(fn, insn)                                                               \
    static u64 fn(u64 a, u64 b, unsigned *fl)                                       \
    {                                                                               \
        u64 r, f;                                                                   \
        __asm__ volatile("fmv.w.x ft0, %2\n\tfmv.w.x ft1, %3\n\tfsflags x0\n\t" insn  \
                         " ft2, ft0, ft1\n\tfrflags %1\n\tfmv.x.w %0, ft2"          \
                         : "=&r"(r), "=&r"(f) : "r"(a), "r"(b) : "ft0", "ft1", "ft2"); \
        *fl = (unsigned)f;                                                          \
        return r & 0xffffffff;                                                      \
    }

FX1(cvt_w_d, "fcvt.w.d %0, ft0, rtz")
FX1(cvt_wu_d, "fcvt.wu.d %0, ft0, rtz")
FX1(cvt_l_d, "fcvt.l.d %0, ft0, rtz")
FX1(cvt_lu_d, "fcvt.lu.d %0, ft0, rtz")
FX1(cvt_w_d_dyn, "fcvt.w.d %0, ft0, dyn")
FX1(cvt_l_d_dyn, "fcvt.l.d %0, ft0, dyn")
FX1(cvt_w_d_rne, "fcvt.w.d %0, ft0, rne")
FX1(cvt_w_d_rdn, "fcvt.w.d %0, ft0, rdn")
FX1(cvt_w_d_rup, "fcvt.w.d %0, ft0, rup")
FX1(cvt_w_d_rmm, "fcvt.w.d %0, ft0, rmm")
FXS1(cvt_w_s, "fcvt.w.s %0, ft0, rtz")
FXS1(cvt_wu_s, "fcvt.wu.s %0, ft0, rtz")
FXS1(cvt_l_s, "fcvt.l.s %0, ft0, rtz")
FXS1(cvt_lu_s, "fcvt.lu.s %0, ft0, rtz")
FX1(class_d, "fclass.d %0, ft0")
FXS1(class_s, "fclass.s %0, ft0")
FX1(sqrt_d, "fsqrt.d ft0, ft0\n\tfmv.x.d %0, ft0")
FXS1(sqrt_s, "fsqrt.s ft0, ft0\n\tfmv.x.w %0, ft0")
FX1(cvt_s_d, "fcvt.s.d ft0, ft0, dyn\n\tfmv.x.w %0, ft0")
FXS1(cvt_d_s, "fcvt.d.s ft0, ft0\n\tfmv.x.d %0, ft0")
FXS1(s_roundtrip, "fcvt.d.s ft1, ft0\n\tfcvt.s.d ft1, ft1\n\tfmv.x.w %0, ft1")
FX1(fmvxw_of_d, "fmv.x.w %0, ft0")
FX1(fadds_of_raw, "fadd.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1")
FX1(fsgnjs_of_raw, "fsgnj.s ft1, ft0, ft0\n\tfmv.x.d %0, ft1")
FX1(fcvtds_of_raw, "fcvt.d.s ft1, ft0\n\tfmv.x.d %0, ft1")

FD2(fadd_d, "fadd.d")
FD2(fsub_d, "fsub.d")
FD2(fmul_d, "fmul.d")
FD2(fdiv_d, "fdiv.d")
FD2(fmin_d, "fmin.d")
FD2(fmax_d, "fmax.d")
FD2(fsgnj_d, "fsgnj.d")
FD2(fsgnjn_d, "fsgnjn.d")
FD2(fsgnjx_d, "fsgnjx.d")
FS2(fadd_s, "fadd.s")
FS2(fdiv_s, "fdiv.s")
FS2(fmin_s, "fmin.s")
FS2(fmax_s, "fmax.s")
FS2(fsgnj_s, "fsgnj.s")
FS2(fsgnjn_s, "fsgnjn.s")
FS2(fsgnjx_s, "fsgnjx.s")

/* Comparisons write an integer register. */
#define FCMP(fn, insn)                                                              \
    static u64 fn(u64 a, u64 b, unsigned *fl)                                       \
    {                                                                               \
        u64 r, f;                                                                   \
        __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflags x0\n\t" insn  \
                         " %0, ft0, ft1\n\tfrflags %1"                              \
                         : "=&r"(r), "=&r"(f) : "r"(a), "r"(b) : "ft0", "ft1");     \
        *fl = (unsigned)f;                                                          \
        return r;                                                                   \
    }
FCMP(feq_d, "feq.d")
FCMP(flt_d, "flt.d")
FCMP(fle_d, "fle.d")

#define FMA(fn, insn)                                                               \
    static u64 fn(u64 a, u64 b, u64 c, unsigned *fl)                                \
    {                                                                               \
        u64 r, f;                                                                   \
        __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\t"  \
                         "fsflags x0\n\t" insn " ft3, ft0, ft1, ft2\n\t"            \
                         "frflags %1\n\tfmv.x.d %0, ft3"                            \
                         : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c)              \
                         : "ft0", "ft1", "ft2", "ft3");                             \
        *fl = (unsigned)f;                                                          \
        return r;                                                                   \
    }
FMA(fmadd_d, "fmadd.d")
FMA(fmsub_d, "fmsub.d")
FMA(fnmadd_d, "fnmadd.d")
FMA(fnmsub_d, "fnmsub.d")

static u64 fmadd_s(u64 a, u64 b, u64 c, unsigned *fl)
{
    u64 r, f;
    __asm__ volatile("fmv.w.x ft0, %2\n\tfmv.w.x ft1, %3\n\tfmv.w.x ft2, %4\n\t"
                     "fsflags x0\n\tfmadd.s ft3, ft0, ft1, ft2\n\t"
                     "frflags %1\n\tfmv.x.w %0, ft3"
                     : "=&r"(r), "=&r"(f) : "r"(a), "r"(b), "r"(c)
                     : "ft0", "ft1", "ft2", "ft3");
    *fl = (unsigned)f;
    return r & 0xffffffff;
}

static void set_frm(unsigned rm) { __asm__ volatile("fsrm %0" : : "r"((u64)rm)); }

static unsigned get_frm(void)
{
    u64 r;
    __asm__ volatile("frrm %0" : "=r"(r));
    return (unsigned)r;
}

/* Double bit patterns. */
#define D_QNAN 0x7ff8000000000000ULL
#define D_SNAN 0x7ff0000000000001ULL
#define D_NAN_PAYLOAD 0x7ff800000000dead
#define D_NEG_SNAN_PAYLOAD 0xfff4000000beef00
#define D_NEG_QNAN_PAYLOAD 0xfff800000000beefULL
#define D_PINF 0x7ff0000000000000ULL
#define D_NINF 0xfff0000000000000ULL
#define D_PZERO 0x0000000000000000ULL
#define D_NZERO 0x8000000000000000ULL
#define D_ONE 0x3ff0000000000000ULL
#define D_NEG_ONE 0xbff0000000000000ULL
#define D_TWO 0x4000000000000000ULL
#define D_HALF 0x3fe0000000000000ULL
#define D_NEG_HALF 0xbfe0000000000000ULL
#define D_2P31 0x41e0000000000000ULL    /* 2^31 */
#define D_2P32 0x41f0000000000000ULL    /* 2^32 */
#define D_2P63 0x43e0000000000000ULL    /* 2^63 */
#define D_2P64 0x43f0000000000000ULL    /* 2^64 */
#define D_M2P31 0xc1e0000000000000ULL   /* -2^31 */
#define D_M2P31M1 0xc1e0000000200000ULL /* -2^31 - 1 */
#define D_M2P63 0xc3e0000000000000ULL   /* -2^63 */
#define D_1E300 0x7e37e43c8800759cULL
#define D_M1E300 0xfe37e43c8800759cULL
#define D_2_5 0x4004000000000000ULL
#define D_M2_5 0xc004000000000000ULL
#define D_1_5 0x3ff8000000000000ULL
#define D_M1_5 0xbff8000000000000ULL
#define D_UINT32MAX 0x41efffffffe00000ULL /* 4294967295.0 */
#define D_SUBNORMAL 0x0000000000000001ULL
#define D_NSUBNORMAL 0x8000000000000001ULL
#define D_MAX 0x7fefffffffffffffULL
#define D_TENTH 0x3fb999999999999aULL

/* Float bit patterns. */
#define S_QNAN 0x7fc00000u
#define S_SNAN 0x7f800001u
#define S_NAN_PAYLOAD 0x7fc0beefu
#define S_NEG_SNAN_PAYLOAD 0xffa0deadu
#define S_PINF 0x7f800000u
#define S_NINF 0xff800000u
#define S_PZERO 0x00000000u
#define S_NZERO 0x80000000u
#define S_ONE 0x3f800000u
#define S_NEG_ONE 0xbf800000u
#define S_3E9 0x4f32d05eu /* 3e9 */
#define S_M1_5 0xbfc00000u
#define S_2P63 0x5f000000u
#define S_2P64 0x5f800000u
#define S_SUBNORMAL 0x00000001u
#define S_TENTH 0x3dcccccdu

struct named {
    const char *name;
    u64 v;
};

static void test_fcvt(void)
{
    printf("== fp -> integer conversions (rtz)\n");
    static const struct named ds[] = {
        {"qNaN", D_QNAN},        {"-sNaN", D_NEG_SNAN_PAYLOAD}, {"sNaN", D_SNAN},
        {"+inf", D_PINF},        {"-inf", D_NINF},            {"+0", D_PZERO},
        {"-0", D_NZERO},         {"1e300", D_1E300},          {"-1e300", D_M1E300},
        {"2^31", D_2P31},        {"-2^31", D_M2P31},          {"-2^31-1", D_M2P31M1},
        {"2^32", D_2P32},        {"4294967295", D_UINT32MAX}, {"2^63", D_2P63},
        {"-2^63", D_M2P63},      {"2^64", D_2P64},            {"-1", D_NEG_ONE},
        {"-0.5", D_NEG_HALF},    {"0.5", D_HALF},             {"2.5", D_2_5},
        {"-2.5", D_M2_5},        {"-1.5", D_M1_5},            {"min subnormal", D_SUBNORMAL},
    };
    static const struct {
        const char *name;
        u64 (*fn)(u64, unsigned *);
    } cv[] = {
        {"fcvt.w.d", cvt_w_d}, {"fcvt.wu.d", cvt_wu_d},
        {"fcvt.l.d", cvt_l_d}, {"fcvt.lu.d", cvt_lu_d},
    };
    for (size_t c = 0; c < ARRAY_LEN(cv); c++)
        for (size_t i = 0; i < ARRAY_LEN(ds); i++) {
            unsigned fl;
            u64 r = cv[c].fn(opaque(ds[i].v), &fl);
            printf("%-10s %-14s -> %016" PRIx64 " flags=%s\n", cv[c].name, ds[i].name, r,
                   flagstr(fl));
        }
    static const struct named ss[] = {
        {"qNaN", S_QNAN},   {"sNaN", S_SNAN}, {"+inf", S_PINF},  {"-inf", S_NINF},
        {"3e9", S_3E9},     {"-1.5", S_M1_5}, {"2^63", S_2P63},  {"2^64", S_2P64},
        {"-1", S_NEG_ONE},  {"-0", S_NZERO},
    };
    static const struct {
        const char *name;
        u64 (*fn)(u64, unsigned *);
    } cvs[] = {
        {"fcvt.w.s", cvt_w_s}, {"fcvt.wu.s", cvt_wu_s},
        {"fcvt.l.s", cvt_l_s}, {"fcvt.lu.s", cvt_lu_s},
    };
    for (size_t c = 0; c < ARRAY_LEN(cvs); c++)
        for (size_t i = 0; i < ARRAY_LEN(ss); i++) {
            unsigned fl;
            u64 r = cvs[c].fn(opaque(ss[i].v), &fl);
            printf("%-10s %-14s -> %016" PRIx64 " flags=%s\n", cvs[c].name, ss[i].name, r,
                   flagstr(fl));
        }
}

static void test_fminmax_sign(void)
{
    printf("== fmin/fmax/fsgnj/comparisons\n");
    static const struct named dv[] = {
        {"qNaN", D_QNAN}, {"sNaN", D_SNAN}, {"1", D_ONE}, {"+0", D_PZERO},
        {"-0", D_NZERO},  {"-inf", D_NINF}, {"nanpay", D_NAN_PAYLOAD},
    };
    for (size_t i = 0; i < ARRAY_LEN(dv); i++)
        for (size_t j = 0; j < ARRAY_LEN(dv); j++) {
            unsigned f1, f2;
            u64 mn = fmin_d(opaque(dv[i].v), opaque(dv[j].v), &f1);
            u64 mx = fmax_d(opaque(dv[i].v), opaque(dv[j].v), &f2);
            printf("fmin.d/fmax.d %-6s %-6s -> %016" PRIx64 " %s / %016" PRIx64 " %s\n",
                   dv[i].name, dv[j].name, mn, flagstr(f1), mx, flagstr(f2));
        }
    static const struct named sv[] = {
        {"qNaN", S_QNAN}, {"sNaN", S_SNAN}, {"1", S_ONE}, {"+0", S_PZERO}, {"-0", S_NZERO},
    };
    for (size_t i = 0; i < ARRAY_LEN(sv); i++)
        for (size_t j = 0; j < ARRAY_LEN(sv); j++) {
            unsigned f1, f2;
            u64 mn = fmin_s(opaque(sv[i].v), opaque(sv[j].v), &f1);
            u64 mx = fmax_s(opaque(sv[i].v), opaque(sv[j].v), &f2);
            printf("fmin.s/fmax.s %-6s %-6s -> %08" PRIx64 " %s / %08" PRIx64 " %s\n",
                   sv[i].name, sv[j].name, mn, flagstr(f1), mx, flagstr(f2));
        }

    static const u64 sgn_a[] = {D_NAN_PAYLOAD, D_NEG_SNAN_PAYLOAD, D_SNAN, D_ONE, D_NZERO};
    static const u64 sgn_b[] = {D_NEG_ONE, D_ONE, D_NEG_SNAN_PAYLOAD, D_NEG_QNAN_PAYLOAD};
    for (size_t i = 0; i < ARRAY_LEN(sgn_a); i++)
        for (size_t j = 0; j < ARRAY_LEN(sgn_b); j++) {
            unsigned f1, f2, f3;
            u64 a = opaque(sgn_a[i]), b = opaque(sgn_b[j]);
            u64 r1 = fsgnj_d(a, b, &f1), r2 = fsgnjn_d(a, b, &f2), r3 = fsgnjx_d(a, b, &f3);
            printf("fsgnj/n/x.d %016" PRIx64 " %016" PRIx64 " -> %016" PRIx64 " %016" PRIx64
                   " %016" PRIx64 " flags=%s\n",
                   a, b, r1, r2, r3, flagstr(f1 | f2 | f3));
        }
    static const u64 sgs_a[] = {S_NAN_PAYLOAD, S_NEG_SNAN_PAYLOAD, S_SNAN, S_ONE};
    static const u64 sgs_b[] = {S_NEG_ONE, S_ONE};
    for (size_t i = 0; i < ARRAY_LEN(sgs_a); i++)
        for (size_t j = 0; j < ARRAY_LEN(sgs_b); j++) {
            unsigned f1, f2, f3;
            u64 a = opaque(sgs_a[i]), b = opaque(sgs_b[j]);
            u64 r1 = fsgnj_s(a, b, &f1), r2 = fsgnjn_s(a, b, &f2), r3 = fsgnjx_s(a, b, &f3);
            printf("fsgnj/n/x.s %08" PRIx64 " %08" PRIx64 " -> %08" PRIx64 " %08" PRIx64
                   " %08" PRIx64 " flags=%s\n",
                   a, b, r1, r2, r3, flagstr(f1 | f2 | f3));
        }

    static const struct named cv[] = {
        {"qNaN", D_QNAN}, {"sNaN", D_SNAN}, {"1", D_ONE}, {"+0", D_PZERO}, {"-0", D_NZERO},
    };
    for (size_t i = 0; i < ARRAY_LEN(cv); i++)
        for (size_t j = 0; j < ARRAY_LEN(cv); j++) {
            unsigned f1, f2, f3;
            u64 a = opaque(cv[i].v), b = opaque(cv[j].v);
            u64 eq = feq_d(a, b, &f1), lt = flt_d(a, b, &f2), le = fle_d(a, b, &f3);
            printf("feq/flt/fle.d %-4s %-4s -> %" PRIu64 " %s / %" PRIu64 " %s / %" PRIu64
                   " %s\n",
                   cv[i].name, cv[j].name, eq, flagstr(f1), lt, flagstr(f2), le, flagstr(f3));
        }
}

static void test_fmv_boxing(void)
{
    printf("== fmv and NaN-boxing\n");
    static const u64 w[] = {S_QNAN, S_SNAN, S_NEG_SNAN_PAYLOAD, 0xffc00001, S_ONE, 0x80000000};
    for (size_t i = 0; i < ARRAY_LEN(w); i++) {
        u64 x, d;
        __asm__ volatile("fmv.w.x ft0, %2\n\tfmv.x.w %0, ft0\n\tfmv.x.d %1, ft0"
                         : "=&r"(x), "=&r"(d) : "r"(opaque(w[i] | 0x1234567800000000))
                         : "ft0");
        printf("fmv.w.x %08" PRIx64 " -> fmv.x.w %016" PRIx64 " fmv.x.d %016" PRIx64 "\n",
               w[i], x, d);
    }
    static const u64 dd[] = {D_NAN_PAYLOAD, D_NEG_SNAN_PAYLOAD, D_SNAN, 0xfff0000000000001};
    for (size_t i = 0; i < ARRAY_LEN(dd); i++) {
        u64 x;
        __asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.d %0, ft0"
                         : "=r"(x) : "r"(opaque(dd[i])) : "ft0");
        printf("fmv.d.x/fmv.x.d %016" PRIx64 " -> %016" PRIx64 "\n", dd[i], x);
    }
    /* Single-precision ops on values that are not properly NaN-boxed. */
    static const struct named raw[] = {
        {"boxed 1.0f", 0xffffffff3f800000},
        {"unboxed 1.0f", 0x000000003f800000},
        {"half-boxed 1.0f", 0xfffffffe3f800000},
        {"boxed sNaN", 0xffffffff7f800001},
    };
    for (size_t i = 0; i < ARRAY_LEN(raw); i++) {
        unsigned f1, f2, f3, f4;
        u64 a = fadds_of_raw(opaque(raw[i].v), &f1);
        u64 b = fsgnjs_of_raw(opaque(raw[i].v), &f2);
        u64 c = fcvtds_of_raw(opaque(raw[i].v), &f3);
        u64 x = fmvxw_of_d(opaque(raw[i].v), &f4);
        printf("%-16s fadd.s %016" PRIx64 " %s | fsgnj.s %016" PRIx64 " | fcvt.d.s %016" PRIx64
               " %s | fmv.x.w %016" PRIx64 "\n",
               raw[i].name, a, flagstr(f1), b, c, flagstr(f3), x);
        (void)f2;
        (void)f4;
    }
    /* flw NaN-boxes; fsw stores the low 32 bits. */
    volatile u32 mem32 = 0xc0490fdb;
    volatile u64 mem64 = 0;
    u64 boxed;
    __asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0\n\tfsd ft0, 0(%2)"
                     : "=&r"(boxed) : "r"(&mem32), "r"(&mem64) : "ft0", "memory");
    printf("flw %08x -> register %016" PRIx64 ", fsd of it %016" PRIx64 "\n", mem32, boxed,
           mem64);
    volatile u64 wide = 0x1111111122222222;
    __asm__ volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)"
                     : : "r"(&wide), "r"(opaque(0xffffffffabcdef01)) : "ft0", "memory");
    printf("fsw writes low word only: %016" PRIx64 "\n", wide);
}

static void test_fclass(void)
{
    printf("== fclass\n");
    static const struct named dv[] = {
        {"-inf", D_NINF},        {"-normal", D_NEG_ONE},  {"-subnormal", D_NSUBNORMAL},
        {"-0", D_NZERO},         {"+0", D_PZERO},         {"+subnormal", D_SUBNORMAL},
        {"+normal", D_MAX},      {"+inf", D_PINF},        {"sNaN", D_SNAN},
        {"qNaN", D_QNAN},        {"-sNaN", D_NEG_SNAN_PAYLOAD}, {"-qNaN", D_NEG_QNAN_PAYLOAD},
    };
    for (size_t i = 0; i < ARRAY_LEN(dv); i++) {
        unsigned fl;
        u64 r = class_d(opaque(dv[i].v), &fl);
        printf("fclass.d %-11s -> 0x%03" PRIx64 " flags=%s\n", dv[i].name, r, flagstr(fl));
    }
    static const struct named sv[] = {
        {"-inf", S_NINF},  {"-normal", S_NEG_ONE}, {"-subnormal", 0x80000001}, {"-0", S_NZERO},
        {"+0", S_PZERO},   {"+subnormal", S_SUBNORMAL}, {"+normal", S_ONE}, {"+inf", S_PINF},
        {"sNaN", S_SNAN},  {"qNaN", S_QNAN},
    };
    for (size_t i = 0; i < ARRAY_LEN(sv); i++) {
        unsigned fl;
        u64 r = class_s(opaque(sv[i].v), &fl);
        printf("fclass.s %-11s -> 0x%03" PRIx64 " flags=%s\n", sv[i].name, r, flagstr(fl));
    }
    unsigned fl;
    u64 r = fcvtds_of_raw(0, &fl);
    (void)r;
    u64 c;
    __asm__ volatile("fmv.d.x ft0, %1\n\tfclass.s %0, ft0"
                     : "=r"(c) : "r"(opaque(0x000000003f800000)) : "ft0");
    printf("fclass.s of unboxed value -> 0x%03" PRIx64 "\n", c);
}

static void test_farith(void)
{
    printf("== fp arithmetic, fused multiply-add, exceptions\n");
    set_frm(0);
    unsigned fl;
    u64 r;
    /* a*b+c where rounding a*b first loses everything. */
    u64 a = 0x3ff0000000400000; /* 1 + 2^-30 */
    u64 b = 0x3fefffffff800000; /* 1 - 2^-30 */
    u64 c = D_NEG_ONE;
    r = fmadd_d(opaque(a), opaque(b), opaque(c), &fl);
    printf("fmadd.d (1+2^-30)(1-2^-30)-1 -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    unsigned fl2;
    u64 prod = fmul_d(opaque(a), opaque(b), &fl);
    r = fadd_d(prod, opaque(c), &fl2);
    printf("fmul.d+fadd.d same       -> %016" PRIx64 " flags=%s,%s\n", r, flagstr(fl),
           flagstr(fl2));
    r = fmsub_d(opaque(D_TWO), opaque(D_2_5), opaque(D_ONE), &fl);
    printf("fmsub.d 2*2.5-1          -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fnmadd_d(opaque(D_TWO), opaque(D_2_5), opaque(D_ONE), &fl);
    printf("fnmadd.d -(2*2.5)-1      -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fnmsub_d(opaque(D_TWO), opaque(D_2_5), opaque(D_ONE), &fl);
    printf("fnmsub.d -(2*2.5)+1      -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fmadd_d(opaque(D_PINF), opaque(D_PZERO), opaque(D_ONE), &fl);
    printf("fmadd.d inf*0+1          -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fmadd_d(opaque(D_PINF), opaque(D_PZERO), opaque(D_QNAN), &fl);
    printf("fmadd.d inf*0+qNaN       -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fmadd_d(opaque(D_ONE), opaque(D_PZERO), opaque(D_NZERO), &fl);
    printf("fmadd.d 1*0+(-0)         -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fmadd_s(opaque(0x3f800001), opaque(0x3f7ffffe), opaque(S_NEG_ONE), &fl);
    printf("fmadd.s (1+2^-23)(1-2^-23)-1 -> %08" PRIx64 " flags=%s\n", r, flagstr(fl));

    r = fdiv_d(opaque(D_ONE), opaque(D_PZERO), &fl);
    printf("fdiv.d 1/+0              -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fdiv_d(opaque(D_NEG_ONE), opaque(D_PZERO), &fl);
    printf("fdiv.d -1/+0             -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fdiv_d(opaque(D_PZERO), opaque(D_PZERO), &fl);
    printf("fdiv.d 0/0               -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fdiv_d(opaque(D_ONE), opaque(0x4008000000000000), &fl);
    printf("fdiv.d 1/3               -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fdiv_s(opaque(S_ONE), opaque(S_NZERO), &fl);
    printf("fdiv.s 1/-0              -> %08" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fsub_d(opaque(D_PINF), opaque(D_PINF), &fl);
    printf("fsub.d inf-inf           -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fadd_d(opaque(D_SNAN), opaque(D_ONE), &fl);
    printf("fadd.d sNaN+1            -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fadd_d(opaque(D_NAN_PAYLOAD), opaque(D_ONE), &fl);
    printf("fadd.d qNaN(payload)+1   -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fmul_d(opaque(D_MAX), opaque(D_TWO), &fl);
    printf("fmul.d max*2             -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fmul_d(opaque(D_SUBNORMAL), opaque(D_HALF), &fl);
    printf("fmul.d minsub*0.5        -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fadd_d(opaque(D_PZERO), opaque(D_NZERO), &fl);
    printf("fadd.d +0 + -0           -> %016" PRIx64 " flags=%s\n", r, flagstr(fl));
    r = fadd_s(opaque(S_TENTH), opaque(S_TENTH), &fl);
    printf("fadd.s 0.1f+0.1f         -> %08" PRIx64 " flags=%s\n", r, flagstr(fl));

    static const struct named sq[] = {
        {"-1", D_NEG_ONE}, {"-0", D_NZERO}, {"+inf", D_PINF}, {"2", D_TWO},
        {"4", 0x4010000000000000}, {"sNaN", D_SNAN}, {"-inf", D_NINF},
    };
    for (size_t i = 0; i < ARRAY_LEN(sq); i++) {
        r = sqrt_d(opaque(sq[i].v), &fl);
        printf("fsqrt.d %-5s -> %016" PRIx64 " flags=%s\n", sq[i].name, r, flagstr(fl));
    }
    r = sqrt_s(opaque(S_NEG_ONE), &fl);
    printf("fsqrt.s -1    -> %08" PRIx64 " flags=%s\n", r & 0xffffffff, flagstr(fl));
    r = sqrt_s(opaque(0x40000000), &fl);
    printf("fsqrt.s 2     -> %08" PRIx64 " flags=%s\n", r & 0xffffffff, flagstr(fl));

    /* fcsr as a whole: flags accumulate, fscsr/frcsr round-trip. */
    u64 before, after, csr;
    __asm__ volatile("fscsr x0\n\tfmv.d.x ft0, %3\n\tfsqrt.d ft1, ft0\n\t"
                     "frcsr %0\n\tfmv.d.x ft2, x0\n\tfdiv.d ft1, ft0, ft2\n\tfrcsr %1\n\t"
                     "li t0, 0x7f\n\tfscsr %2, t0\n\tfscsr x0"
                     : "=&r"(before), "=&r"(after), "=&r"(csr)
                     : "r"(opaque(D_TWO))
                     : "ft0", "ft1", "ft2", "t0");
    printf("fcsr after sqrt(2): %02" PRIx64 ", after 2/0 too: %02" PRIx64
           ", fscsr returned old: %02" PRIx64 "\n", before, after, csr);
    __asm__ volatile("li t0, 0xff\n\tfscsr t0\n\tfrcsr %0\n\tfrflags %1\n\tfscsr x0"
                     : "=&r"(csr), "=&r"(after) : : "t0");
    printf("fscsr 0xff -> fcsr %02" PRIx64 " fflags %02" PRIx64 "\n", csr, after);
    set_frm(0);
}

static void test_rounding(void)
{
    printf("== rounding modes\n");
    static const char *names[] = {"rne", "rtz", "rdn", "rup", "rmm"};
    static const struct {
        const char *desc;
        u64 a, b;
    } adds[] = {
        {"1 + 2^-53 (tie)", D_ONE, 0x3ca0000000000000},
        {"1 + 3*2^-54", D_ONE, 0x3ca8000000000000},
        {"-1 - 2^-53 (tie)", D_NEG_ONE, 0xbca0000000000000},
        {"-1 - 2^-54", D_NEG_ONE, 0xbc90000000000000},
        {"1.5 + 2^-52*0.5", D_1_5, 0x3cb0000000000000},
        {"max + max", D_MAX, D_MAX},
    };
    static const struct named cvt[] = {
        {"2.5", D_2_5}, {"-2.5", D_M2_5}, {"0.5", D_HALF}, {"-0.5", D_NEG_HALF},
        {"1.5", D_1_5}, {"-1.5", D_M1_5},
    };
    for (unsigned rm = 0; rm < 5; rm++) {
        set_frm(rm);
        printf("frm=%s (frrm reads %u)\n", names[rm], get_frm());
        for (size_t i = 0; i < ARRAY_LEN(adds); i++) {
            unsigned fl;
            u64 r = fadd_d(opaque(adds[i].a), opaque(adds[i].b), &fl);
            printf("  fadd.d %-17s -> %016" PRIx64 " flags=%s\n", adds[i].desc, r,
                   flagstr(fl));
        }
        for (size_t i = 0; i < ARRAY_LEN(cvt); i++) {
            unsigned fl, fl2;
            u64 r = cvt_w_d_dyn(opaque(cvt[i].v), &fl);
            u64 r2 = cvt_l_d_dyn(opaque(cvt[i].v), &fl2);
            printf("  fcvt.w.d/fcvt.l.d %-4s -> %" PRId64 " / %" PRId64 " flags=%s\n",
                   cvt[i].name, (int64_t)r, (int64_t)r2, flagstr(fl));
        }
        unsigned fl;
        u64 r = cvt_s_d(opaque(D_TENTH), &fl);
        printf("  fcvt.s.d 0.1 -> %08" PRIx64 " flags=%s\n", r & 0xffffffff, flagstr(fl));
        r = cvt_s_d(opaque(0xbfb999999999999a), &fl);
        printf("  fcvt.s.d -0.1 -> %08" PRIx64 " flags=%s\n", r & 0xffffffff, flagstr(fl));
        r = fdiv_s(opaque(S_ONE), opaque(0x40400000), &fl);
        printf("  fdiv.s 1/3 -> %08" PRIx64 " flags=%s\n", r, flagstr(fl));
    }
    set_frm(0);
    /* Static rounding modes in the instruction override frm. */
    set_frm(3);
    static const struct {
        const char *name;
        u64 (*fn)(u64, unsigned *);
    } st[] = {
        {"rne", cvt_w_d_rne}, {"rtz", cvt_w_d}, {"rdn", cvt_w_d_rdn},
        {"rup", cvt_w_d_rup}, {"rmm", cvt_w_d_rmm},
    };
    for (size_t i = 0; i < ARRAY_LEN(st); i++) {
        unsigned fl, fl2;
        u64 r = st[i].fn(opaque(D_M2_5), &fl);
        u64 r2 = st[i].fn(opaque(D_2_5), &fl2);
        printf("fcvt.w.d static %s (frm=rup): -2.5 -> %" PRId64 ", 2.5 -> %" PRId64 " flags=%s\n",
               st[i].name, (int64_t)r, (int64_t)r2, flagstr(fl));
    }
    set_frm(0);
}

static void test_fconv(void)
{
    printf("== float <-> double\n");
    static const struct named sv[] = {
        {"0.1f", S_TENTH},     {"-1.5f", S_M1_5},     {"min subnormal", S_SUBNORMAL},
        {"+inf", S_PINF},      {"-0", S_NZERO},       {"3e9f", S_3E9},
        {"qNaN(payload)", S_NAN_PAYLOAD}, {"sNaN", S_SNAN},
    };
    for (size_t i = 0; i < ARRAY_LEN(sv); i++) {
        unsigned f1, f2;
        u64 d = cvt_d_s(opaque(sv[i].v), &f1);
        u64 back = s_roundtrip(opaque(sv[i].v), &f2);
        printf("fcvt.d.s %-14s -> %016" PRIx64 " %s; round trip %08" PRIx64 " %s\n", sv[i].name,
               d, flagstr(f1), back & 0xffffffff, flagstr(f2));
    }
    static const struct named dv[] = {
        {"1e300", D_1E300},  {"max", D_MAX},  {"min subnormal", D_SUBNORMAL},
        {"0.1", D_TENTH},    {"2^-149", 0x36a0000000000000}, {"2^-150", 0x3690000000000000},
        {"qNaN(payload)", D_NAN_PAYLOAD}, {"-inf", D_NINF},
    };
    for (size_t i = 0; i < ARRAY_LEN(dv); i++) {
        unsigned fl;
        u64 r = cvt_s_d(opaque(dv[i].v), &fl);
        printf("fcvt.s.d %-14s -> %08" PRIx64 " flags=%s\n", dv[i].name, r & 0xffffffff,
               flagstr(fl));
    }
    /* Integer -> fp. */
    static const u64 iv[] = {0, (u64)-1, 0x8000000000000000, 0x7fffffffffffffff, 0x00000000ffffffff,
                             0x0020000000000001, 0x1234567880000000};
    for (size_t i = 0; i < ARRAY_LEN(iv); i++) {
        u64 dl, dlu, dw, dwu, sl, f;
        u64 v = opaque(iv[i]);
        __asm__ volatile("fsflags x0\n\t"
                         "fcvt.d.l ft0, %6\n\tfmv.x.d %0, ft0\n\t"
                         "fcvt.d.lu ft0, %6\n\tfmv.x.d %1, ft0\n\t"
                         "fcvt.d.w ft0, %6\n\tfmv.x.d %2, ft0\n\t"
                         "fcvt.d.wu ft0, %6\n\tfmv.x.d %3, ft0\n\t"
                         "fcvt.s.l ft0, %6\n\tfmv.x.w %4, ft0\n\t"
                         "frflags %5"
                         : "=&r"(dl), "=&r"(dlu), "=&r"(dw), "=&r"(dwu), "=&r"(sl), "=&r"(f)
                         : "r"(v)
                         : "ft0");
        printf("int %016" PRIx64 ": d.l %016" PRIx64 " d.lu %016" PRIx64 " d.w %016" PRIx64
               " d.wu %016" PRIx64 " s.l %08" PRIx64 " flags=%s\n",
               v, dl, dlu, dw, dwu, sl & 0xffffffff, flagstr((unsigned)f));
    }
}

/* ------------------------------------------------------------------ */
/* System instructions, counters, traps                                */

static void test_system(void)
{
    printf("== system\n");
    __asm__ volatile("fence\n\tfence rw, rw\n\tfence.i" ::: "memory");
    printf("fence/fence.i executed\n");

    /* Unknown syscall number -> -ENOSYS. */
    register u64 a0 __asm__("a0") = 0;
    register u64 a7 __asm__("a7") = 4000;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    printf("ecall 4000 -> %" PRId64 "\n", (int64_t)a0);

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        u64 c0, c1, t0, t1, i0, i1;
        __asm__ volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c0), "=r"(t0), "=r"(i0));
        volatile u64 sink = 0;
        for (int i = 0; i < 1000; i++)
            sink += i;
        __asm__ volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c1), "=r"(t1), "=r"(i1));
        (void)c0; (void)c1;
        _exit(i1 > i0 && t1 >= t0 ? 0 : 1);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        printf("csr counters ok\n");
    else if (WIFEXITED(st))
        printf("csr counters: instret did not increase or time went backwards\n");
    else
        printf("csr counters: child killed by signal %d\n", WTERMSIG(st));
}

static void trap_child(const char *what, int which)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (which == 0)
            __asm__ volatile(".4byte 0xffffffff");
        else if (which == 1)
            __asm__ volatile(".option push\n\t.option rvc\n\t.2byte 0\n\t.option pop");
        else if (which == 2)
            __asm__ volatile("ebreak");
        else if (which == 3)
            __asm__ volatile(".option push\n\t.option rvc\n\tc.ebreak\n\t.option pop");
        else if (which == 4)
            __asm__ volatile("csrw cycle, x0");
        else
            __asm__ volatile("unimp");
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (WIFSIGNALED(st))
        printf("%-28s -> WTERMSIG=%d\n", what, WTERMSIG(st));
    else
        printf("%-28s -> exited %d (no trap)\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static void test_traps(void)
{
    printf("== traps in forked children\n");
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    trap_child(".4byte 0xffffffff", 0);
    trap_child("c.illegal (.2byte 0)", 1);
    trap_child("ebreak", 2);
    trap_child("c.ebreak", 3);
    trap_child("csrw cycle (read-only csr)", 4);
    trap_child("unimp", 5);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    printf("insntest: start\n");
    test_divide();
    test_multiply();
    test_shifts();
    test_arith32();
    test_amo();
    test_misaligned();
    test_compressed();
    test_fcvt();
    test_fminmax_sign();
    test_fmv_boxing();
    test_fclass();
    test_farith();
    test_rounding();
    test_fconv();
    test_system();
    test_traps();
    printf("insntest: done\n");
    return 0;
}
