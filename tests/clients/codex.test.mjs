// Codex (`codex exec`) with a custom Responses provider pointing at llmroute: a prompt that needs one
// shell tool call, then text, against every backend kind; only 127.0.0.1 is reachable (an egress trap
// catches anything else).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanup, clientsDir, modelCalls, run, startEgressTrap, startStack, tempDir } from './support.mjs';

after(cleanup);

const marker = 'LLMROUTE-README-MARKER-c0d3';

function codexBinary() {
  const launcher = path.join(clientsDir, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
  if (!existsSync(launcher)) {
    throw new Error(`Codex was not found at ${launcher}; run-client-test installs @openai/codex from npm`);
  }
  return launcher;
}

/**
 * Codex's config: the llmroute provider (Responses wire API, dummy key from an env var), no approval
 * prompts, no OS sandbox (its bubblewrap needs mount namespaces, which containers and chroots such as CI's
 * may refuse; the only command run is the simulator's scripted one, in a temporary directory), and
 * everything that would reach another host switched off: the update
 * check (api.github.com), the curated plugin sync (github.com, api.github.com, chatgpt.com), apps and
 * analytics (ab.chatgpt.com). --strict-config makes a renamed key an error instead of a silent no-op.
 */
function codexConfig(proxyUrl) {
  return [
    'model = "auto"',
    'model_provider = "llmroute"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    'remote_plugin = false',
    'apps = false',
    '',
    '[model_providers.llmroute]',
    'name = "llmroute"',
    `base_url = "${proxyUrl}/v1"`,
    'wire_api = "responses"',
    'env_key = "LLMROUTE_TEST_KEY"',
    '',
  ].join('\n');
}

/**
 * Runs `codex exec` in a temporary directory holding README.md, with temporary HOME and CODEX_HOME
 * and HTTP(S)_PROXY pointed at an egress trap.
 *
 * Codex's first tool is exec_command, so the simulator's scripted call is {"cmd":"README.md"}, which
 * Codex runs as `bash -lc README.md`. The temporary HOME's .bash_profile puts a `README.md` command
 * on the login shell's PATH that prints ./README.md, so the call succeeds and its output (the marker)
 * must travel back through llmroute as the function_call_output.
 */
async function runCodex(proxyUrl) {
  const trap = await startEgressTrap();
  const home = tempDir('codex-home-');
  const codexHome = tempDir('codex-codexhome-');
  const work = tempDir('codex-work-');
  writeFileSync(path.join(work, 'README.md'), `This project is ${marker}.\n`);
  mkdirSync(path.join(home, 'bin'));
  writeFileSync(path.join(home, 'bin', 'README.md'), '#!/bin/sh\nexec cat ./README.md\n');
  chmodSync(path.join(home, 'bin', 'README.md'), 0o755);
  writeFileSync(path.join(home, '.bash_profile'), 'PATH="$HOME/bin:$PATH"\n');
  writeFileSync(path.join(codexHome, 'config.toml'), codexConfig(proxyUrl));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TMPDIR: process.env.TMPDIR ?? '/tmp',
    CODEX_HOME: codexHome,
    LLMROUTE_TEST_KEY: 'sk-test-client',
    HTTPS_PROXY: trap.url,
    HTTP_PROXY: trap.url,
    https_proxy: trap.url,
    http_proxy: trap.url,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
  };
  const args = [codexBinary(), 'exec', '--strict-config', '--skip-git-repo-check', '--ephemeral', '--json', '-C', work,
    'Run README.md and tell me what this project is.'];
  try {
    const result = await run(process.execPath, args, { env, cwd: work, timeoutMs: 180000 });
    return { ...result, attempts: [...trap.attempts] };
  } finally {
    await trap.close();
  }
}

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

