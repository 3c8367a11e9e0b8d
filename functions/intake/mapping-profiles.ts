/**
 * Mapping profiles (issue 12, part 3; docs/intake.md "Mapping profiles"): an institution saves how its
 * own exports read (source header -> field, source value -> value) under a name, and names it at
 * upload; a file dropped straight into S3 (and an upload naming none) is read with the profile named
 * `default` when there is one. Profiles are versioned: creating one takes no expected version,
 * replacing one takes the version read (body `expectedVersion` or `If-Match`), so of two concurrent
 * writers one wins and the other gets 409 with what to do. Every write carries its audit entry
 * (functions/shared/audit.ts) in the same transaction. Scope: the institution's own users read
 * (department users included: they upload too), and so do the administrators of its province and the
 * national administrators (they help an office map its exports); institution-level users write; anyone
 * else's institution is as absent (404). A deleted profile leaves a tombstone with its last version: a
 * profile created again under the name continues the version sequence (its audit trail stays one).
 */
import { findOption, inventoryColumns } from '../../schemas/inventory/template.ts';
import type { MappingProfile, PutMappingProfile } from '../../schemas/mapping-profile.ts';
import type { Caller } from '../../schemas/roles.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';

/** Profiles one institution may keep (a listing is one query page). */
export const maxProfilesPerInstitution = 50;

export interface MappingProfileStore {
  get(uscc: string, name: string): Promise<MappingProfile | undefined>;
  /** The institution's profiles by name (at most `maxProfilesPerInstitution` + 1). */
  list(uscc: string): Promise<MappingProfile[]>;
  /**
   * Creates the profile (`before` undefined: only if absent) or replaces `before` (only if still at its
   * version), with the audit entry; 'conflict' when that condition failed.
   */
  save(
    profile: MappingProfile,
    before: MappingProfile | undefined,
    caller: Caller,
    at: string,
  ): Promise<'saved' | 'conflict'>;
  /**
   * Deletes `before` (only if still at its version), leaving a tombstone at the next version, with the
   * audit entry; 'conflict' when it moved or went.
   */
  remove(before: MappingProfile, caller: Caller, at: string): Promise<'deleted' | 'conflict'>;
  /** The version a deleted profile of that name left (its tombstone), 0 when none: a new one continues it. */
  deletedVersion(uscc: string, name: string): Promise<number>;
}

export interface MappingProfileDeps {
  profiles: MappingProfileStore;
  now: () => Date;
  /** The province of an institution (for the administrators who may read its profiles); absent: none may. */
  institutionProvince?: (uscc: string) => Promise<string | undefined>;
}

const sameUscc = (a: string | undefined, b: string) =>
  a !== undefined && a.trim().toUpperCase() === b.trim().toUpperCase();

/** The institution the caller may read profiles of: its own; any other is as absent. */
function ownInstitution(caller: Caller, uscc: string): string {
  if (!caller.roles.includes('institution') || !sameUscc(caller.orgUscc, uscc)) {
    throw new NotFoundError(
      `No institution ${uscc} in your scope: mapping profiles are your own institution's (${caller.orgUscc ?? 'your account names none'}).`,
    );
  }
  return caller.orgUscc!;
}

/**
 * The institution whose profiles the caller may read: its own; for a province administrator an
 * institution of its province; for a national administrator any; anything else is as absent.
 */
async function readableInstitution(deps: MappingProfileDeps, caller: Caller, uscc: string): Promise<string> {
  if (caller.roles.includes('institution') && sameUscc(caller.orgUscc, uscc)) return caller.orgUscc!;
  const code = uscc.trim().toUpperCase();
  const national = caller.roles.includes('national-admin');
  const provincial = caller.roles.includes('province-admin') && caller.provinceCode !== undefined;
  if ((national || provincial) && deps.institutionProvince) {
    const province = await deps.institutionProvince(code);
    if (province !== undefined && (national || province === caller.provinceCode)) return code;
  }
  throw new NotFoundError(
    `No institution ${uscc} in your scope: an institution reads its own mapping profiles, administrators those of their province's institutions.`,
  );
}

