import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { ApiError } from "../../../lib/errors.ts";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./connections.ts";

/**
 * Limits checked on the parsed, validated document before anything runs (no I/O before them):
 *
 *   depth   the deepest field path, fragments expanded (introspection's `__schema`/`__type` trees are
 *           exempt: they are answered from memory, and the standard introspection query is deep);
 *   cost    one per field, times the page size of every connection above it (`first`, default 20,
 *           applied to the connection's `edges`/`nodes`, not its `pageInfo`), times LIST_ESTIMATE
 *           for other lists — so aliases add up (each alias is its own field) and nesting multiplies;
 *   pages   `first` above MAX_PAGE_SIZE is refused here too, literal or variable.
 *
 * Expanding fragments is itself bounded (WORK_LIMIT visits), so a fragment that spreads another
 * twice, which spreads another twice… cannot make the analysis exponential.
 */
export const MAX_DEPTH = 8;
export const MAX_COST = 5_000;
const LIST_ESTIMATE = 10;
const WORK_LIMIT = 20_000;

export type QueryMeasure = { depth: number; cost: number };

function pageSize(value: ValueNode | undefined, variables: Record<string, unknown>): number {
  if (!value) return DEFAULT_PAGE_SIZE;
  const raw =
    value.kind === Kind.VARIABLE
      ? variables[value.name.value]
      : value.kind === Kind.INT
        ? Number(value.value)
        : undefined;
  if (raw === undefined || raw === null) return DEFAULT_PAGE_SIZE;
  if (typeof raw !== "number" || !Number.isInteger(raw)) return DEFAULT_PAGE_SIZE; // coercion rejects it later, before I/O
  if (raw > MAX_PAGE_SIZE) {
    throw new ApiError(422, "page-too-large", `first is limited to ${MAX_PAGE_SIZE} (asked for ${raw})`, {
      errors: [{ path: "first", message: `must be at most ${MAX_PAGE_SIZE}` }],
    });
  }
  return Math.max(raw, 1);
}

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): QueryMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let work = 0;
  let maxDepth = 0;

  // The cost of a selection set at `depth`, each of its fields costing `multiplier` apiece.
  // `parent` is undefined inside introspection trees (no paging there).
  // `page` is the page size asked of the connection whose fields these are.
  function walk(
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    depth: number,
    multiplier: number,
    inIntrospection: boolean,
    page = 1,
  ): number {
    let cost = 0;
    for (const selection of set.selections) {
      if (++work > WORK_LIMIT) throw tooComplex(`the document expands to more than ${WORK_LIMIT} selections`);
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment)
          cost += walk(
            fragment.selectionSet,
            typeOf(fragment.typeCondition.name.value, parent),
            depth,
            multiplier,
            inIntrospection,
            page,
          );
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const narrowed = selection.typeCondition ? typeOf(selection.typeCondition.name.value, parent) : parent;
        cost += walk(selection.selectionSet, narrowed, depth, multiplier, inIntrospection, page);
      } else {
        const name = selection.name.value;
        const introspection = inIntrospection || name === "__schema" || name === "__type";
        const fieldDepth = depth + 1;
        if (!introspection && fieldDepth > maxDepth) {
          maxDepth = fieldDepth;
          if (maxDepth > MAX_DEPTH) {
            throw new ApiError(422, "query-too-deep", `The query is nested deeper than ${MAX_DEPTH} levels`);
          }
        }
        cost += multiplier;
        if (cost > MAX_COST) throw tooCostly();
        if (!selection.selectionSet) continue;
        const field = !introspection && parent && isObjectType(parent) ? parent.getFields()[name] : undefined;
        let childMultiplier = multiplier;
        let childPage = 1;
        if (field) {
          const returned = getNamedType(field.type);
          const isList = isListType(getNullableType(field.type));
          if (returned.name.endsWith("Connection")) {
            childPage = pageSize(selection.arguments?.find((a) => a.name.value === "first")?.value, variables);
          } else if (isList) {
            childMultiplier *= parent!.name.endsWith("Connection") ? page : LIST_ESTIMATE;
          }
        }
        cost += walk(
          selection.selectionSet,
          field ? getNamedType(field.type) : undefined,
          fieldDepth,
          childMultiplier,
          introspection,
          childPage,
        );
        if (cost > MAX_COST) throw tooCostly();
      }
    }
    return cost;
  }

  const typeOf = (name: string, fallback: GraphQLNamedType | undefined) =>
    fallback ? (schema.getType(name) ?? fallback) : undefined;
  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  const cost = walk(operation.selectionSet, root ?? undefined, 0, 1, false);
  return { depth: maxDepth, cost };
}

const tooCostly = () =>
  new ApiError(
    422,
    "query-too-costly",
    `The query could return too much: its cost exceeds ${MAX_COST} (fields times page sizes); ask for smaller pages or fewer fields`,
  );
const tooComplex = (why: string) => new ApiError(422, "query-too-costly", `The query is too complex: ${why}`);
