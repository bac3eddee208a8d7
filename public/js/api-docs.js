// @ts-check
// Boots Swagger UI for /api/docs (kept out of the HTML so no inline script is needed).
/* global SwaggerUIBundle */
// @ts-expect-error -- SwaggerUIBundle is a global from /vendor/swagger-ui/swagger-ui-bundle.js
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  persistAuthorization: true,
  deepLinking: true,
});
