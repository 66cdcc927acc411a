// `forkscope playground`: serves a directory of static files on 127.0.0.1 (the browser
// playground itself is tested in a real browser by test/browser/, npm run test:browser), and
// the page's pieces that run in Node too: the page map and the task views of src/kernel.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT, GUEST_BIN } from "./lib/run.js";
import { Kernel } from "../src/system.js";
import { liveTasks, taskDetail } from "../src/kernel/inspect.js";
import { pageMap, PAGE_COW, PAGE_PRIVATE } from "../src/mm/pagemap.js";

const CLI = path.join(ROOT, "dist/forkscope.mjs");

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    }).on("error", reject);
  });
}

/** start the server on a free port; resolves with its URL and the child process */
function serve(args: string[]): Promise<{ url: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, "playground", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (c) => {
      out += c;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ url: m[0], stop: () => p.kill() });
    });
    p.on("exit", (code) => reject(new Error(`playground exited ${code}: ${out}`)));
  });
}

test("forkscope playground serves a directory on 127.0.0.1 and nothing outside it", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "forkscope-web-"));
  fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>t</title>");
  fs.writeFileSync(path.join(dir, "worker.js"), "1");
  fs.mkdirSync(path.join(dir, "programs"));
  fs.writeFileSync(path.join(dir, "programs", "x.gz"), Buffer.from([0x1f, 0x8b]));
  fs.writeFileSync(path.join(os.tmpdir(), "forkscope-secret.txt"), "secret");
  const s = await serve(["--port", "0", "--dir", dir]);
  try {
    const index = await get(s.url);
    assert.equal(index.status, 200);
    assert.match(index.headers["content-type"]!, /text\/html/);
    assert.equal(index.body, "<!doctype html><title>t</title>");
    assert.equal(index.headers["content-security-policy"], undefined);
    const gz = await get(s.url + "programs/x.gz");
    assert.equal(gz.headers["content-type"], "application/gzip");
    assert.equal(gz.headers["content-encoding"], undefined, "the page unpacks .gz itself");
    assert.equal((await get(s.url + "missing.js")).status, 404);
    for (const p of ["../forkscope-secret.txt", "%2e%2e/forkscope-secret.txt", "..%2fforkscope-secret.txt"]) {
      const r = await get(s.url + p);
      assert.ok(r.status === 403 || r.status === 404, `${p}: ${r.status}`);
      assert.doesNotMatch(r.body, /secret/);
    }
  } finally {
    s.stop();
  }
  const strict = await serve(["--port", "0", "--dir", dir, "--no-eval"]);
  try {
    const r = await get(strict.url);
    assert.match(String(r.headers["content-security-policy"]), /script-src 'self'/);
    assert.doesNotMatch(String(r.headers["content-security-policy"]), /unsafe-eval/);
  } finally {
    strict.stop();
  }
});

test("forkscope playground: bad options and a missing build get one clear line", () => {
  for (const [args, msg] of [
    [["--port", "x"], /--port takes a port number/],
    [["--port", "70000"], /--port takes a port number/],
    [["--bogus"], /unknown option '--bogus'/],
    [["--port", "0", "--dir", path.join(os.tmpdir(), "forkscope-no-such-dir")], /no playground in .*npm run build:web/],
  ] as [string[], RegExp][]) {
    const r = spawnSync(process.execPath, [CLI, "playground", ...args], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trimEnd().split("\n").length, 1);
  }
  const help = spawnSync(process.execPath, [CLI, "playground", "--help"], { encoding: "utf8" });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: forkscope playground/);
});