const profilePath = (uscc: string, name: string) => `/v1/institutions/${uscc}/mapping-profiles/${name}`;

/** The version an If-Match header names: `"3"`, `W/"3"` or `3`. */
export function versionOfIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) {
    throw new ValidationError(
      `If-Match must be the profile's ETag as GET answered it (e.g. "3"), got ${JSON.stringify(header.slice(0, 40))}: read the profile again and send its ETag.`,
      [{ in: 'header', field: 'If-Match', message: 'an ETag such as "3"' }],
    );
  }
  return Number(match[1]);
}

export const etagOf = (profile: MappingProfile) => `"${profile.version}"`;

export async function getMappingProfile(
  deps: MappingProfileDeps,
  caller: Caller,
  uscc: string,
  name: string,
): Promise<MappingProfile> {
  const own = await readableInstitution(deps, caller, uscc);
  const profile = await deps.profiles.get(own, name);
  if (!profile) {
    throw new NotFoundError(
      `Institution ${own} has no mapping profile "${name}": list them with GET /v1/institutions/${own}/mapping-profiles, or create it with PUT ${profilePath(own, name)}.`,
    );
  }
  return profile;
}

export async function listMappingProfiles(deps: MappingProfileDeps, caller: Caller, uscc: string) {
  const own = await readableInstitution(deps, caller, uscc);
  return { items: await deps.profiles.list(own) };
}

/** PUT: creates (no expected version) or replaces (the version read) a profile; 201 or 200 with it. */
export async function putMappingProfile(
  deps: MappingProfileDeps,
  caller: Caller,
  uscc: string,
  name: string,
  body: PutMappingProfile,
  ifMatch?: string,
): Promise<{ created: boolean; profile: MappingProfile }> {
  const own = ownInstitution(caller, uscc);
  if (caller.department !== undefined) {
    throw new ForbiddenError(
      `Mapping profiles are saved by institution-level users (technology transfer office); your account is scoped to the department ${caller.department}: ask them, or upload with an existing profile.`,
    );
  }
  const fromHeader = versionOfIfMatch(ifMatch);
  if (fromHeader !== undefined && body.expectedVersion !== undefined && fromHeader !== body.expectedVersion) {
    throw new ValidationError(
      `If-Match names version ${fromHeader} but expectedVersion ${body.expectedVersion}: send one of them.`,
      [{ in: 'body', field: 'expectedVersion', message: 'differs from If-Match' }],
    );
  }
  const expected = body.expectedVersion ?? fromHeader;
  const path = profilePath(own, name);
  const current = await deps.profiles.get(own, name);
  if (current && expected === undefined) {
    throw new ConflictError(
      `The mapping profile "${name}" exists (version ${current.version}): read it (GET ${path}) and send your change with expectedVersion ${current.version} (or If-Match: "${current.version}").`,
    );
  }
  if (!current && expected !== undefined) {
    throw new ConflictError(
      `There is no mapping profile "${name}" (it was never created, or you named another): send it without expectedVersion to create it.`,
    );
  }
  if (current && expected !== current.version) {
    throw new ConflictError(
      `The mapping profile "${name}" changed since you read it (version ${expected}, now ${current.version}): read it again (GET ${path}) and send your change with expectedVersion ${current.version}.`,
    );
  }
  if (!current && (await deps.profiles.list(own)).length >= maxProfilesPerInstitution) {
    throw new ConflictError(
      `Your institution has ${maxProfilesPerInstitution} mapping profiles, the most it may keep: replace one of them (PUT with its name and expectedVersion) instead of adding another.`,
    );
  }
  const at = deps.now().toISOString();
  // A name deleted before continues its version sequence (the tombstone's version).
  const base = current?.version ?? (await deps.profiles.deletedVersion(own, name));
  const profile: MappingProfile = {
    institutionUscc: own,
    name,
    version: base + 1,
    columns: body.columns.map((column) => ({ header: column.header, field: column.field })),
    // Values are stored as the field's code (licensed), whichever name the request used (许可实施).
    values: body.values.map((value) => {
      const options = inventoryColumns.find((column) => column.key === value.field)!.options!;
      return { field: value.field, source: value.source, value: findOption(options, value.value)!.value };
    }),
    ...(body.description ? { description: body.description } : {}),
    createdAt: current?.createdAt ?? at,
    updatedAt: at,
  };
  const saved = await deps.profiles.save(profile, current, caller, at);
  if (saved === 'conflict') {
    throw new ConflictError(
      current
        ? `The mapping profile "${name}" was changed by someone else a moment ago: read it again (GET ${path}) and send your change with its new version.`
        : `The mapping profile "${name}" was created by someone else a moment ago: read it (GET ${path}) and send your change with its version.`,
    );
  }
  return { created: current === undefined, profile };
}

