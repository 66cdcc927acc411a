// The CLI's --image option: which root filesystem image (a cpio "newc" archive, Linux's
// initramfs format) the kernel unpacks at boot. Node-only glue.

import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { compressionOf } from "../fs/initramfs.js";

/** the largest image accepted, compressed or not: the kernel keeps every file in host memory */
export const MAX_IMAGE_BYTES = 1 << 30;

/** where `npm run build` puts the built-in image (scripts/build-image.mjs): next to the
 *  bundle (dist/forkscope.mjs), or two levels up from tsc's dist/src/host/cli.js */
export function defaultImagePath(): string | null {
  let here: string;
  try {
    here = path.dirname(fs.realpathSync(process.argv[1] ?? "."));
  } catch {
    return null;
  }
  for (const p of [path.join(here, "rootfs.cpio"), path.join(here, "..", "..", "rootfs.cpio")]) if (fs.existsSync(p)) return p;
  return null;
}

/**
 * The bytes of the image named by --image: "none" (undefined), "default" (the built-in one)
 * or a file, gzip-compressed or not. A string is a one-line error for the user.
 */
export function loadImage(spec: string): { bytes: Uint8Array | undefined; name: string } | string {
  if (spec === "none") return { bytes: undefined, name: "none" };
  const file = spec === "default" ? defaultImagePath() : spec;
  if (file === null) return "the built-in image (dist/rootfs.cpio) is missing: run 'npm run build', or use --image none";
  let bytes: Uint8Array;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return `--image ${file}: not a regular file`;
    if (st.size > MAX_IMAGE_BYTES) return `--image ${file}: larger than ${MAX_IMAGE_BYTES >> 20} MiB`;
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return `--image ${file}: ${code === "ENOENT" ? "no such file" : code ?? String(e)}`;
  }
  const c = compressionOf(bytes);
  if (c === "gzip") {
    // the kernel's core has no decompressor (Linux would need CONFIG_RD_GZIP); the host has zlib
    const zlib = createRequire("/")("node:zlib") as typeof import("node:zlib");
    try {
      bytes = zlib.gunzipSync(bytes, { maxOutputLength: MAX_IMAGE_BYTES });
    } catch (e) {
      return `--image ${file}: cannot gunzip: ${(e as Error).message}`;
    }
  }
  return { bytes, name: file };
}
