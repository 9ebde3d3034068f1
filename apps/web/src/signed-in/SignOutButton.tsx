import { useMutation, useQueryClient } from "@tanstack/react-query";
import { postLogout } from "./api.js";
import { MutationButton } from "./MutationButton.js";

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
      <MutationButton mutation={logout} pendingText="Signing out…" errorText="Sign-out failed. Try again.">
        Sign out
      </MutationButton>
    </span>
  );
}
