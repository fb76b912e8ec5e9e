import { assetManifest } from './asset-manifest.generated';

/**
 * Static assets by their source name (a file under `assets/`): the URL carries a content hash, so the file is
 * served from Workers Static Assets with immutable caching (public/_headers) and a new deploy never serves a
 * stale script. Built by scripts/build-assets.ts.
 */
export type AssetName = keyof typeof assetManifest;

export function assetUrl(name: AssetName): string {
  return assetManifest[name];
}

/** A progressive-enhancement script: deferred, from our own origin (no inline script, so the CSP needs none). */
export function Script({ name }: { name: AssetName }) {
  return <script src={assetUrl(name)} defer />;
}
