export function securityHeaders(dev: boolean): { key: string; value: string }[];
export function cspDirectives(scriptSrc: string, dev: boolean): string;
