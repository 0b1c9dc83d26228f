// Request helpers for handlers.
#include "api/request.hpp"

#include <cctype>

#include "domain/validate.hpp"
#include "http/errors.hpp"

namespace shipd::api {

void require_content_type(const http::RequestContext& ctx, std::string_view expected) {
    std::string_view type = ctx.request[http::bhttp::field::content_type];
    type = type.substr(0, type.find(';'));
    while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
    bool ok = type.size() == expected.size();
    for (size_t i = 0; ok && i < type.size(); ++i) {
        ok = std::tolower(static_cast<unsigned char>(type[i])) == expected[i];
    }
    if (!ok) {
        throw ApiError(http::Status::unsupported_media_type, "UNSUPPORTED_MEDIA_TYPE",
                       "Content-Type must be " + std::string(expected) +
                           (type.empty() ? " (none was sent)" : ", not " + std::string(type)));
    }
}

std::string require_uuid(const http::RequestContext& ctx, std::string_view name) {
    std::string_view value = ctx.param(name);
    if (!domain::is_uuid(value)) {
        throw ApiError(http::Status::bad_request, "BAD_REQUEST", std::string(name) + " in the path is not a UUID",
                       {{std::string(name), "is not a UUID"}});
    }
    std::string out(value);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

ApiError parse_error(const domain::Failure failure, const std::string& message,
                     const std::vector<domain::Problem>& problems) {
    std::vector<http::FieldError> errors;
    errors.reserve(problems.size());
    for (const auto& p : problems) errors.push_back({p.field, p.message});
    if (failure == domain::Failure::kValidation) {
        return ApiError(http::Status::unprocessable_entity, "VALIDATION_ERROR", message, std::move(errors));
    }
    return ApiError(http::Status::bad_request, "BAD_REQUEST", message, std::move(errors));
}

std::string_view query_string(const http::RequestContext& ctx) {
    std::string_view target = ctx.request.target();
    size_t q = target.find('?');
    return q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
}

http::Response json(http::Status status, std::string body) { return http::json_response(status, std::move(body)); }

}  // namespace shipd::api
