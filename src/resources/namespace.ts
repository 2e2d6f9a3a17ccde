/** daprd's CurrentNamespace(): the NAMESPACE the runtime was given, else `default` (self-hosted). */
export function currentNamespace(namespace: string | undefined): string {
  return namespace || 'default';
}
