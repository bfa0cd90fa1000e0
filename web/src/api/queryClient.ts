/** Query defaults: retry only what retrying can fix (network failures and 5xx answers). */
import { QueryClient } from "@tanstack/react-query";
import { ApiProblem } from "./client.ts";

function isTransient(error: unknown): boolean {
  return error instanceof ApiProblem && (error.status === 0 || error.status >= 500);
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: (failureCount, error) => failureCount < 2 && isTransient(error),
    },
  },
});
