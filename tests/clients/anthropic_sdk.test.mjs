// The official `@anthropic-ai/sdk` talking to llmroute serve: streamed tool-use round trips translated
// to a Chat Completions backend, and pass-through to an Anthropic backend (headers, cache_control).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { cleanup, modelCalls, startStack } from './support.mjs';

after(cleanup);

const weatherTool = {
  name: 'get_weather',
  description: 'The current weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** A client whose every request's headers are recorded in `sent`. */
function client(proxy, sent = []) {
  return new Anthropic({
    baseURL: proxy.url,
    apiKey: 'sk-ant-test-client',
    maxRetries: 0,
    timeout: 20000,
    fetch: (url, init) => {
      sent.push({ url: String(url), headers: new Headers(init?.headers) });
      return fetch(url, init);
    },
  });
}

/** Streams one request; returns the final message, the raw event types and the text from `text` events. */
async function streamed(anthropic, params, options) {
  const stream = anthropic.messages.stream(params, options);
  const types = [];
  let text = '';
  let json = '';
  stream.on('streamEvent', (event) => types.push(event.type === 'content_block_delta' ? event.delta.type : event.type));
  stream.on('text', (delta) => (text += delta));
  stream.on('inputJson', (delta) => (json += delta));
  const message = await stream.finalMessage();
  return { message, types, text, json, response: stream.response };
}

test('a streamed tool-use round trip through llmroute to a Chat Completions backend', async () => {
  const { sim, proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+script=tool,text' });
  const anthropic = client(proxy);
  const first = [{ role: 'user', content: 'What is the weather in Paris?' }];

  const call = await streamed(anthropic, { model: 'claude-opus-4-8', max_tokens: 1024, tools: [weatherTool], messages: first });
  assert.equal(call.message.type, 'message');
  assert.equal(call.message.role, 'assistant');
  assert.equal(call.message.stop_reason, 'tool_use');
  const toolUses = call.message.content.filter((b) => b.type === 'tool_use');
  assert.equal(toolUses.length, 1, JSON.stringify(call.message.content));
  const [toolUse] = toolUses;
  assert.ok(toolUse.id, 'the tool_use has an id');
  assert.equal(toolUse.name, 'get_weather');
  assert.deepEqual(toolUse.input, { city: 'README.md' });
  assert.equal(call.json, '{"city":"README.md"}', 'input_json_delta pieces assemble into the arguments');
  assert.equal(call.types[0], 'message_start');
  assert.equal(call.types.at(-1), 'message_stop');
  assert.ok(call.types.filter((t) => t === 'input_json_delta').length > 1, `arguments arrive in pieces: ${call.types}`);
  assert.ok(call.message.usage.input_tokens > 0, JSON.stringify(call.message.usage));
  assert.ok(call.message.usage.output_tokens > 0, JSON.stringify(call.message.usage));
  assert.equal(call.response.headers.get('x-llmroute-backend'), 'sim');

  const second = [
    ...first,
    { role: 'assistant', content: call.message.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Sunny, 21 °C' }] },
  ];
  const answer = await streamed(anthropic, { model: 'claude-opus-4-8', max_tokens: 1024, tools: [weatherTool], messages: second });
  assert.equal(answer.message.stop_reason, 'end_turn');
  assert.equal(answer.message.content.length, 1, JSON.stringify(answer.message.content));
  assert.equal(answer.message.content[0].type, 'text');
  assert.match(answer.message.content[0].text, /^Here is a simulated answer\./);
  assert.equal(answer.text, answer.message.content[0].text);
  assert.ok(answer.types.filter((t) => t === 'text_delta').length > 1, `text arrives in pieces: ${answer.types}`);

  const { body } = (await sim.stats()).last_request;
  assert.equal(body.model, 'sim-model+script=tool,text');
  const assistant = body.messages.find((m) => m.role === 'assistant');
  assert.equal(assistant.tool_calls.length, 1);
  assert.equal(assistant.tool_calls[0].id, toolUse.id, 'the tool call id survives both translations');
  assert.equal(assistant.tool_calls[0].function.name, 'get_weather');
  assert.deepEqual(JSON.parse(assistant.tool_calls[0].function.arguments), { city: 'README.md' });
  const tool = body.messages.find((m) => m.role === 'tool');
  assert.deepEqual({ tool_call_id: tool.tool_call_id, content: tool.content }, { tool_call_id: toolUse.id, content: 'Sunny, 21 °C' });
});

test('a tool_result given as a block array with is_error reaches a Chat backend as one string', async () => {
  const { sim, proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+script=tool,text' });
  const anthropic = client(proxy);
  const first = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const call = await streamed(anthropic, { model: 'claude-opus-4-8', max_tokens: 1024, tools: [weatherTool], messages: first });
  const toolUse = call.message.content.find((b) => b.type === 'tool_use');
  const answer = await streamed(anthropic, {
    model: 'claude-opus-4-8',
    max_tokens: 1024,
    system: [{ type: 'text', text: 'You are terse.' }],
    tools: [weatherTool],
    messages: [
      ...first,
      { role: 'assistant', content: call.message.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: toolUse.id, is_error: true,
          content: [{ type: 'text', text: 'weather service down' }, { type: 'text', text: 'try later' }] }],
      },
    ],
  });
  assert.equal(answer.message.stop_reason, 'end_turn');

  const { body } = (await sim.stats()).last_request;
  assert.deepEqual(body.messages[0], { role: 'system', content: 'You are terse.' });
  const tool = body.messages.find((m) => m.role === 'tool');
  assert.equal(tool.tool_call_id, toolUse.id);
  assert.equal(typeof tool.content, 'string', `tool content must be a string for local servers: ${JSON.stringify(tool)}`);
  assert.match(tool.content, /weather service down/);
  assert.match(tool.content, /try later/);
});

test('pass-through to an Anthropic backend keeps anthropic-beta, anthropic-version and every cache_control', async () => {
  const { sim, proxy } = await startStack({ kind: 'anthropic', upstreamName: 'sim-model' });
  const sent = [];
  const anthropic = client(proxy, sent);
  const beta = 'prompt-caching-2024-07-31,interleaved-thinking-2025-05-14';
  const longSystem = 'You are a careful assistant for the llmroute project. '.repeat(40);
  const params = {
    model: 'claude-opus-4-8',
    max_tokens: 512,
    system: [{ type: 'text', text: longSystem, cache_control: { type: 'ephemeral' } }],
    tools: [{ ...weatherTool, cache_control: { type: 'ephemeral', ttl: '1h' } }],
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text: 'Summarise the project in one line.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Be brief.' },
      ],
    }],
  };

  const first = await streamed(anthropic, params, { headers: { 'anthropic-beta': beta } });
  assert.equal(first.message.stop_reason, 'end_turn');
  assert.match(first.text, /^Here is a simulated answer\./);
  assert.ok(first.message.usage.cache_creation_input_tokens > 0, `first call writes the cache: ${JSON.stringify(first.message.usage)}`);

  const stats = await sim.stats();
  assert.deepEqual(modelCalls(stats), { '/v1/messages': 1 });
  const { headers, body } = stats.last_request;
  const clientHeaders = sent.at(-1).headers;
  assert.equal(headers['anthropic-beta'], beta);
  assert.equal(headers['anthropic-version'], clientHeaders.get('anthropic-version'));
  assert.equal(headers['x-api-key'], 'sk-sim-backend', 'the backend key from api_key_env, never the client key');
  assert.deepEqual(body, { ...params, model: 'sim-model', stream: true }, 'the body passes unchanged apart from the model');

  const again = await streamed(anthropic, params, { headers: { 'anthropic-beta': beta } });
  assert.ok(again.message.usage.cache_read_input_tokens > 0, `second call reads the cache: ${JSON.stringify(again.message.usage)}`);
  assert.equal(again.message.usage.cache_read_input_tokens, first.message.usage.cache_creation_input_tokens);
});

