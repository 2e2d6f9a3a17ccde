import { Errors } from '../../../errors/catalogue.js';
import { goMap } from '../../../components/common/go-map.js';
import type { SecretsApi } from '../../universal/secrets.js';
import { json, noContent } from '../respond.js';
import { queryMetadata } from '../request.js';
import { Paths } from '../paths.js';
import type { Route } from '../route.js';

/**
 * HTTP adapter of the secrets API (dapr-api.md §5.1–5.2): `GET /v1.0/secrets/{store}/{name}` answers
 * the secret's `{key: value}` object, `GET /v1.0/secrets/{store}/bulk` `{name: {key: value}}`;
 * 204 when the store returns nothing. `bulk` wins over a secret of that name, as in daprd.
 * `GET /v1.0/secrets/{store}/{name}/{key}` (one key of a multi-key secret) is a daprts extension.
 */
export function secretRoutes(api: SecretsApi): Route[] {
  return [
    {
      methods: ['GET'],
      path: Paths.secretsBulk,
      handler: async (_req, res, { params, query }) => {
        const data = await api.bulkGetSecret(params.secretStoreName!, queryMetadata(query));
        if (data === undefined) return noContent(res);
        json(res, goMap(data, goMap));
      },
    },
    {
      methods: ['GET'],
      path: Paths.secretKey,
      handler: async (_req, res, { params, query }) => {
        const data = await api.getSecret(params.secretStoreName!, params.key!, queryMetadata(query));
        if (data === undefined) return noContent(res);
        json(res, goMap(data));
      },
    },
    {
      // daprts extension for seed 003's client, which reads one key of a Kubernetes Secret with
      // `GET /v1.0/secrets/{store}/{secret}/{key}` and expects `{"<key>": "<value>"}` (daprd has no
      // such route and answers 404). Scopes and errors are those of the secret itself.
      methods: ['GET'],
      path: Paths.secretKeyField,
      handler: async (_req, res, { params, query }) => {
        const store = params.secretStoreName!;
        const name = params.key!;
        const field = params.field!;
        const data = await api.getSecret(store, name, queryMetadata(query));
        if (data === undefined || !Object.hasOwn(data, field))
          throw Errors.secretGet(`${name}/${field}`, store, `secret ${name} has no key ${field}`);
        json(res, { [field]: data[field] });
      },
    },
  ];
}
