/**
 * Payloads whose numbers JSON.parse would round (64-bit IDs, a huge exponent) plus a digit run
 * inside a string, written by hand: JSON.stringify could not hold these numbers.
 */
export const BIG_NUMBERS_DATA =
  '{"id":12345678901234567890,"neg":-98765432109876543210,"f":1.5e300,"pad":"1234567890123456789012"}';

/** A CloudEvent carrying `BIG_NUMBERS_DATA`, with a big number among its own attributes too. */
export const BIG_NUMBERS_EVENT = `{"id":"ev-1","source":"me","type":"t","specversion":"1.0","seq":12345678901234567890,"datacontenttype":"application/json","data":${BIG_NUMBERS_DATA}}`;
