/**
 * Per-peer bookkeeping independent of libp2p: a misbehaviour score, a ban list with expiry, request
 * rate limits (token buckets) and the peer's reported chain status. Every invalid message lowers the
 * score; at `banThreshold` the peer is banned for `banMs` and the p2p layer hangs up and refuses it.
 * The clock is injected so tests are deterministic.
 */

/** Penalties by offence (points subtracted from a peer's score). */
export const PENALTY = {
  /** Undecodable bytes or a broken basic rule. */
  malformed: 40,
  /** A well-formed message with a bad signature or from a non-validator. */
  invalidSignature: 50,
  /** A block or commit that fails verification. */
  badBlock: 100,
  /** Too many requests. */
  rateLimited: 10,
  /** A message that does not help (old height, duplicate) — tiny, only floods reach the threshold. */
  useless: 1,
} as const;

/** Options of `PeerBook`. */
export interface PeerBookOptions {
  /** Score at or below which a peer is banned (default -100). */
  banThreshold?: number;
  /** Ban length in ms (default 10 minutes). */
  banMs?: number;
  /** Requests a peer may make per second, sustained (default 50). */
  requestsPerSecond?: number;
  /** Burst size of the request bucket (default 200). */
  requestBurst?: number;
  /** Score regained per second of good behaviour, up to 0 (default 1). */
  recoveryPerSecond?: number;
  /** Milliseconds clock (default Date.now). */
  now?: () => number;
}

/** What the book knows about one peer. */
export interface PeerRecord {
  id: string;
  score: number;
  height: number;
  base: number;
  tokens: number;
  lastRefill: number;
  /** When the score last recovered. */
  scoredAt: number;
}

/** Scores, bans, rate limits and heights of peers. */
export class PeerBook {
  private readonly peers = new Map<string, PeerRecord>();
  private readonly bans = new Map<string, number>();
  private readonly banThreshold: number;
  private readonly banMs: number;
  private readonly rate: number;
  private readonly burst: number;
  private readonly recovery: number;
  private readonly now: () => number;

  /** A book with the given limits. */
  constructor(opts: PeerBookOptions = {}) {
    this.banThreshold = opts.banThreshold ?? -100;
    this.banMs = opts.banMs ?? 10 * 60_000;
    this.rate = opts.requestsPerSecond ?? 50;
    this.burst = opts.requestBurst ?? 200;
    this.recovery = opts.recoveryPerSecond ?? 1;
    this.now = opts.now ?? Date.now;
  }

  /** The record of `id` (created on first use). */
  get(id: string): PeerRecord {
    let r = this.peers.get(id);
    if (!r) {
      const now = this.now();
      r = { id, score: 0, height: 0, base: 0, tokens: this.burst, lastRefill: now, scoredAt: now };
      this.peers.set(id, r);
    }
    return r;
  }

  /** Forget a disconnected peer's status (its score and ban persist). */
  forgetStatus(id: string): void {
    const r = this.peers.get(id);
    if (r) {
      r.height = 0;
      r.base = 0;
    }
  }

  /** Record a peer's reported chain status. */
  setStatus(id: string, height: number, base: number): void {
    const r = this.get(id);
    r.height = height;
    r.base = base;
  }

  /** Current score (after recovery). */
  score(id: string): number {
    return this.refresh(this.get(id)).score;
  }

  /**
   * Subtract `points`; returns true when this pushes the peer to the ban threshold (the peer is then
   * banned and the caller must disconnect it).
   */
  penalize(id: string, points: number): boolean {
    const r = this.refresh(this.get(id));
    r.score -= points;
    if (r.score <= this.banThreshold) {
      this.ban(id);
      return true;
    }
    return false;
  }

  /** Ban `id` for the configured time (or `ms`). */
  ban(id: string, ms = this.banMs): void {
    this.bans.set(id, this.now() + ms);
    this.forgetStatus(id);
  }

  /** True while `id` is banned; an expired ban is lifted (score reset to 0). */
  isBanned(id: string): boolean {
    const until = this.bans.get(id);
    if (until === undefined) return false;
    if (this.now() >= until) {
      this.bans.delete(id);
      const r = this.peers.get(id);
      if (r) r.score = 0;
      return false;
    }
    return true;
  }

  /** Banned peers with their expiry (ms since epoch). */
  banned(): { id: string; until: number }[] {
    return [...this.bans].filter(([id]) => this.isBanned(id)).map(([id, until]) => ({ id, until }));
  }

  /** Take one request token; false when the peer is over its rate. */
  allowRequest(id: string): boolean {
    const r = this.get(id);
    const now = this.now();
    const elapsed = Math.max(0, now - r.lastRefill) / 1000;
    r.tokens = Math.min(this.burst, r.tokens + elapsed * this.rate);
    r.lastRefill = now;
    if (r.tokens < 1) return false;
    r.tokens -= 1;
    return true;
  }

  /** Each connected peer's reported height. */
  heights(connected: Iterable<string>): Map<string, number> {
    const out = new Map<string, number>();
    for (const id of connected) {
      const r = this.peers.get(id);
      if (r && r.height > 0 && !this.isBanned(id)) out.set(id, r.height);
    }
    return out;
  }

  private refresh(r: PeerRecord): PeerRecord {
    const now = this.now();
    if (r.score < 0) r.score = Math.min(0, r.score + ((now - r.scoredAt) / 1000) * this.recovery);
    r.scoredAt = now;
    return r;
  }
}
