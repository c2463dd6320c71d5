// Module resolution for the production entry point, which loads lib/server/* outside Next's bundler:
// `server-only` throws unless resolved under React's server condition, which Next's bundler applies
// and plain Node does not. Here it is the empty module it is on the server.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === "server-only") return { url: "data:text/javascript,", format: "module", shortCircuit: true };
  return nextResolve(specifier, context);
}
