import { assetUrl } from './assets';

/** The API reference at /docs: Scalar's viewer, self-hosted as a static asset, reading our own /openapi.json. */
export function ApiDocsPage({ specUrl }: { specUrl: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Shanhai API</title>
      </head>
      <body>
        <div id="app" data-openapi-url={specUrl} />
        <script src={assetUrl('vendor/scalar-api-reference.js')} defer />
        <script src={assetUrl('js/api-docs.js')} defer />
      </body>
    </html>
  );
}
