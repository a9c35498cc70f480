/** Stylesheets are bundled by esbuild (web/serve.ts); importing one only adds it to the page. */
declare module '*.css';
