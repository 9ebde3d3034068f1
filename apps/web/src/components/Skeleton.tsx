/** Grey placeholders in the shape of the page to come; screen readers hear one "Loading" status instead. */
export function PageSkeleton({ label }: { label: string }) {
  return (
    <div className="skeleton-page">
      <p role="status" className="visually-hidden">
        {label}
      </p>
      <div aria-hidden="true">
        <span className="skeleton skeleton-title" />
        <div className="card profile-card">
          <div className="profile-head">
            <span className="avatar avatar-large skeleton" />
            <div className="skeleton-lines">
              <span className="skeleton skeleton-line wide" />
              <span className="skeleton skeleton-line" />
            </div>
          </div>
          <span className="skeleton skeleton-line wide" />
          <span className="skeleton skeleton-line" />
          <span className="skeleton skeleton-line wide" />
        </div>
      </div>
    </div>
  );
}
