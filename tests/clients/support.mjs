// Shared helpers of the client tests: the simulator and llmroute serve as child processes on free
// ports with a generated config in a temporary directory, an egress trap, and a process runner.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const binary = process.env.LLMROUTE_BINARY;
if (!binary) throw new Error('LLMROUTE_BINARY must name the llmroute binary');

export const clientsDir = path.dirname(fileURLToPath(import.meta.url));
export const repoDir = path.resolve(clientsDir, '..', '..');
const rulesFile = path.join(repoDir, 'router', 'rules.yaml');

const children = new Set();
const dirs = [];

/** A fresh temporary directory, removed by `cleanup`. */
export function tempDir(prefix = 'llmroute-client-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Polls `probe` every 5 ms until it returns a value; throws at the deadline or when `child` exits. */
export async function waitFor(what, child, probe, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${what}: the process exited (${child.exitCode ?? child.signalCode})\n${child.output ?? ''}`);
    }
    if (Date.now() > deadline) throw new Error(`${what}: timed out`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function startLlmroute(args, name, env = {}) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  child.output = '';
  child.stdout.on('data', (data) => (child.output += data));
  child.stderr.on('data', (data) => {
    child.output += data;
    if (process.env.LLMROUTE_CLIENT_TEST_VERBOSE) process.stderr.write(`[${name}] ${data}`);
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if the child is still there after five seconds. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Stops every child started here and removes the temporary directories. */
export async function cleanup() {
  await Promise.all([...children].map(stop));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * `llmroute simulate` on a free port. Returns { port, url, child, stats(), reset() }; `stats()` is
 * GET /sim/stats (requests, by_path, last_request {method,target,headers,body}).
 */
export async function startSimulator(args = []) {
  const dir = tempDir('llmroute-sim-');
  const portFile = path.join(dir, 'port');
  const child = startLlmroute(['simulate', '--listen', '127.0.0.1:0', '--port-file', portFile, '--ttft-ms', '5',
    '--chunk-interval-ms', '1', ...args], 'simulate');
  const port = await waitFor('simulator port', child, () => {
    try {
      const text = readFileSync(portFile, 'utf8');
      return text.endsWith('\n') ? Number(text.trim()) : undefined;
    } catch {
      return undefined;
    }
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    port,
    url,
    child,
    async stats() {
      const response = await fetch(`${url}/sim/stats`);
      return response.json();
    },
    async reset() {
      await fetch(`${url}/sim/reset`, { method: 'POST' });
    },
  };
}

/**
 * `llmroute serve` with `configText` (YAML; use `listen: 127.0.0.1:0`). Returns { port, url, child }.
 * `env` is added to the proxy's environment (backend keys named by api_key_env).
 */
export async function startProxy(configText, env = {}) {
  const dir = tempDir('llmroute-serve-');
  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, configText);
  const child = startLlmroute(['serve', '--config', config, '--rules', rulesFile], 'serve', env);
  const port = await waitFor('proxy listening line', child, () => {
    const match = /llmroute listening on 127\.0\.0\.1:(\d+)/.exec(child.output);
    return match ? Number(match[1]) : undefined;
  });
  return { port, url: `http://127.0.0.1:${port}`, child };
}

/**
 * A config with one backend in front of the simulator and every unconfigured model routed to it.
 * `kind`: openai | anthropic | openai-responses; `upstreamName` carries simulator knobs
 * (e.g. "sim-model+script=tool,text"). Anthropic backends get their key from SIM_BACKEND_KEY.
 */
export function proxyConfig({ simPort, kind = 'openai', upstreamName = 'sim-model', model = 'local-model' }) {
  return [
    'server:',
    '  listen: 127.0.0.1:0',
    'backends:',
    '  - name: sim',
    `    kind: ${kind}`,
    '    location: local',
    `    url: http://127.0.0.1:${simPort}/v1`,
    ...(kind === 'anthropic' ? ['    api_key_env: SIM_BACKEND_KEY'] : []),
    `    models: [{ name: ${model}, upstream_name: ${JSON.stringify(upstreamName)}, context_tokens: 200000 }]`,
    `routing: { default: sim/${model} }`,
    'records: { enabled: false }',
    '',
  ].join('\n');
}

/**
 * The simulator's request counts by path without the proxy's active health probes (GET health_path,
 * /v1/models by default): only what clients caused.
 */
export function modelCalls(stats) {
  const probes = new Set(['/v1/models', '/health', '/v1/health']);
  return Object.fromEntries(Object.entries(stats.by_path).filter(([target]) => !probes.has(target.split('?')[0])));
}

/** Simulator and proxy together: { sim, proxy }. */
export async function startStack(options = {}) {
  const sim = await startSimulator(options.simArgs ?? []);
  const proxy = await startProxy(proxyConfig({ simPort: sim.port, ...options }), { SIM_BACKEND_KEY: 'sk-sim-backend' });
  return { sim, proxy };
}

/**
 * An HTTP proxy on 127.0.0.1 that refuses everything and remembers what was asked. Point a client's
 * HTTPS_PROXY/HTTP_PROXY at it (with NO_PROXY=127.0.0.1,localhost) to see, and stop, any attempt to
 * reach a host other than 127.0.0.1. Returns { url, attempts, close() }.
 */
export async function startEgressTrap() {
  const attempts = [];
  const server = createServer((socket) => {
    let head = '';
    socket.on('data', (data) => {
      head += data.toString('latin1');
      const end = head.indexOf('\r\n');
      if (end < 0) return;
      attempts.push(head.slice(0, end));
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      socket.removeAllListeners('data');
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    attempts,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * Runs a command to completion with a deadline (SIGKILL after `timeoutMs`).
 * Resolves { code, signal, stdout, stderr, timedOut }.
 */
export function run(command, args, { env, cwd, timeoutMs = 120000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (data) => (stdout += data));
    child.stderr.on('data', (data) => (stderr += data));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    child.stdin.end(input ?? '');
  });
}
