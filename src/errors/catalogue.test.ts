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

  it('renders rich details as dapr/kit does: build order, sorted keys, a missing ErrorInfo metadata as null', () => {
    // pkg/api/errors/state.go TransactionsNotSupported: WithHelpLink, then ResourceInfo, then ErrorInfo.
    const tx = Errors.stateTransactionsNotSupported('s1');
    expect(tx.grpcCode).toBe(GrpcCode.UNIMPLEMENTED);
    expect(JSON.stringify(tx.toJSON())).toBe(
      '{"errorCode":"ERR_STATE_STORE_NOT_SUPPORTED","message":"state store s1 doesn\'t support transactions",' +
        '"details":[{"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":' +
        '"Check the list of state stores and the features they support",' +
        '"url":"https://docs.dapr.io/reference/components-reference/supported-state-stores/"}]},' +
        '{"@type":"type.googleapis.com/google.rpc.ResourceInfo","description":"","owner":"","resource_name":"s1",' +
        '"resource_type":"state"},{"@type":"type.googleapis.com/google.rpc.ErrorInfo","domain":"dapr.io",' +
        '"metadata":null,"reason":"DAPR_STATE_TRANSACTIONS_NOT_SUPPORTED"}]}',
    );
    const many = Errors.stateTooManyTransactionalOps('s1', 5, 2);
    expect(JSON.stringify(many.toJSON().details)).toBe(
      '[{"@type":"type.googleapis.com/google.rpc.ResourceInfo","description":"","owner":"","resource_name":"s1",' +
        '"resource_type":"state"},{"@type":"type.googleapis.com/google.rpc.ErrorInfo","domain":"dapr.io",' +
        '"metadata":{"currentOpsTransaction":"5","maxOpsPerTransaction":"2"},"reason":"DAPR_STATE_TOO_MANY_TRANSACTIONS"}]',
    );
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
    expect(Errors.stateBulkGet(new Error('x')).errorCode).toBe('ERR_STATE_BULK_GET');
    // pkg/api/http/http.go onBulkGetState: the message is the store's error, nothing added.
    expect(Errors.stateBulkGet(new Error('connection refused')).message).toBe('connection refused');
  });
});
