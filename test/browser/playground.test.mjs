// The playground in a real browser (Debian's chromium, headless, driven by playwright-core):
// the shell, the fork demo's copy-on-write in the tree, single-stepping, an uploaded program,
// files out of the guest, replay links, and the interpreter under a CSP without eval.
// Every step leaves a screenshot in test/browser/screenshots/; any console error fails a test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, setup, openPage, shot, until, prompt } from "./lib.mjs";

let env;
/** pages of the running test: on a failure each gets a screenshot NAME-FAILED-N.png */
let open = [];
async function page$(hash = /** @type {string | null} */ ("")) {
  const p = await openPage(env, hash);
  open.push(p.page);
  return p;
}
function browserTest(name, opts, fn) {
  if (typeof opts === "function") [fn, opts] = [opts, {}];
  const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 40);
  test(name, opts, async (t) => {
    open = [];
    try {
      await fn(t);
    } catch (e) {
      for (const [i, p] of open.entries()) if (!p.isClosed()) await shot(p, `${slug}-FAILED-${i}`).catch(() => {});
      throw e;
    } finally {
      for (const p of open) if (!p.isClosed()) await p.close();
    }
  });
}
before(async () => {
  env = await setup();
});
after(async () => {
  await env?.close();
});

const screen = (page) => page.evaluate(() => window.forkscope.screen());
const status = (page) => page.evaluate(() => window.forkscope.status());
const waitState = (page, states, timeout = 120_000) =>
  until(page, (s) => s.includes(window.forkscope.status()?.state), states, timeout);

