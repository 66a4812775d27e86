/**
 * Which network path a transport's media takes: the protocol (udp or tcp) of
 * the selected ICE candidate pair's local candidate, from the browser's
 * WebRTC statistics. Read by the diagnostics (ICE over TCP when UDP is blocked).
 */
export function selectedProtocol(report: RTCStatsReport): string | undefined {
  const byId = new Map<string, Record<string, unknown>>();
  report.forEach((s: Record<string, unknown>) => byId.set(String(s['id']), s));
  let pairId: string | undefined;
  for (const s of byId.values()) {
    if (s['type'] === 'transport' && typeof s['selectedCandidatePairId'] === 'string')
      pairId = s['selectedCandidatePairId'];
  }
  if (!pairId) {
    // Browsers without `transport` stats: the nominated, succeeded pair.
    for (const s of byId.values()) {
      if (s['type'] === 'candidate-pair' && s['nominated'] === true && s['state'] === 'succeeded')
        pairId = String(s['id']);
    }
  }
  const pair = pairId ? byId.get(pairId) : undefined;
  const local = pair ? byId.get(String(pair['localCandidateId'])) : undefined;
  const protocol = local?.['protocol'];
  return typeof protocol === 'string' ? protocol : undefined;
}
