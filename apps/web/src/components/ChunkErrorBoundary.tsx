import { Component, type ReactNode } from "react";

interface State {
  failed: boolean;
}

/**
 * Catches a view that failed to load (offline, or a new deployment replaced the old chunk files)
 * and offers a reload instead of a blank page.
 */
export class ChunkErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <section className="card notice" role="alert" aria-labelledby="load-failed-title">
        <h1 id="load-failed-title">This page could not be loaded</h1>
        <p className="lead">Check your connection, then reload the page.</p>
        <p className="actions">
          <button type="button" className="button primary" onClick={() => window.location.reload()}>
            Reload
          </button>
        </p>
      </section>
    );
  }
}
