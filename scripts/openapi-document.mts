// Prints the OpenAPI document createApp serves at /openapi.json (same config as app.doc31), for before/after diffs:
//   npx tsx scripts/openapi-document.mts "$PWD" > after.json
const root = process.argv[2]!;
const { createApp } = await import(`${root}/src/app.ts`);
const doc = createApp().getOpenAPI31Document({
  openapi: '3.1.0',
  info: {
    title: 'Shanhai API',
    version: '1.0.0',
    description:
      'Marketplace for consumption-based assistance (消费帮扶) between Shanghai districts and their paired counties. Money is integer fen; errors are RFC 9457 problem+json.',
  },
  servers: [{ url: '/' }],
});
process.stdout.write(JSON.stringify(doc, null, 2));
