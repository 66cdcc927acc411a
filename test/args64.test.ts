// The syscall argument readers and Loff offsets: exact 64-bit values, saturation only past 2^53.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Regs } from "../src/cpu/regs.js";
import { ARG_HUGE, UARG_HUGE, arg, arg64, argHi, loffArg, uarg, uarg64 } from "../src/syscalls/args.js";
import { MAX_LFS_FILESIZE, loff, loffAdd, loffInPage, loffPage, loffSpan, loffSub } from "../src/base/loff.js";

function regsWith(v: bigint): Regs {
  const r = new Regs();
  r.setBig(10, v);
  return r;
}

test("arg64/uarg64 are exact over the whole range", () => {
  for (const v of [0n, 1n, (1n << 53n) + 1n, 0x12345678abcdef01n, (1n << 64n) - 1n, 1n << 63n]) {
    const r = regsWith(v);
    assert.equal(uarg64(r, 0), v);
    assert.equal(arg64(r, 0), BigInt.asIntN(64, v));
    assert.equal(argHi(r, 0), Number(v >> 32n));
  }
});

test("arg/uarg are exact below 2^53 and saturate above", () => {
  assert.equal(uarg(regsWith((1n << 53n) - 1n), 0), 2 ** 53 - 1);
  assert.equal(uarg(regsWith(1n << 53n), 0), UARG_HUGE);
  assert.equal(uarg(regsWith(0x12345678abcdef01n), 0), UARG_HUGE);
  assert.equal(uarg(regsWith((1n << 64n) - 1n), 0), UARG_HUGE);
  assert.equal(arg(regsWith((1n << 64n) - 1n), 0), -1);
  assert.equal(arg(regsWith(BigInt.asUintN(64, -(1n << 53n))), 0), -(2 ** 53));
  assert.equal(arg(regsWith(BigInt.asUintN(64, -(1n << 53n) - 1n)), 0), -ARG_HUGE);
  assert.equal(arg(regsWith(1n << 62n), 0), ARG_HUGE);
});

test("loffArg gives a number when safe and a bigint otherwise, never a rounded value", () => {
  assert.equal(loffArg(regsWith(12345n), 0), 12345);
  assert.equal(loffArg(regsWith(BigInt(Number.MAX_SAFE_INTEGER)), 0), Number.MAX_SAFE_INTEGER);
  assert.equal(loffArg(regsWith((1n << 53n) + 1n), 0), (1n << 53n) + 1n);
  assert.equal(loffArg(regsWith(MAX_LFS_FILESIZE), 0), MAX_LFS_FILESIZE);
  assert.equal(loffArg(regsWith((1n << 64n) - 1n), 0), -1);
});

test("Loff arithmetic is exact and normalised", () => {
  assert.equal(loffAdd(2 ** 53 - 1, 2), (1n << 53n) + 1n);
  assert.equal(loffSub((1n << 53n) + 1n, 2), 2 ** 53 - 1);
  assert.equal(loff((1n << 53n) - 1n), 2 ** 53 - 1);
  assert.equal(loffSpan(MAX_LFS_FILESIZE, MAX_LFS_FILESIZE - 3n, 4096), 3);
  assert.equal(loffSpan(1n << 62n, 0, 4096), 4096);
  assert.equal(loffPage((1n << 62n) + 4097n, 12), 2 ** 50 + 1);
  assert.equal(loffInPage((1n << 62n) + 4097n, 12), 1);
});

test("a bigint syscall result is written whole into a0", () => {
  const r = new Regs();
  r.setBig(10, (1n << 62n) + 3n);
  assert.equal(r.getBig(10), (1n << 62n) + 3n);
});
