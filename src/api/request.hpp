// Request helpers for handlers: content type, parsed bodies to API errors, path ids.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "api/api_error.hpp"
#include "domain/parsed.hpp"
#include "http/types.hpp"

namespace shipd::api {

/// Throws 415 UNSUPPORTED_MEDIA_TYPE unless the request's Content-Type is `expected`
/// (parameters such as charset ignored, case-insensitive).
void require_content_type(const http::RequestContext& ctx, std::string_view expected);

/// The request target's query string (after '?'; empty when there is none).
std::string_view query_string(const http::RequestContext& ctx);

/// The path parameter `name`, which must be a UUID; else 400 BAD_REQUEST naming it.
std::string require_uuid(const http::RequestContext& ctx, std::string_view name);

/// The ApiError of a failed parse: 400 BAD_REQUEST or 422 VALIDATION_ERROR, every problem listed.
ApiError parse_error(const domain::Failure failure, const std::string& message,
                     const std::vector<domain::Problem>& problems);

/// The parsed value, or throws parse_error().
template <class T>
T take(domain::Parsed<T>&& parsed) {
    if (!parsed.ok()) throw parse_error(parsed.failure, parsed.message, parsed.problems);
    return std::move(*parsed.value);
}

/// A JSON response with the given status.
http::Response json(http::Status status, std::string body);

}  // namespace shipd::api
