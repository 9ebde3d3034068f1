/** The app roles Entra ID assigned to the user (the ID token's `roles`, kept by the BFF). */
export function RolesCard({ roles }: { roles: string[] }) {
  return (
    <section className="card roles-card" aria-labelledby="roles-title">
      <h2 id="roles-title">Your app roles</h2>
      {roles.length === 0 ? (
        <p className="muted">No app roles are assigned to you for this app.</p>
      ) : (
        <ul className="roles">
          {roles.map((role) => (
            <li key={role}>
              <code>{role}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