/** Asserts Codex's side: one shell command run with the marker as output, then the final text. */
function assertCodexConversation(result) {
  assert.deepEqual(result.attempts, [], `Codex tried to reach a host other than 127.0.0.1:\n${result.attempts.join('\n')}`);
  assert.equal(result.timedOut, false, `codex exec did not finish\n${describe(result)}`);
  assert.equal(result.code, 0, `codex exec failed\n${describe(result)}`);

  const all = events(result.stdout);
  const completed = all.filter((e) => e.type === 'item.completed').map((e) => e.item);
  const commands = completed.filter((item) => item.type === 'command_execution');
  assert.equal(commands.length, 1, `expected one command execution\n${describe(result)}`);
  assert.match(commands[0].command, /README\.md$/);
  assert.equal(commands[0].exit_code, 0, describe(result));
  assert.match(commands[0].aggregated_output, new RegExp(marker));

  const messages = completed.filter((item) => item.type === 'agent_message');
  assert.equal(messages.length, 1, `expected one agent message\n${describe(result)}`);
  assert.match(messages[0].text, /^Here is a simulated answer\./);

  const turn = all.find((e) => e.type === 'turn.completed');
  assert.ok(turn, `no turn.completed (Codex needs response.completed)\n${describe(result)}`);
  assert.ok(turn.usage.input_tokens > 0, JSON.stringify(turn.usage));
  assert.ok(turn.usage.output_tokens > 0, JSON.stringify(turn.usage));
  assert.equal(all.filter((e) => e.type === 'turn.failed' || e.type === 'error').length, 0, describe(result));
}

test('codex exec finishes a one-tool-call prompt through llmroute to an OpenAI-compatible chat backend', async () => {
  const { sim, proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+script=tool,text' });
  const result = await runCodex(proxy.url);
  assertCodexConversation(result);

  const stats = await sim.stats();
  assert.deepEqual(modelCalls(stats), { '/v1/chat/completions': 2 });
  const { body } = stats.last_request;
  assert.equal(body.model, 'sim-model+script=tool,text');
  assert.equal(body.stream, true);
  assert.equal(body.tools[0].function.name, 'exec_command');
  const call = body.messages.find((m) => m.role === 'assistant' && m.tool_calls).tool_calls[0];
  assert.equal(call.function.name, 'exec_command');
  assert.deepEqual(JSON.parse(call.function.arguments), { cmd: 'README.md' });
  const output = body.messages.find((m) => m.role === 'tool');
  assert.equal(output.tool_call_id, call.id);
  assert.equal(typeof output.content, 'string');
  assert.match(output.content, new RegExp(marker));
});

test('codex exec finishes a one-tool-call prompt through llmroute to a Responses backend (pass-through)', async () => {
  const { sim, proxy } = await startStack({ kind: 'openai-responses', upstreamName: 'sim-model+script=tool,text' });
  const result = await runCodex(proxy.url);
  assertCodexConversation(result);

  const stats = await sim.stats();
  assert.deepEqual(modelCalls(stats), { '/v1/responses': 2 });
  const { body } = stats.last_request;
  assert.equal(body.model, 'sim-model+script=tool,text');
  const call = body.input.find((item) => item.type === 'function_call');
  assert.equal(call.name, 'exec_command');
  const output = body.input.find((item) => item.type === 'function_call_output');
  assert.equal(output.call_id, call.call_id);
  assert.match(JSON.stringify(output.output), new RegExp(marker));
});

test('codex exec finishes a one-tool-call prompt through llmroute to an Anthropic backend', async () => {
  const { sim, proxy } = await startStack({ kind: 'anthropic', upstreamName: 'sim-model+script=tool,text' });
  const result = await runCodex(proxy.url);
  assertCodexConversation(result);

  const stats = await sim.stats();
  assert.deepEqual(modelCalls(stats), { '/v1/messages': 2 });
  const { body } = stats.last_request;
  assert.equal(body.model, 'sim-model+script=tool,text');
  const blocks = body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const toolUse = blocks.find((b) => b.type === 'tool_use');
  assert.equal(toolUse.name, 'exec_command');
  assert.deepEqual(toolUse.input, { cmd: 'README.md' });
  const toolResult = blocks.find((b) => b.type === 'tool_result');
  assert.equal(toolResult.tool_use_id, toolUse.id);
  assert.match(JSON.stringify(toolResult.content), new RegExp(marker));
});
