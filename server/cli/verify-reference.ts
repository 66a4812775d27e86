/**
 * Offline verification of a case reference a court or arbitration
 * commission received, without the running server:
 *
 *   npm run verify-reference -- <reference> --jwks <jwks.json> [file …]
 *   npm run verify-reference -- <bundle.zip> --jwks <jwks.json>
 *
 * <reference> holds the JWS (or the JSON `{"reference": "…"}` the API
 * returned); <jwks.json> the service's public keys (from
 * /.well-known/jwks.json, kept by the institution). Checks the signature,
 * the audit chain up to its head, that each referenced item's hash was fixed
 * by its event in that chain, and that each file given is one of the items.
 * A joint application bundle or a payment-order pack (a ZIP) is checked
 * whole: the archive byte for byte, the signed manifest, every file against
 * it, the reference inside, and each file the chain fixed against its event
 * (see bundle.ts).
 * Exit 0 verified, 1 not verified, 2 usage or unreadable input.
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Jwks } from '../signing/jws.js';
import { verifyBundle } from '../references/bundle.js';
import { verifyReference } from '../references/reference.js';

const USAGE =
  '用法 / usage: npm run verify-reference -- <reference | bundle.zip> --jwks <jwks.json> [file …]';

export async function verifyReferenceFiles(
  args: string[],
): Promise<{ exitCode: number; lines: string[] }> {
  const jwksAt = args.indexOf('--jwks');
  const jwksFile = jwksAt >= 0 ? args[jwksAt + 1] : undefined;
  const rest = args.filter((_, i) => i !== jwksAt && i !== jwksAt + 1);
  const [referenceFile, ...files] = rest;
  if (!referenceFile || !jwksFile) return { exitCode: 2, lines: [USAGE] };
  let jws: string;
  let jwks: Jwks;
  let inputs: { name: string; bytes: Buffer }[];
  let raw: Buffer;
  try {
    raw = readFileSync(referenceFile);
    jwks = JSON.parse(readFileSync(jwksFile, 'utf8')) as Jwks;
  } catch (error) {
    return unreadable(error);
  }
  if (raw.subarray(0, 4).equals(ZIP_MAGIC)) return bundleLines(raw, jwks);
  try {
    const text = raw.toString('utf8').trim();
    jws = text.startsWith('{') ? (JSON.parse(text) as { reference: string }).reference : text;
    inputs = files.map((f) => ({ name: path.basename(f), bytes: readFileSync(f) }));
  } catch (error) {
    return unreadable(error);
  }
  const result = await verifyReference(jws, jwks, inputs);
  if (!result.ok) {
    return { exitCode: 1, lines: [`未通过校验 / NOT verified: ${result.reason}`] };
  }
  const r = result.reference;
  return {
    exitCode: 0,
    lines: [
      `已通过校验 / verified: case ${r.case.caseNumber} for ${r.institution.name}, issued ${r.issuedAt}`,
      `审计链 / audit chain: ${r.chain.events.length} events, head ${r.chain.head?.hash ?? '-'}`,
      ...r.items.map((i) => `  ${i.kind} ${i.id} sha256 ${i.sha256} (event ${i.seq})`),
      ...result.files.map((f) => `  file ${f.file} = ${f.item.kind} ${f.item.id}`),
      ...r.excluded.map((x) => `  left out: ${x.kind} ${x.id} — ${x.reason}`),
      ...r.referrals
        .filter((x) => x.late)
        .map(
          (x) =>
            `  逾期移送 / sent late: ${x.kind}, window closed ${x.late!.windowClosedOn}: ${x.late!.reason}`,
        ),
      `妥协事实声明 / concessions: ${r.concessions ?? '（格式1，签发时尚无此声明 / format 1, issued before the statement）'}`,
    ],
  };
}

function unreadable(error: unknown): { exitCode: number; lines: string[] } {
  return {
    exitCode: 2,
    lines: [`无法读取输入 / cannot read the input: ${(error as Error).message}`],
  };
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

async function bundleLines(
  zip: Buffer,
  jwks: Jwks,
): Promise<{ exitCode: number; lines: string[] }> {
  const result = await verifyBundle(zip, jwks);
  if (!result.ok) {
    return { exitCode: 1, lines: [`未通过校验 / NOT verified: ${result.reason}`] };
  }
  const m = result.manifest;
  return {
    exitCode: 0,
    lines: [
      `已通过校验 / verified: ${m.kind} bundle of case ${m.case.caseNumber} for ${m.institution.name}, made ${m.createdAt}`,
      `审计链 / audit chain: ${result.reference.chain.events.length} events, head ${result.reference.chain.head?.hash ?? '-'}`,
      ...m.files.map(
        (f) =>
          `  ${f.role} ${f.path} sha256 ${f.sha256}${f.fixedBy ? ` (event ${f.fixedBy.seq})` : ''}`,
      ),
      ...m.excluded.map((x) => `  left out: ${x.kind} ${x.id} — ${x.reason}`),
      ...(m.referral.late
        ? [
            `  逾期移送 / sent late: window closed ${m.referral.late.windowClosedOn}: ${m.referral.late.reason}`,
          ]
        : []),
      `妥协事实声明 / concessions: ${m.concessions ?? '（格式1，签发时尚无此声明 / format 1, issued before the statement）'}`,
    ],
  };
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (import.meta.url === pathToFileURL(invoked).href) {
  const { exitCode, lines } = await verifyReferenceFiles(process.argv.slice(2));
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = exitCode;
}
