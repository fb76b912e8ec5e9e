import { describe, expect, it } from 'vitest';
import { callJson } from '../helpers/http';

describe('the OpenAPI document', () => {
  it('Should describe every procurement route, the approval answer of POST /orders and delivery to a saved location', async () => {
    const { status, body } = await callJson('/openapi.json');
    expect(status).toBe(200);
    const operations = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /api/v1/admin/price-lists',
        'POST /api/v1/admin/price-lists',
        'GET /api/v1/admin/price-lists/{id}',
        'PATCH /api/v1/admin/price-lists/{id}',
        'DELETE /api/v1/admin/price-lists/{id}',
        'POST /api/v1/orders/bulk',
        'GET /api/v1/organizations/{id}/approvals',
        'GET /api/v1/organizations/{id}/approvals/{approvalId}',
        'POST /api/v1/organizations/{id}/approvals/{approvalId}/approve',
        'POST /api/v1/organizations/{id}/approvals/{approvalId}/reject',
        'GET /api/v1/organizations/{id}/invoices',
        'GET /api/v1/organizations/{id}/credit',
        'POST /api/v1/orders/{id}/fapiao',
        'GET /api/v1/organizations/{id}/consumption',
      ]),
    );
    const bulk = body.paths['/api/v1/orders/bulk'].post;
    expect(Object.keys(bulk.requestBody.content)).toEqual(expect.arrayContaining(['application/json', 'text/csv']));
    expect(Object.keys(bulk.responses)).toEqual(expect.arrayContaining(['200', '201', '202', '400', '413']));
    expect(body.paths['/api/v1/orders'].post.responses['202'].content['application/json'].schema.$ref).toBe('#/components/schemas/PurchaseApproval');
    expect(Object.keys(body.paths['/api/v1/organizations/{id}/consumption'].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
    expect(JSON.stringify(body.components.schemas.Delivery)).toContain('deliveryLocationId');
    expect(body.components.schemas.BulkOrderLine.properties.status.enum).toEqual(['ok', 'unknown_sku', 'below_moq', 'off_step', 'short_stock', 'unavailable', 'invalid_quantity', 'duplicate']);
  });
});
