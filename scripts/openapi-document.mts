// Prints the OpenAPI document createApp serves at /openapi.json (the same OPENAPI_DOCUMENT fields), for before/after diffs:
//   npx tsx scripts/openapi-document.mts "$PWD" > after.json
const root = process.argv[2]!;
const { createApp, OPENAPI_DOCUMENT } = await import(`${root}/src/app.ts`);
const doc = createApp().getOpenAPI31Document(OPENAPI_DOCUMENT);
process.stdout.write(JSON.stringify(doc, null, 2));
