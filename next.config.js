/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  allowedDevOrigins: ["127.0.0.1"],
  // The monitor, the simulator and the cloud SDKs run only on the server; keep them out of the bundler.
  serverExternalPackages: ["@aws-sdk/client-mwaa", "google-auth-library", "yaml"],
};
export default nextConfig;
