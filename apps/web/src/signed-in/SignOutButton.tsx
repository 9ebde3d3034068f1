import { useMutation, useQueryClient } from "@tanstack/react-query";
import { postLogout } from "./api.js";

/** Where the browser goes after sign-out; a seam so tests can watch the navigation. */
export type AssignLocation = (url: string) => void;

const assignWindowLocation: AssignLocation = (url) => window.location.assign(url);

/**
 * `POST /logout`, forget everything cached about the user, then go to Entra's end-session URL,
 * which brings the browser back to `/` signed out.
 */
export function SignOutButton({ assign = assignWindowLocation }: { assign?: AssignLocation }) {
  const queryClient = useQueryClient();
  const logout = useMutation({
    mutationFn: postLogout,
    onSuccess({ logoutUrl }) {
      queryClient.clear();
      assign(logoutUrl);
    },
  });
  return (
    <span className="sign-out">
      <button
        type="button"
        className="button"
        aria-disabled={logout.isPending}
        onClick={() => {
          if (!logout.isPending) logout.mutate();
        }}
      >
        {logout.isPending ? "Signing out…" : "Sign out"}
      </button>
      {logout.isError && (
        <span role="alert" className="inline-error">
          Sign-out failed. Try again.
        </span>
      )}
    </span>
  );
}
