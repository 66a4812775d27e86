import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadDatabaseConfig, redactConfig } from '../../server/config.js';

const workerBin = process.env['MEDIASOUP_WORKER_BIN'] ?? '';
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'mediation-config-'));

describe('loadConfig', () => {
  it('takes an SMSC account whole, and keeps the demo gateways out of production', () => {
    const base = { MEDIASOUP_WORKER_BIN: workerBin, DATA_DIR: tmp() };
    expect(loadConfig(base).sms).toBeUndefined();
    expect(loadConfig(base).demoChannels).toBe(false);
    const sms = loadConfig({
      ...base,
      SMPP_URL: 'ssmpp://smsc.example.cn:3550',
      SMPP_SYSTEM_ID: 'tj001',
      SMPP_PASSWORD: 'pw123456',
      SMS_SENDER: '1069012345',
    }).sms;
    expect(sms).toMatchObject({
      url: 'ssmpp://smsc.example.cn:3550',
      signature: '劳动人事争议调解',
      enquireLinkMs: 30_000,
    });
    expect(() => loadConfig({ ...base, SMPP_URL: 'smpp://smsc.example.cn:2775' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ ...base, SMPP_URL: 'http://smsc.example.cn' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({
        ...base,
        SMPP_URL: 'smpp://smsc.example.cn',
        SMPP_SYSTEM_ID: 'tj001',
        SMPP_PASSWORD: 'longer-than-8',
        SMS_SENDER: '1069012345',
      }),
    ).toThrow(ConfigError);
    expect(loadConfig({ ...base, SMS_TEMPLATE_CODE: '验证码{code}' }).smsTemplates.code).toBe(
      '验证码{code}',
    );
    expect(() => loadConfig({ ...base, SMS_TEMPLATE_NOTICE: '请查看{title}' })).toThrow(
      /SMS_TEMPLATE_NOTICE: the template needs \{link\}/,
    );
    expect(loadConfig({ ...base, DEMO_CHANNELS: 'true' }).demoChannels).toBe(true);
    expect(() => loadConfig({ ...base, DEMO_CHANNELS: 'true', NODE_ENV: 'production' })).toThrow(
      /DEMO_CHANNELS/,
    );
  });

  it('applies the documented defaults', () => {
    const c = loadConfig({ MEDIASOUP_WORKER_BIN: workerBin, DATA_DIR: tmp() });
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 3000, tls: undefined });
    expect(c.media).toMatchObject({
      listenIp: '127.0.0.1',
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
      webRtcServer: undefined,
      enableUdp: true,
      enableTcp: true,
      iceServers: [],
    });
    expect(c.media.numWorkers).toBe(os.availableParallelism());
  });

  it('trusts no forwarding proxy and no plain-http webhook host unless configured', () => {
    const c = loadConfig({ MEDIASOUP_WORKER_BIN: workerBin, DATA_DIR: tmp() });
    expect(c.trustedProxies).toEqual([]);
    expect(c.webhooks.httpAllowlist).toEqual([]);
    const set = loadConfig({
      MEDIASOUP_WORKER_BIN: workerBin,
      DATA_DIR: tmp(),
      TRUSTED_PROXIES: '10.0.0.2, 192.168.0.0/16,::1',
      WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1, receiver.internal,[::1]',
    });
    expect(set.trustedProxies).toEqual(['10.0.0.2', '192.168.0.0/16', '::1']);
    expect(set.webhooks.httpAllowlist).toEqual(['127.0.0.1', 'receiver.internal', '[::1]']);
    for (const [name, value] of [
      ['TRUSTED_PROXIES', 'loopback'],
      ['TRUSTED_PROXIES', '10.0.0.0/8/1'],
      ['WEBHOOK_HTTP_ALLOWLIST', 'http://127.0.0.1/'],
    ] as const) {
      expect(() =>
        loadConfig({ MEDIASOUP_WORKER_BIN: workerBin, DATA_DIR: tmp(), [name]: value }),
      ).toThrow(name);
    }
  });

  it('fails fast with a message naming the worker when it is missing or not executable', () => {
    expect(() => loadConfig({ DATA_DIR: tmp() })).toThrow(/MEDIASOUP_WORKER_BIN is not set/);
    expect(() =>
      loadConfig({ MEDIASOUP_WORKER_BIN: '/nonexistent/worker', DATA_DIR: tmp() }),
    ).toThrow(/not an executable file/);
  });

  it('names each invalid variable', () => {
    const bad = {
      MEDIASOUP_WORKER_BIN: workerBin,
      HTTP_PORT: 'eighty',
      MEDIASOUP_LISTEN_IP: 'localhost',
      LOG_LEVEL: 'loud',
    };
    try {
      loadConfig(bad);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      for (const name of ['HTTP_PORT', 'MEDIASOUP_LISTEN_IP', 'LOG_LEVEL'])
        expect(message).toContain(name);
    }
    expect(() =>
      loadConfig({
        MEDIASOUP_WORKER_BIN: workerBin,
        MEDIASOUP_RTC_MIN_PORT: '50000',
        MEDIASOUP_RTC_MAX_PORT: '40000',
      }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({
        MEDIASOUP_WORKER_BIN: workerBin,
        MEDIASOUP_ENABLE_UDP: 'false',
        MEDIASOUP_ENABLE_TCP: 'false',
      }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ MEDIASOUP_WORKER_BIN: workerBin, TLS_CERT_FILE: '/x.pem' })).toThrow(
      /together/,
    );
    expect(() => loadConfig({ MEDIASOUP_WORKER_BIN: workerBin, ICE_SERVERS: '{not json' })).toThrow(
      /ICE_SERVERS/,
    );
  });

  it('parses ICE servers and masks their credentials in logs', () => {
    const c = loadConfig({
      MEDIASOUP_WORKER_BIN: workerBin,
      DATA_DIR: tmp(),
      ICE_SERVERS: JSON.stringify([
        { urls: 'stun:stun.example.org:3478' },
        { urls: ['turn:turn.example.org:3478'], username: 'u', credential: 'secret-pass' },
      ]),
      JWT_SECRET: 'j'.repeat(40),
    });
    expect(c.media.iceServers).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
      { urls: ['turn:turn.example.org:3478'], username: 'u', credential: 'secret-pass' },
    ]);
    const logged = JSON.stringify(redactConfig(c));
    expect(logged).not.toContain('secret-pass');
    expect(logged).not.toContain('j'.repeat(40));
  });

  it('creates a private signing secret once and reuses it', () => {
    const dir = tmp();
    const first = loadConfig({ MEDIASOUP_WORKER_BIN: workerBin, DATA_DIR: dir });
    const again = loadConfig({ MEDIASOUP_WORKER_BIN: workerBin, DATA_DIR: dir });
    expect(first.auth.jwtSecret).toHaveLength(64);
    expect(again.auth.jwtSecret).toBe(first.auth.jwtSecret);
    const file = path.join(dir, 'secrets', 'jwt-secret');
    expect(readFileSync(file, 'utf8').trim()).toBe(first.auth.jwtSecret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('loadDatabaseConfig (the command-line tools)', () => {
  it('reads DATABASE_URL and DATABASE_POOL_SIZE as loadConfig does, without media settings', () => {
    expect(loadDatabaseConfig({})).toEqual({ url: undefined, poolSize: 10 });
    expect(loadDatabaseConfig({ DATABASE_URL: '', DATABASE_POOL_SIZE: '' })).toEqual({
      url: undefined,
      poolSize: 10,
    });
    const url = 'postgresql://app:pw@db.internal:5432/mediation';
    expect(loadDatabaseConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '4' })).toEqual({
      url,
      poolSize: 4,
    });
    expect(() => loadDatabaseConfig({ DATABASE_URL: 'mysql://x@y/z' })).toThrow(
      /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
    expect(() => loadDatabaseConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(ConfigError);
  });
});