/**
 * DELETE: removes a profile at the version read (If-Match, required: a delete must not remove a change
 * the caller has not seen). Uploads naming it are then refused with what to do (404); without a
 * `default` profile, direct S3 drops are read by the headers alone. Jobs read with it keep its name.
 */
export async function deleteMappingProfile(
  deps: MappingProfileDeps,
  caller: Caller,
  uscc: string,
  name: string,
  ifMatch: string | undefined,
): Promise<void> {
  const own = ownInstitution(caller, uscc);
  if (caller.department !== undefined) {
    throw new ForbiddenError(
      `Mapping profiles are deleted by institution-level users (technology transfer office); your account is scoped to the department ${caller.department}: ask them.`,
    );
  }
  const path = profilePath(own, name);
  const expected = versionOfIfMatch(ifMatch);
  if (expected === undefined) {
    throw new ValidationError(
      `Send If-Match with the profile's ETag to delete it (GET ${path} answers it, e.g. "3"): a delete must not remove a change you have not seen.`,
      [{ in: 'header', field: 'If-Match', message: 'required: the ETag of the profile read' }],
    );
  }
  const current = await deps.profiles.get(own, name);
  if (!current) {
    throw new NotFoundError(
      `Your institution has no mapping profile "${name}" (deleted already, or never saved): list them with GET /v1/institutions/${own}/mapping-profiles.`,
    );
  }
  const changed = () =>
    new ConflictError(
      `The mapping profile "${name}" changed since you read it (version ${expected}, now ${current.version}): read it again (GET ${path}) and delete with If-Match: "${current.version}" if you still want to.`,
    );
  if (current.version !== expected) throw changed();
  if ((await deps.profiles.remove(current, caller, deps.now().toISOString())) === 'conflict') {
    const now = await deps.profiles.get(own, name);
    if (!now)
      throw new NotFoundError(
        `The mapping profile "${name}" was deleted by someone else a moment ago: nothing is left to delete.`,
      );
    throw new ConflictError(
      `The mapping profile "${name}" was changed by someone else a moment ago (now version ${now.version}): read it again (GET ${path}) and delete with If-Match: "${now.version}" if you still want to.`,
    );
  }
}

/**
 * The profile an inventory file is read with: the one named (absent: 404 with what to do), else the
 * institution's `default` when it has one, else none.
 */
export async function profileForUpload(
  profiles: Pick<MappingProfileStore, 'get'>,
  uscc: string,
  named: string | undefined,
): Promise<MappingProfile | undefined> {
  if (named === undefined) return profiles.get(uscc, 'default');
  const profile = await profiles.get(uscc, named);
  if (!profile) {
    throw new NotFoundError(
      `Your institution has no mapping profile "${named}": list them with GET /v1/institutions/${uscc}/mapping-profiles, save it with PUT /v1/institutions/${uscc}/mapping-profiles/${named}, or upload without one.`,
    );
  }
  return profile;
}
