import { describe, expect, it } from 'vitest';
import { call, control, refresh, startSandbox } from './helpers.ts';

describe('Pipedrive sandbox: rate limits', () => {
  it('reports the burst window and daily budget on every /api answer', async () => {
    const sandbox = await startSandbox({ burstLimit: 10, dailyLimit: 100 });
    const first = await call(sandbox, 'GET', '/api/v2/persons');
    expect(first.headers.get('x-ratelimit-limit')).toBe('10');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('9');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeLessThanOrEqual(2);
    expect(first.headers.get('x-daily-requests-left')).toBe('99');
    const notFound = await call(sandbox, 'GET', '/api/v2/persons/7');
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-ratelimit-remaining')).toBe('8');
    expect(notFound.headers.get('x-daily-requests-left')).toBe('98');
  });

  it('answers 429 with Retry-After once the 2-second burst is spent, and lets calls through after it', async () => {
    const sandbox = await startSandbox({ burstLimit: 5 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(sandbox, 'GET', '/api/v2/persons')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const limited = answers.find((a) => a.status === 429)!;
    expect(limited.body).toEqual({
      success: false, error: 'Request over limit', errorCode: 429,
      error_info: 'Please check developers.pipedrive.com for more information about Pipedrive API.', data: null, additional_data: null,
    });
    expect(limited.headers.get('content-type')).toMatch(/^application\/json/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(2);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    // Refused calls spend nothing.
    expect((await control(sandbox, 'GET', '/limits')).body.daily.used).toBe(5);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 50));
    expect((await call(sandbox, 'GET', '/api/v2/persons')).status).toBe(200);
  });

  it('each credential has its own burst window: the OAuth grant is not slowed by the API token', async () => {
    const sandbox = await startSandbox({ burstLimit: 2 });
    const bearer = (await refresh(sandbox)).body.access_token as string;
    await call(sandbox, 'GET', '/api/v2/persons');
    await call(sandbox, 'GET', '/api/v2/persons');
    expect((await call(sandbox, 'GET', '/api/v2/persons')).status).toBe(429);
    expect((await call(sandbox, 'GET', '/api/v2/persons', undefined, { bearer })).status).toBe(200);
  });

  it('the daily budget, set and read through /_sandbox/limits, refuses with 429 until UTC midnight', async () => {
    const sandbox = await startSandbox();
    expect((await control(sandbox, 'GET', '/limits')).body).toMatchObject({
      daily: { used: 0, limit: 1_000_000 }, burst: { used: 0, limit: 80, windowSeconds: 2 },
    });
    await call(sandbox, 'GET', '/api/v2/persons');
    const set = await control(sandbox, 'PUT', '/limits', { daily: 3 });
    expect(set.body.daily).toEqual({ used: 1, limit: 3 });
    await call(sandbox, 'GET', '/api/v2/persons');
    const last = await call(sandbox, 'GET', '/api/v2/persons');
    expect(last.status).toBe(200);
    expect(last.headers.get('x-daily-requests-left')).toBe('0');
    const refused = await call(sandbox, 'GET', '/api/v2/persons');
    expect(refused.status).toBe(429);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(Number(refused.headers.get('retry-after'))).toBeCloseTo((midnight.getTime() - Date.now()) / 1000, -1);
    expect((await control(sandbox, 'GET', '/limits')).body.daily).toEqual({ used: 3, limit: 3 });
    // The token endpoint is no API call: it stays open.
    expect((await refresh(sandbox)).status).toBe(200);
    await control(sandbox, 'PUT', '/limits', { daily: { limit: 10 }, burst: { limit: 40 } });
    expect((await call(sandbox, 'GET', '/api/v2/persons')).headers.get('x-ratelimit-limit')).toBe('40');
  });
});
