/**
 * The mediation network as a tree (issue 21): which kind of organisation may sit under which,
 * and an organisation's subtree. Pure; OrganisationService.ts keeps the records.
 *
 * The bureau is a root; a district centre stands under the bureau or alone (a deployment of one
 * district); sub-district and town organisations under a centre; enterprise committees and
 * union or trade organisations under a centre or a sub-district/town organisation. Nothing
 * stands under an enterprise committee or a union/trade organisation.
 */
import type { ORGANISATION_KINDS } from '../../signaling/http/vocabulary.js';

export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ALLOWED_PARENTS: Record<OrganisationKind, readonly (OrganisationKind | null)[]> = {
  bureau: [null],
  district_centre: [null, 'bureau'],
  street_town: ['district_centre'],
  enterprise_committee: ['district_centre', 'street_town'],
  union_trade: ['district_centre', 'street_town'],
};

export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = {
  bureau: '人力资源和社会保障局',
  district_centre: '区劳动人事争议调解中心',
  street_town: '街镇调解组织',
  enterprise_committee: '企业劳动争议调解委员会',
  union_trade: '工会、行业调解组织',
};

export interface TreeNode {
  id: string;
  parentId: string | null;
}

/** `rootId` and every organisation under it, parents before children. */
export function subtree<T extends TreeNode>(all: readonly T[], rootId: string): T[] {
  const children = new Map<string | null, T[]>();
  for (const o of all) children.set(o.parentId, [...(children.get(o.parentId) ?? []), o]);
  const root = all.find((o) => o.id === rootId);
  if (!root) return [];
  const out: T[] = [];
  const seen = new Set<string>();
  const queue: T[] = [root];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (seen.has(next.id)) continue; // a cycle in stored data never loops
    seen.add(next.id);
    out.push(next);
    queue.push(...(children.get(next.id) ?? []));
  }
  return out;
}

/** The chain from `id` up to its root, `id` first. */
export function ancestry<T extends TreeNode>(all: readonly T[], id: string): T[] {
  const byId = new Map(all.map((o) => [o.id, o]));
  const out: T[] = [];
  const seen = new Set<string>();
  for (
    let at = byId.get(id);
    at && !seen.has(at.id);
    at = at.parentId ? byId.get(at.parentId) : undefined
  ) {
    seen.add(at.id);
    out.push(at);
  }
  return out;
}

/** Names compared as people read them: trimmed, inner spaces collapsed, full-width folded. */
export function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
  return norm(a) === norm(b);
}
