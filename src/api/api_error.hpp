// ApiError: what a handler throws to answer with one of API.md's error codes, and the one
// place that maps every error to API.md's shape and status (map_error).
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "http/errors.hpp"
#include "http/types.hpp"

namespace shipd::api {

/// An expected failure with its status and code (400 BAD_REQUEST, 404 NOT_FOUND, 409, 422 ...).
class ApiError : public std::runtime_error {
public:
    ApiError(http::Status status, std::string code, std::string message,
             std::vector<http::FieldError> errors = {}, int retry_after_s = 0)
        : std::runtime_error(std::move(message)), status_(status), code_(std::move(code)),
          errors_(std::move(errors)), retry_after_s_(retry_after_s) {}
    http::Status status() const { return status_; }
    const std::string& code() const { return code_; }
    const std::vector<http::FieldError>& errors() const { return errors_; }
    int retry_after_s() const { return retry_after_s_; }

private:
    http::Status status_;
    std::string code_;
    std::vector<http::FieldError> errors_;
    int retry_after_s_;
};

/// 404 NOT_FOUND for `what` ("shipment 0193...").
ApiError not_found(const std::string& what);

/// Maps any error to API.md's error response: ApiError as given; pool timeout / overload /
/// database down to 503 with Retry-After; carrier failures to 502; anything else to 500
/// INTERNAL (logged with the request id, never shown).
http::Response map_error(const std::exception_ptr& error, const http::RequestContext& ctx);

/// Middleware that answers every exception through map_error.
http::Middleware error_mapping();

}  // namespace shipd::api
