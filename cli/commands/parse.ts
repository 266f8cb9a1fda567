import { defineCommand } from '../command.ts';
import { absoluteUrl, jsonOption } from '../options.ts';

/** `news-alerts parse FILE|URL`: a feed as the pipeline reads it (see `tasks/parse.ts`). */
export const command = defineCommand({
  name: 'parse',
  summary: 'fetch (a URL) or read (a file) a feed and print its items as the pipeline normalizes them',
  args: [{ name: 'FILE|URL', noun: 'FILE or URL' }],
  options: {
    baseUrl: {
      type: 'string',
      value: 'URL',
      parse: absoluteUrl,
      description: "base of relative links (default: the URL after redirects; for a file, the feed's own link)",
    },
    contentType: {
      type: 'string',
      value: 'TYPE',
      description: 'decode as this Content-Type, e.g. "text/xml; charset=windows-1251" (for a URL: instead of the server\'s)',
    },
    json: {
      ...jsonOption,
      description: 'print {"feed": {"title", "link"}, "items": [...]}; errors are always {"error": {"code", "message"}}',
    },
  },
  async run({ values, args: [source] }, io) {
    const { parseCommand } = await import('../tasks/parse.ts');
    return parseCommand({ source, ...values, allowPrivateNetwork: process.env.ALLOW_PRIVATE_NETWORK === 'true' }, io);
  },
});
