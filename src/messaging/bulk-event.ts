import { Errors } from '../errors/catalogue.js';
import { isBinary, isCloudEventJson, isJson, isString } from './content-type.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The bytes of one bulk publish entry from its JSON `event`, as daprd's `ConvertEventToBytes`:
 * `application/octet-stream` takes a (padded, standard) base64 string, `text/*` and
 * `application/xml` a string, `application/json` and `application/cloudevents+json` any JSON value.
 * Any other content type, a missing one included, is a mismatch: 400 ERR_PUBSUB_EVENTS_SER.
 */
export function bulkEventBytes(
  event: unknown,
  contentType: string,
  topic: string,
  pubsub: string,
  appId: string,
): Buffer {
  const mismatch = (why = 'mismatch between contentType and event') =>
    Errors.pubsubMarshalEnvelope(topic, pubsub, appId, `error: ${why}`);
  if (isBinary(contentType)) {
    if (typeof event !== 'string') throw mismatch();
    if (!BASE64.test(event)) throw mismatch('unable to decode base64 application/octect-stream data');
    return Buffer.from(event, 'base64');
  }
  if (isString(contentType)) {
    if (typeof event !== 'string') throw mismatch();
    return Buffer.from(event);
  }
  if (isJson(contentType) || isCloudEventJson(contentType)) return Buffer.from(JSON.stringify(event ?? null));
  throw mismatch();
}
