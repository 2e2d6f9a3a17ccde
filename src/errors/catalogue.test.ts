import { describe, expect, it } from 'vitest';
import { Errors } from './catalogue.js';
import { DaprError, GrpcCode } from './dapr-error.js';

describe('error catalogue', () => {
  it('renders Dapr JSON bodies', () => {
    const e = Errors.stateStoreNotFound('mystore', 'myapp');
    expect(e.httpStatus).toBe(400);
    expect(e.toJSON()).toEqual({
      errorCode: 'ERR_STATE_STORE_NOT_FOUND',
      message: 'state store mystore is not found',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'DAPR_STATE_NOT_FOUND',
          domain: 'dapr.io',
          metadata: { appID: 'myapp' },
        },
      ],
    });
  });

  it('gives every factory a DaprError with an ERR_ or DAPR_ code and a consistent status', () => {
    const samples: DaprError[] = [
      Errors.malformedRequest('x'),
      Errors.stateGet('k', 's', new Error('e')),
      Errors.stateSave(409, GrpcCode.ABORTED, 's', new Error('e')),
      Errors.stateTransaction(new Error('e')),
      Errors.stateStoresNotConfigured('a'),
      Errors.healthNotReady(),
    ];
    for (const e of samples) {
      expect(e).toBeInstanceOf(DaprError);
      expect(e.errorCode).toMatch(/^(ERR|DAPR)_[A-Z_]+$/);
      expect(e.httpStatus).toBeGreaterThanOrEqual(400);
    }
    expect(Errors.stateTransaction(new Error('x')).httpStatus).toBe(500);
    expect(Errors.stateBulkGet('s', new Error('x')).errorCode).toBe('ERR_STATE_BULK_GET');
  });
});
