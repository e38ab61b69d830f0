/** Requests per minute per client address, the same for the public API and the public pages. */
export const PUBLIC_RATE_LIMITS = Object.freeze({ search: 60, lists: 120, transparency: 30 });
