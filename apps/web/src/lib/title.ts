import { useEffect } from "react";

const APP_NAME = "Entra BFF";

/** Sets the tab title to "`page` · Entra BFF" while the calling component is shown. */
export function useDocumentTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} · ${APP_NAME}`;
  }, [page]);
}
