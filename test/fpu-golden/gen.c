// Golden-vector generator for src/cpu/fpu.ts (RISC-V F/D non-memory instructions).
//
// Build:  riscv64-linux-gnu-gcc -static -O2 -o gen gen.c
// Run:    qemu-riscv64 -cpu rv64 ./gen > vectors.txt      (see regen.sh)
//
// For every F/D instruction (fmt S and D, every rounding mode, static and dynamic) it draws
// operands from a fixed deterministic PRNG, heavily weighted towards edge cases, JIT-assembles a
// tiny stub (load operand registers, set frm, clear fflags, the instruction, read fflags, store
// rd), runs it and prints
//   <insn hex> <rs1 value> <rs2 value> <rs3 value> <frm> -> <rd value> <fflags>
// all hex, values as raw 64-bit register contents (rs1 is an x register for fcvt.fmt.int and
// fmv.{w,d}.x, otherwise an f register; unused operands print 0; rd is x or f per the
// instruction, x0 reads 0). Illegal instructions (reserved rm, fmt H/Q, reserved encodings) are
// caught with a SIGILL handler and print "-> ill".
#define _GNU_SOURCE
#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

typedef unsigned long long u64;
typedef uint32_t u32;

/* ---------- PRNG (splitmix64) ---------- */
static u64 rs = 0x243F6A8885A308D3ULL;
static u64 rnd(void) {
  u64 z = (rs += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

/* ---------- bit helpers ---------- */
static u64 d2u(double d) { u64 u; memcpy(&u, &d, 8); return u; }
static double u2d(u64 u) { double d; memcpy(&d, &u, 8); return d; }
static u32 s2u(float f) { u32 u; memcpy(&u, &f, 4); return u; }
static float u2s(u32 u) { float f; memcpy(&f, &u, 4); return f; }

/* format parameters */
#define EB(d) ((d) ? 11 : 8)
#define MB(d) ((d) ? 52 : 23)
#define EMAX(d) ((d) ? 0x7ffULL : 0xffULL)
#define BIAS(d) ((d) ? 1023ULL : 127ULL)
#define FMASK(d) ((1ULL << MB(d)) - 1)
#define SIGNB(d) (1ULL << (EB(d) + MB(d)))

static u64 mk(int d, u64 s, u64 e, u64 m) { return (s ? SIGNB(d) : 0) | (e << MB(d)) | (m & FMASK(d)); }
static u64 expof(int d, u64 v) { return (v >> MB(d)) & EMAX(d); }
static double val(int d, u64 v) { return d ? u2d(v) : (double)u2s((u32)v); }
static u64 bitsof(int d, double x) { return d ? d2u(x) : s2u((float)x); }

/* step a finite value by k ulps in magnitude (stays within the same sign) */
static u64 stepu(int d, u64 v, int k) {
  u64 s = v & SIGNB(d), mag = v & ~SIGNB(d);
  long long m = (long long)mag + k;
  if (m < 0) m = 0;
  if ((u64)m > mk(d, 0, EMAX(d), 0)) m = (long long)mk(d, 0, EMAX(d), 0);
  return s | (u64)m;
}

/* mantissa with only the top t bits random */
static u64 sparse(int d) {
  unsigned t = rndn(MB(d) + 1);
  u64 m = rnd() & FMASK(d);
  if (t < (unsigned)MB(d)) m &= ~((1ULL << (MB(d) - t)) - 1);
  return m;
}

/* a random floating-point value, weighted to edge cases */
static u64 gen_fp(int d) {
  u64 s = rnd() & 1, e, m;
  unsigned k = rndn(100);
  u64 fm = FMASK(d), em = EMAX(d), b = BIAS(d);
  if (k < 24) {
    switch (rndn(22)) {
      case 0: e = 0; m = 0; break;
      case 1: e = 0; m = 1; break;
      case 2: e = 0; m = fm; break;
      case 3: e = 1; m = 0; break;
      case 4: e = em - 1; m = fm; break;
      case 5: e = em; m = 0; break;
      case 6: e = b; m = 0; break;
      case 7: e = b; m = 1; break;
      case 8: e = b - 1; m = fm; break;
      case 9: e = em; m = 1ULL << (MB(d) - 1); break;                       /* canonical qNaN */
      case 10: e = em; m = (1ULL << (MB(d) - 1)) | (rnd() & fm); break;      /* qNaN payload */
      case 11: e = em; m = rnd() & (fm >> 1); if (!m) m = 1; break;          /* sNaN */
      case 12: e = em; m = 1ULL << rndn(MB(d) - 1); break;                   /* sNaN one bit */
      case 13: e = b + 1; m = 1ULL << (MB(d) - 1); break;                    /* 3 */
      case 14: e = b - 1; m = 0; break;                                      /* 0.5 */
      case 15: e = 1; m = rnd() & fm & ((1ULL << rndn(MB(d))) - 1); break;   /* just above min normal */
      case 16: e = 0; m = fm - rndn(8); break;                               /* just below min normal */
      case 17: e = em - 1; m = fm - rndn(16); break;                          /* near max */
      case 18: e = rndn(3); m = rnd() & fm; break;
      case 19: e = b + rndn(4); m = 1ULL << (MB(d) - 1); break;             /* 1.5, 3, 6, 12 */
      case 20: e = b - 1 - rndn(3); m = fm - rndn(2); break;
      default: e = 0; m = 1 + rndn(16); break;                               /* tiny subnormals */
    }
  } else if (k < 36) {
    e = 0;
    m = (rnd() & fm) >> rndn(MB(d));
    if (!m) m = 1;
  } else if (k < 58) {
    e = 1 + rndn((unsigned)em - 1);
    m = rndn(3) ? rnd() & fm : sparse(d);
  } else if (k < 88) {
    e = b - 24 + rndn(49);
    m = rndn(2) ? rnd() & fm : sparse(d);
  } else {
    /* small integers, halves, quarters */
    double x = (double)rndn(2000) / (double)(1 << rndn(3));
    if (rndn(4) == 0) x += 4096.0 * rndn(1 << 20);
    u64 v = bitsof(d, x);
    return s ? v | SIGNB(d) : v;
  }
  return mk(d, s, e, m);
}

static u64 __attribute__((unused)) gen_finite(int d) {
  for (;;) {
    u64 v = gen_fp(d);
    if (expof(d, v) != EMAX(d)) return v;
  }
}

/* NaN-boxing of a single: mostly proper, sometimes not */
static u64 box(u64 v) {
  unsigned k = rndn(100);
  u64 up;
  if (k < 95) up = 0xffffffffULL;
  else if (k < 97) up = rnd() & 0xffffffffULL;
  else if (k < 99) up = 0xffffffffULL ^ (1ULL << rndn(32));
  else up = 0;
  return (up << 32) | (v & 0xffffffffULL);
}
static u64 fpreg(int d, u64 v) { return d ? v : box(v); }

/* a target value in a narrow window around the underflow threshold (min normal) or the
 * overflow threshold, where tininess-after-rounding and overflow-on-rounding are decided */
static long double window_target(int d) {
  int p = d ? 53 : 24;
  long double u = (long double)(rnd() >> 11) / 9007199254740992.0L; /* [0, 1) */
  long double t;
  if (rndn(3)) t = (d ? (long double)DBL_MIN : (long double)FLT_MIN) * (1 - ldexpl(2 * u - 0.5L, -p));
  else t = (d ? (long double)DBL_MAX : (long double)FLT_MAX) * (1 + ldexpl(4 * u - 2, -p - 1));
  return rndn(2) ? -t : t;
}
static u64 ld_bits(int d, long double x) { return d ? d2u((double)x) : s2u((float)x); }
static long double ld_val(int d, u64 v) { return d ? (long double)u2d(v) : (long double)u2s((u32)v); }
/* a normal value of modest magnitude */
static u64 gen_mid(int d) { return mk(d, rnd() & 1, BIAS(d) - 8 + rndn(17), rndn(2) ? rnd() : sparse(d)); }

/* value b related to a for binary arithmetic */
static u64 related(int d, u64 a, int opk) {
  unsigned k = rndn(20);
  u64 b;
  if (k < 8) return gen_fp(d);
  if (k < 10) return a ^ (rnd() & ((1ULL << rndn(MB(d) + 1)) - 1)) ^ (rndn(2) ? SIGNB(d) : 0);
  if (k < 13) {
    long long e = (long long)expof(d, a) + (int)rndn(2 * MB(d) + 8) - (MB(d) + 4);
    if (e < 0) e = 0;
    if (e > (long long)EMAX(d) - 1) e = EMAX(d) - 1;
    b = mk(d, rnd() & 1, (u64)e, rndn(2) ? rnd() : sparse(d));
    return b;
  }
  if (k < 14) return rndn(2) ? a : a ^ SIGNB(d);
  if (k < 16 && (opk == 2 || opk == 3)) {
    /* a*b or a/b lands in the underflow / overflow window: b = t/a or a/t */
    long double av = ld_val(d, a);
    if (expof(d, a) == 0 || expof(d, a) == EMAX(d)) return gen_fp(d);
    long double t = window_target(d);
    b = ld_bits(d, opk == 2 ? t / av : av / t);
    if (expof(d, b) == EMAX(d) || (b & ~SIGNB(d)) == 0) return gen_fp(d);
    return stepu(d, b, (int)rndn(3) - 1);
  }
  if (k < 15) return stepu(d, a ^ (rndn(2) ? SIGNB(d) : 0), (int)rndn(7) - 3);
  /* crafted results near the underflow / overflow thresholds */
  double av = val(d, a);
  if (av != av || av == 0 || av - av != 0) return gen_fp(d);
  double t;
  unsigned w = rndn(4);
  double mn = d ? DBL_MIN : FLT_MIN, mx = d ? DBL_MAX : FLT_MAX;
  if (w == 0) t = mn;
  else if (w == 1) t = mn * (1 - ldexp(1, -(int)rndn(MB(d) + 3)));
  else if (w == 2) t = mx;
  else t = mn * ldexp(1, -(int)rndn(MB(d) + 2));
  if (rndn(2)) t = -t;
  double bv;
  if (d) bv = opk == 3 ? av / t : opk == 2 ? t / av : t - av;
  else bv = (float)(opk == 3 ? (float)av / (float)t : opk == 2 ? (float)t / (float)av : (float)t - (float)av);
  b = bitsof(d, bv);
  if (expof(d, b) == EMAX(d)) return gen_fp(d);
  return stepu(d, b, (int)rndn(5) - 2);
}

static u64 gen_sqrt_src(int d) {
  unsigned k = rndn(10);
  if (k < 5) {
    u64 v = gen_fp(d);
    if (rndn(4)) v &= ~SIGNB(d);
    return v;
  }
  if (k < 8) {
    /* perfect squares (exact results) and their neighbours */
    u64 x = rnd() >> (64 - (d ? 26 : 12));
    double r = (double)x * (double)x * ldexp(1, 2 * ((int)rndn(d ? 200 : 60) - (d ? 100 : 30)));
    u64 v = bitsof(d, r);
    if (rndn(2)) v = stepu(d, v, (int)rndn(5) - 2);
    return v;
  }
  return mk(d, 0, rndn(4), rnd());
}

/* int values for fcvt.fmt.int */
static u64 gen_int(int d) {
  unsigned k = rndn(12);
  static const u64 sp[] = {0, 1, 2, 3, ~0ULL, 0x7fffffffULL, 0x80000000ULL, 0xffffffffULL, 0xffffffff80000000ULL,
                           0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xffffff, 0x1000000, 0x1000001,
                           0xffffffffffffffULL - 1, 0x20000000000001ULL, 0x1fffffffffffffULL, 0xfffffffffffff800ULL,
                           0xfffffffffffffc00ULL, 0x7ffffffffffffc00ULL, 0x7ffffe0000000000ULL, 0xffffff0000000000ULL,
                           0x7fffff80ULL, 0xffffff80ULL, 0xffffff7fULL, 0x80000080ULL};
  u64 v;
  if (k < 2) {
    v = sp[rndn(sizeof sp / sizeof sp[0])];
    if (rndn(3) == 0) v = (u64)(-(long long)v);
    return v;
  }
  if (k < 5) {
    v = rnd() >> rndn(64);
    if (rndn(2)) v = (u64)(-(long long)v);
    return v;
  }
  if (k < 9) {
    /* rounding-position patterns at precision p (24 or 53), also for the 32-bit sources */
    int p = rndn(3) ? (d ? 53 : 24) : (d ? 24 : 53);
    int L = p + 1 + (int)rndn((rndn(2) ? 32 : 64) - p);
    if (L > 64) L = 64;
    int sh = L - p; /* bits below the rounding point */
    v = (rnd() | (1ULL << 63)) >> (64 - L);
    u64 low = (1ULL << sh) - 1, half = 1ULL << (sh - 1);
    switch (rndn(5)) {
      case 0: v = (v & ~low) | half; break;
      case 1: v = (v & ~low) | (half + 1); break;
      case 2: v = (v & ~low) | (half - 1); break;
      case 3: v = v & ~low; break;
      default: break;
    }
    if (rndn(3) == 0) v = (u64)(-(long long)v);
    if (rndn(4) == 0) v = (v & 0xffffffffULL) | (rnd() << 32); /* junk upper half for .w/.wu */
    return v;
  }
  return rnd();
}

/* sources for fcvt.int.fmt: values around integer limits and halfway points */
static u64 gen_cvt_src(int d) {
  unsigned k = rndn(10);
  if (k < 3) return gen_fp(d);
  double T;
  static const double lim[] = {0, 1, 2, 2147483647.0, 2147483648.0, 4294967295.0, 4294967296.0,
                               9223372036854775808.0, 18446744073709551616.0, 16777216.0,
                               9007199254740992.0, 3, 0.5, 1.5, 2.5};
  if (k < 7) {
    T = lim[rndn(sizeof lim / sizeof lim[0])];
    static const double off[] = {0, 0.5, -0.5, 0.25, -0.25, 0.75, -0.75, 1, -1, 0.5000001, -0.4999999};
    T += off[rndn(sizeof off / sizeof off[0])];
  } else {
    int bits = rndn(70);
    T = ldexp((double)(rnd() >> 11), bits - 53);
    if (rndn(2)) T = (double)(long long)T + 0.5 * rndn(2);
  }
  if (rndn(2)) T = -T;
  u64 v = bitsof(d, T);
  if (rndn(2)) v = stepu(d, v, (int)rndn(7) - 3);
  return v;
}

/* sources for fcvt.s.d (d2s) */
static u64 gen_d2s(void) {
  unsigned k = rndn(10);
  if (k < 3) return gen_fp(1);
  if (k < 8) {
    /* a float (maybe subnormal / near max) plus a pattern below float precision */
    u32 f = (u32)gen_fp(0);
    float fv = u2s(f);
    if (fv != fv || fv - fv != 0) return gen_fp(1);
    u64 v = d2u((double)fv);
    u64 e = expof(1, v);
    /* number of double fraction bits below the float rounding point */
    int below = 29;
    if (e != 0 && e < 1023 - 126) below = 29 + (int)((1023 - 126) - e);
    if (below > 52) below = 52;
    u64 low = (1ULL << below) - 1, half = 1ULL << (below - 1);
    switch (rndn(5)) {
      case 0: v = (v & ~low) | half; break;
      case 1: v = (v & ~low) | (half + 1); break;
      case 2: v = (v & ~low) | (half - 1); break;
      case 3: v = (v & ~low) | (rnd() & low); break;
      default: v = stepu(1, v, (int)rndn(5) - 2); break;
    }
    return v;
  }
  if (k < 9) return mk(1, rnd() & 1, 1023 - 150 + rndn(30), rnd()); /* float subnormal range */
  return mk(1, rnd() & 1, 1023 + 126 + rndn(4), rnd());              /* float overflow range */
}

/* ---------- the instruction table ---------- */
enum { KN = 0, KF, KX };
enum { C_ARITH, C_SQRT, C_FMA, C_BIT, C_F2I, C_I2F, C_FF, C_MVXF, C_MVFX };
typedef struct {
  const char *name;
  u32 base, mask;
  int rm;                 /* funct3 is a rounding mode */
  int s1, s2, s3, dk;     /* operand kinds */
  int fs, fd;             /* source / destination fmt (0 S, 1 D) */
  int cls, opk, count;
} Op;
static Op ops[128];
static int nops;

#define OPFP(f7) ((((u32)(f7)) << 25) | 0x53u)
#define M_F7 0xfe00007fu
#define M_RS2 0x01f00000u
#define M_F3 0x00007000u

static void addop(const char *n, u32 base, u32 mask, int rm, int s1, int s2, int s3, int dk, int fs, int fd, int cls,
                  int opk, int count) {
  Op *o = &ops[nops++];
  o->name = n; o->base = base; o->mask = mask; o->rm = rm;
  o->s1 = s1; o->s2 = s2; o->s3 = s3; o->dk = dk; o->fs = fs; o->fd = fd;
  o->cls = cls; o->opk = opk; o->count = count;
}

static int SCALE = 4;

static void build_table(void) {
  for (int fmt = 0; fmt < 2; fmt++) {
    static const char *ar[] = {"fadd", "fsub", "fmul", "fdiv"};
    for (int i = 0; i < 4; i++)
      addop(ar[i], OPFP((i << 2) | fmt), M_F7, 1, KF, KF, KN, KF, fmt, fmt, C_ARITH, i, 3000);
    addop("fsqrt", OPFP(0x2c | fmt), M_F7 | M_RS2, 1, KF, KN, KN, KF, fmt, fmt, C_SQRT, 0, 2500);
    for (int i = 0; i < 3; i++)
      addop("fsgnj", OPFP(0x10 | fmt) | (i << 12), M_F7 | M_F3, 0, KF, KF, KN, KF, fmt, fmt, C_BIT, 0, 600);
    for (int i = 0; i < 2; i++)
      addop("fminmax", OPFP(0x14 | fmt) | (i << 12), M_F7 | M_F3, 0, KF, KF, KN, KF, fmt, fmt, C_BIT, 0, 1200);
    for (int i = 0; i < 3; i++)
      addop("fcmp", OPFP(0x50 | fmt) | (i << 12), M_F7 | M_F3, 0, KF, KF, KN, KX, fmt, fmt, C_BIT, 0, 1000);
    addop("fclass", OPFP(0x70 | fmt) | (1 << 12), M_F7 | M_RS2 | M_F3, 0, KF, KN, KN, KX, fmt, fmt, C_MVXF, 0, 700);
    addop("fmv.x", OPFP(0x70 | fmt), M_F7 | M_RS2 | M_F3, 0, KF, KN, KN, KX, fmt, fmt, C_MVXF, 0, 250);
    addop("fmv.f", OPFP(0x78 | fmt), M_F7 | M_RS2 | M_F3, 0, KX, KN, KN, KF, fmt, fmt, C_MVFX, 0, 250);
    for (int i = 0; i < 4; i++)
      addop("fcvt.i.f", OPFP(0x60 | fmt) | (i << 20), M_F7 | M_RS2, 1, KF, KN, KN, KX, fmt, fmt, C_F2I, i, 2000);
    for (int i = 0; i < 4; i++)
      addop("fcvt.f.i", OPFP(0x68 | fmt) | (i << 20), M_F7 | M_RS2, 1, KX, KN, KN, KF, fmt, fmt, C_I2F, i,
            (fmt == 1 && i < 2) ? 600 : 1500);
    for (int v = 0; v < 4; v++)
      addop("fma", (0x43u | (v << 2)) | ((u32)fmt << 25), 0x0600007fu, 1, KF, KF, KF, KF, fmt, fmt, C_FMA, v, 3500);
  }
  addop("fcvt.s.d", OPFP(0x20) | (1 << 20), M_F7 | M_RS2, 1, KF, KN, KN, KF, 1, 0, C_FF, 0, 3000);
  addop("fcvt.d.s", OPFP(0x21), M_F7 | M_RS2, 1, KF, KN, KN, KF, 0, 1, C_FF, 0, 800);
}

static const Op *lookup(u32 w) {
  for (int i = 0; i < nops; i++)
    if ((w & ops[i].mask) == ops[i].base) return &ops[i];
  return 0;
}

/* ---------- JIT stub ---------- */
static u32 *code;
static volatile sig_atomic_t ill;
static void onill(int sig, siginfo_t *si, void *ucv) {
  (void)sig; (void)si;
  ucontext_t *uc = ucv;
  uc->uc_mcontext.__gregs[REG_PC] += 4;
  ill = 1;
}
static u32 itype(int imm, int rs1, int f3, int rd, int opc) {
  return ((u32)(imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
}
static u32 stype(int imm, int rs2, int rs1, int f3, int opc) {
  return ((u32)((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc;
}
#define FLD(fd, off) itype(off, 10, 3, fd, 0x07)
#define LD(xd, off) itype(off, 10, 3, xd, 0x03)
#define FSD(fs, off) stype(off, fs, 10, 3, 0x27)
#define SD(xs, off) stype(off, xs, 10, 3, 0x23)
#define CSRRW(rd, csr, rs1) itype(csr, rs1, 1, rd, 0x73)
#define CSRRS(rd, csr, rs1) itype(csr, rs1, 2, rd, 0x73)

/* st: [0] rs1 val [1] rs2 val [2] rs3 val [3] int rs1 val [4] frm [5] flags out [6] rd out */
static u64 st[8];

/* returns 1 if illegal */
static int run(u32 w, const Op *o, int rd, int rs1, int rs2, int rs3) {
  int n = 0;
  code[n++] = LD(5, 32);
  code[n++] = CSRRW(0, 2, 5);
  if (o) {
    if (o->s3 == KF) code[n++] = FLD(rs3, 16);
    if (o->s2 == KF) code[n++] = FLD(rs2, 8);
    if (o->s1 == KF) code[n++] = FLD(rs1, 0);
    if (o->s1 == KX && rs1 != 0) code[n++] = LD(rs1, 24);
  }
  code[n++] = CSRRW(0, 1, 0);
  code[n++] = w;
  code[n++] = CSRRS(5, 1, 0);
  code[n++] = SD(5, 40);
  if (o) code[n++] = o->dk == KX ? SD(rd, 48) : FSD(rd, 48);
  code[n++] = 0x00008067; /* ret */
  __builtin___clear_cache((char *)code, (char *)(code + n));
  ill = 0;
  st[6] = 0;
  ((void (*)(u64 *))code)(st);
  return ill;
}

static const int FR[] = {0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31};
static const int XR[] = {0, 6, 7, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31};
static int pickf(void) { return FR[rndn(20)]; }
static int pickx(void) { return rndn(12) == 0 ? 0 : XR[1 + rndn(13)]; }

static void out_vec(u32 w, u64 v1, u64 v2, u64 v3, unsigned frm, int il) {
  if (il) printf("%08x %llx %llx %llx %u -> ill\n", w, v1, v2, v3, frm);
  else printf("%08x %llx %llx %llx %u -> %llx %llx\n", w, v1, v2, v3, frm, st[6], st[5]);
}

/* generate operands for op o and run with word w (register fields taken from w) */
static void vec(const Op *o, u32 w, unsigned frm) {
  int rd = (w >> 7) & 31, rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31, rs3 = w >> 27;
  int d = o->fs;
  u64 a = 0, b = 0, c = 0;
  switch (o->cls) {
    case C_ARITH:
      a = gen_fp(d);
      b = related(d, a, o->opk);
      if (rndn(2)) { u64 t = a; a = b; b = t; }
      break;
    case C_SQRT: a = gen_sqrt_src(d); break;
    case C_FMA: {
      a = gen_fp(d);
      b = rndn(4) ? gen_fp(d) : related(d, a, 2);
      unsigned k = rndn(10);
      if (rndn(12) == 0) {
        /* special operands: zeros, infinities, NaNs in every position */
        static const int ex[] = {0, 0, 1, 2, 2, 3};
        u64 *pv[3] = {&a, &b, &c};
        for (int i = 0; i < 3; i++) {
          switch (ex[rndn(6)]) {
            case 0: *pv[i] = mk(d, rnd() & 1, 0, 0); break;
            case 1: *pv[i] = mk(d, rnd() & 1, EMAX(d), 0); break;
            case 2: *pv[i] = gen_fp(d); break;
            default: *pv[i] = mk(d, rnd() & 1, EMAX(d), (rndn(2) ? 1ULL << (MB(d) - 1) : 0) | (1 + rndn(7))); break;
          }
        }
        break;
      }
      if (rndn(8) == 0) {
        /* a*b + c lands in the underflow / overflow window */
        a = gen_mid(d);
        long double t = window_target(d);
        long double sc = ldexpl(1, (int)rndn(2 * MB(d) + 6) - MB(d) - 3);
        b = ld_bits(d, t * sc / ld_val(d, a));
        if (expof(d, b) == EMAX(d) || expof(d, b) == 0) { c = gen_fp(d); break; }
        long double prod = ld_val(d, a) * ld_val(d, b); /* exact in binary128 */
        if (o->opk >= 2) prod = -prod;
        long double cv = t - prod;
        if (o->opk & 1) cv = -cv;
        c = ld_bits(d, cv);
        if (expof(d, c) == EMAX(d)) c = gen_fp(d);
        else if (rndn(2)) c = stepu(d, c, (int)rndn(3) - 1);
        break;
      }
      double av = val(d, a), bv = val(d, b);
      double p = d ? av * bv : (double)((float)av * (float)bv);
      if (o->opk >= 2) p = -p;
      if (k < 4 || p != p || p - p != 0 || p == 0) c = gen_fp(d);
      else if (k < 7) {
        /* cancellation: c = -(a*b) rounded, stepped by a few ulps */
        double cv = (o->opk & 1) ? p : -p;
        c = stepu(d, bitsof(d, cv), (int)rndn(9) - 4);
      } else if (k < 9) {
        /* addend at a nearby scale (alignment / sticky cases) */
        double cv = ldexp(p, (int)rndn(2 * MB(d) + 10) - (MB(d) + 5));
        c = bitsof(d, cv);
        if (expof(d, c) == EMAX(d) || cv == 0) c = gen_fp(d);
        else c = mk(d, rnd() & 1, expof(d, c), rndn(2) ? sparse(d) : rnd());
      } else {
        c = mk(d, rnd() & 1, rndn(3), rnd() >> rndn(64)); /* tiny addend */
      }
      break;
    }
    case C_BIT: {
      a = gen_fp(d);
      unsigned k = rndn(10);
      if (k < 4) b = gen_fp(d);
      else if (k < 6) b = a;
      else if (k < 7) b = a ^ SIGNB(d);
      else if (k < 8) b = mk(d, rnd() & 1, 0, 0);
      else b = stepu(d, a, (int)rndn(5) - 2);
      if (k == 7 && rndn(2)) a = mk(d, rnd() & 1, 0, 0);
      break;
    }
    case C_F2I: a = gen_cvt_src(d); break;
    case C_I2F: a = gen_int(o->fd); break;
    case C_FF: a = d ? gen_d2s() : gen_fp(0); break;
    case C_MVXF: a = gen_fp(d); if (rndn(8) == 0) a = rnd(); break;
    case C_MVFX: a = rndn(3) ? rnd() : gen_fp(o->fd) | (rndn(2) ? 0xffffffff00000000ULL : 0); break;
  }
  if (o->s1 == KF) a = fpreg(d, a);
  if (o->s2 == KF) b = fpreg(d, b);
  if (o->s3 == KF) c = fpreg(d, c);
  /* aliased registers hold one value */
  if (o->s1 == KF && o->s2 == KF && rs2 == rs1) b = a;
  if (o->s3 == KF) {
    if (rs3 == rs1) c = a;
    else if (rs3 == rs2) c = b;
  }
  if (o->s1 == KX && rs1 == 0) a = 0;
  if (o->s2 != KF) b = 0;
  if (o->s3 != KF) c = 0;
  st[0] = a; st[1] = b; st[2] = c; st[3] = a; st[4] = frm;
  int il = run(w, o, rd, rs1, rs2, rs3);
  out_vec(w, a, b, c, frm, il);
}

static void gen_op(const Op *o, int n) {
  for (int i = 0; i < n; i++) {
    int rd = o->dk == KX ? pickx() : pickf();
    int rs1 = o->s1 == KX ? pickx() : pickf();
    int rs2 = pickf(), rs3 = pickf();
    if (rndn(10) == 0) rs2 = rs1;
    if (rndn(10) == 0) rs3 = rndn(2) ? rs1 : rs2;
    u32 w = o->base | (rd << 7) | (rs1 << 15);
    if (!(o->mask & M_RS2)) w |= rs2 << 20;
    if ((o->base & 0x7f) != 0x53) w |= (u32)rs3 << 27;
    unsigned frm = rndn(8);
    if (o->rm) {
      unsigned k = rndn(100), rm;
      if (k < 55) rm = rndn(5);
      else if (k < 97) { rm = 7; frm = rndn(5); }
      else if (k < 98) rm = 5 + rndn(2);
      else { rm = 7; frm = 5 + rndn(3); }
      w |= rm << 12;
    }
    vec(o, w, frm);
  }
}

/* random words in the F/D opcode space: checks legality decoding */
static void gen_random_words(int n) {
  static const u32 opc[] = {0x53, 0x53, 0x53, 0x53, 0x43, 0x47, 0x4b, 0x4f};
  static const u32 f5[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x0b, 0x14, 0x18, 0x1a, 0x1c, 0x1e};
  for (int i = 0; i < n; i++) {
    u32 w = (u32)rnd();
    u32 o = opc[rndn(8)];
    w = (w & ~0x7fu) | o;
    if (o == 0x53 && rndn(4)) {
      /* a known funct5 with random fmt / funct3 / rs2 small values to hit reserved combinations */
      w = (w & 0x000fff80u) | (f5[rndn(13)] << 27) | ((u32)(rnd() & 3) << 25) | 0x53;
      w |= (rndn(3) ? rndn(8) : (u32)rnd() & 31) << 20;
    }
    /* x registers named by unknown words must be harmless to clobber */
    const Op *op = lookup(w);
    unsigned frm = rndn(8);
    if (op) {
      /* a known instruction: fix register fields to safe ones and run it normally */
      int rd = op->dk == KX ? pickx() : pickf();
      int rs1 = op->s1 == KX ? pickx() : pickf();
      w = (w & ~((31u << 7) | (31u << 15))) | (rd << 7) | (rs1 << 15);
      if (!(op->mask & M_RS2)) w = (w & ~M_RS2) | (pickf() << 20);
      if ((op->base & 0x7f) != 0x53) w = (w & ~(31u << 27)) | ((u32)pickf() << 27);
      vec(op, w, frm);
    } else {
      st[4] = frm;
      int il = run(w, 0, 0, 0, 0, 0);
      if (!il) fprintf(stderr, "unexpectedly legal: %08x\n", w);
      out_vec(w, 0, 0, 0, frm, il);
    }
  }
}

int main(int argc, char **argv) {
  if (argc > 1) SCALE = atoi(argv[1]);            /* optional: vector count multiplier (x/4) */
  if (argc > 2) rs = strtoull(argv[2], 0, 0);       /* optional: another PRNG seed */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = onill;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGILL, &sa, 0);
  code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return 1;
  build_table();
  for (int i = 0; i < nops; i++) gen_op(&ops[i], ops[i].count * SCALE / 4);
  gen_random_words(3000 * SCALE / 4);
  return 0;
}
