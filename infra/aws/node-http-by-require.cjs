// node:http for the function bundles (see `httpByRequire` in bundling.ts): the module itself,
// not its ES module view, whose building reads the lazy `WebSocket` export and loads undici.
module.exports = process.getBuiltinModule('node:http');
