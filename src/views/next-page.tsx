import type { Child } from 'hono/jsx';

/**
 * The link to a list's next page under it, or nothing on the last page (`href` null): lists are
 * cursor-paginated, so a page only knows whether there is a next one.
 *
 * @example <NextPage href={page.nextCursor ? `/orders?cursor=${page.nextCursor}` : null}>{m.more}</NextPage>
 */
export function NextPage({ href, children }: { href: string | null; children: Child }) {
  if (!href) return null;
  return (
    <p class="pager">
      <a href={href}>{children}</a>
    </p>
  );
}
