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

/// error_response with one more top-level member beside "error": `"name": json` (`json`
/// already serialized), for an answer that must say what was done before the failure.
Response error_response_with(Status status, std::string_view code, std::string_view message,
                             std::string_view request_id, std::string_view name, std::string_view json);

/// A 200/201 JSON response with `body` as given.
Response json_response(Status status, std::string body);


}  // namespace shipd::http
