/** Organizations list: cursor-paginated, 50 per page. */
import { useInfiniteQuery } from "@tanstack/react-query";
import { apiRequest } from "./client.ts";

export const organizationKinds = ["ministry", "province", "agency", "company", "research", "other"] as const;
export type OrganizationKind = (typeof organizationKinds)[number];

export interface Organization {
  id: string;
  name: string;
  title: string;
  titleEn?: string;
  kind: OrganizationKind;
  description?: string;
  country: string;
  createdAt: string;
}

export interface OrganizationPage {
  items: Organization[];
  nextCursor?: string;
}

const pageSize = 50;

export function useOrganizations() {
  return useInfiniteQuery({
    queryKey: ["organizations"],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (pageParam) query.set("cursor", pageParam);
      return apiRequest<OrganizationPage>(`/organizations?${query}`);
    },
    getNextPageParam: (lastPage) => lastPage.nextCursor || undefined,
  });
}
