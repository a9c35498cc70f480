import { describe, expect, it } from 'vitest';
import { call, startSandbox } from './helpers.ts';

describe('Pipedrive sandbox: v2 pipeline stages', () => {
  it('lists the default pipeline\'s stages in the v2 shape, by pipeline and in pages', async () => {
    const sandbox = await startSandbox();
    const list = await call(sandbox, 'GET', '/api/v2/stages');
    expect(list.status).toBe(200);
    expect(list.body.success).toBe(true);
    expect(list.body.data.map((s: { id: number; name: string }) => [s.id, s.name])).toEqual([
      [1, 'Qualified'], [2, 'Contact Made'], [3, 'Demo Scheduled'], [4, 'Proposal Made'], [5, 'Negotiations Started'],
    ]);
    expect(list.body.data[0]).toEqual({
      id: 1, order_nr: 1, name: 'Qualified', is_deleted: false, deal_probability: 100, pipeline_id: 1, is_deal_rot_enabled: false,
      days_to_rotten: null, add_time: expect.stringMatching(/Z$/), update_time: expect.stringMatching(/Z$/),
    });
    expect(list.body.additional_data).toEqual({ next_cursor: null });

    const first = await call(sandbox, 'GET', '/api/v2/stages?limit=2');
    expect(first.body.data.map((s: { id: number }) => s.id)).toEqual([1, 2]);
    const second = await call(sandbox, 'GET', `/api/v2/stages?limit=2&cursor=${first.body.additional_data.next_cursor}`);
    expect(second.body.data.map((s: { id: number }) => s.id)).toEqual([3, 4]);
    expect((await call(sandbox, 'GET', '/api/v2/stages?pipeline_id=2')).body.data).toEqual([]);
    expect((await call(sandbox, 'GET', '/api/v2/stages/3')).body.data.name).toBe('Demo Scheduled');
    expect((await call(sandbox, 'GET', '/api/v2/stages/99')).status).toBe(404);
  });

  it('adds a stage to another pipeline and renames one; a stage needs a name and a pipeline', async () => {
    const sandbox = await startSandbox();
    const created = await call(sandbox, 'POST', '/api/v2/stages', { name: 'Qualified', pipeline_id: 2 });
    expect(created.status).toBe(200);
    expect(created.body.data).toMatchObject({ id: 6, name: 'Qualified', pipeline_id: 2, order_nr: 1 });
    expect((await call(sandbox, 'GET', '/api/v2/stages?pipeline_id=2')).body.data.map((s: { id: number }) => s.id)).toEqual([6]);
    expect((await call(sandbox, 'POST', '/api/v2/stages', { name: 'No pipeline' })).status).toBe(400);
    expect((await call(sandbox, 'POST', '/api/v2/stages', { pipeline_id: 1 })).status).toBe(400);
    const renamed = await call(sandbox, 'PATCH', '/api/v2/stages/2', { name: 'Contacted' });
    expect(renamed.body.data).toMatchObject({ id: 2, name: 'Contacted', pipeline_id: 1 });
    expect((await call(sandbox, 'PATCH', '/api/v2/stages/77', { name: 'x' })).status).toBe(404);
    // A reset restores the default pipeline.
    await sandbox.reset();
    expect((await call(sandbox, 'GET', '/api/v2/stages')).body.data.map((s: { name: string }) => s.name)).toContain('Contact Made');
  });
});
