import { PHASE_DEVELOPMENT_SERVER } from "next/constants.js";
import { securityHeaders } from "./server/security-headers.mjs";

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
