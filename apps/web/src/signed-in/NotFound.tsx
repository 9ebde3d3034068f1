import { Link } from "../lib/router.js";
import { useDocumentTitle } from "../lib/title.js";

/** Any path the SPA does not know. */
export function NotFound() {
  useDocumentTitle("Page not found");
  return (
    <section className="card notice" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p className="lead">There is nothing at this address.</p>
      <p className="actions">
        <Link href="/" className="button primary">
          Go to the overview
        </Link>
      </p>
    </section>
  );
}
