import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { accountPages } from './account.pages';
import { adminOrganizationPages } from './admin-organizations.pages';
import { authPages } from './auth.pages';
import { organizationPages } from './organization.pages';
import { phonePages } from './phone.pages';

/** Every page of the accounts domain (each group renders its own errors as HTML). */
export const accountsPages = new Hono<AppEnv>()
  .route('/', authPages)
  .route('/', phonePages)
  .route('/', accountPages)
  .route('/', organizationPages)
  .route('/', adminOrganizationPages);
