// The official `openai` SDK's Responses API through llmroute to a Chat Completions backend (streamed
// and whole, with a function-call round trip), and Chat Completions streaming to an Anthropic backend.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { cleanup, startStack } from './support.mjs';

after(cleanup);

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

function client(proxy) {
  return new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: 'sk-test-client', maxRetries: 0, timeout: 20000 });
}

/** Streams one Responses request; returns the final response and the event types in order. */
async function streamed(openai, params) {
  const stream = openai.responses.stream(params);
  const types = [];
  let sequence = -1;
  let text = '';
  for await (const event of stream) {
    types.push(event.type);
    assert.ok(event.sequence_number > sequence, `sequence_number grows: ${event.sequence_number} after ${sequence}`);
    sequence = event.sequence_number;
    if (event.type === 'response.output_text.delta') text += event.delta;
  }
  return { response: await stream.finalResponse(), types, text };
}

/** The text of a response's message items (the SDK's output_text is only set on whole answers). */
function outputText(response) {
  return response.output.filter((item) => item.type === 'message')
    .flatMap((item) => item.content.filter((part) => part.type === 'output_text').map((part) => part.text)).join('');
}

/** The function call of a response, checked to be the simulator's scripted call. */
function functionCall(response) {
  const calls = response.output.filter((item) => item.type === 'function_call');
  assert.equal(calls.length, 1, JSON.stringify(response.output));
  const [call] = calls;
  assert.equal(call.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.arguments), { city: 'README.md' });
  assert.ok(call.call_id, 'the function call has a call_id');
  return call;
}

/** The Chat request the backend saw last: the call and its output, with ids matching `callId`. */
async function assertChatRoundTrip(sim, callId, output) {
  const { body } = (await sim.stats()).last_request;
  assert.equal(body.model, 'sim-model+script=tool,text');
  assert.deepEqual(body.tools.map((t) => t.function.name), ['get_weather']);
  const assistant = body.messages.find((m) => m.role === 'assistant');
  assert.equal(assistant.tool_calls[0].id, callId, 'the call id survives both translations');
  assert.equal(assistant.tool_calls[0].function.name, 'get_weather');
  const tool = body.messages.find((m) => m.role === 'tool');
  assert.deepEqual({ tool_call_id: tool.tool_call_id, content: tool.content }, { tool_call_id: callId, content: output });
}

test('responses.stream() through llmroute to a Chat backend: a function call round trip, event by event', async () => {
  const { sim, proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+script=tool,text' });
  const openai = client(proxy);
  const question = { role: 'user', content: 'What is the weather in Paris?' };

  const first = await streamed(openai, { model: 'auto', input: [question], tools: [weatherTool] });
  assert.equal(first.types[0], 'response.created');
  assert.equal(first.types.at(-1), 'response.completed');
  for (const type of ['response.output_item.added', 'response.function_call_arguments.done', 'response.output_item.done']) {
    assert.ok(first.types.includes(type), `${type} in ${first.types}`);
  }
  assert.ok(first.types.filter((t) => t === 'response.function_call_arguments.delta').length > 1,
    `arguments arrive in pieces: ${first.types}`);
  assert.equal(first.response.status, 'completed');
  const call = functionCall(first.response);
  assert.ok(first.response.usage.input_tokens > 0, JSON.stringify(first.response.usage));
  assert.ok(first.response.usage.output_tokens > 0, JSON.stringify(first.response.usage));

  const second = await streamed(openai, {
    model: 'auto',
    tools: [weatherTool],
    input: [question, { type: 'function_call', call_id: call.call_id, name: call.name, arguments: call.arguments },
      { type: 'function_call_output', call_id: call.call_id, output: 'Sunny, 21 °C' }],
  });
  assert.equal(second.types[0], 'response.created');
  assert.equal(second.types.at(-1), 'response.completed');
  for (const type of ['response.content_part.added', 'response.output_text.done', 'response.content_part.done']) {
    assert.ok(second.types.includes(type), `${type} in ${second.types}`);
  }
  assert.ok(second.types.filter((t) => t === 'response.output_text.delta').length > 1, `text arrives in pieces: ${second.types}`);
  assert.equal(second.response.status, 'completed');
  assert.match(outputText(second.response), /^Here is a simulated answer\./);
  assert.equal(second.text, outputText(second.response));
  assert.ok(second.response.usage.output_tokens > 0);

  await assertChatRoundTrip(sim, call.call_id, 'Sunny, 21 °C');
});

test('responses.create() without streaming through llmroute to a Chat backend: a function call round trip', async () => {
  const { sim, proxy } = await startStack({ kind: 'openai', upstreamName: 'sim-model+script=tool,text' });
  const openai = client(proxy);
  const question = { role: 'user', content: 'What is the weather in Paris?' };

  const { data: first, response } = await openai.responses
    .create({ model: 'auto', instructions: 'You are terse.', input: [question], tools: [weatherTool] })
    .withResponse();
  assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/json');
  assert.equal(response.headers.get('x-llmroute-backend'), 'sim');
  assert.equal(first.object, 'response');
  assert.equal(first.status, 'completed');
  const call = functionCall(first);
  assert.ok(first.usage.input_tokens > 0, JSON.stringify(first.usage));

  const second = await openai.responses.create({
    model: 'auto',
    instructions: 'You are terse.',
    tools: [weatherTool],
    input: [question, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: 'Rain, 9 °C' }],
  });
  assert.equal(second.status, 'completed');
  assert.match(second.output_text, /^Here is a simulated answer\./);
  assert.equal(second.output_text, outputText(second));
  assert.equal(second.output.filter((item) => item.type === 'message').length, 1, JSON.stringify(second.output));

  await assertChatRoundTrip(sim, call.call_id, 'Rain, 9 °C');
  const { body } = (await sim.stats()).last_request;
  assert.equal(body.stream ?? false, false);
  assert.deepEqual(body.messages[0], { role: 'system', content: 'You are terse.' });
});

