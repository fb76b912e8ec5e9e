import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { cartPages } from './cart.pages';
import { checkoutPages } from './checkout.pages';
import { orderPages } from './orders.pages';

/** Server-rendered pages of the orders domain: cart, checkout, payment return, order status, my orders. */
export const ordersPages = new Hono<AppEnv>().route('/', cartPages).route('/', checkoutPages).route('/', orderPages);
