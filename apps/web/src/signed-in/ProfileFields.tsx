import type { Profile } from "@entra-bff/contracts";
import type { ReactNode } from "react";
import { telHref } from "../lib/format.js";

function languageName(tag: string): string {
  try {
    const name = new Intl.DisplayNames(undefined, { type: "language" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
  } catch {
    return tag; // not a valid BCP 47 tag: show it as Graph sent it
  }
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const notSet = <span className="muted">Not set</span>;

/** The contact fields of a Graph profile as a description list; empty fields say "Not set". */
export function ProfileFields({ profile }: { profile: Profile }) {
  const phones = profile.businessPhones;
  return (
    <dl className="fields">
      <Field label="Email">
        {profile.mail ? <a href={`mailto:${profile.mail}`}>{profile.mail}</a> : notSet}
      </Field>
      <Field label="User principal name">{profile.userPrincipalName ?? notSet}</Field>
      <Field label={phones.length > 1 ? "Business phones" : "Business phone"}>
        {phones.length === 0
          ? notSet
          : phones.map((phone) => (
              <a key={phone} className="phone" href={telHref(phone)}>
                {phone}
              </a>
            ))}
      </Field>
      <Field label="Mobile phone">
        {profile.mobilePhone ? <a href={telHref(profile.mobilePhone)}>{profile.mobilePhone}</a> : notSet}
      </Field>
      <Field label="Office location">{profile.officeLocation ?? notSet}</Field>
      <Field label="Preferred language">
        {profile.preferredLanguage ? languageName(profile.preferredLanguage) : notSet}
      </Field>
    </dl>
  );
}

/** Object id and tenant id: useful to admins, tucked away for everyone else. */
export function IdentityDetails({ profile, tenantId }: { profile: Profile; tenantId: string }) {
  return (
    <details className="identity">
      <summary>Directory details</summary>
      <dl className="fields">
        <Field label="Object ID">
          <code>{profile.id}</code>
        </Field>
        <Field label="Tenant ID">
          <code>{tenantId}</code>
        </Field>
      </dl>
    </details>
  );
}
