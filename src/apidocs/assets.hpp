// The OpenAPI document and the files of the /docs page, compiled into the binary.
#pragma once

#include <string_view>
#include <vector>

namespace shipd::apidocs {

/// One file as served: its bytes, type, entity tag and caching policy.
struct Asset {
    std::string_view name;           ///< "openapi.json", "docs.html", "swagger-ui.css", ...
    std::string_view content_type;   ///< "application/json", "text/css; charset=utf-8", ...
    std::string_view body;
    std::string_view etag;           ///< quoted strong ETag from the SHA-256 of body: "\"3f2a...\""
    std::string_view cache_control;  ///< "no-cache" (revalidate) or "public, max-age=..."
};

/// docs/openapi.json: the OpenAPI 3.1 document of every route.
const Asset& openapi_document();

/// The /docs page (src/apidocs/docs.html).
const Asset& docs_page();

/// A file served under /docs/{file} (swagger-ui's script, style sheet and icon, and the page's
/// own script); nullptr for any other name.
const Asset* docs_file(std::string_view name);

/// The names docs_file() knows.
std::vector<std::string_view> docs_file_names();

}  // namespace shipd::apidocs
