// Shared machinery of the body parsers.
#include "domain/detail/json_reader.hpp"

#include <boost/json/parser.hpp>
#include <cmath>

#include "text/utf8.hpp"
#include "domain/validate.hpp"

namespace shipd::domain::detail {

namespace {

bool is_blank(std::string_view text) {
    for (char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
    }
    return true;
}

const json::value* member(const json::object& obj, std::string_view key) {
    const json::value* v = obj.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    return v;
}

}  // namespace

std::optional<std::string> parse_json(std::string_view body, json::monotonic_resource& resource,
                                      json::value& out) {
    if (is_blank(body)) return "body is empty; a JSON object is expected";
    if (const auto bad = shipd::text::first_invalid_utf8(body); bad != std::string_view::npos) {
        return "body is not valid UTF-8 (at byte " + std::to_string(bad) + ")";
    }
    json::parse_options options;
    options.max_depth = limits::kMaxJsonDepth;
    options.allow_comments = false;
    options.allow_trailing_commas = false;
    options.allow_invalid_utf8 = false;
    json::parser parser(json::storage_ptr(&resource), options);
    std::error_code ec;
    const std::size_t consumed = parser.write(body.data(), body.size(), ec);
    if (!ec) {
        out = parser.release();
        return std::nullopt;
    }
    const std::string at = " (at byte " + std::to_string(consumed) + ")";
    if (ec == json::error::incomplete) return "body is not valid JSON: it ends too early (truncated)";
    if (ec == json::error::too_deep) {
        return "body is not valid JSON: nested deeper than " +
               std::to_string(limits::kMaxJsonDepth) + " levels" + at;
    }
    if (ec == json::error::extra_data) {
        return "body is not valid JSON: unexpected data after the JSON value" + at;
    }
    return "body is not valid JSON: " + ec.message() + at;
}

std::string Collector::summary(const std::vector<Problem>& problems, std::string_view one,
                               std::string_view many) {
    // One problem says itself ("to_address.zip is required"); several are counted, as API.md's
    // example does ("2 fields are invalid").
    if (problems.size() == 1) return problems.front().field + " " + problems.front().message;
    (void)one;
    return std::to_string(problems.size()) + " fields " + std::string(many);
}

std::string join(std::string_view prefix, std::string_view key) {
    if (prefix.empty()) return std::string(key);
    std::string out;
    out.reserve(prefix.size() + 1 + key.size());
    out += prefix;
    out += '.';
    out += key;
    return out;
}

std::string at_index(std::string_view prefix, std::size_t index) {
    return std::string(prefix) + "[" + std::to_string(index) + "]";
}

std::optional<std::string> read_string(const json::object& obj, std::string_view key,
                                       const std::string& path, const StringRule& rule,
                                       Collector& problems) {
    const json::value* v = member(obj, key);
    if (v == nullptr) {
        if (rule.required) problems.invalid(path, "is required");
        return std::nullopt;
    }
    if (!v->is_string()) {
        problems.wrong_type(path, "must be a string");
        return std::nullopt;
    }
    const std::string_view text = v->get_string();
    if (rule.required && is_blank(text)) {
        problems.invalid(path, "is required");
        return std::nullopt;
    }
    if (has_control_chars(text, rule.allow_line_breaks)) {
        problems.invalid(path, "must not contain control characters");
        return std::nullopt;
    }
    if (shipd::text::utf8_length(text) > rule.max_chars) {
        problems.invalid(path, "must be at most " + std::to_string(rule.max_chars) + " characters");
        return std::nullopt;
    }
    return std::string(text);
}

std::optional<double> read_number(const json::object& obj, std::string_view key,
                                  const std::string& path, bool required, Collector& problems) {
    const json::value* v = member(obj, key);
    if (v == nullptr) {
        if (required) problems.invalid(path, "is required");
        return std::nullopt;
    }
    double number = 0;
    if (v->is_double()) {
        number = v->get_double();
    } else if (v->is_int64()) {
        number = static_cast<double>(v->get_int64());
    } else if (v->is_uint64()) {
        number = static_cast<double>(v->get_uint64());
    } else {
        problems.wrong_type(path, "must be a number");
        return std::nullopt;
    }
    // Boost.JSON reads 1e400 as infinity: a number, but not one that fits any field.
    if (!std::isfinite(number)) {
        problems.invalid(path, "is too large");
        return std::nullopt;
    }
    return number;
}

std::optional<bool> read_bool(const json::object& obj, std::string_view key,
                              const std::string& path, Collector& problems) {
    const json::value* v = member(obj, key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) {
        problems.wrong_type(path, "must be true or false");
        return std::nullopt;
    }
    return v->get_bool();
}

const json::object* read_object(const json::object& obj, std::string_view key,
                                const std::string& path, bool required, Collector& problems) {
    const json::value* v = member(obj, key);
    if (v == nullptr) {
        if (required) problems.invalid(path, "is required");
        return nullptr;
    }
    if (!v->is_object()) {
        problems.wrong_type(path, "must be an object");
        return nullptr;
    }
    return &v->get_object();
}

const json::array* read_array(const json::object& obj, std::string_view key,
                              const std::string& path, bool required, Collector& problems) {
    const json::value* v = member(obj, key);
    if (v == nullptr) {
        if (required) problems.invalid(path, "is required");
        return nullptr;
    }
    if (!v->is_array()) {
        problems.wrong_type(path, "must be an array");
        return nullptr;
    }
    return &v->get_array();
}

}  // namespace shipd::domain::detail
