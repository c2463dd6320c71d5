export function securityHeaders(dev: boolean): { key: string; value: string }[];
