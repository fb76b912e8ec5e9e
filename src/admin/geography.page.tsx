import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { PAIRING_KINDS } from '../db/schema';
import type { AppEnv } from '../env';
import { AppError, fieldErrors, type FieldError } from '../lib/errors';
import type { Locale } from '../lib/i18n';
import { adminText, type AdminText } from './admin.i18n';
import { AdminPage, Errors, Field } from './admin.layout';
import * as geography from './geography.service';

type M = AdminText;

/** Form fields arrive as strings: empty optional fields are dropped, numbers and nulls restored. */
function formToInput(form: Record<string, unknown>, kind: 'district' | 'county'): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (typeof value !== 'string') continue;
    if (kind === 'county' && key === 'districtId') input[key] = value === '' ? null : value;
    else if (key === 'sortOrder') input[key] = value === '' ? undefined : Number(value);
    else if (value !== '') input[key] = value;
  }
  return input;
}

function DistrictSelect({ districts, selected, locale, m, id }: { districts: geography.District[]; selected: string | null; locale: Locale; m: M; id: string }) {
  return (
    <div>
      <label for={id}>{m.district}</label>
      <select id={id} name="districtId">
        {districts.map((d) => (
          <option value={d.id} selected={selected === d.id}>
            {locale === 'en' ? d.nameEn : d.nameZh}
          </option>
        ))}
        <option value="" selected={selected === null}>
          {m.cityWide}
        </option>
      </select>
    </div>
  );
}

function PairingSelect({ selected, m, id }: { selected: string; m: M; id: string }) {
  return (
    <div>
      <label for={id}>{m.pairingKind}</label>
      <select id={id} name="pairingKind">
        {PAIRING_KINDS.map((kind) => (
          <option value={kind} selected={selected === kind}>
            {m[kind]}
          </option>
        ))}
      </select>
    </div>
  );
}

function Geography({ data, m, locale, saved, errors }: { data: Awaited<ReturnType<typeof geography.listGeography>>; m: M; locale: Locale; saved?: string; errors: FieldError[] }) {
  const groups = [...data.districts.map((d) => ({ district: d as geography.District | null, id: d.id as string | null })), { district: null, id: null }];
  return (
    <>
      <h1>{m.geography}</h1>
      <p class="muted">{m.geographyIntro}</p>
      {saved ? (
        <p class="notice" role="status">
          {m.saved} {saved}
        </p>
      ) : null}
      <Errors errors={errors} m={m} />
      {groups.map(({ district, id }) => {
        const members = data.counties.filter((c) => c.districtId === id);
        if (!district && members.length === 0) return null;
        return (
          <section class="card stack" aria-label={district ? (locale === 'en' ? district.nameEn : district.nameZh) : m.cityWide} data-district={id ?? ''}>
            {district ? (
              <form class="inline" method="post" action={`/admin/geography/districts/${district.id}`}>
                <Field name="nameZh" label={m.nameZh} value={district.nameZh} required idPrefix={`d-${district.id}`} />
                <Field name="nameEn" label={m.nameEn} value={district.nameEn} required idPrefix={`d-${district.id}`} />
                <Field name="sortOrder" label={m.sortOrder} value={district.sortOrder} size={4} idPrefix={`d-${district.id}`} />
                <button type="submit">{m.save}</button>
              </form>
            ) : (
              <h2>{m.cityWide}</h2>
            )}
            {members.map((county) => (
              <form class="inline county" method="post" action={`/admin/geography/counties/${county.id}`} data-county={county.id}>
                <Field name="nameZh" label={m.nameZh} value={county.nameZh} required idPrefix={`c-${county.id}`} size={10} />
                <Field name="nameEn" label={m.nameEn} value={county.nameEn} required idPrefix={`c-${county.id}`} size={16} />
                <DistrictSelect districts={data.districts} selected={county.districtId} locale={locale} m={m} id={`c-${county.id}-district`} />
                <PairingSelect selected={county.pairingKind} m={m} id={`c-${county.id}-kind`} />
                <button type="submit" class="secondary">
                  {m.save}
                </button>
              </form>
            ))}
          </section>
        );
      })}
      <section class="card stack" aria-labelledby="add-county">
        <h2 id="add-county">{m.addCounty}</h2>
        <form class="inline" method="post" action="/admin/geography/counties">
          <Field name="id" label={m.id} required idPrefix="new-county" />
          <Field name="nameZh" label={m.nameZh} required idPrefix="new-county" />
          <Field name="nameEn" label={m.nameEn} required idPrefix="new-county" />
          <Field name="prefectureZh" label={m.prefectureZh} required idPrefix="new-county" />
          <Field name="prefectureEn" label={m.prefectureEn} required idPrefix="new-county" />
          <Field name="provinceZh" label={m.provinceZh} required idPrefix="new-county" />
          <Field name="provinceEn" label={m.provinceEn} required idPrefix="new-county" />
          <DistrictSelect districts={data.districts} selected={data.districts[0]?.id ?? null} locale={locale} m={m} id="new-county-district" />
          <PairingSelect selected="collaboration" m={m} id="new-county-kind" />
          <button type="submit">{m.addCounty}</button>
        </form>
      </section>
      <section class="card stack" aria-labelledby="add-district">
        <h2 id="add-district">{m.addDistrict}</h2>
        <form class="inline" method="post" action="/admin/geography/districts">
          <Field name="id" label={m.id} required idPrefix="new-district" />
          <Field name="nameZh" label={m.nameZh} required idPrefix="new-district" />
          <Field name="nameEn" label={m.nameEn} required idPrefix="new-district" />
          <button type="submit">{m.addDistrict}</button>
        </form>
      </section>
    </>
  );
}

export async function renderGeography(c: Context<AppEnv>, options: { saved?: string; errors?: FieldError[]; status?: 200 | 400 | 404 | 409 } = {}) {
  const m = adminText(c.var.locale);
  const data = await geography.listGeography(c.var.db);
  return AdminPage({
    c,
    title: m.geography,
    status: options.status,
    children: <Geography data={data} m={m} locale={c.var.locale} saved={options.saved} errors={options.errors ?? []} />,
  });
}

/**
 * Runs a geography change from a form: validates with the API's own schema, calls the service,
 * then redirects back (303) or shows the problem on the page.
 */
export async function geographyForm<S extends z.ZodTypeAny>(
  c: Context<AppEnv>,
  kind: 'district' | 'county',
  schema: S,
  apply: (input: z.infer<S>) => Promise<{ id: string }>,
) {
  const input = formToInput(await c.req.parseBody(), kind);
  const parsed = schema.safeParse(input);
  if (!parsed.success) return renderGeography(c, { errors: fieldErrors(parsed.error, 'body'), status: 400 });
  try {
    const saved = await apply(parsed.data);
    return c.redirect(`/admin/geography?saved=${encodeURIComponent(saved.id)}`, 303);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const status = error.status === 404 || error.status === 409 ? error.status : 400;
    return renderGeography(c, { errors: error.errors ?? [{ path: kind, message: error.message }], status });
  }
}
