/** Session state for the portal: who is signed in, how to sign in and out. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiProblem, apiRequest } from "./client.ts";

export type OrgRole = "admin" | "editor" | "member";

export interface CurrentUser {
  user: { id: string; email: string; name: string; isPlatformAdmin: boolean };
  memberships: { org: string; role: OrgRole }[];
}

export interface AuthProviders {
  oidc?: { enabled: boolean; label: string };
}

export interface Credentials {
  email: string;
  password: string;
}

const currentUserKey = ["auth", "me"] as const;

/** The signed-in user, or `null` for an anonymous visitor (the API answers 401). */
export function useCurrentUser() {
  return useQuery({
    queryKey: currentUserKey,
    queryFn: async (): Promise<CurrentUser | null> => {
      try {
        return await apiRequest<CurrentUser>("/auth/me");
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

/** Sign-in methods besides the password form. A failure simply hides them. */
export function useAuthProviders() {
  return useQuery({
    queryKey: ["auth", "providers"],
    queryFn: () => apiRequest<AuthProviders>("/auth/providers"),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) =>
      apiRequest<unknown>("/auth/login", { method: "POST", json: credentials }),
    // Everything may look different to the signed-in user; awaiting the refetch means the
    // header already shows them on the page we land on.
    onSuccess: () => queryClient.invalidateQueries(),
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest<void>("/auth/logout", { method: "POST" }),
    onSuccess: () => {
      queryClient.setQueryData(currentUserKey, null);
      // Forget whatever was fetched with the old session; screens on view refetch anonymously.
      return queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== "auth" });
    },
  });
}
