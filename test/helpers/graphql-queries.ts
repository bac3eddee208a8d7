/**
 * GraphQL documents shared by the tests and the bench (bench/run.ts loads the very query whose
 * statements test/integration/graphql.test.ts counts). Plain strings: no test runner imports here.
 */

/** A feed page with authors, like and comment counts and each post's first two comments. */
export const FEED_QUERY = `query Feed($first: Int) {
  feed(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id content likeCount commentCount feedReason
      author { id username fullName }
      comments(first: 2) { nodes { content author { username } } pageInfo { hasNextPage } } } }
  }
}`;
