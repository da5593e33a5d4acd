import { describe, expect, it } from 'vitest';
import { createEventNameResolver, EventNameMappingError, pinterestEventNameOf } from '../../src/mapping/event-name.js';
import { PINTEREST_EVENT_NAMES } from '../../src/pinterest/events.js';

describe('event name resolution', () => {
  const resolve = createEventNameResolver();

  it('accepts every Pinterest name as is', () => {
    for (const n of PINTEREST_EVENT_NAMES) expect(resolve(n)).toBe(n);
  });

  it.each<[string, string]>([
    // case- and separator-insensitive Pinterest names
    ['Add To Cart', 'add_to_cart'],
    ['AddToCart', 'add_to_cart'],
    ['add-to-cart', 'add_to_cart'],
    ['ADD_TO_CART', 'add_to_cart'],
    ['Page Visit', 'page_visit'],
    // Pinterest tag names
    ['pagevisit', 'page_visit'],
    ['viewcategory', 'view_category'],
    ['addtocart', 'add_to_cart'],
    ['checkout', 'checkout'],
    ['watchvideo', 'watch_video'],
    ['signup', 'signup'],
    ['lead', 'lead'],
    ['search', 'search'],
    ['custom', 'custom'],
    // Segment spec
    ['Order Completed', 'checkout'],
    ['Product Added', 'add_to_cart'],
    ['Products Searched', 'search'],
    ['Signed Up', 'signup'],
    ['Product Viewed', 'view_content'],
    ['Checkout Started', 'initiate_checkout'],
    ['Payment Info Entered', 'add_payment_info'],
    ['Product Added to Wishlist', 'add_to_wishlist'],
    ['Product List Viewed', 'view_category'],
    ['Product Category Viewed', 'view_category'],
    ['Page Viewed', 'page_visit'],
    ['Page View', 'page_visit'],
    ['Lead Generated', 'lead'],
    ['Subscription Started', 'subscribe'],
    ['Video Playback Started', 'watch_video'],
    ['Video Watched', 'watch_video'],
    ['Application Installed', 'app_install'],
    ['Application Opened', 'app_open'],
    ['order_completed', 'checkout'],
    // GA4 / Meta
    ['purchase', 'checkout'],
    ['Purchase', 'checkout'],
    ['begin_checkout', 'initiate_checkout'],
    ['view_item', 'view_content'],
    ['sign_up', 'signup'],
    ['CompleteRegistration', 'signup'],
    ['PageView', 'page_visit'],
    ['StartTrial', 'start_trial'],
  ])('%s → %s', (input, expected) => {
    expect(resolve(input)).toBe(expected);
  });

  it('unknown names → undefined', () => {
    expect(resolve('Coupon Applied')).toBeUndefined();
    expect(resolve('')).toBeUndefined();
  });

  it('config mapping is matched loosely and wins over built-ins', () => {
    const r = createEventNameResolver({ 'Coupon Applied': 'custom', purchase: 'lead', 'kauf-abgeschlossen': 'Checkout', 購入: 'checkout' });
    expect(r('coupon_applied')).toBe('custom');
    expect(r('PURCHASE')).toBe('lead');
    expect(r('Kauf abgeschlossen')).toBe('checkout');
    expect(r('購入')).toBe('checkout');
    expect(r('Order Completed')).toBe('checkout');
  });

  it('throws for an invalid target or an empty key', () => {
    expect(() => createEventNameResolver({ x: 'purchase' })).toThrow(EventNameMappingError);
    expect(() => createEventNameResolver({ x: 'purchase' })).toThrow(/"x" maps to "purchase", which is not a Pinterest event name/);
    expect(() => createEventNameResolver({ '--': 'checkout' })).toThrow(/no letters or digits/);
  });

  it('pinterestEventNameOf resolves only Pinterest names', () => {
    expect(pinterestEventNameOf('AddToCart')).toBe('add_to_cart');
    expect(pinterestEventNameOf('purchase')).toBeUndefined();
  });
});
