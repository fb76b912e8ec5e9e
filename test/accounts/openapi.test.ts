import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('the accounts API in the OpenAPI document', () => {
  it('Should describe every accounts route and the bearer scheme', async () => {
    const doc = (await (await exports.default.fetch('http://localhost/openapi.json')).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, { scheme: string }>; schemas: Record<string, { additionalProperties?: boolean }> };
    };
    expect(doc.components.securitySchemes.bearerAuth!.scheme).toBe('bearer');
    for (const [path, method] of [
      ['/api/v1/me', 'get'],
      ['/api/v1/organizations', 'post'],
      ['/api/v1/organizations/{id}', 'patch'],
      ['/api/v1/organizations/{id}/members/{memberId}', 'delete'],
      ['/api/v1/organizations/{id}/invitations', 'post'],
      ['/api/v1/invitations/{id}/accept', 'post'],
      ['/api/v1/organizations/{id}/delivery-locations/{locationId}', 'patch'],
      ['/api/v1/admin/organizations/{id}/verify', 'post'],
      ['/api/v1/admin/organizations/{id}/credit-terms', 'post'],
    ] as const) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation!.security).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['401', '403', '404']));
    }
    // Unknown fields are refused, which is what keeps status and credit terms out of an owner's PATCH.
    expect(doc.components.schemas.UpdateOrganization!.additionalProperties).toBe(false);
  });
});
