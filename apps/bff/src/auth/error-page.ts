/** One row of the details list on an auth page. */
export interface PageDetail {
  term: string;
  value: string;
}

export interface AuthPageOptions {
  title: string;
  lead: string;
  details?: PageDetail[];
  /** Where "Try again" points; omitted → no such button. */
  retryUrl?: string;
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Renders a server-side auth page (sign-in error, expired state, store down) in the markup the SPA
 * styles through /auth-page.css. No inline script or style (CSP), everything escaped.
 */
export function renderAuthPage(options: AuthPageOptions): string {
  const details = options.details?.length
    ? `<dl class="details">${options.details
        .map((d) => `<dt>${escapeHtml(d.term)}</dt><dd>${escapeHtml(d.value)}</dd>`)
        .join("")}</dl>`
    : "";
  const retry = options.retryUrl
    ? `<a class="button primary" href="${escapeHtml(options.retryUrl)}">Try again</a> `
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="/auth-page.css">
</head>
<body>
<main class="auth-page"><section class="card" role="alert"><h1>${escapeHtml(options.title)}</h1><p class="lead">${escapeHtml(options.lead)}</p>${details}<p class="actions">${retry}<a class="button" href="/">Back to the app</a></p></section></main>
</body>
</html>
`;
}
