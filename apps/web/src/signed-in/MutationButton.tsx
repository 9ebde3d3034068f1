import type { ReactNode } from "react";

/** What a button needs of a react-query mutation. */
interface Mutation {
  isPending: boolean;
  isError: boolean;
  mutate: () => void;
}

/**
 * A button that runs a mutation once at a time (aria-disabled while pending, so it keeps focus)
 * and says so next to itself when it failed.
 */
export function MutationButton({
  mutation,
  children,
  pendingText,
  errorText,
  className = "button",
  label,
}: {
  mutation: Mutation;
  children: ReactNode;
  pendingText: string;
  errorText: string;
  className?: string;
  /** An accessible name when the visible text is not enough ("Sign out" of which session). */
  label?: string;
}) {
  return (
    <>
      <button
        type="button"
        className={className}
        aria-disabled={mutation.isPending}
        {...(label ? { "aria-label": label } : {})}
        onClick={() => {
          if (!mutation.isPending) mutation.mutate();
        }}
      >
        {mutation.isPending ? pendingText : children}
      </button>
      {mutation.isError && (
        <span role="alert" className="inline-error">
          {errorText}
        </span>
      )}
    </>
  );
}
