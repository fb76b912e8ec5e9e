import { describe, expect, it } from 'vitest';
import { callJson } from '../helpers/http';

describe('the OpenAPI document', () => {
  it('Should describe every cooperative, fulfilment and settlement route', async () => {
    const { body } = await callJson('/openapi.json');
    const operations = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/v1/products',
        'PATCH /api/v1/products/{id}',
        'POST /api/v1/products/{id}/publish',
        'POST /api/v1/products/{id}/unpublish',
        'POST /api/v1/products/{id}/stock-adjustments',
        'GET /api/v1/cooperatives/{id}/products',
        'POST /api/v1/products/{id}/images',
        'PATCH /api/v1/products/{id}/images',
        'DELETE /api/v1/products/{id}/images/{imageId}',
        'POST /api/v1/products/import',
        'GET /api/v1/products/export',
        'GET /api/v1/shipments',
        'POST /api/v1/shipments/{id}/accept',
        'POST /api/v1/shipments/{id}/ship',
        'POST /api/v1/shipments/{id}/deliver',
        'POST /api/v1/shipments/{id}/confirm-receipt',
        'POST /api/v1/admin/settlements',
        'POST /api/v1/admin/settlements/{id}/paid',
        'GET /api/v1/settlements',
        'GET /api/v1/settlements/{id}',
        'PATCH /api/v1/admin/settings',
      ]),
    );
    const upload = body.paths['/api/v1/products/{id}/images'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(expect.arrayContaining(['multipart/form-data', 'image/jpeg']));
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['201', '413', '415']));
  });
});
