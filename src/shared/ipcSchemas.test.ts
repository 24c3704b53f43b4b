import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, OPEN_CHANNELS, PUSH_CHANNELS } from './ipc.js';
import { INVOKE_REQUEST_SCHEMAS, parseInvokeRequest } from './ipcSchemas.js';

describe('the IPC contract', () => {
  it('has a request schema for every invoke channel and no other', () => {
    expect(Object.keys(INVOKE_REQUEST_SCHEMAS).sort()).toEqual([...INVOKE_CHANNELS].sort());
    expect(INVOKE_CHANNELS).toHaveLength(30);
    expect(PUSH_CHANNELS).toEqual([
      'live:frame',
      'live:identified',
      'live:unknown',
      'live:attendance',
      'live:status',
      'live:metrics',
      'progress',
    ]);
    for (const channel of OPEN_CHANNELS) expect(INVOKE_CHANNELS).toContain(channel);
  });

  it('passes well-formed requests through, trimming names', () => {
    expect(parseInvokeRequest('people:rename', { personId: 3, name: '  Ada ' })).toEqual({ personId: 3, name: 'Ada' });
    expect(parseInvokeRequest('people:list', undefined)).toBeUndefined();
    expect(parseInvokeRequest('attendance:query', { from: '2024-02-29', to: '2024-03-01', personId: 2 })).toEqual({
      from: '2024-02-29',
      to: '2024-03-01',
      personId: 2,
    });
    expect(parseInvokeRequest('settings:set', { matchThreshold: 0.55, kioskFullScreen: true })).toEqual({
      matchThreshold: 0.55,
      kioskFullScreen: true,
    });
    expect(parseInvokeRequest('admin:set-pin', { pin: '004711' })).toEqual({ pin: '004711' });
  });

  it.each([
    [
      'app:get-info',
      { anything: 1 },
      'app:get-info: invalid request: Invalid input: expected undefined, received object',
    ],
    ['people:rename', { personId: 3, name: '   ' }, 'people:rename: invalid request: name: the name is empty'],
    [
      'people:rename',
      { personId: 1.5, name: 'Ada' },
      'people:rename: invalid request: personId: an id is a whole number',
    ],
    ['people:rename', { personId: -2, name: 'Ada' }, 'people:rename: invalid request: personId: an id is positive'],
    [
      'people:rename',
      { personId: 2, name: 'Ada', admin: true },
      'people:rename: invalid request: Unrecognized key: "admin"',
    ],
    [
      'people:remove',
      { personId: '3' },
      'people:remove: invalid request: personId: Invalid input: expected number, received string',
    ],
    ['people:enrol-files', { name: 'Ada', paths: [] }, 'people:enrol-files: invalid request: paths: no photos given'],
    [
      'people:import-folder',
      { folder: '/photos' },
      'people:import-folder: invalid request: operationId: Invalid input: expected string, received undefined',
    ],
    [
      'attendance:query',
      { from: '2025-02-30', to: '2025-03-01' },
      'attendance:query: invalid request: from: no such calendar date',
    ],
    [
      'attendance:query',
      { from: '1.3.2025', to: '2025-03-01' },
      'attendance:query: invalid request: from: a date is "YYYY-MM-DD"',
    ],
    ['admin:set-pin', { pin: '12a4' }, 'admin:set-pin: invalid request: pin: a PIN is 4 to 12 digits'],
    ['admin:set-pin', { pin: '123' }, 'admin:set-pin: invalid request: pin: a PIN is 4 to 12 digits'],
    [
      'admin:change-pin',
      { currentPin: '1234', newPin: '1234567890123' },
      'admin:change-pin: invalid request: newPin: a PIN is 4 to 12 digits',
    ],
    [
      'calibration:apply',
      { threshold: 0 },
      'calibration:apply: invalid request: threshold: the threshold must be above 0',
    ],
    ['calibration:compute', { targetFar: 2 }, 'calibration:compute: invalid request: targetFar: a rate is 0..1'],
    [
      'settings:set',
      { detector: 'yolo' },
      'settings:set: invalid request: detector: Invalid option: expected one of "ssd"|"tiny"|"haar"',
    ],
    [
      'settings:set',
      { cooldownMinutes: '5' },
      'settings:set: invalid request: cooldownMinutes: Invalid input: expected number, received string',
    ],
    [
      'enrol-capture:shot',
      { sessionId: 's', prompt: 'sideways' },
      'enrol-capture:shot: invalid request: prompt: Invalid option: expected one of "straight"|"left"|"right"|"up"|"down"',
    ],
    [
      'live:frame-shown',
      { sequence: -1 },
      'live:frame-shown: invalid request: sequence: Too small: expected number to be >=0',
    ],
  ] as const)('%s refuses %j: %s', (channel, request, message) => {
    expect(() => parseInvokeRequest(channel, request)).toThrow(message);
  });

  it('refuses a channel outside the contract', () => {
    expect(() => parseInvokeRequest('fs:read' as 'app:get-info', undefined)).toThrow('unknown channel "fs:read"');
  });
});
