import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { initials } from "../lib/format.js";
import { photoQuery } from "./queries.js";

/** An object URL for `blob`, revoked when the blob changes or the component unmounts. */
function useObjectUrl(blob: Blob | null | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob) return;
    const objectUrl = URL.createObjectURL(blob);
    setUrl(objectUrl);
    return () => {
      URL.revokeObjectURL(objectUrl);
      setUrl(undefined);
    };
  }, [blob]);
  return url;
}

interface AvatarProps {
  name: string;
  size?: "large" | "small";
}

/**
 * The user's Graph photo, fetched with the CSRF header (an `<img src>` cannot send it) and shown
 * through a blob URL; initials when there is no photo or it failed to load.
 */
export function Avatar({ name, size = "large" }: AvatarProps) {
  const photo = useQuery(photoQuery());
  const url = useObjectUrl(photo.data);
  const className = `avatar avatar-${size}`;
  if (photo.isPending) return <span className={`${className} skeleton`} aria-hidden="true" />;
  if (url) {
    // biome-ignore lint/a11y/noRedundantAlt: "Profile photo of …" is the agreed accessible name (e2e looks for it)
    return <img className={className} src={url} alt={`Profile photo of ${name}`} />;
  }
  return (
    <span className={`${className} initials`} role="img" aria-label={`${name} (no profile photo)`}>
      {initials(name)}
    </span>
  );
}
