// Claude Code headless (`claude -p`) through llmroute: a prompt that needs one Read tool call, then text,
// against every backend kind; only 127.0.0.1 is reachable (an egress trap catches anything else).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanup, clientsDir, modelCalls, run, startEgressTrap, startStack, tempDir } from './support.mjs';

after(cleanup);

/**
 * The native Claude Code binary. The npm package's postinstall copies it over bin/claude.exe; when
 * install scripts did not run, that file is a small placeholder and the platform package holds it.
 */
function claudeBinary() {
  const scope = path.join(clientsDir, 'node_modules', '@anthropic-ai');
  const platform = `${process.platform}-${process.arch}`;
  const candidates = [
    path.join(scope, 'claude-code', 'bin', 'claude.exe'),
    path.join(scope, `claude-code-${platform}`, 'claude'),
    path.join(scope, `claude-code-${platform}-musl`, 'claude'),
  ];
  const found = candidates.find((file) => existsSync(file) && statSync(file).size > 1_000_000);
  if (!found) {
    throw new Error(`Claude Code's native binary was not found; looked at:\n  ${candidates.join('\n  ')}\n` +
      'run-client-test installs @anthropic-ai/claude-code (with its optional platform package) from npm');
  }
  return found;
}

const marker = 'LLMROUTE-README-MARKER-7f3a';

/**
 * Runs `claude -p` in a temporary directory holding README.md, with a temporary HOME, every
 * non-essential connection switched off and HTTP(S)_PROXY pointed at an egress trap.
 * Only the Read tool is offered, so the simulator's scripted tool call (the request's first tool,
 * its first required parameter set to "README.md") is a valid Read of ./README.md.
 */
async function runClaude(proxyUrl) {
  const trap = await startEgressTrap();
  const home = tempDir('claude-home-');
  const work = tempDir('claude-work-');
  writeFileSync(path.join(work, 'README.md'), `This project is ${marker}.\n`);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: process.env.TMPDIR ?? '/tmp',
    ANTHROPIC_BASE_URL: proxyUrl,
    ANTHROPIC_API_KEY: 'sk-ant-test-client',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    HTTPS_PROXY: trap.url,
    HTTP_PROXY: trap.url,
    https_proxy: trap.url,
    http_proxy: trap.url,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
  const args = ['-p', 'Read README.md and tell me what this project is.', '--output-format', 'stream-json', '--verbose',
    '--tools', 'Read', '--allowedTools', 'Read', '--max-turns', '4'];
  try {
    const result = await run(claudeBinary(), args, { env, cwd: work, timeoutMs: 180000 });
    return { ...result, attempts: [...trap.attempts] };
  } finally {
    await trap.close();
  }
}

/** The JSON lines of stream-json output (anything else is kept as a parse failure for the message). */
function events(stdout) {
  return stdout.split('\n').filter((line) => line.trim()).map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      return { type: 'unparsed', line };
    }
  });
}

function describe(result) {
  return `exit ${result.code ?? result.signal}${result.timedOut ? ' (timed out)' : ''}\n` +
    `stdout:\n${result.stdout.slice(-6000)}\nstderr:\n${result.stderr.slice(-3000)}`;
}

/** Asserts Claude Code's side of the conversation; returns the tool_use id it answered. */
function assertClaudeConversation(result) {
  assert.deepEqual(result.attempts, [], `Claude Code tried to reach a host other than 127.0.0.1:\n${result.attempts.join('\n')}`);
  assert.equal(result.timedOut, false, `claude -p did not finish\n${describe(result)}`);
  assert.equal(result.code, 0, `claude -p failed\n${describe(result)}`);

  const all = events(result.stdout);
  const blocks = (type, role) => all.filter((e) => e.type === type).flatMap((e) => e.message?.role === role ? e.message.content ?? [] : []);
  const toolUses = blocks('assistant', 'assistant').filter((b) => b.type === 'tool_use');
  assert.equal(toolUses.length, 1, `expected one tool_use from the model\n${describe(result)}`);
  const [toolUse] = toolUses;
  assert.equal(toolUse.name, 'Read');
  assert.deepEqual(toolUse.input, { file_path: 'README.md' });
  assert.ok(toolUse.id, 'the tool_use has an id');

  const toolResults = blocks('user', 'user').filter((b) => b.type === 'tool_result');
  assert.equal(toolResults.length, 1, `expected one tool_result\n${describe(result)}`);
  assert.equal(toolResults[0].tool_use_id, toolUse.id);
  assert.ok(!toolResults[0].is_error, `the Read tool failed: ${JSON.stringify(toolResults[0])}`);
  assert.match(JSON.stringify(toolResults[0].content), new RegExp(marker));

  const final = all.filter((e) => e.type === 'result').at(-1);
  assert.ok(final, `no result event\n${describe(result)}`);
  assert.equal(final.subtype, 'success', describe(result));
  assert.equal(final.is_error, false, describe(result));
  assert.equal(final.num_turns, 2);
  assert.match(final.result, /^Here is a simulated answer\./);
  return toolUse.id;
}

