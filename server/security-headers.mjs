/**
 * Security headers on every response: the one definition, used by next.config.js (Next's own
 * answers) and by the production entry point (server/main.ts), which also adds them to what Next
 * sends without them (its 308 trailing-slash and `//` redirects) and to its own hot paths. Pages get
 * a stricter, nonce-based CSP from proxy.ts on top of this one (both apply; the browser enforces
 * each). No `unsafe-eval` outside `next dev`.
 *
 * @param {boolean} dev
 * @returns {{ key: string, value: string }[]}
 */
export function securityHeaders(dev) {
  const csp = cspDirectives("'self' 'unsafe-inline'", dev);
  return [
    { key: "Content-Security-Policy", value: csp },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Referrer-Policy", value: "no-referrer" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
    { key: "Cross-Origin-Resource-Policy", value: "same-origin" },
  ];
}

/**
 * The one list of CSP directives; only `script-src` differs between this baseline and the pages'
 * nonce-based policy (lib/auth/csp.ts).
 *
 * @param {string} scriptSrc
 * @param {boolean} dev
 * @returns {string}
 */
export function cspDirectives(scriptSrc, dev) {
  return [
    "default-src 'self'",
    `script-src ${scriptSrc}${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
