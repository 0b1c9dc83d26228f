// The API's documentation: GET /openapi.json and the interactive page GET /docs.
#pragma once

#include "http/router.hpp"

namespace shipd::api {

/// GET /openapi.json: the OpenAPI 3.1 document (docs/openapi.json, compiled in).
/// GET /docs: swagger-ui on that document; GET /docs/{file}: the page's scripts, style and icon.
/// All public (auth.cpp), each with a strong ETag: If-None-Match answers 304 without a body.
void add_docs_routes(http::Router& router);

}  // namespace shipd::api
