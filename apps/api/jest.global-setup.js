// The web controller serves the page's script from beside itself, as the build leaves it in
// dist. Under Jest it runs from src, so the script is bundled there the same way (esbuild, as
// the build target does); the file is git-ignored and rebuilt on every run.
const path = require('node:path');
const { buildSync } = require('esbuild');

module.exports = function bundleWebPage() {
  const web = path.join(__dirname, 'src/web');
  buildSync({
    entryPoints: [path.join(web, 'page/app.ts')],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    logLevel: 'warning',
    outfile: path.join(web, 'app.js'),
  });
};
