// Starts a Playwright browser server on 127.0.0.1 for the --connect test and prints its endpoint.
// Run with the Node.js that ships inside the playwright package:
//   node browser_server.js <playwright-core package dir> <chromium executable>
'use strict';
const { chromium } = require(process.argv[2]);

chromium
  .launchServer({
    executablePath: process.argv[3],
    host: '127.0.0.1',
    port: 0,
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
  .then((server) => {
    process.stdout.write(server.wsEndpoint() + '\n');
    const stop = () => server.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  })
  .catch((err) => {
    process.stderr.write(String(err) + '\n');
    process.exit(1);
  });