test('chat streaming through llmroute to an Anthropic backend: text, then a tool call round trip', async () => {
  const { sim, proxy } = await startStack({ kind: 'anthropic', upstreamName: 'sim-model+script=tool,text' });
  const openai = client(proxy);
  const tools = [{ type: 'function', function: { name: weatherTool.name, description: weatherTool.description, parameters: weatherTool.parameters } }];
  const question = { role: 'user', content: 'What is the weather in Paris?' };

  // The script answers "turn 0" with a tool call only when the request has tools: without, text.
  const plain = await openai.chat.completions.create({
    model: 'auto', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'system', content: 'You are terse.' }, question],
  });
  let chunks = 0;
  let content = '';
  let finish = null;
  let usage = null;
  for await (const chunk of plain) {
    chunks += 1;
    assert.equal(chunk.object, 'chat.completion.chunk');
    content += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    usage = chunk.usage ?? usage;
  }
  assert.ok(chunks > 2, `several chunks, got ${chunks}`);
  assert.match(content, /^Here is a simulated answer\./);
  assert.equal(finish, 'stop');
  assert.ok(usage?.prompt_tokens > 0 && usage?.completion_tokens > 0, JSON.stringify(usage));
  const seen = (await sim.stats()).last_request;
  assert.equal(seen.target.split('?')[0], '/v1/messages');
  assert.equal(seen.headers['x-api-key'], 'sk-sim-backend');
  assert.ok(seen.headers['anthropic-version'], 'llmroute adds anthropic-version for Anthropic backends');
  // Chat → Messages marks the last system block for prompt caching (wire/README.md: automatic breakpoints).
  assert.deepEqual(seen.body.system, [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }]);

  const calling = await openai.chat.completions.create({ model: 'auto', stream: true, tools, messages: [question] });
  const call = { id: '', name: '', arguments: '' };
  finish = null;
  for await (const chunk of calling) {
    const delta = chunk.choices[0]?.delta;
    for (const piece of delta?.tool_calls ?? []) {
      assert.equal(piece.index, 0);
      call.id += piece.id ?? '';
      call.name += piece.function?.name ?? '';
      call.arguments += piece.function?.arguments ?? '';
    }
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, 'tool_calls');
  assert.ok(call.id, 'the tool call has an id');
  assert.equal(call.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.arguments), { city: 'README.md' });

  const answer = await openai.chat.completions.create({
    model: 'auto', stream: true, tools,
    messages: [question,
      { role: 'assistant', content: null, tool_calls: [{ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }] },
      { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 °C' }],
  });
  content = '';
  finish = null;
  for await (const chunk of answer) {
    content += chunk.choices[0]?.delta?.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, 'stop');
  assert.match(content, /^Here is a simulated answer\./);

  const { body } = (await sim.stats()).last_request;
  const blocks = body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
  const toolUse = blocks.find((b) => b.type === 'tool_use');
  assert.deepEqual({ id: toolUse.id, name: toolUse.name, input: toolUse.input }, { id: call.id, name: 'get_weather', input: { city: 'README.md' } });
  const toolResult = blocks.find((b) => b.type === 'tool_result');
  assert.equal(toolResult.tool_use_id, call.id);
  assert.match(JSON.stringify(toolResult.content), /Sunny, 21 °C/);
});

test('responses.stream() relayed from a Responses backend that dies mid-answer ends with response.failed, numbered after the last event', async () => {
  const { proxy } = await startStack({ kind: 'openai-responses', upstreamName: 'sim-model+fault=die-mid' });
  const stream = client(proxy).responses.stream({ model: 'auto', input: 'Write a haiku about routers' });
  const events = [];
  for await (const event of stream) events.push(event);
  const types = events.map((event) => event.type);
  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.failed', `${types}`);
  const numbers = events.map((event) => event.sequence_number);
  assert.deepEqual(numbers, numbers.map((_, i) => i), `sequence numbers without a gap or a restart: ${numbers}`);
  const failed = events.at(-1);
  assert.equal(failed.response.id, events[0].response.id);
  assert.match(failed.response.error.message, /backend 'sim'/);
});
