import { describe, expect, it } from 'vitest';
import { callJson } from '../helpers/http';

describe('the OpenAPI document for standing orders', () => {
  it('Should describe every standing-order route with its request and answer shapes', async () => {
    const { status, body } = await callJson('/openapi.json');
    expect(status).toBe(200);
    const operations = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const base = '/api/v1/organizations/{id}/standing-orders';
    expect(operations).toEqual(
      expect.arrayContaining([
        `GET ${base}`,
        `POST ${base}`,
        `GET ${base}/{standingOrderId}`,
        `POST ${base}/{standingOrderId}/pause`,
        `POST ${base}/{standingOrderId}/resume`,
        `POST ${base}/{standingOrderId}/end`,
        `POST ${base}/{standingOrderId}/skips`,
        `DELETE ${base}/{standingOrderId}/skips/{date}`,
        `POST ${base}/{standingOrderId}/occurrences/{date}/retry`,
        `POST ${base}/{standingOrderId}/occurrences/{date}/dismiss`,
        'GET /api/v1/cooperatives/{id}/standing-demand',
      ]),
    );
    expect(body.paths[base].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CreateStandingOrder');
    expect(body.paths[base].post.responses['201'].content['application/json'].schema.$ref).toBe('#/components/schemas/StandingOrder');
    expect(body.components.schemas.StandingOccurrence.properties.failureRule.enum).toEqual(expect.arrayContaining(['short_stock', 'price_tolerance', 'credit']));
    expect(JSON.stringify(body.components.schemas.StandingSchedule)).toContain('monthDay');
  });
});