test('pass-through streams a tool_use with its id and input unchanged', async () => {
  const { proxy } = await startStack({ kind: 'anthropic', upstreamName: 'sim-model+script=tool,text' });
  const anthropic = client(proxy);
  const call = await streamed(anthropic, {
    model: 'claude-opus-4-8', max_tokens: 1024, tools: [weatherTool],
    messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  });
  assert.equal(call.message.stop_reason, 'tool_use');
  const toolUse = call.message.content.find((b) => b.type === 'tool_use');
  assert.match(toolUse.id, /^toolu_/);
  assert.deepEqual(toolUse.input, { city: 'README.md' });
});

test('reasoning_content from a Chat backend streams as a thinking block before the text', async () => {
  const { proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+think=6+reasoning-field=1' });
  const answer = await streamed(client(proxy), {
    model: 'claude-opus-4-8', max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 },
    messages: [{ role: 'user', content: 'Why is the sky blue?' }],
  });
  assert.deepEqual(answer.message.content.map((b) => b.type), ['thinking', 'text']);
  assert.equal(answer.message.content[0].thinking, 'Let me think about what is');
  assert.equal(answer.types.filter((t) => t === 'thinking_delta').length, 6, `${answer.types}`);
  assert.ok(answer.types.indexOf('thinking_delta') < answer.types.indexOf('text_delta'));
  assert.match(answer.message.content[1].text, /^Here is a simulated answer\./);
});

test('an overloaded backend reaches the SDK as a 529 overloaded_error in Anthropic shape', async () => {
  const { proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+fault=overloaded' });
  await assert.rejects(
    client(proxy).messages.create({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
    (error) => {
      assert.ok(error instanceof Anthropic.APIError, String(error));
      assert.equal(error.status, 529);
      assert.equal(error.error?.type, 'error');
      assert.equal(error.error?.error?.type, 'overloaded_error');
      return true;
    },
  );
});

test("an Anthropic backend that rejects llmroute's key reaches the SDK as a 502 api_error naming the key's variable, not an authentication error", async () => {
  const { proxy } = await startStack({ kind: 'anthropic', upstreamName: 'sim-model+fault=401' });
  await assert.rejects(
    client(proxy).messages.create({ model: 'claude-opus-4-8', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }),
    (error) => {
      assert.ok(error instanceof Anthropic.APIError, String(error));
      assert.ok(!(error instanceof Anthropic.AuthenticationError), 'Claude Code would ask its user to log in again');
      assert.equal(error.status, 502);
      assert.equal(error.error?.error?.type, 'api_error');
      assert.match(error.error?.error?.message, /backend 'sim' answered 401.*SIM_BACKEND_KEY.*Incorrect API key provided/);
      return true;
    },
  );
});

test('a stream a Chat backend answered with one JSON body (it ignored stream) reaches the SDK as a whole Anthropic stream', async () => {
  const { proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+ignore-stream=1' });
  const answer = await streamed(client(proxy), {
    model: 'claude-opus-4-8', max_tokens: 256, messages: [{ role: 'user', content: 'Write a haiku about routers' }],
  });
  assert.equal(answer.message.stop_reason, 'end_turn');
  assert.deepEqual(answer.message.content.map((b) => b.type), ['text']);
  assert.match(answer.text, /^Here is a simulated answer\./);
  assert.equal(answer.message.content[0].text, answer.text);
  assert.ok(answer.message.usage.output_tokens > 0, JSON.stringify(answer.message.usage));
  assert.equal(answer.types[0], 'message_start');
  assert.equal(answer.types.at(-1), 'message_stop');
});
