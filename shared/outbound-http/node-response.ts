/**
 * fetch's `Headers` and `Response` for the platform client's answers, written on Node's own web
 * streams and `TextDecoder`. The global `Headers` and `Response` are Node's bundled undici: the
 * first use of either loads all of it (its HTTP parser, pools, fetch, WebSocket; ~40–60 ms of CPU
 * in a cold process), for a client that uses none of that. These behave as fetch's do where a
 * reader can tell: header names case-insensitive, values trimmed and joined with ", ", iteration
 * sorted with each `set-cookie` apart; a body read once as a stream, text (UTF-8, BOM dropped),
 * JSON or bytes.
 */
import { Blob } from 'node:buffer';

/** HTTP's token characters: what a header name may hold. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What a header value may not hold once trimmed. */
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;
/** HTTP whitespace, trimmed from both ends of a value. */
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** fetch's `Headers`, without undici. */
export class NodeHeaders implements Headers {
  /** Lower-case name → values in the order they came. */
  readonly #values = new Map<string, string[]>();

  constructor(init?: HeadersInit) {
    if (init === undefined || init === null) return;
    if (Array.isArray(init)) {
      for (const pair of init) {
        if (pair.length !== 2) throw new TypeError('Headers: each header must be a [name, value] pair');
        this.append(pair[0] as string, pair[1] as string);
      }
    } else if (typeof (init as { forEach?: unknown }).forEach === 'function') {
      // A Headers (ours or fetch's), without `instanceof Headers`, which would load undici.
      (init as Headers).forEach((value, name) => {
        this.append(name, value);
      });
    } else {
      for (const [name, value] of Object.entries(init)) this.append(name, value as string);
    }
  }

  append(name: string, value: string): void {
    const [key, normalized] = checked(name, value);
    const values = this.#values.get(key);
    if (values) values.push(normalized);
    else this.#values.set(key, [normalized]);
  }

  set(name: string, value: string): void {
    const [key, normalized] = checked(name, value);
    this.#values.set(key, [normalized]);
  }

  delete(name: string): void {
    this.#values.delete(checkedName(name));
  }

  get(name: string): string | null {
    return this.#values.get(checkedName(name))?.join(', ') ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(checkedName(name));
  }

  getSetCookie(): string[] {
    return [...(this.#values.get('set-cookie') ?? [])];
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  *entries(): HeadersIterator<[string, string]> {
    for (const name of [...this.#values.keys()].sort()) {
      const values = this.#values.get(name) ?? [];
      if (name === 'set-cookie') for (const value of values) yield [name, value];
      else yield [name, values.join(', ')];
    }
  }

  *keys(): HeadersIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): HeadersIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }
}

function checkedName(name: string): string {
  const text = String(name);
  if (!TOKEN.test(text)) throw new TypeError(`Headers: invalid header name "${text}"`);
  return text.toLowerCase();
}

function checked(name: string, value: string): [string, string] {
  const normalized = String(value).replace(EDGE_WHITESPACE, '');
  if (FORBIDDEN_IN_VALUE.test(normalized)) throw new TypeError(`Headers: invalid value for header "${name}"`);
  return [checkedName(name), normalized];
}

/** What a `NodeResponse` is made of: its body stream (none for a 304, a HEAD…) and what the answer said. */
interface NodeResponseInit {
  status: number;
  statusText: string;
  headers: NodeHeaders;
  /** The request's URL, which fetch gives as the response's. */
  url: string;
}

/** fetch's `Response` for an answer the platform client received, without undici. */
export class NodeResponse implements Response {
  readonly status: number;
  readonly statusText: string;
  readonly headers: NodeHeaders;
  readonly url: string;
  readonly redirected = false;
  readonly type: ResponseType = 'basic';
  #body: ReadableStream<Uint8Array<ArrayBuffer>> | null;
  #used = false;

  constructor(body: ReadableStream<Uint8Array> | null, init: NodeResponseInit) {
    this.#body = body as ReadableStream<Uint8Array<ArrayBuffer>> | null;
    this.status = init.status;
    this.statusText = init.statusText;
    this.headers = init.headers;
    this.url = init.url;
  }

  get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#body;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** True once a read of the whole body began here (a reader taken from `body` directly is the caller's own). */
  get bodyUsed(): boolean {
    return this.#used || (this.body?.locked ?? false);
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.bodyUsed) throw new TypeError('Response body is unusable: it was already read');
    this.#used = true;
    if (!this.body) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let length = 0;
    const reader = this.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    return bytes;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async blob(): Promise<Blob & globalThis.Blob> {
    return new Blob([await this.bytes()], { type: blobType(this.headers.get('content-type')) }) as Blob & globalThis.Blob;
  }

  async formData(): Promise<FormData> {
    throw new TypeError('Response.formData is not supported by the platform client');
  }

  clone(): Response {
    if (this.bodyUsed) throw new TypeError('Response cannot be cloned: its body was already read');
    const init = { status: this.status, statusText: this.statusText, headers: new NodeHeaders(this.headers), url: this.url };
    if (!this.body) return new NodeResponse(null, init);
    const [mine, theirs] = this.body.tee();
    this.#body = mine;
    return new NodeResponse(theirs, init);
  }
}

/** A Content-Type as fetch gives a blob's type: essence and parameter names lower case, no spaces around `;`. */
function blobType(contentType: string | null): string {
  if (!contentType) return '';
  const [essence = '', ...parameters] = contentType.split(';').map((part) => part.trim());
  const named = parameters.filter(Boolean).map((parameter) => {
    const equals = parameter.indexOf('=');
    return equals < 0 ? parameter.toLowerCase() : parameter.slice(0, equals).toLowerCase() + parameter.slice(equals);
  });
  return [essence.toLowerCase(), ...named].join(';');
}
