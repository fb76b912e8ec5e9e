import type { AdminText } from './admin.i18n';
import type { FieldError } from '../lib/errors';
import { Errors, Field, shanghaiTime } from './admin.layout';
import type { AuditItem } from './audit.service';

type M = AdminText;

export function AuditLog({ items, nextCursor, filter, errors, m }: { items: AuditItem[]; nextCursor: string | null; filter: Record<string, string>; errors: FieldError[]; m: M }) {
  const next = new URLSearchParams(filter);
  if (nextCursor) next.set('cursor', nextCursor);
  const first = new URLSearchParams(filter);
  first.delete('cursor');
  return (
    <>
      <h1>{m.audit}</h1>
      <form class="inline" method="get" action="/admin/audit" aria-label={m.filter}>
        <Field name="actor" label={m.actor} value={filter.actor} idPrefix="audit" />
        <Field name="action" label={m.action} value={filter.action} idPrefix="audit" />
        <Field name="entityType" label={m.entityType} value={filter.entityType} idPrefix="audit" size={10} />
        <Field name="entityId" label={m.entityId} value={filter.entityId} idPrefix="audit" />
        <div>
          <label for="audit-from">{m.from}</label>
          <input id="audit-from" type="date" name="from" value={filter.from ?? ''} />
        </div>
        <div>
          <label for="audit-to">{m.to}</label>
          <input id="audit-to" type="date" name="to" value={filter.to ?? ''} />
        </div>
        <button type="submit">{m.filter}</button>
      </form>
      <Errors errors={errors} m={m} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{m.when}</th>
              <th scope="col">{m.actor}</th>
              <th scope="col">{m.action}</th>
              <th scope="col">{m.entityType}</th>
              <th scope="col">{m.change}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr data-audit={item.id}>
                <td>{shanghaiTime(item.createdAt)}</td>
                <td>{item.actorLabel ?? item.actorUserId ?? 'system'}</td>
                <td>
                  <code>{item.action}</code>
                </td>
                <td>
                  {item.entityType} <code>{item.entityId}</code>
                </td>
                <td>
                  <details>
                    <summary>{m.change}</summary>
                    <pre style="white-space:pre-wrap;max-width:40em">{JSON.stringify({ before: item.before, after: item.after }, null, 1)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {items.length === 0 ? <p class="muted">{m.none}</p> : null}
      <nav class="pager">
        {filter.cursor ? <a href={`/admin/audit?${first}`}>{m.first}</a> : null}
        {nextCursor ? (
          <a href={`/admin/audit?${next}`} rel="next">
            {m.next} →
          </a>
        ) : null}
      </nav>
    </>
  );
}
