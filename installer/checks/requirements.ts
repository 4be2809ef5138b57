/**
 * The requirements `check` applies, as data (FAQ 19 and 21, DESIGN §8–§9). The rules in this
 * folder read only these numbers, so a changed requirement is a one-line change here.
 */
export const GIB = 1024 ** 3;
export const GB = 1e9;

export const ram = {
  nominal: '8 GB',
  /** An "8 GB" machine shows 7.6–7.8 GiB in MemTotal: firmware, the kernel and integrated graphics keep the rest. */
  minBytes: 7.5 * GIB,
};

export const cpu = {
  minGHz: 2.4,
  /** Threads (logical processors) required where the model alone does not settle it. */
  minThreads: 4,
  /** Model-name patterns, checked in this order; the first match decides the class. */
  classes: [
    { cls: 'virtual', label: 'virtual CPU', pattern: /QEMU Virtual CPU|Common KVM processor|KVM processor|Virtual CPU/i },
    { cls: 'entry', label: 'entry-level (i3/Celeron/Pentium/Atom class)', pattern: /Core\(TM\)\s*i3|Core\s+i3|\bi3-\d|Celeron|Pentium|\bAtom\b|Core\(TM\)\s*2|Ryzen\s+3\b|Athlon|Sempron|\bCore\(TM\)\s*3\s/i },
    { cls: 'core', label: 'Intel Core i5/i7/i9 or Core Ultra 5/7/9', pattern: /Core\(TM\)\s*i[579]|Core\s+i[579]|\bi[579]-\d|Core\(TM\)\s*Ultra\s*[579]|Core\s+Ultra\s*[579]/i },
    { cls: 'server', label: 'Xeon, AMD Ryzen 5/7/9, EPYC or Threadripper', pattern: /Xeon|Ryzen\s+[579]\b|EPYC|Threadripper/i },
  ] as const,
};

export const disk = {
  /** 120 KB (120,000 bytes) per recorded minute: 16 kbit/s × 60 s (DESIGN §7). */
  bytesPerMinute: 120_000,
  /** Database, mail and attachments, logs and backups on top of the recordings. */
  headroomFraction: 0.2,
  headroomFixedBytes: 5 * GB,
  /** The FAQ's floor. */
  minBytes: 30 * GB,
};

export const os = {
  /**
   * The oldest Debian the appliance runs on: the release's native modules are built on Debian 11
   * and need its glibc (2.29 or newer; Debian 10 has 2.28, 9 has 2.24, 8 has 2.19). Older Debian
   * servers keep their Asterisk and pair with an appliance on a supported server (hybrid).
   */
  minDebian: 11,
  /** glibc of the Debian releases that cannot host the appliance, for the message. */
  tooOld: { 8: '2.19', 9: '2.24', 10: '2.28' } as Record<number, string>,
  testedDebian: { from: 11, to: 13 },
};

export const node = { min: [20, 19] as const };

export const network = {
  /** UA-IX's own web site, hosted on the exchange's network in Kyiv: a path to it is a path through UA-IX. */
  defaultProbeHost: 'ix.net.ua',
  maxLatencyMs: 40,
  /** The whole latency probe (name lookup and up to three handshakes) ends within this. */
  latencyTimeoutMs: 4500,
  bandwidthTimeoutMs: 12_000,
  /** G.711 (64 kbit/s) in 20 ms packets + RTP/UDP/IPv4/Ethernet headers (58 bytes × 50/s): per call, per direction. */
  perCallBitsPerSecond: 87_200,
  minBitsPerSecond: 10_000_000,
};

export const ports = {
  redirectPort: 80,
  tcp: [
    { port: 5060, purpose: 'SIP (TCP)' },
    { port: 8088, purpose: 'Asterisk HTTP/WebSocket' },
    { port: 5038, purpose: 'Asterisk AMI' },
  ],
  udp: [{ port: 5060, purpose: 'SIP (UDP)' }],
  rtp: { from: 10000, to: 20000 },
  /** A socket held by one of these processes or users is ours (a previous install or the Asterisk we drive). */
  ourCommands: /asterisk|contactbox/i,
  ourUsers: ['contactbox', 'asterisk'],
};

export const asterisk = {
  /** PJSIP and ARI as contactbox uses them arrived in 13; 13–15 are past end of life. */
  minMajor: 13,
  recommendedMajor: 16,
};