/** type a command at the shell and wait until its output ends with a new prompt */
async function command(page, cmd, timeout = 120_000) {
  const prompts = () => (window.forkscope.output().match(/forkscope:[^\n#]*# /g) ?? []).length;
  const before = await page.evaluate(prompts);
  await page.keyboard.type(cmd + "\n");
  await page.waitForFunction(
    ([n]) => (window.forkscope.output().match(/forkscope:[^\n#]*# /g) ?? []).length > n && /# $/.test(window.forkscope.screen()),
    [before], { timeout, polling: 50 },
  );
}

browserTest("the shell: the prompt appears, `echo hi | tr a-z A-Z` prints HI, and the pipeline's processes show in the tree", async () => {
  const { page, errors } = await page$();
  await prompt(page, 60_000);
  await shot(page, "shell-1-prompt");
  await page.click("#term");
  await command(page, "echo hi | tr a-z A-Z");
  const text = await screen(page);
  assert.match(text, /^forkscope:~# echo hi \| tr a-z A-Z\nHI\nforkscope:~# $/m, text);
  await until(page, () => window.forkscope.tasks().some((t) => t.comm === "tr" && t.state === "gone"));
  const tasks = await page.evaluate(() => window.forkscope.tasks());
  const sh = tasks.find((t) => t.tid === 3);
  const tr = tasks.find((t) => t.comm === "tr");
  assert.equal(tr.ppid, sh.tgid, "tr is the shell's child");
  assert.notEqual(tr.objs.mm, sh.objs.mm, "a forked child has its own address space");
  assert.ok(/SIGCHLD/.test(tr.how), tr.how);
  // the trace shows the shell creating both sides of the pipe
  const trace = await page.evaluate(() => window.forkscope.trace().map((l) => l.name));
  assert.ok(trace.filter((n) => n === "clone").length >= 2 && trace.includes("execve") && trace.includes("pipe2"), trace.join(" "));
  await shot(page, "shell-2-HI");
  assert.deepEqual(errors, []);
  await page.close();
});

browserTest("the fork demo: the child is in the tree with copy-on-write breaks counted, and the memory pane shows shared pages split", async () => {
  const { page, errors } = await page$();
  await prompt(page, 60_000);
  await page.selectOption("#prog", "forkcow");
  await waitState(page, ["exited"]);
  await until(page, () => /forkcow: done/.test(window.forkscope.output()));
  await page.waitForTimeout(300);
  const tasks = await page.evaluate(() => window.forkscope.tasks());
  // the program runs as a job of the launcher (the kernel task standing for the shell that ran it)
  const launcher = tasks.find((t) => t.comm === "launcher");
  const main = tasks.find((t) => t.comm === "forkcow" && t.tid === t.tgid && t.ppid === launcher?.tid);
  assert.ok(main, "the program's own task");
  const children = tasks.filter((t) => t.ppid === main.tgid && t.tid !== main.tid);
  assert.ok(children.length >= 10, `children: ${children.length}`);
  const cow = children.filter((t) => t.cowFaults > 0);
  assert.ok(cow.length > 0, "a child broke copy-on-write");
  assert.ok(main.cowFaults > 0, "the parent broke copy-on-write");
  // the row of such a child in the pane says so
  const row = await page.locator(`#tree tr[data-tid="${cow[0].tid}"]`).innerText();
  assert.match(row, new RegExp(`\\b${cow[0].cowFaults} / ${cow[0].faults}\\b`), row);
  const st = await status(page);
  assert.ok(st.frames.cowCopies > 0, "pages were copied on write");
  await shot(page, "fork-1-tree");

  // the clone explorer's fork: the child writes a page it shares with its parent, copy-on-write
  await page.evaluate(() => window.forkscope.run({ prog: "clone-fork" }));
  await until(page, () => /namespaces:/.test(window.forkscope.output()) && window.forkscope.status().state === "exited");
  assert.match(await page.evaluate(() => window.forkscope.output()), /memory +child wrote marker=2, parent reads 1: separate/);
  await page.waitForTimeout(300);
  const all = await page.evaluate(() => window.forkscope.tasks());
  const jobOf = all.find((t) => t.comm === "launcher")?.tid;
  const kids = all.filter((t) => t.comm === "cloneexplore" && t.ppid !== 1 && t.ppid !== jobOf);
  assert.equal(kids.length, 1);
  assert.ok(kids[0].cowFaults > 0, "the child copied the page it wrote");
  await shot(page, "fork-2-clone-memory");
  assert.deepEqual(errors, []);
  await page.close();
});

browserTest("pause and single-step: each step runs exactly one syscall; the memory pane shows pages shared copy-on-write after a fork", async () => {
  const { page, errors } = await page$("#p=clone-fork&a=%5B%22SIGCHLD%22%5D&s=1");
  await until(page, () => window.forkscope.trace().length > 0);
  await page.click("#pause");
  await waitState(page, ["paused", "exited"]);
  if ((await status(page)).state === "exited") {
    // too fast to catch: start it again, paused at once
    await page.evaluate(() => window.forkscope.run({ prog: "clone-fork", paused: true }));
  }
  await page.click("#tab-mem");
  // finished calls: not signal or exit lines, kernel log lines or a blocked call's "<unfinished ...>"
  const calls = () => window.forkscope.trace().filter((l) => l.name && l.name !== "kmsg" && !l.text.endsWith("<unfinished ...>")).length;
  for (let i = 0; i < 5; i++) {
    const n = await page.evaluate(calls);
    await page.click("#step");
    await until(page, (n) => window.forkscope.trace().filter((l) => l.name && l.name !== "kmsg" && !l.text.endsWith("<unfinished ...>")).length > n && window.forkscope.status().state === "paused", n);
    await page.waitForTimeout(150);
    assert.equal(await page.evaluate(calls), n + 1, "one syscall per step");
  }
  // step on until the clone has happened: the parent's memory then has pages shared copy-on-write
  for (let i = 0; i < 400; i++) {
    const names = await page.evaluate(() => window.forkscope.trace().map((l) => l.name));
    if (names.includes("clone")) break;
    const n = names.length;
    await page.click("#step");
    await until(page, (n) => window.forkscope.trace().length > n && window.forkscope.status().state === "paused", n);
  }
  await page.evaluate(() => window.forkscope.select(window.forkscope.tasks().find((t) => t.comm === "cloneexplore" && t.ppid === window.forkscope.tasks().find((l) => l.comm === "launcher").tid).tid));
  await until(page, () => window.forkscope.memory().cow > 0);
  await shot(page, "step-1-after-clone");
  const last = await page.evaluate(() => window.forkscope.trace().at(-1).text);
  assert.match(last, /clone\(/);
  await page.click("#pause"); // resume
  await waitState(page, ["exited"]);
  await shot(page, "step-2-done");
  assert.deepEqual(errors, []);
  await page.close();
});

browserTest("an invalid clone: the trace shows the rule that rejected it", async () => {
  const { page, errors } = await page$("#p=clone-invalid&a=%5B%22CLONE_SIGHAND%22%5D&s=1");
  await waitState(page, ["exited"]);
  assert.match(await page.evaluate(() => window.forkscope.output()), /clone failed: EINVAL/);
  await page.check("#f-fail");
  await page.fill("#f-name", "clone");
  await page.waitForTimeout(400);
  const shown = await page.locator("#trace").innerText();
  assert.match(shown, /clone\(.*CLONE_SIGHAND.*\) = -1 EINVAL \(Invalid argument\) \[CLONE_SIGHAND requires CLONE_VM\]/);
  await shot(page, "invalid-clone-trace");
  assert.deepEqual(errors, []);
  await page.close();
});

browserTest("a program from the host: uploaded, run from the shell; a file dropped on the page; a file copied out of the guest", async () => {
  const { page, errors } = await page$();
  await prompt(page, 60_000);
  await page.click("#files");
  await page.setInputFiles("#upload", path.join(ROOT, "guest/bin/hello"));
  await until(page, () => /usr\/local\/bin\/hello/.test(document.getElementById("files-msg").textContent));
  await shot(page, "upload-1-dialog");
  await page.click("#files-dialog button[value=close]");
  await page.click("#term");
  await command(page, "hello");
  assert.match(await screen(page), /^forkscope:~# hello\nhello, world\nforkscope:~# $/m);
  // a file dropped on the page lands in /root
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(["dropped on the page\n"], "dropped.txt"));
    document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await until(page, () => /\/root\/dropped\.txt/.test(document.getElementById("files-msg").textContent));
  await page.click("#term");
  await command(page, "cat /root/dropped.txt");
  assert.match(await screen(page), /^forkscope:~# cat \/root\/dropped\.txt\ndropped on the page\nforkscope:~# $/m);
  await command(page, "echo made in the guest > /tmp/note");
  await page.click("#files");
  await page.fill("#download-path", "/tmp/note");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  const file = await download.path();
  assert.equal(fs.readFileSync(file, "utf8"), "made in the guest\n");
  await shot(page, "upload-2-ran");
  assert.deepEqual(errors, []);
  await page.close();
});

browserTest("a shared link replays the run exactly: the same output, syscalls and instruction count", async () => {
  const { page, errors } = await page$("#p=sh&a=%5B%22-i%22%5D&s=7");
  await prompt(page, 60_000);
  await page.click("#term");
  await command(page, "head -c 4 /dev/urandom | od -An -tx1; ls /");
  await command(page, "cat /etc/hostname | wc -c; sleep 1; date +%s");
  await page.waitForTimeout(300);
  const url = await page.evaluate(() => window.forkscope.shareUrl());
  const one = await page.evaluate(() => ({ out: window.forkscope.output(), trace: window.forkscope.trace().map((l) => l.text), st: window.forkscope.status(), fed: window.forkscope.fed() }));
  await shot(page, "replay-1-original");
  const { page: p2, errors: e2 } = await page$(url.slice(url.indexOf("#")));
  await until(p2, (n) => window.forkscope.fed().length === n && window.forkscope.status()?.state === "input", one.fed.length);
  await p2.waitForTimeout(300);
  const two = await p2.evaluate(() => ({ out: window.forkscope.output(), trace: window.forkscope.trace().map((l) => l.text), st: window.forkscope.status() }));
  await shot(p2, "replay-2-replayed");
  assert.equal(two.out, one.out);
  assert.deepEqual(two.trace, one.trace);
  assert.equal(two.st.instructions, one.st.instructions);
  assert.equal(two.st.vtime, one.st.vtime);
  const RANDOM = / ([0-9a-f]{2} ){3}[0-9a-f]{2}$/m;
  assert.match(one.out, RANDOM);
  // a different seed gives a different run
  const { page: p3 } = await page$(url.slice(url.indexOf("#")).replace(/s=7/, "s=8"));
  await until(p3, (n) => window.forkscope.fed().length === n && window.forkscope.status()?.state === "input", one.fed.length);
  const three = await p3.evaluate(() => window.forkscope.output());
  assert.notEqual(three.match(RANDOM)[0], one.out.match(RANDOM)[0], "another seed, other random bytes");
  assert.deepEqual(errors, []);
  assert.deepEqual(e2, []);
  await Promise.all([page.close(), p2.close(), p3.close()]);
});

browserTest("^C interrupts `sleep 100` and the shell survives", async () => {
  const { page, errors } = await page$();
  await prompt(page, 60_000);
  await page.click("#term");
  await page.keyboard.type("sleep 100\n");
  await until(page, () => window.forkscope.tasks().some((t) => t.comm === "sleep" && t.state === "S"), undefined, 10_000);
  await page.keyboard.press("Control+C");
  await until(page, () => window.forkscope.tasks().some((t) => t.comm === "sleep" && t.state === "gone" && (t.status & 0x7f) === 2), undefined, 30_000);
  await prompt(page, 30_000);
  await shot(page, "ctrl-c");
  assert.deepEqual(errors, []);
  await page.close();
});

browserTest("under a Content-Security-Policy without eval the CPU interprets, and the page says so", async () => {
  const strict = await setup({ noEval: true });
  try {
    const { page, errors } = await openPage(strict, "#p=hello&a=%5B%5D&s=1");
    open.push(page);
    await waitState(page, ["exited"]);
    // the console is a terminal: its output processing (ONLCR) ends the line in CR LF
    assert.equal(await page.evaluate(() => window.forkscope.output()), "hello, world\r\n");
    assert.equal((await status(page)).jit, "blocked");
    assert.match(await page.locator("#jit").innerText(), /interpreting every instruction: this page's Content-Security-Policy forbids generated code/);
    await shot(page, "csp-interpreting");
    // the worker's failed attempt to generate code is the only complaint allowed
    assert.deepEqual(errors.filter((e) => !/unsafe-eval|Content Security Policy/i.test(e)), []);
    await page.close();
  } finally {
    await strict.close();
  }
});

browserTest("the README's minimal embedding page runs hello with the package's browser entry", async () => {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const html = /### Embedding the kernel in a page[\s\S]*?```html\n([\s\S]*?)```/.exec(readme)[1];
  const { page, errors } = await page$(null);
  const files = {
    "embed/index.html": [html, "text/html"],
    "embed/forkscope.browser.mjs": [fs.readFileSync(path.join(ROOT, "dist/forkscope.browser.mjs")), "text/javascript"],
    "embed/hello": [fs.readFileSync(path.join(ROOT, "guest/bin/hello")), "application/octet-stream"],
  };
  await page.route(`${env.url}favicon.ico`, (route) => route.fulfill({ status: 204 }));
  await page.route(`${env.url}embed/**`, (route) => {
    const f = files[new URL(route.request().url()).pathname.slice(1)];
    return f ? route.fulfill({ body: f[0], contentType: f[1] }) : route.fulfill({ status: 404 });
  });
  await page.goto(env.url + "embed/index.html");
  await until(page, () => /exited/.test(document.getElementById("out").textContent));
  assert.equal(await page.locator("#out").innerText(), 'hello, world\n\n[exited: {"state":"exited","status":0}]');
  assert.deepEqual(errors, []);
});
