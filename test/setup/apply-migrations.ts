import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { composeDomains } from '../../src/compose';

// Setup files run outside per-file storage isolation and may run several times;
// applyD1Migrations only applies what is not applied yet.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Tests call services directly too: wire the domains the way createApp does.
composeDomains();
