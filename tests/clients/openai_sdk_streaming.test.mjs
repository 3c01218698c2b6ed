// The official `openai` SDK talking to llmroute serve in front of the simulator: streamed and whole answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';

const binary = process.env.LLMROUTE_BINARY;
if (!binary) throw new Error('LLMROUTE_BINARY must name the llmroute binary');

const dir = mkdtempSync(path.join(tmpdir(), 'llmroute-client-'));
const children = [];

/** Polls `probe` every 5 ms until it returns a value, or throws at the deadline or when `child` exits. */
async function waitFor(what, child, probe, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what}: the process exited (${child.exitCode ?? child.signalCode})`);
    if (Date.now() > deadline) throw new Error(`${what}: timed out`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function start(args, name) {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (data) => (child.output += data));
  child.stderr.on('data', (data) => process.stderr.write(`[${name}] ${data}`));
  children.push(child);
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

let client;

before(async () => {
  const portFile = path.join(dir, 'sim-port');
  const sim = start(['simulate', '--listen', '127.0.0.1:0', '--port-file', portFile, '--ttft-ms', '10',
    '--chunk-interval-ms', '5', '--tokens', '24'], 'simulate');
  const simPort = await waitFor('simulator port', sim, () => {
    try {
      const text = readFileSync(portFile, 'utf8');
      return text.endsWith('\n') ? Number(text.trim()) : undefined;
    } catch {
      return undefined;
    }
  });

  const config = path.join(dir, 'config.yaml');
  writeFileSync(config, [
    'server:',
    '  listen: 127.0.0.1:0',
    'backends:',
    '  - name: sim',
    '    kind: openai',
    '    location: local',
    `    url: http://127.0.0.1:${simPort}/v1`,
    '    models: [{ name: local-model, upstream_name: sim-upstream }]',
    'routing: { default: sim/local-model }',
    'records: { enabled: false }',
    '',
  ].join('\n'));
  const proxy = start(['serve', '--config', config, '--listen', '127.0.0.1:0'], 'serve');
  const proxyPort = await waitFor('proxy listening line', proxy, () => {
    const match = /llmroute listening on 127\.0\.0\.1:(\d+)/.exec(proxy.output);
    return match ? Number(match[1]) : undefined;
  });
  client = new OpenAI({ baseURL: `http://127.0.0.1:${proxyPort}/v1`, apiKey: 'sk-test-client', maxRetries: 0, timeout: 20000 });
});

after(async () => {
  await Promise.all(children.map(stop));
  rmSync(dir, { recursive: true, force: true });
});

test('a streamed chat completion arrives in several chunks that assemble into the answer', async () => {
  const stream = await client.chat.completions.create({
    model: 'local-model',
    messages: [{ role: 'user', content: 'Write a haiku about routers' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let chunks = 0;
  let content = '';
  let finishReason = null;
  let usage = null;
  for await (const chunk of stream) {
    chunks += 1;
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.model, 'sim-upstream');
    const choice = chunk.choices[0];
    if (choice?.delta?.content) content += choice.delta.content;
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.ok(chunks > 1, `expected several chunks, got ${chunks}`);
  assert.ok(content.length > 20, `assembled content too short: ${JSON.stringify(content)}`);
  assert.equal(finishReason, 'stop');
  assert.equal(usage?.completion_tokens, 24);
});

test('a non-streamed chat completion returns the whole answer and the routing headers', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'local-model', messages: [{ role: 'user', content: 'Write a haiku about routers' }] })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.ok(data.choices[0].message.content.length > 20);
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.equal(response.headers.get('x-llmroute-backend'), 'sim');
  assert.equal(response.headers.get('x-llmroute-route'), 'local');
  assert.ok(response.headers.get('x-request-id'));
});

test('the same prompt gives the same text streamed and whole', async () => {
  const messages = [{ role: 'user', content: 'Explain keep-alive in one paragraph' }];
  const whole = await client.chat.completions.create({ model: 'local-model', messages });
  const stream = await client.chat.completions.create({ model: 'local-model', messages, stream: true });
  let content = '';
  for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(content, whole.choices[0].message.content);
});

test('a backend error reaches the SDK as an APIError with its status', async () => {
  await assert.rejects(
    client.chat.completions.create(
      { model: 'local-model', messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-sim-fault': '429' } },
    ),
    (error) => error instanceof OpenAI.APIError && error.status === 429,
  );
});

test('a stream the backend answered with one JSON body (it ignored stream) reaches the SDK as chunks of the same answer', async () => {
  const messages = [{ role: 'user', content: 'Explain keep-alive in one paragraph' }];
  const whole = await client.chat.completions.create({ model: 'local-model', messages });
  const stream = await client.chat.completions.create(
    { model: 'local-model', messages, stream: true, stream_options: { include_usage: true } },
    { headers: { 'x-sim-ignore-stream': '1' } },
  );
  let content = '';
  let finishReason = null;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    content += chunk.choices[0]?.delta?.content ?? '';
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    usage = chunk.usage ?? usage;
  }
  assert.equal(content, whole.choices[0].message.content);
  assert.equal(finishReason, 'stop');
  assert.equal(usage?.completion_tokens, 24);
});

test('a legacy completions stream the backend answered with one JSON body (it ignored stream) reaches the SDK as text_completion chunks of the same answer', async () => {
  const prompt = 'def fibonacci(n):';
  const whole = await client.completions.create({ model: 'local-model', prompt, max_tokens: 64 });
  const stream = await client.completions.create(
    { model: 'local-model', prompt, max_tokens: 64, stream: true, stream_options: { include_usage: true } },
    { headers: { 'x-sim-ignore-stream': '1' } },
  );
  let text = '';
  let finishReason = null;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'text_completion');
    text += chunk.choices[0]?.text ?? '';
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    usage = chunk.usage ?? usage;
  }
  assert.equal(text, whole.choices[0].text);
  assert.equal(finishReason, 'stop');
  assert.equal(usage?.completion_tokens, 24);
});
