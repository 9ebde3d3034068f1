import { queryOptions } from "@tanstack/react-query";
import { fetchPhoto, fetchProfile } from "./api.js";

/** `['me']` and `['me', 'photo']`: hierarchical, so dropping `['me']` drops the photo too. */
export const profileQuery = () =>
  queryOptions({ queryKey: ["me"], queryFn: ({ signal }) => fetchProfile(signal), staleTime: 5 * 60_000 });

export const photoQuery = () =>
  queryOptions({
    queryKey: ["me", "photo"],
    queryFn: ({ signal }) => fetchPhoto(signal),
    staleTime: 30 * 60_000,
  });
