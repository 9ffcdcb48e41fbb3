import { describe, expect, it } from 'vitest';
import { ALL, Operation, Response } from '../../../src/core/mtp/codes.js';
import { decodeObjectInfo, decodeU32Array } from '../../../src/core/mtp/datasets.js';
import { findMtpInterface } from '../../../src/core/mtp/interface-probe.js';
import { MtpSession } from '../../../src/core/mtp/session.js';
import { MtpTransport } from '../../../src/core/mtp/transport.js';
import { PRIMARY_STORAGE, type SimMtpWatchOptions } from '../../../src/core/sim/mtp-watch.js';
import { FAST, connect, plugWatch } from './sim-setup.js';

/** A raw transport on a claimed simulated watch: to probe the responder's rules directly. */
async function raw(options: SimMtpWatchOptions = {}) {
  const { watch } = plugWatch(options);
  await watch.open();
  await watch.claimInterface(0);
  const t = new MtpTransport(watch, findMtpInterface(watch.info)!, FAST);
  const run = (operation: number, params: number[] = [], transactionId?: number) => t.run({ operation, params, dataIn: true, transactionId });
  return { watch, t, run };
}

describe('the simulated watch enforces PTP session rules', () => {
  it('answers GetDeviceInfo outside a session and SessionNotOpen to anything else', async () => {
    const { run } = await raw();
    const info = await run(Operation.GetDeviceInfo, [], 0);
    expect(info.code).toBe(Response.OK);
    expect(info.dataBytes).toBeGreaterThan(100);
    expect((await run(Operation.GetStorageIDs)).code).toBe(Response.SessionNotOpen);
  });

  it('answers SessionAlreadyOpen to a second OpenSession, InvalidTransactionID to a skipped id', async () => {
    const { run, t } = await raw();
    expect((await run(Operation.OpenSession, [1], 0)).code).toBe(Response.OK);
    expect((await run(Operation.OpenSession, [1], 0)).code).toBe(Response.SessionAlreadyOpen);
    t.nextTransactionId = 1;
    expect((await run(Operation.GetStorageIDs)).code).toBe(Response.OK);
    t.nextTransactionId = 5;
    expect((await run(Operation.GetStorageIDs)).code).toBe(Response.InvalidTransactionID);
    expect((await run(Operation.OpenSession, [0], 0)).code).toBe(Response.InvalidParameter);
  });

  it('honours the GetObjectHandles parent semantics and error codes', async () => {
    const { run, watch } = await raw();
    await run(Operation.OpenSession, [1], 0);
    const garmin = watch.handleOf('GARMIN')!;
    const activity = watch.handleOf('GARMIN/Activity')!;
    const file = watch.handleOf('GARMIN/Settings/Settings.fit')!;
    const handles = async (parent: number, storage = PRIMARY_STORAGE) => {
      const r = await run(Operation.GetObjectHandles, [storage, 0, parent]);
      return r.code === Response.OK ? decodeU32Array(r.data, 'h') : r.code;
    };
    expect(await handles(ALL)).toEqual([garmin]);
    const all = await handles(0);
    expect(Array.isArray(all) && all.length).toBe(watch.store.objects.size);
    const inActivity = (await handles(activity)) as number[];
    expect(inActivity).toHaveLength(5);
    for (const h of inActivity) expect(decodeObjectInfo((await run(Operation.GetObjectInfo, [h])).data).parent).toBe(activity);
    expect(await handles(file)).toBe(Response.InvalidParentObject);
    expect(await handles(0x7777)).toBe(Response.InvalidObjectHandle);
    expect(await handles(ALL, 0x00030001)).toBe(Response.InvalidStorageID);
    expect((await run(Operation.GetObjectInfo, [0x7777])).code).toBe(Response.InvalidObjectHandle);
  });

  it('clamps GetPartialObject to the object end and reports the byte count', async () => {
    const { run, watch } = await raw();
    await run(Operation.OpenSession, [1], 0);
    const h = watch.handleOf('GARMIN/Settings/Settings.fit')!;
    const r = await run(Operation.GetPartialObject, [h, 400, 4096]);
    expect(r.code).toBe(Response.OK);
    expect(r.dataBytes).toBe(100);
    expect(r.params).toEqual([100]);
    expect((await run(Operation.GetPartialObject, [h, 501, 10])).code).toBe(Response.InvalidParameter);
    expect((await run(Operation.GetPartialObject64, [h, 0, 0, 10])).code).toBe(Response.OperationNotSupported);
  });

  it('answers GetObjPropList with an error response, not data, and counts the call', async () => {
    const { run, watch } = await raw();
    await run(Operation.OpenSession, [1], 0);
    const r = await run(Operation.GetObjPropList, [0, 0, 0, 0, 0xffffffff]);
    expect(r.code).toBe(Response.SpecificationByDepthUnsupported);
    expect(r.dataBytes).toBe(0);
    expect(watch.propListCalls).toBe(1);
  });
});

describe('MtpSession recovers from session trouble', () => {
  it('closes a session left open by another program and opens its own', async () => {
    const { client, watch } = await connect({ sessionAlreadyOpen: true });
    expect(watch.operations.slice(0, 4)).toEqual([Operation.GetDeviceInfo, Operation.OpenSession, Operation.CloseSession, Operation.OpenSession]);
    expect(await client.session.storageIds()).toEqual([PRIMARY_STORAGE]);
    await client.close();
  });

  it('retries OpenSession with a higher transaction id after InvalidTransactionID', async () => {
    const { watch, client } = await connect({}, {});
    await client.close();
    watch.mtpFaults.openSessionBadTid = 2;
    const session = new MtpSession(new MtpTransport(watch, findMtpInterface(watch.info)!, FAST), FAST);
    await watch.open();
    await watch.claimInterface(0);
    await session.open();
    expect(session.isOpen).toBe(true);
    expect(session.transport.nextTransactionId).toBe(21);
    expect((await session.storageIds()).length).toBe(1);
  });

  it('reopens the session when the device forgot it (SessionNotOpen) or lost count (InvalidTransactionID)', async () => {
    const { client, watch } = await connect();
    client.transport.nextTransactionId += 3; // the watch now sees a skipped id
    expect(await client.session.storageIds()).toEqual([PRIMARY_STORAGE]);
    await watch.controlOut({ requestType: 'class', recipient: 'interface', request: 0x66, value: 0, index: 0 }, new Uint8Array(0), 100); // Device Reset Request
    expect(watch.sessionOpen).toBe(false);
    expect(await client.session.storageIds()).toEqual([PRIMARY_STORAGE]);
    expect(watch.operations.filter((o) => o === Operation.OpenSession)).toHaveLength(3);
    expect(watch.operations.filter((o) => o === Operation.CloseSession)).toHaveLength(1);
    await client.close();
    expect(watch.sessionOpen).toBe(false);
  });

  it('refuses operations the device does not advertise and never sends GetObjPropList', async () => {
    const { client, watch } = await connect();
    await expect(client.session.download(watch.handleOf('GARMIN/Settings/Settings.fit')!, 500, () => undefined)).resolves.toBeUndefined();
    expect(watch.operations).toContain(Operation.GetPartialObject);
    expect(watch.operations).not.toContain(Operation.GetPartialObject64);
    await client.listFiles(await client.garminRoots());
    expect(watch.operations).not.toContain(Operation.GetObjPropList);
    expect(watch.propListCalls).toBe(0);
    await client.close();
  });
});
