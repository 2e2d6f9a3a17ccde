/**
 * Content-type predicates exactly as components-contrib's `contenttype` package reads them: the
 * lower-cased type must equal the expected one, parameters after `;` ignored, nothing trimmed.
 * `application/problem+json` is therefore not JSON to Dapr (its data stays a string).
 */

export const JSON_CONTENT_TYPE = 'application/json';
export const CLOUDEVENT_JSON_CONTENT_TYPE = 'application/cloudevents+json';
export const OCTET_STREAM_CONTENT_TYPE = 'application/octet-stream';

function isContentType(contentType: string | undefined, expected: string): boolean {
  if (!contentType) return false;
  const lower = contentType.toLowerCase();
  if (lower === expected) return true;
  const semi = lower.indexOf(';');
  return semi >= 0 && lower.slice(0, semi) === expected;
}

/** `application/json`, with or without parameters. */
export function isJson(contentType: string | undefined): boolean {
  return isContentType(contentType, JSON_CONTENT_TYPE);
}

/** `application/cloudevents+json`, with or without parameters. */
export function isCloudEventJson(contentType: string | undefined): boolean {
  return isContentType(contentType, CLOUDEVENT_JSON_CONTENT_TYPE);
}

/** `application/octet-stream`, with or without parameters. */
export function isBinary(contentType: string | undefined): boolean {
  return isContentType(contentType, OCTET_STREAM_CONTENT_TYPE);
}

/** `text/*` (prefix, case-insensitive) or `application/xml`. */
export function isString(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return contentType.toLowerCase().startsWith('text/') || isContentType(contentType, 'application/xml');
}
