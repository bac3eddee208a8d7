// @ts-check
// Boots GraphiQL for /api/graphiql (development, or GRAPHIQL_ENABLED; kept out of the HTML so no
// inline script is needed). Queries and mutations go to /api/graphql; add
// `{"Authorization": "Bearer <token>"}` in the Headers tab to act as a user.
/** @type {{ GraphiQL?: any, React?: any, ReactDOM?: any }} - globals of the /vendor/graphiql scripts */
const globals = /** @type {any} */ (window);
const root = document.getElementById('graphiql');
if (root && globals.GraphiQL && globals.React && globals.ReactDOM) {
  const fetcher = globals.GraphiQL.createFetcher({ url: '/api/graphql' });
  globals.ReactDOM.createRoot(root).render(
    globals.React.createElement(globals.GraphiQL, {
      fetcher,
      defaultQuery: '{ blocks(first: 5) { nodes { height hash transactionCount } } }\n',
      isHeadersEditorEnabled: true,
    }),
  );
}
