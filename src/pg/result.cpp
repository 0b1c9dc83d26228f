// Result / Row lookups and the decode errors.
#include "pg/result.hpp"

#include "pg/copy_text.hpp"

#include <cstdlib>

namespace shipd::pg {

namespace detail {

void throw_decode_error(std::string_view column, std::string_view type, std::string_view value) {
    std::string shown(value.substr(0, 64));
    throw ResultError("column '" + std::string(column) + "': '" + shown + "' is not a " +
                      std::string(type));
}

void throw_null_error(std::string_view column) {
    throw ResultError("column '" + std::string(column) +
                      "' is NULL: read it as std::optional<T>");
}

}  // namespace detail

Field Row::operator[](int column) const {
    if (column < 0 || column >= PQnfields(result_)) {
        throw ResultError("no column " + std::to_string(column) + " in a result of " +
                          std::to_string(PQnfields(result_)));
    }
    return Field(result_, row_, column);
}

Field Row::operator[](std::string_view column) const {
    for (int i = 0; i < PQnfields(result_); ++i) {
        if (column == PQfname(result_, i)) return Field(result_, row_, i);
    }
    throw ResultError("no column named '" + std::string(column) + "'");
}

std::uint64_t Result::rows_affected() const noexcept {
    if (!result_) return 0;
    const char* n = PQcmdTuples(result_.get());
    return (n && *n) ? std::strtoull(n, nullptr, 10) : 0;
}

Row Result::operator[](std::size_t row) const& {
    if (row >= size()) {
        throw ResultError("row " + std::to_string(row) + " of a result of " +
                          std::to_string(size()));
    }
    return Row(result_.get(), static_cast<int>(row));
}

Row Result::one() const& {
    if (size() != 1) {
        throw ResultError("expected exactly one row, got " + std::to_string(size()));
    }
    return Row(result_.get(), 0);
}

std::optional<Row> Result::maybe_one() const& {
    if (size() == 0) return std::nullopt;
    if (size() > 1) throw ResultError("expected at most one row, got " + std::to_string(size()));
    return Row(result_.get(), 0);
}

}  // namespace shipd::pg

namespace shipd::pg {

void append_copy_field(std::string& buffer, std::optional<std::string_view> value) {
    if (!value) {
        buffer += "\\N";
        return;
    }
    for (char c : *value) {
        switch (c) {
            case '\\': buffer += "\\\\"; break;
            case '\t': buffer += "\\t"; break;
            case '\n': buffer += "\\n"; break;
            case '\r': buffer += "\\r"; break;
            default: buffer.push_back(c);
        }
    }
}

void append_copy_row(std::string& buffer, const Params& row) {
    bool first = true;
    for (const auto& value : row.values()) {
        if (!first) buffer.push_back('\t');
        first = false;
        append_copy_field(buffer, value ? std::optional<std::string_view>(*value) : std::nullopt);
    }
    buffer.push_back('\n');
}

}  // namespace shipd::pg
