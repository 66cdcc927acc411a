// `forkscope playground [--port N]`: serves the browser playground (dist/web, written by
// npm run build:web) on 127.0.0.1 and prints its URL. The files are static: any static
// host serves them as well; this is only the shortest way to open them.

import * as fs from "node:fs";
import type * as Http from "node:http";
import { createRequire } from "node:module";
import * as path from "node:path";

export const PLAYGROUND_HELP = `usage: forkscope playground [--port N] [--dir DIR] [--no-eval]

Serves the browser playground on http://127.0.0.1:N/ (default 8000, or the next free port;
--port 0 takes any free port) until interrupted. --dir serves another build of it; --no-eval sends a Content-Security-Policy
that forbids generated code, so the CPU interprets every instruction (as on such a page).`;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".gz": "application/gzip",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** dist/web next to the running CLI (dist/forkscope.mjs or dist/src/host/cli.js) */
function defaultDir(): string {
  let here = process.argv[1] ? path.dirname(fs.realpathSync(process.argv[1])) : process.cwd();
  for (let i = 0; i < 4; i++) {
    const d = path.join(here, "web");
    if (fs.existsSync(path.join(d, "index.html")) && fs.existsSync(path.join(d, "worker.js"))) return d;
    here = path.dirname(here);
    if (path.basename(here) === "dist") continue;
  }
  return path.join(path.dirname(process.argv[1] ?? "."), "web");
}

export interface PlaygroundOpts {
  port: number | null;
  dir: string | null;
  noEval: boolean;
}

export function parsePlayground(args: string[], fail: (msg: string) => never): PlaygroundOpts | "help" {
  const o: PlaygroundOpts = { port: null, dir: null, noEval: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const val = () => {
      const eq = a.indexOf("=");
      if (eq >= 0) return a.slice(eq + 1);
      if (i + 1 >= args.length) fail(`${a} needs a value`);
      return args[++i];
    };
    if (a === "-h" || a === "--help") return "help";
    else if (a === "--port" || a.startsWith("--port=")) {
      const v = val();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > 65535) fail(`--port takes a port number (0-65535; 0: any free port), not '${v}'`);
      o.port = n;
    } else if (a === "--dir" || a.startsWith("--dir=")) o.dir = val();
    else if (a === "--no-eval") o.noEval = true;
    else fail(`playground: unknown option '${a}' (try forkscope playground --help)`);
  }
  return o;
}

/** serve the playground; resolves with the server once it listens */
export function servePlayground(o: PlaygroundOpts, log: (s: string) => void): Promise<Http.Server> {
  // required here, not imported: node:http loads the network and stream modules, ~5 ms of every
  // `forkscope run` start-up that never serves anything
  const http = createRequire("/")("node:http") as typeof Http;
  const root = path.resolve(o.dir ?? defaultDir());
  if (!fs.existsSync(path.join(root, "index.html")))
    return Promise.reject(new Error(`no playground in ${root} (build it with: npm run build:web)`));
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (rel.endsWith("/")) rel += "index.html";
    const file = path.join(root, path.normalize(rel));
    // never outside the directory (path.normalize keeps a leading "..")
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
        return;
      }
      const headers: Record<string, string | number> = {
        "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "Content-Length": st.size,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
      };
      if (o.noEval) headers["Content-Security-Policy"] = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'";
      res.writeHead(200, headers);
      if (req.method === "HEAD") res.end();
      else fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    let port = o.port ?? 8000;
    server.on("error", (e: NodeJS.ErrnoException) => {
      // the default port may be taken: try the next few (an explicit --port is not moved)
      if (e.code === "EADDRINUSE" && o.port === null && port < 8020) server.listen(++port, "127.0.0.1");
      else reject(new Error(e.code === "EADDRINUSE" ? `port ${port} is in use` : e.message));
    });
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      const p = typeof addr === "object" && addr ? addr.port : port;
      log(`forkscope playground: http://127.0.0.1:${p}/  (serving ${root}${o.noEval ? ", no eval: the CPU interprets" : ""}; Ctrl-C stops it)`);
      resolve(server);
    });
  });
}
