// Preloaded with `node --import` by tests: records the URL of every module the process loads
// (ESM and CommonJS alike) and writes them, one a line, to the file named by TRACE_MODULES_FILE
// when the process exits. Plain JavaScript: it runs in processes that have no TypeScript loader.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  if (process.env.TRACE_MODULES_FILE) writeFileSync(process.env.TRACE_MODULES_FILE, `${loaded.join('\n')}\n`);
});
