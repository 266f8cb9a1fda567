/**
 * The platform client's `Headers` and `Response` read as fetch's own (undici's) do: the same
 * inputs give the same names, values, order, cookies, text, JSON and bytes, and the same refusals.
 */
import { describe, expect, it } from 'vitest';
import { NodeHeaders, NodeResponse } from '../../../shared/outbound-http/node-response.ts';

/** Everything a reader can get out of a Headers. */
function readAll(headers: Headers) {
  return {
    entries: [...headers],
    keys: [...headers.keys()],
    values: [...headers.values()],
    cookies: headers.getSetCookie(),
    etag: headers.get('ETag'),
    vary: headers.get('vary'),
    missing: headers.get('x-missing'),
    has: [headers.has('Content-Type'), headers.has('x-missing')],
  };
}

const inputs: [string, HeadersInit][] = [
  ['a record', { 'Content-Type': 'application/rss+xml', ETag: '"v1"', Vary: 'Accept' }],
  [
    'pairs with repeats and cookies',
    [
      ['Vary', 'Accept'],
      ['vary', ' Accept-Encoding\t'],
      ['Set-Cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['content-type', 'text/html'],
      ['X-Empty', ''],
    ],
  ],
  [
    'a Headers',
    new Headers([
      ['ETag', '"v2"'],
      ['Content-Type', 'text/plain'],
    ]),
  ],
];

describe('NodeHeaders', () => {
  it.each(inputs)('reads %s as fetch’s Headers does', (_label, init) => {
    // Act
    const ours = readAll(new NodeHeaders(init));
    const theirs = readAll(new Headers(init));

    // Assess
    expect(ours).toEqual(theirs);
  });

  it('sets, appends and deletes case-insensitively, as fetch’s Headers does', () => {
    // Prepare
    const ours = new NodeHeaders({ Accept: 'text/html' });
    const theirs = new Headers({ Accept: 'text/html' });

    // Act
    for (const headers of [ours, theirs]) {
      headers.append('ACCEPT', 'application/xml');
      headers.set('Accept-Encoding', 'gzip');
      headers.set('accept-encoding', 'br');
      headers.append('x-gone', '1');
      headers.delete('X-Gone');
    }

    // Assess
    expect([...ours]).toEqual([...theirs]);
  });

  it('refuses a name or value fetch refuses, with a TypeError', () => {
    for (const [name, value] of [
      ['bad name', 'x'],
      ['x-bad', 'line\nbreak'],
      ['x-nul', 'a\0b'],
      ['', 'x'],
    ]) {
      expect(() => new Headers([[name, value]] as [string, string][])).toThrow(TypeError);
      expect(() => new NodeHeaders([[name, value]] as [string, string][])).toThrow(TypeError);
    }
  });
});

/** A body stream of `chunks`. */
function streamOf(...chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
      controller.close();
    },
  });
}

function responses(status: number, ...chunks: (string | Uint8Array)[]): [NodeResponse, Response] {
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  return [
    new NodeResponse(streamOf(...chunks), { status, statusText: 'Fine', headers: new NodeHeaders(headers), url: 'http://feeds.test/x' }),
    new Response(streamOf(...chunks), { status, statusText: 'Fine', headers }),
  ];
}

describe('NodeResponse', () => {
  it('reads text as fetch’s Response does: UTF-8 across chunks, the BOM dropped, bad bytes replaced', async () => {
    // Prepare
    const bytes = new TextEncoder().encode('\uFEFFÜnïcode – día');
    const chunks = [bytes.slice(0, 4), bytes.slice(4, 9), bytes.slice(9), new Uint8Array([0xff])];

    // Act
    const [ours, theirs] = responses(200, ...chunks);

    // Assess
    expect(await ours.text()).toBe(await theirs.text());
  });

  it('reads JSON, bytes and a blob as fetch’s Response does, and says what it is', async () => {
    // Prepare
    const body = JSON.stringify({ title: 'talks', n: 3 });

    // Act
    const [ours, theirs] = responses(200, body);
    const [oursBytes, theirsBytes] = responses(201, body);
    const [oursBlob, theirsBlob] = responses(299, body);
    const [oursFailed, theirsFailed] = responses(404, body);

    // Assess
    expect(await ours.json()).toEqual(await theirs.json());
    expect(new Uint8Array(await oursBytes.arrayBuffer())).toEqual(new Uint8Array(await theirsBytes.arrayBuffer()));
    const [oursType, theirsType] = [await oursBlob.blob(), await theirsBlob.blob()];
    expect([oursType.type, oursType.size]).toEqual([theirsType.type, theirsType.size]);
    expect([ours.ok, ours.status, ours.statusText, ours.bodyUsed]).toEqual([theirs.ok, theirs.status, theirs.statusText, theirs.bodyUsed]);
    expect([oursFailed.ok, oursFailed.status]).toEqual([theirsFailed.ok, theirsFailed.status]);
    expect(ours.url).toBe('http://feeds.test/x');
  });

  it('reads its body once: a second read and a clone after it are refused, a clone before reads the same', async () => {
    // Prepare
    const [ours] = responses(200, 'once');
    const [cloned] = responses(200, 'twice');

    // Act
    const copy = cloned.clone();
    const first = await ours.text();

    // Assess
    expect(first).toBe('once');
    expect(ours.bodyUsed).toBe(true);
    await expect(ours.text()).rejects.toThrow(TypeError);
    expect(() => ours.clone()).toThrow(TypeError);
    expect([await cloned.text(), await copy.text()]).toEqual(['twice', 'twice']);
  });

  it('has no body to read when the answer had none', async () => {
    // Act
    const empty = new NodeResponse(null, {
      status: 304,
      statusText: 'Not Modified',
      headers: new NodeHeaders(),
      url: 'http://feeds.test/x',
    });

    // Assess
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe('');
  });
});
