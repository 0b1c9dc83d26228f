// The one JSON error shape of API.md.
#include "http/errors.hpp"

#include "text/json_escape.hpp"

#include <boost/beast/http/field.hpp>

namespace shipd::http {

Response json_response(Status status, std::string body) {
    Response res{status, 11};
    res.set(bhttp::field::content_type, "application/json");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

namespace {

// {"error": {...}} up to the closing brace of "error" (the caller closes the object).
std::string error_body(std::string_view code, std::string_view message, const std::vector<FieldError>& errors) {
    std::string body = "{\"error\":{\"code\":\"";
    text::append_json_escaped(body, code);
    body += "\",\"message\":\"";
    text::append_json_escaped(body, message);
    body += '"';
    if (!errors.empty()) {
        body += ",\"errors\":[";
        for (size_t i = 0; i < errors.size(); ++i) {
            if (i) body += ',';
            body += "{\"field\":\"";
            text::append_json_escaped(body, errors[i].field);
            body += "\",\"message\":\"";
            text::append_json_escaped(body, errors[i].message);
            body += "\"}";
        }
        body += ']';
    }
    body += '}';
    return body;
}

void close_error_body(std::string& body, std::string_view request_id) {
    body += ",\"request_id\":\"";
    text::append_json_escaped(body, request_id);
    body += "\"}";
}

}  // namespace

Response error_response(Status status, std::string_view code, std::string_view message,
                        std::string_view request_id, const std::vector<FieldError>& errors,
                        int retry_after_s) {
    std::string body = error_body(code, message, errors);
    close_error_body(body, request_id);
    Response res = json_response(status, std::move(body));
    if (retry_after_s > 0) res.set(bhttp::field::retry_after, std::to_string(retry_after_s));
    return res;
}

Response error_response_with(Status status, std::string_view code, std::string_view message,
                             std::string_view request_id, std::string_view name, std::string_view json) {
    std::string body = error_body(code, message, {});
    body += ",\"";
    text::append_json_escaped(body, name);
    body += "\":";
    body += json;
    close_error_body(body, request_id);
    return json_response(status, std::move(body));
}

}  // namespace shipd::http
