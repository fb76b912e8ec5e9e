import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { AppError, fieldErrors, type FieldError } from '../lib/errors';
import { adminPagesOnly } from './admin-access';
import { adminText } from './admin.i18n';
import { AdminPage } from './admin.layout';
import { auditQuerySchema, countyInputSchema, countyPatchSchema, districtInputSchema, districtPatchSchema } from './admin.routes';
import { AuditLog } from './audit.page';
import { listAudit } from './audit.service';
import { Dashboard } from './dashboard.page';
import { adminDashboard } from './dashboard.service';
import { geographyForm, renderGeography } from './geography.page';
import * as geography from './geography.service';

/** The admin console pages built here; /admin/organizations, /payments and /settlements live with their domains. */
export const adminPages = new Hono<AppEnv>()
  .get('/admin', adminPagesOnly, async (c) => {
    const m = adminText(c.var.locale);
    return AdminPage({ c, title: m.dashboard, children: <Dashboard d={await adminDashboard(c.var.db)} m={m} /> });
  })
  .get('/admin/geography', adminPagesOnly, (c) => renderGeography(c, { saved: c.req.query('saved') }))
  .post('/admin/geography/districts', adminPagesOnly, (c) =>
    geographyForm(c, 'district', districtInputSchema, (input) => geography.createDistrict(c.var.db, c.var.actor!, input)),
  )
  .post('/admin/geography/districts/:id', adminPagesOnly, (c) =>
    geographyForm(c, 'district', districtPatchSchema, (patch) => geography.updateDistrict(c.var.db, c.var.actor!, c.req.param('id'), patch)),
  )
  .post('/admin/geography/counties', adminPagesOnly, (c) =>
    geographyForm(c, 'county', countyInputSchema, (input) => geography.createCounty(c.var.db, c.var.actor!, input)),
  )
  .post('/admin/geography/counties/:id', adminPagesOnly, (c) =>
    geographyForm(c, 'county', countyPatchSchema, (patch) => geography.updateCounty(c.var.db, c.var.actor!, c.req.param('id'), patch)),
  )
  .get('/admin/audit', adminPagesOnly, async (c) => {
    const m = adminText(c.var.locale);
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([key, value]) => value !== '' && key !== 'lang'));
    const parsed = auditQuerySchema.safeParse(raw);
    let errors: FieldError[] = parsed.success ? [] : fieldErrors(parsed.error, 'query');
    let page: Awaited<ReturnType<typeof listAudit>> = { items: [], nextCursor: null };
    if (parsed.success) {
      try {
        page = await listAudit(c.var.db, parsed.data, { limit: parsed.data.limit, cursor: parsed.data.cursor });
      } catch (error) {
        if (!(error instanceof AppError) || !error.errors) throw error;
        errors = error.errors;
      }
    }
    return AdminPage({
      c,
      title: m.audit,
      status: errors.length ? 400 : 200,
      children: <AuditLog items={page.items} nextCursor={page.nextCursor} filter={raw} errors={errors} m={m} />,
    });
  });

