import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";

/**
 * Security headers on every response. Pages get a stricter, nonce-based CSP from proxy.ts on top
 * of this one (both apply; the browser enforces each); this one covers the API, static files and
 * anything the proxy does not see. No `unsafe-eval` outside `next dev`.
 */
function securityHeaders(dev) {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
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

/** @type {(phase: string) => import('next').NextConfig} */
export default function nextConfig(phase) {
  const dev = phase === PHASE_DEVELOPMENT_SERVER;
  return {
    reactStrictMode: true,
    poweredByHeader: false,
    allowedDevOrigins: ["127.0.0.1"],
    // The monitor, the simulator and the cloud SDKs run only on the server; keep them out of the bundler.
    serverExternalPackages: ["@aws-sdk/client-mwaa", "google-auth-library", "yaml"],
    async headers() {
      return [{ source: "/:path*", headers: securityHeaders(dev) }];
    },
  };
}
