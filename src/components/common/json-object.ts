/** A JSON object (not null, not an array): what a decoded value must be to have fields. */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