test('claude -p finishes a one-tool-call prompt through llmroute to an OpenAI-compatible backend', async () => {
  const { sim, proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+script=tool,text' });
  const result = await runClaude(proxy.url);
  const toolUseId = assertClaudeConversation(result);

  const stats = await sim.stats();
  // Exactly two model calls: a third would be Claude Code re-sending a turn without streaming
  // because it found the translated stream wanting.
  assert.deepEqual(modelCalls(stats), { '/v1/chat/completions': 2 });
  const body = stats.last_request.body;
  assert.equal(body.model, 'sim-model+script=tool,text');
  assert.equal(body.stream, true);
  assert.deepEqual(body.tools.map((t) => t.function.name), ['Read']);
  const assistant = body.messages.find((m) => m.role === 'assistant');
  assert.equal(assistant.tool_calls[0].id, toolUseId);
  assert.equal(assistant.tool_calls[0].function.name, 'Read');
  assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), { file_path: 'README.md' });
  const toolMessage = body.messages.find((m) => m.role === 'tool');
  assert.equal(toolMessage.tool_call_id, toolUseId);
  assert.equal(typeof toolMessage.content, 'string', 'tool results reach chat backends as a string');
  assert.match(toolMessage.content, new RegExp(marker));
});

test('claude -p finishes a one-tool-call prompt through llmroute to an Anthropic backend (pass-through)', async () => {
  const { sim, proxy } = await startStack({ kind: 'anthropic', upstreamName: 'sim-model+script=tool,text' });
  const result = await runClaude(proxy.url);
  const toolUseId = assertClaudeConversation(result);

  const stats = await sim.stats();
  assert.deepEqual(modelCalls(stats), { '/v1/messages': 2 });
  const { headers, body, target } = stats.last_request;
  assert.equal(target, '/v1/messages?beta=true');
  assert.match(headers['anthropic-beta'] ?? '', /claude-code-/);
  assert.equal(headers['anthropic-version'], '2023-06-01');
  assert.equal(headers['x-api-key'], 'sk-sim-backend', 'the backend key from api_key_env, not the client key');
  assert.equal(body.model, 'sim-model+script=tool,text');
  const toolResult = body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []))
    .find((b) => b.type === 'tool_result');
  assert.equal(toolResult.tool_use_id, toolUseId);
  assert.match(JSON.stringify(toolResult.content), new RegExp(marker));
});

test('claude -p finishes a one-tool-call prompt through llmroute to a Responses backend', async () => {
  const { sim, proxy } = await startStack({ kind: 'openai-responses', upstreamName: 'sim-model+script=tool,text' });
  const result = await runClaude(proxy.url);
  const toolUseId = assertClaudeConversation(result);

  const stats = await sim.stats();
  assert.deepEqual(modelCalls(stats), { '/v1/responses': 2 });
  const { body } = stats.last_request;
  assert.equal(body.model, 'sim-model+script=tool,text');
  const call = body.input.find((item) => item.type === 'function_call');
  assert.equal(call.call_id, toolUseId);
  assert.equal(call.name, 'Read');
  const output = body.input.find((item) => item.type === 'function_call_output');
  assert.equal(output.call_id, toolUseId);
  assert.match(JSON.stringify(output.output), new RegExp(marker));
});
