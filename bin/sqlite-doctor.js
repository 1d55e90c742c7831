#!/usr/bin/env node
// Thin launcher: the CLI is bundled to dist/cli.js by `npm run build` (run by `npm ci` via "prepare").
'use strict';
require('../dist/cli.js').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
