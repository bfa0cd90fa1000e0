/** The CKAN actions this surface answers, each with the text `help_show` gives for it. */
import type { ActionContext, CkanAction } from "./action.ts";
import { datastoreSearch } from "./datastore-search.ts";
import { datastoreSearchSql } from "./datastore-sql.ts";
import { notFound } from "./errors.ts";
import { organizationList, organizationShow } from "./organizations.ts";
import { currentPackageListWithResources, packageSearch } from "./package-search.ts";
import { packageList, packageShow, resourceShow } from "./packages.ts";
import { type DataDict, requireString } from "./params.ts";
import { licenseList, statusShow } from "./site.ts";
import { tagList } from "./tags.ts";

const helpShow: CkanAction = {
  doc: `Return the help string for a particular API action.

:param name: action function name (eg \`user_create\`, \`package_search\`)
:type name: string
:returns: The help string for the action function, or None if the function
  does not have a docstring.
:rtype: string`,
  async run(_c: ActionContext, data: DataDict) {
    const name = requireString(data, "name");
    const action = findAction(name);
    if (!action) throw notFound("Action function not found");
    return action.doc;
  },
};

export const ACTIONS: Record<string, CkanAction> = {
  package_search: {
    doc: `Searches for datasets (packages) matching the given criteria.

:param q: free text, and Solr field clauses (default "*:*")
:param fq: filter clauses: organization:, owner_org:, tags:, res_format:, license_id:, groups: (themes),
  classification:, personal_data:, frequency:, spatial:, capacity:public, metadata_modified:[from TO to],
  id:, name:; clauses are AND-ed, "+" and "AND" optional, "-" negates organization, OR joins values of one field
:param rows: results per page (default 10, at most 1000)
:param start: offset of the first result
:param sort: "score desc, metadata_modified desc" (default), "metadata_modified desc", "title_string asc"
:param facet.field: JSON list of fields to count: organization, tags, res_format, license_id, groups
:param facet.limit: values per facet (default 50, negative for all)
:param include_private: include the private datasets you may read (default false)
:returns: {count, results, sort, facets, search_facets}`,
    run: packageSearch,
  },
  package_show: {
    doc: `Return the metadata of a dataset (package) and its resources.

:param id: the id (uuid) or name (<organization>__<dataset>) of the dataset
:rtype: dictionary`,
    run: packageShow,
  },
  package_list: {
    doc: `Return the names of the site's public datasets, sorted.

:param limit: page size (optional)
:param offset: where the page starts (with limit)
:rtype: list of strings`,
    run: packageList,
  },
  current_package_list_with_resources: {
    doc: `Return the site's public datasets and their resources, most recently modified first.

:param limit: page size (default 10, at most 1000)
:param offset: where the page starts
:param page: page number, when offset is not given (deprecated)
:rtype: list of dictionaries`,
    run: currentPackageListWithResources,
  },
  resource_show: {
    doc: `Return the metadata of a resource: one download format of a dataset's current version.

:param id: the id of the resource
:rtype: dictionary`,
    run: resourceShow,
  },
  organization_list: {
    doc: `Return the names of the site's organizations, or their dictionaries with all_fields.

:param sort: "title" (default), "name" or "package_count", each with "asc" or "desc"
:param limit: at most 1000 names, or 25 dictionaries with all_fields
:param offset: where the page starts
:param organizations: only these names
:param all_fields: return dictionaries instead of names (default false)
:rtype: list of strings or dictionaries`,
    run: organizationList,
  },
  organization_show: {
    doc: `Return the details of an organization.

:param id: the id or name of the organization
:param include_datasets: include its datasets, up to 1000 (default false)
:param include_dataset_count: include package_count (default true)
:param include_users: include its members, for those who may see them (default true)
:rtype: dictionary`,
    run: organizationShow,
  },
  tag_list: {
    doc: `Return the keywords (free tags) of the datasets you may see.

:param query: only tags whose names contain this text
:param all_fields: return tag dictionaries instead of names (default false)
:rtype: list of strings or dictionaries`,
    run: tagList,
  },
  license_list: {
    doc: `Return the list of licenses available for datasets on the site.

:rtype: list of dictionaries`,
    run: licenseList,
  },
  status_show: {
    doc: `Return a dictionary with information about the site's configuration.

:rtype: dictionary`,
    run: statusShow,
  },
  help_show: helpShow,
  datastore_search: {
    doc: `Search a DataStore resource: the rows of a dataset's current version.

:param resource_id: a resource id, package id, <organization>__<dataset> or <organization>/<dataset>
:param filters: matching conditions, e.g. {"key1": "a", "key2": ["b", "c"]}
:param q: full text query (string), or {"field": "text"} per field
:param distinct: return only distinct rows (default false)
:param limit: rows to return (default 100, at most 32000)
:param offset: rows to skip
:param fields: fields to return, a list or comma separated
:param sort: "field1, field2 desc"
:param include_total: count the matching rows (default true)
:param records_format: objects (default), lists, csv or tsv
:returns: {resource_id, fields, records, total, limit, offset, _links, …}`,
    run: datastoreSearch,
  },
  datastore_search_sql: {
    doc: `Run one read-only SQL SELECT over DataStore resources.

Tables are resource ids in double quotes ("<resource id>"), package names, or Mekong's "org/name".
The same rules as POST /api/v1/sql apply: allowed functions only, no files or settings, a time limit.
At most 32000 records are returned; records_truncated says when more matched.

:param sql: a single SQL select statement
:returns: {sql, fields, records, records_truncated?}`,
    run: datastoreSearchSql,
  },
};

export function findAction(name: string): CkanAction | undefined {
  return Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
}
