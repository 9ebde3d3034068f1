import { digest } from "./digest.js";

/**
 * Where the session index lives in the store, packed for memory (≤ 200 bytes a session, measured
 * by test/user-sessions/index-memory.test.ts). No key per user or per sid: members of a bounded
 * number of buckets (1024 per family, named by the start of a tag), each a small
 * expiring set that Redis keeps as a listpack. Every bucket has its own hash tag, and every
 * command touches one bucket, so it all works across the slots of a Cluster.
 *
 * - a session: `uix:{bucket}` member `userTag · id · subTag` (10 + 43 + 6 characters), expiring
 *   with the session's record;
 * - a sign-in (IdP `sid`): `six:{bucket}` member `sidTag · userTag`, expiring with the
 *   longest-lived session of that sid (extend only).
 *
 * Tags are prefixes of digests: short enough to be cheap, long enough that two users (60 bits) or
 * two sids (60 bits) practically never share one, and harmless when they do — every use reads the
 * session records and keeps only those of the right user, sid or sub.
 */
export const USER_BUCKETS = "uix:";
export const SID_BUCKETS = "six:";

const USER_TAG = 10;
const SID_TAG = 10;
const SUB_TAG = 6;
/** Sessions without a `sub` (signed in by a release that did not keep it). Not base64url. */
const NO_SUB = ".".repeat(SUB_TAG);

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** 1024 buckets a family: a tag's first character and the top 4 bits of its second. */
function bucketOf(family: string, tag: string): string {
  const second = BASE64URL[BASE64URL.indexOf(tag.charAt(1)) >> 2] ?? "A";
  return `${family}{${tag.charAt(0)}${second}}`;
}

export function userTag(tid: string, oid: string): string {
  return digest(`${tid}.${oid}`).slice(0, USER_TAG);
}

export function subTag(sub: string | undefined): string {
  return sub ? digest(`sub ${sub}`).slice(0, SUB_TAG) : NO_SUB;
}

export function sidTag(sid: string): string {
  return digest(sid).slice(0, SID_TAG);
}

export const userBucket = (user: string) => bucketOf(USER_BUCKETS, user);
export const sidBucket = (sid: string) => bucketOf(SID_BUCKETS, sid);

/** Every user bucket, for the rare scans (back-channel logout by `sub` alone). */
export function allUserBuckets(): string[] {
  const firsts = [...BASE64URL];
  const seconds = [...BASE64URL].filter((_, i) => i % 4 === 0);
  return firsts.flatMap((a) => seconds.map((b) => bucketOf(USER_BUCKETS, a + b)));
}

export const sessionMember = (user: string, id: string, sub: string) => `${user}${id}${sub}`;
/** The prefix that names one session in its user's bucket (forget it without knowing its sub). */
export const sessionPrefix = (user: string, id: string) => `${user}${id}`;
export const sidMember = (sid: string, user: string) => `${sid}${user}`;

export interface SessionEntry {
  user: string;
  id: string;
  sub: string;
}

export function parseSessionMember(member: string): SessionEntry {
  return {
    user: member.slice(0, USER_TAG),
    id: member.slice(USER_TAG, -SUB_TAG),
    sub: member.slice(-SUB_TAG),
  };
}

/** The user tag a sid member points to. */
export const userOfSidMember = (member: string) => member.slice(SID_TAG);