test("the page map: after fork both address spaces share every present page copy-on-write; the child's first write splits one", () => {
  const bytes = fs.readFileSync(path.join(GUEST_BIN, "cloneexplore"));
  let stopAt: (e: { name?: string; result?: number; tid: number }) => boolean = (e) => e.name === "clone" && (e.result ?? -1) > 0;
  const k: Kernel = new Kernel({
    history: true,
    onEvent: (e) => {
      if (e.type === "syscall" && stopAt(e)) k.requestStop();
    },
  });
  k.spawn(bytes, ["cloneexplore", "SIGCHLD"], ["PATH=/bin"]);
  assert.equal(k.run().state, "limit", "stopped after the clone");
  const tasks = liveTasks(k).filter((t) => t.comm === "cloneexplore");
  assert.equal(tasks.length, 2);
  const [p, c] = tasks;
  assert.notEqual(p.objs.mm, c.objs.mm);
  assert.equal(c.how, "SIGCHLD");
  const parent = k.tasks.get(p.tid)!.mm!;
  const child = k.tasks.get(c.tid)!.mm!;
  const before = pageMap(parent, [parent, child]);
  assert.ok(before.vpn.length > 10);
  assert.ok([...before.kind].every((x) => x === PAGE_COW), "every present page is shared copy-on-write right after fork");
  assert.ok(before.sharers.every((s) => s.length === 1 && s[0] === child.id));
  // the child clears its report on its stack before its first syscall: that page is copied
  stopAt = (e) => e.tid === c.tid;
  assert.equal(k.run().state, "limit");
  const after = pageMap(child, [parent, child]);
  const frameBefore = new Map([...before.vpn].map((v, i) => [v, before.frame[i]]));
  const copied = [...after.vpn].filter((v, i) => frameBefore.has(v) && frameBefore.get(v) !== after.frame[i]);
  assert.ok(copied.length >= 1, "a page the child wrote is on a new frame");
  for (const v of copied) assert.equal(after.kind[after.vpn.indexOf(v)], PAGE_PRIVATE, "and its own");
  // the parent may have written pages too (it ran first): those are its copies, and the
  // child's old frame, no longer shared, is private without a copy
  assert.ok([...after.kind].some((x) => x === PAGE_COW), "pages nobody wrote are still shared");
  assert.ok(k.tasks.get(c.tid)!.mm!.cowFaults >= 1);
  // detail of the parent: its maps, fds (the pipe too) and namespaces
  const d = taskDetail(k, p.tid)!;
  assert.match(d.maps, /cloneexplore/);
  assert.deepEqual(d.fds.map((f) => f.fd), [0, 1, 2, 3, 4]);
  assert.ok(d.ns.pid > 0 && d.creds.uid.every((u) => u === 0));
  stopAt = () => false;
  assert.deepEqual(k.run(), { state: "exited", status: 0 });
});

test("requestStop: a run stopped after every syscall gives the same run as one without stops", () => {
  const bytes = fs.readFileSync(path.join(GUEST_BIN, "forkcow"));
  const lines = (stepped: boolean) => {
    const trace: string[] = [];
    const out: number[] = [];
    let calls = 0;
    const k: Kernel = new Kernel({
      seed: 3,
      output: { write: (_s, b) => void out.push(...b) },
      onEvent: (e) => {
        if (e.type !== "syscall") return;
        trace.push(e.text!);
        // a step is one finished call (not a signal, exit or "<unfinished ...>" line), as the
        // playground's worker steps
        if (e.name === undefined || e.result === undefined) return;
        calls++;
        if (stepped) k.requestStop();
      },
    });
    k.spawn(bytes, ["forkcow"], ["PATH=/bin"]);
    let stops = 0;
    for (;;) {
      const r = k.run();
      if (r.state === "exited") break;
      assert.equal(r.state, "limit");
      stops++;
    }
    return { trace, out: Buffer.from(out).toString(), n: k.totalInstructions, stops, calls };
  };
  const free = lines(false);
  const stepped = lines(true);
  assert.equal(free.stops, 0);
  assert.equal(stepped.stops, stepped.calls - 1, "one stop per syscall but the last");
  assert.equal(stepped.out, free.out);
  assert.deepEqual(stepped.trace, free.trace);
  assert.equal(stepped.n, free.n);
});
