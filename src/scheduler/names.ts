/** Longest job name accepted (a DNS subdomain's limit; Dapr rejects names of a few hundred characters). */
export const MAX_JOB_NAME_LENGTH = 253;

/** Characters a job name must not contain: they would break the app's `/job/{name}` route or the key. */
const FORBIDDEN: [string, string][] = [
  ['/', "'/'"],
  ['\\', "'\\\\'"],
  ['#', "'#'"],
  ['?', "'?'"],
  ['\0', 'NUL'],
  ['\n', 'a newline'],
  ['\r', 'a carriage return'],
];

/**
 * Why a job name is invalid, or undefined when it is fine. As Dapr's scheduler: not empty, none of
 * `/ \ # ?`, NUL or line breaks, at most MAX_JOB_NAME_LENGTH characters. Anything else (spaces,
 * `||`, `@`, unicode) is allowed.
 */
export function jobNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'job name cannot be empty';
  for (const [ch, label] of FORBIDDEN) {
    if (name.includes(ch)) return `job name is invalid ${JSON.stringify(name)}: must not contain ${label}`;
  }
  if (name.length > MAX_JOB_NAME_LENGTH) {
    return `job name is invalid: longer than ${MAX_JOB_NAME_LENGTH} characters (${name.length})`;
  }
  return undefined;
}

/**
 * The path the app receives the trigger on: `/job/` + the name escaped as Go's `url.URL` escapes a
 * path (`|` and spaces percent-encoded; `@ : $ & + , ; =` kept).
 */
export function jobTriggerPath(name: string): string {
  const escaped = encodeURIComponent(name).replace(/%(24|26|2B|2C|3A|3B|3D|40)/g, (m) =>
    decodeURIComponent(m),
  );
  return `/job/${escaped}`;
}
