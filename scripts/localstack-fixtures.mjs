// The fixture service of compose.yaml (docs/deploy-localstack.md), for `npm run smoke:localstack`:
// plain Node, no dependencies, so `node:24-alpine` runs it as mounted.
//
//   GET    /feeds/<file>.xml   a feed of FEEDS_DIR (the bundled demo feeds, built from the seeds), plus
//                             the "late" item once published; every GET is counted
//   POST   /hooks/<name>       a webhook receiver: echoes a url_verification challenge (intent
//                             verification), keeps anything else with its Standard Webhooks headers
//   POST   /control/publish    adds the late item to every feed (a story that appears after subscribing)
//   GET    /received           what came in: feed GETs per file, webhooks per name, challenges answered
//   DELETE /received           forgets all of it and unpublishes the late item
//   GET    /health             200
//
// Environment: PORT (8080; 0 picks a free one), HOST (0.0.0.0), FEEDS_DIR (/feeds).
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '0.0.0.0';
const feedsDir = process.env.FEEDS_DIR ?? '/feeds';
const MAX_BODY_BYTES = 1024 * 1024;
const WEBHOOK_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type', 'user-agent'];

/** Our own text: a UN meeting story unlike any item of the demo feeds, so it is a new story. */
const LATE_ITEM = {
  guid: 'fixtures-late-001',
  title: 'Security Council extends UN mission in South Sudan after a divided vote',
  link: 'https://fixtures.example/2026/late/security-council-south-sudan-mandate',
  description:
    'The UN Security Council adopted a resolution on Thursday renewing the peacekeeping mandate in South Sudan for twelve months, with thirteen members in favour and two abstentions.',
};

const feedFiles = new Set((await readdir(feedsDir)).filter((name) => name.endsWith('.xml')));
const state = freshState();

function freshState() {
  return { feeds: {}, hooks: {}, challenges: 0, publishedAt: undefined };
}

function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function lateItemXml(publishedAt) {
  return [
    '<item>',
    `<title>${escapeXml(LATE_ITEM.title)}</title>`,
    `<link>${escapeXml(LATE_ITEM.link)}</link>`,
    `<guid isPermaLink="false">${LATE_ITEM.guid}</guid>`,
    `<pubDate>${publishedAt.toUTCString()}</pubDate>`,
    `<description>${escapeXml(LATE_ITEM.description)}</description>`,
    '</item>',
  ].join('\n');
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response, status, body, type = 'application/json') {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function serveFeed(name, response) {
  if (!feedFiles.has(name)) return send(response, 404, { error: `no feed ${name}` });
  state.feeds[name] = (state.feeds[name] ?? 0) + 1;
  let xml = await readFile(join(feedsDir, name), 'utf8');
  if (state.publishedAt) xml = xml.replace('</channel>', `${lateItemXml(state.publishedAt)}\n</channel>`);
  return send(response, 200, xml, 'application/rss+xml; charset=utf-8');
}

function receiveHook(name, request, body, response) {
  let parsed;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed?.type === 'url_verification' && typeof parsed.challenge === 'string') {
    state.challenges += 1;
    return send(response, 200, { challenge: parsed.challenge });
  }
  const headers = Object.fromEntries(
    WEBHOOK_HEADERS.filter((key) => request.headers[key] !== undefined).map((key) => [key, request.headers[key]]),
  );
  state.hooks[name] = [...(state.hooks[name] ?? []), { headers, body, receivedAt: new Date().toISOString() }];
  response.writeHead(204).end();
}

const server = createServer(async (request, response) => {
  try {
    const { pathname } = new URL(request.url ?? '/', 'http://fixtures');
    const method = request.method ?? 'GET';
    const feed = /^\/feeds\/([A-Za-z0-9._-]+)$/.exec(pathname);
    const hook = /^\/hooks\/([A-Za-z0-9._-]+)$/.exec(pathname);
    if (method === 'GET' && pathname === '/health') return send(response, 200, { status: 'ok' });
    if (method === 'GET' && feed) return await serveFeed(feed[1], response);
    if (method === 'POST' && hook) return receiveHook(hook[1], request, await readBody(request), response);
    if (method === 'POST' && pathname === '/control/publish') {
      state.publishedAt ??= new Date();
      return send(response, 200, { guid: LATE_ITEM.guid, title: LATE_ITEM.title, at: state.publishedAt.toISOString() });
    }
    if (method === 'GET' && pathname === '/received') {
      return send(response, 200, { ...state, publishedAt: state.publishedAt?.toISOString() });
    }
    if (method === 'DELETE' && pathname === '/received') {
      Object.assign(state, freshState());
      return send(response, 200, { status: 'reset' });
    }
    return send(response, 404, { error: `no route ${method} ${pathname}` });
  } catch (error) {
    return send(response, 400, { error: error instanceof Error ? error.message : String(error) });
  }
});

server.listen(port, host, () => {
  const address = server.address();
  console.log(`fixtures listening on http://${host}:${address.port} (feeds: ${[...feedFiles].sort().join(', ')})`);
});

// As PID 1 in a container Node has no default signal handling: stop on the signals compose sends.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
