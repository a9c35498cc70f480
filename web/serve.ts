/**
 * Serves the admin UI at `/admin/`: the TypeScript under web/src is bundled in memory with esbuild's JS API when
 * the gateway starts (`write: false`), so there is no build step and no build output to go stale; `npm start`
 * serves the current source. The page is static and talks to the gateway only through `/graphql`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import express from 'express';

export interface AdminUiBundle {
  js: string;
  css: string;
}

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src');

/** Bundles web/src/main.ts (and the CSS it imports) into memory. Throws on a compile error, with esbuild's message. */
export async function bundleAdminUi(): Promise<AdminUiBundle> {
  const result = await build({
    entryPoints: [path.join(SRC, 'main.ts')],
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const text = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  return { js: text('.js'), css: text('.css') };
}

const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review queue · customer-graph</title>
<link rel="stylesheet" href="app.css">
<script type="module" src="app.js"></script>
</head>
<body>
<noscript>This page needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;

/**
 * What `/` answers in a browser: where the product's pages are. A newcomer who opens the bare address must not meet
 * "Cannot GET /". Static, no script: the admin UI's content-security rules are not needed here.
 */
export const HOME_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>customer-graph</title>
<style>body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; } li { margin: .4rem 0; }</style>
</head>
<body>
<h1>customer-graph</h1>
<p>One golden customer, company and deal, merged from every CRM.</p>
<ul>
<li><a href="/graphql">GraphQL API and IDE</a> (<code>/graphql</code>): query customers, see which source won each field; subscriptions over WebSocket on the same URL.</li>
<li><a href="/admin/">Admin UI</a> (<code>/admin/</code>): identity review queue, sync health, field rules, field mapping, data quality, connectors.</li>
<li><a href="/healthz">Health</a> (<code>/healthz</code>) and <a href="/metrics">metrics</a> (<code>/metrics</code>, Prometheus).</li>
</ul>
</body>
</html>
`;

/** An express router for `/admin`: the page, its script and its stylesheet (bundled once, when this is called). */
export async function createAdminUi(): Promise<express.Router> {
  const bundle = await bundleAdminUi();
  const router = express.Router();
  // Same-origin only: the page may reach the gateway's /graphql and nothing else.
  router.use((_req, res, next) => {
    res.set({
      'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    next();
  });
  router.get('/', (req, res) => {
    // Relative asset urls need the trailing slash: /admin → /admin/.
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, `${req.baseUrl}/`);
    res.type('html').send(INDEX_HTML);
  });
  router.get('/app.js', (_req, res) => void res.type('text/javascript').send(bundle.js));
  router.get('/app.css', (_req, res) => void res.type('text/css').send(bundle.css));
  return router;
}
