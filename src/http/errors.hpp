// The one JSON error shape of API.md, for responses http/ itself must give (404, 405, 413, ...).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/types.hpp"

namespace shipd::http {

/// One invalid field of a 4xx answer (`errors[]` in API.md).
struct FieldError {
    std::string field;
    std::string message;
};

/// {"error": {"code", "message", "errors"?}, "request_id"} with the status and, for 429 and
/// 503, a Retry-After header. Keep-alive is left to the caller.
Response error_response(Status status, std::string_view code, std::string_view message,
                        std::string_view request_id, const std::vector<FieldError>& errors = {},
                        int retry_after_s = 0);

/// A 200/201 JSON response with `body` as given.
Response json_response(Status status, std::string body);


}  // namespace shipd::http
